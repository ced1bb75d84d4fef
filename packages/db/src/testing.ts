import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import pg from 'pg';
import { type DatabaseHandle, migrate, openDatabase, pgliteParsers } from './connect';
import { PGliteDialect } from './dialect/pglite-dialect';
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

export async function openTestDatabase(): Promise<DatabaseHandle> {
  if (TEST_DATABASE_URL) {
    const name = `lupaus_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ url: url.toString(), poolSize: 4 });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
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
        await c.end();
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
