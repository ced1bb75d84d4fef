import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefinition } from '@lupaus/core';
import { openDatabase } from '@lupaus/db';
import { openTestDatabase } from '@lupaus/db/testing';
import type { Actor, Clock, Register } from './context';
import { randomKeys } from './crypto/vault';
import { assembleRegister, DEFINITION_FILE, EXAMPLES_DIR } from './register/open-register';

export { decodeMail, startTestSmtpServer } from './notifications/smtp-test-server';

/** The operator tests act as: an administrator. */
export const TEST_ADMIN: Actor = { id: 'test-admin', roles: ['administrator'] };

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
