import { randomInt } from 'node:crypto';
import type { ProblemDetail } from '@lupaus/core';
import { type Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Passwords (R6.1): stored only as argon2id hashes (PHC strings, `$argon2id$…`), checked against a small policy,
 * and one-time passwords made from a crypto-random source.
 */

/** `Algorithm.Argon2id` (an ambient const enum, which isolated modules cannot read). */
const ARGON2ID = 2 as Algorithm;
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Passwords that pass the length rule and are still the first ones guessed. */
const COMMON_PASSWORDS = new Set([
  'password1234',
  'password12345',
  'password123456',
  '123456789012',
  '1234567890123',
  'qwertyuiopas',
  'qwerty123456',
  'qwertyuiop123',
  'salasana1234',
  'salasana12345',
  'salasana123456',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'administrator',
  'adminadmin123',
  'changeme1234',
  'passw0rd1234',
  'aaaaaaaaaaaa',
  'lupaus123456',
  'tervetuloa123',
  'kesä2024kesä',
]);

/** The problems of a new password (empty when it is acceptable), each at `at`. */
export function passwordProblems(password: unknown, username: string, at = 'password'): ProblemDetail[] {
  if (typeof password !== 'string') return [{ at, message: 'give a password' }];
  if (password.length < MIN_PASSWORD_LENGTH) {
    return [{ at, message: `a password has at least ${MIN_PASSWORD_LENGTH} characters` }];
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return [{ at, message: `a password has at most ${MAX_PASSWORD_LENGTH} characters` }];
  }
  const lower = password.toLowerCase();
  if (lower === username.toLowerCase()) return [{ at, message: 'a password may not be the username' }];
  if (COMMON_PASSWORDS.has(lower)) return [{ at, message: 'this password is too common: choose another' }];
  if (new Set(password).size < 4)
    return [{ at, message: 'a password needs more than 3 different characters' }];
  return [];
}

/** The argon2id hash of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** Whether the password matches the hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password, ARGON2_OPTIONS);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification against a hash no password matches, so that a wrong username takes as
 * long as a wrong password and the answer does not tell which usernames exist.
 */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword(`dummy-${randomInt(1 << 30)}-${Date.now()}`);
  await verifyPassword(await dummy, password);
  return false;
}

/** Letters and digits a person can read back without mixing them up (no 0/O, 1/l/I). */
const READABLE = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A crypto-random string of `length` readable characters (about 5.8 bits each). */
export function randomReadable(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += READABLE[randomInt(READABLE.length)];
  return out;
}

/** A one-time password: 24 crypto-random readable characters (about 139 bits), to be changed at first use. */
export function generateOneTimePassword(): string {
  return randomReadable(24);
}
