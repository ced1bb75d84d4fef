import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './dialect/pglite-dialect';
import { migrationProvider } from './migrations/index';
import type { Database } from './types';

export type DatabaseKind = 'pglite' | 'postgres';

export interface OpenDatabaseOptions {
  /** A PostgreSQL connection string; when given, the server is used instead of PGlite. */
  url?: string | undefined;
  /** PGlite's data directory; omitted means in memory (tests). */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

// The same JavaScript values from both backends: dates as 'YYYY-MM-DD' strings, int8 as strings
// (ids of the audit log can outgrow 2^53), bytea as Buffer.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (v: string) => v);
export const pgliteParsers = {
  [DATE_OID]: (v: string) => v,
  20: (v: string) => v,
  17: (v: string) => Buffer.from(v.slice(2), 'hex'),
};

/**
 * Opens the register's database: PGlite (embedded, in a data directory) by default, a PostgreSQL server when
 * `url` is given. Runs the migrations before returning.
 *
 * @example
 * ```ts
 * const { db, close } = await openDatabase({ dataDir: '.lupaus/pgdata' });
 * const n = await db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
 * await close();
 * ```
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: { pg_trgm },
    parsers: pgliteParsers,
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  await migrate(db);
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause}`);
  }
}
