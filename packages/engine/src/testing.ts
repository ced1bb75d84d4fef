import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LupausError, loadDefinition } from '@lupaus/core';
import { openDatabase } from '@lupaus/db';
import { openTestDatabase } from '@lupaus/db/testing';
import { Secret, TOTP } from 'otpauth';
import { confirmTotp } from './accounts/confirm-totp';
import { createUser } from './accounts/create-user';
import { enrolTotp } from './accounts/enrol-totp';
import { signCommitment } from './accounts/sign-commitment';
import type { Actor, Clock, Register } from './context';
import { randomKeys } from './crypto/vault';
import { assembleRegister, DEFINITION_FILE, EXAMPLES_DIR } from './register/open-register';

export { decodeMail, startTestSmtpServer } from './notifications/smtp-test-server';

/** The operator tests act as: an administrator. */
export const TEST_ADMIN: Actor = { id: 'test-admin', roles: ['administrator'], commitmentSigned: true };

/**
 * A register on a fresh test database (PGlite in memory, or a new database on the server named by
 * LUPAUS_TEST_DATABASE_URL, or `opts.databaseUrl`), with an example definition and random keys.
 */
export async function openTestRegister(
  example = '003-auntie',
  opts: { databaseUrl?: string; clock?: Clock; definitionSource?: string } = {},
): Promise<Register> {
  const source = opts.definitionSource ?? readFileSync(join(EXAMPLES_DIR, example, DEFINITION_FILE), 'utf8');
  const loaded = loadDefinition(source);
  if (!loaded.ok)
    throw new Error(`example ${example} does not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const handle = opts.databaseUrl ? await openDatabase({ url: opts.databaseUrl }) : await openTestDatabase();
  return assembleRegister({
    definition: loaded.definition,
    handle,
    keys: randomKeys(),
    dataDir: '',
    clock: opts.clock,
  });
}

/** A clock a test moves by hand. */
export function fixedClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = new Date(iso);
    },
  };
}

/** A password that passes the password policy, for test users. */
export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * Adds a user for a test (R6.1): with `TEST_PASSWORD`, the given roles, and (with `totp`) a confirmed second
 * factor whose base32 secret is returned, so that the test can compute codes (`totpCode`).
 */
export async function addTestUser(
  reg: Register,
  opts: { username?: string; roles?: string[]; totp?: boolean; signCommitment?: boolean } = {},
): Promise<{ id: string; username: string; password: string; totpSecret?: string }> {
  const username = opts.username ?? `user${Math.floor(Math.random() * 1e9)}`;
  const { user } = await createUser(reg, TEST_ADMIN, {
    username,
    displayName: username,
    roles: opts.roles ?? ['customer_service'],
    password: TEST_PASSWORD,
  });
  const actor: Actor = { id: user.id, roles: user.roles, commitmentSigned: false };
  let totpSecret: string | undefined;
  if (opts.totp) {
    totpSecret = (await enrolTotp(reg, actor)).secret;
    // The enrolment code is of the step before, so that a code of the current step still signs in.
    await confirmTotp(reg, actor, totpCode(totpSecret, new Date(reg.clock.now().getTime() - 30_000)));
  }
  if (opts.signCommitment) {
    await signCommitment(reg, actor);
  }
  return { id: user.id, username, password: TEST_PASSWORD, ...(totpSecret ? { totpSecret } : {}) };
}

/** The TOTP code of a base32 secret at a time (what an authenticator app shows). */
export function totpCode(secretBase32: string, at: Date): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    timestamp: at.getTime(),
    period: 30,
    digits: 6,
  });
}

/**
 * The LupausError a promise rejects with (any other error is rethrown; a promise that resolves fails the test).
 *
 * @example
 * ```ts
 * expect((await rejection(createPerson(reg, actor, bad))).code).toBe('VALIDATION_FAILED');
 * ```
 */
export async function rejection(p: Promise<unknown>): Promise<LupausError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LupausError) return e;
    throw e;
  }
  throw new Error('expected a LupausError');
}
