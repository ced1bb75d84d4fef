import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { ERRORS, isLupausError, LupausError, rolesOf } from '@lupaus/core';
import type { Actor, Register } from '@lupaus/engine';
import { authenticateToken, openRegister } from '@lupaus/engine';
import { CommanderError } from 'commander';

/**
 * What every command shares: where the register lives, who acts, and how a failure is told.
 *
 * The data directory is `--dir`, else `LUPAUS_DATA_DIR`, else `./.lupaus`; the database is PGlite in the data
 * directory unless `DATABASE_URL` names a PostgreSQL server.
 */
export const DEFAULT_DATA_DIR = '.lupaus';

export function dataDirOf(opts: { dir?: string | undefined }): string {
  return resolve(opts.dir ?? process.env.LUPAUS_DATA_DIR ?? DEFAULT_DATA_DIR);
}

export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && url.trim() !== '' ? url : undefined;
}

export function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, 'register.yaml'));
}

/**
 * The local operator: whoever runs `lupaus` on the machine that holds the data directory without
 * LUPAUS_TOKEN. They act as every role of the definition, with the commitment counted as signed, and are
 * recorded in the audit trail as `cli:<os user>`. This is no weaker than the truth: whoever can read the data
 * directory and its `keys.json` (or the database and the keys in the environment) holds all the data anyway,
 * with or without an account. To act with least privilege on the command line too, set LUPAUS_TOKEN to an API
 * token (`lupaus token create`): every command then acts as the token's user within its scopes (R6.1, R6.2).
 */
export function localOperator(reg: Register): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username || name;
  } catch {
    // No user name on this system (a container without /etc/passwd entry).
  }
  return { id: `cli:${name}`, roles: rolesOf(reg.definition).map((r) => r.id), commitmentSigned: true };
}

/**
 * Who runs a command: the user of LUPAUS_TOKEN, limited to its scopes, or else the local operator. A token
 * that is unknown, revoked or expired is refused (UNAUTHENTICATED), never silently replaced by the operator.
 */
export async function resolveActor(reg: Register): Promise<Actor> {
  const token = process.env.LUPAUS_TOKEN?.trim();
  if (!token) return localOperator(reg);
  const actor = await authenticateToken(reg, token);
  if (!actor) {
    throw new LupausError('UNAUTHENTICATED', {}, [
      { at: 'LUPAUS_TOKEN', message: 'the token is unknown, revoked or expired' },
    ]);
  }
  return actor;
}

/** Opens the register of the data directory, runs `fn` as the resolved actor and closes it whatever happens. */
export async function withRegister<T>(
  opts: { dir?: string | undefined },
  fn: (reg: Register, actor: Actor) => Promise<T>,
): Promise<T> {
  const url = databaseUrl();
  const reg = await openRegister({ dataDir: dataDirOf(opts), ...(url ? { databaseUrl: url } : {}) });
  try {
    return await fn(reg, await resolveActor(reg));
  } finally {
    await reg.close();
  }
}

/** A failure the command has already explained; `main` exits with its code and prints nothing more. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

/**
 * Tells a failure on stderr and returns the exit code: a `LupausError` with its message and each problem, a
 * usage error with 2, anything else with its message only. Never a stack trace.
 */
export function reportError(
  e: unknown,
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): number {
  if (e instanceof ExitError) {
    if (e.message) write(e.message);
    return e.exitCode;
  }
  if (e instanceof CommanderError) {
    // Commander has printed the usage error already.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (isLupausError(e)) {
    // The message of a LupausError repeats its first problem; the problems are listed below it.
    write(`error: ${e.problems.length > 0 ? ERRORS[e.code].message : e.message}`);
    for (const p of e.problems) write(`  ${p.at}: ${p.message}`);
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  write(`error: ${message.split('\n')[0]}`);
  return 1;
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
