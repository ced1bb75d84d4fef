import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ERRORS, isLupausError } from '@lupaus/core';
import type { Actor, Register } from '@lupaus/engine';
import { openRegister } from '@lupaus/engine';
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

/** Until accounts exist, the command line acts as the one local operator. */
export const CLI_OPERATOR: Actor = { id: 'local-operator', roles: ['administrator'] };

/** Opens the register of the data directory, runs `fn` and closes it whatever happens. */
export async function withRegister<T>(
  opts: { dir?: string | undefined },
  fn: (reg: Register) => Promise<T>,
): Promise<T> {
  const url = databaseUrl();
  const reg = await openRegister({ dataDir: dataDirOf(opts), ...(url ? { databaseUrl: url } : {}) });
  try {
    return await fn(reg);
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
