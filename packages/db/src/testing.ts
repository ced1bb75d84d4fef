import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import pg from 'pg';
import { type DatabaseHandle, migrate, openDatabase, pgliteParsers } from './connect';
import { PGliteDialect } from './dialect/pglite-dialect';
import type { FixturePerson } from './scripts/make-upgrade-fixture';
import type { Database } from './types';

/**
 * A fresh, migrated database for one test: PGlite in memory by default, or a new database on the PostgreSQL
 * server named by LUPAUS_TEST_DATABASE_URL (dropped again on close). One suite, both backends; CI runs both.
 *
 * A PGlite initdb costs seconds, so the first call migrates one template and later calls load its dump.
 */
export const TEST_DATABASE_URL = process.env.LUPAUS_TEST_DATABASE_URL;

let template: Promise<File | Blob> | undefined;

async function pgliteTemplate(): Promise<File | Blob> {
  template ??= (async () => {
    const pglite = await PGlite.create({ extensions: { pg_trgm }, parsers: pgliteParsers });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrate(db);
    const dump = await pglite.dumpDataDir('none');
    await db.destroy();
    await pglite.close();
    return dump;
  })();
  return template;
}

/**
 * A new, EMPTY database (no migrations) on the server at `serverUrl` (default LUPAUS_TEST_DATABASE_URL), named
 * `<prefix>_<random>`: its URL, and `drop`, which waits for its connections to close before dropping it.
 *
 * @example
 * ```ts
 * const server = await createServerDatabase('lupaus_upgrade');
 * try { await openRegister({ dataDir, databaseUrl: server.url }); } finally { await server.drop(); }
 * ```
 */
export async function createServerDatabase(
  prefix: string,
  serverUrl: string | undefined = TEST_DATABASE_URL,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  if (!serverUrl) throw new Error('createServerDatabase needs a server (LUPAUS_TEST_DATABASE_URL)');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        // pg's pool.end() resolves before its clients' connections have closed; a forced drop would then
        // terminate them mid-close, an unhandled error in the test run. Wait (up to 5 s) for them to go.
        for (let i = 0; i < 100; i++) {
          const r = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
            name,
          ]);
          if (r.rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function openTestDatabase(): Promise<DatabaseHandle> {
  if (TEST_DATABASE_URL) {
    const server = await createServerDatabase('lupaus_test');
    const handle = await openDatabase({ url: server.url, poolSize: 4 });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        await server.drop();
      },
    };
  }
  const pglite = await PGlite.create({
    loadDataDir: await pgliteTemplate(),
    extensions: { pg_trgm },
    parsers: pgliteParsers,
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** The register at the oldest supported schema (issue 8, upgrades): see test/fixtures and make-upgrade-fixture.ts. */
export const UPGRADE_FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures');

export interface UpgradeFixture {
  schema: string;
  pgliteVersion: string;
  /** The register's keys, base64 (as in keys.json). */
  keys: { encryption: string; lookup: string };
  persons: FixturePerson[];
  organisation: { id: string; name: string; business_id: string };
  contactRole: { id: string; personId: string };
  audit: { rows: number; head: string };
}

/** What the fixture holds (register-0001.json), and its two forms: SQL, and a PGlite data directory (tar). */
export function readUpgradeFixture(): UpgradeFixture & { sql(): string; pgliteDataDir(): Blob } {
  const fixture = JSON.parse(
    readFileSync(join(UPGRADE_FIXTURE_DIR, 'register-0001.json'), 'utf8'),
  ) as UpgradeFixture;
  return {
    ...fixture,
    sql: () => readFileSync(join(UPGRADE_FIXTURE_DIR, 'register-0001.sql'), 'utf8'),
    pgliteDataDir: () =>
      new Blob([
        brotliDecompressSync(readFileSync(join(UPGRADE_FIXTURE_DIR, 'register-0001.pglite.tar.br'))),
      ]),
  };
}
