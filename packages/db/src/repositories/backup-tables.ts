import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type DatabaseHandle, pgliteParsers } from '../connect';
import { PGliteDialect } from '../dialect/pglite-dialect';
import type { Executor } from '../executor';
import { migrationProvider, migrations } from '../migrations/index';
import type { Database } from '../types';

/**
 * The database side of backup and restore (issue 8): every table of the register read in pages as the database
 * prints its rows (`row_to_json`, UTC), in an order both backends agree on, and written back from those texts.
 * The text of a row is the unit of the backup format and of its checksums, so a backup made on PGlite restores
 * into PostgreSQL and back, and the checksums compare what each database says it holds.
 */
export interface BackupTable {
  name: string;
  /** Primary key columns, in key order; rows are read in this order (text columns by code point). */
  key: { name: string; text: boolean }[];
  /** Columns a restore writes (all but generated ones). */
  columns: string[];
  /** Identity columns: written as they were (`overriding system value`), their sequences moved past them. */
  identity: string[];
}

const EXCLUDED = new Set(['kysely_migration', 'kysely_migration_lock']);

/**
 * Every table of the register in dependency order (a table after the tables its foreign keys name), so that a
 * restore inserts parents first. The order is by name among tables that do not depend on each other.
 */
export async function listBackupTables(db: Executor): Promise<BackupTable[]> {
  const cols = await sql<{
    table: string;
    column: string;
    generated: string;
    identity: string;
    type: string;
    key_pos: number | null;
  }>`select c.relname as table, a.attname as column, a.attgenerated as generated, a.attidentity as identity,
      format_type(a.atttypid, a.atttypmod) as type,
      (select array_position(k.conkey, a.attnum) from pg_constraint k where k.conrelid = c.oid and k.contype = 'p') as key_pos
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = current_schema() and c.relkind in ('r', 'p')
    order by c.relname, a.attnum`.execute(db);
  const fks = await sql<{ child: string; parent: string }>`select cc.relname as child, pc.relname as parent
    from pg_constraint k join pg_class cc on cc.oid = k.conrelid join pg_class pc on pc.oid = k.confrelid
    join pg_namespace n on n.oid = cc.relnamespace
    where n.nspname = current_schema() and k.contype = 'f'`.execute(db);
  const tables = new Map<string, BackupTable>();
  const keyPos = new Map<string, { name: string; text: boolean; pos: number }[]>();
  for (const c of cols.rows) {
    if (EXCLUDED.has(c.table)) continue;
    let t = tables.get(c.table);
    if (!t) {
      t = { name: c.table, key: [], columns: [], identity: [] };
      tables.set(c.table, t);
      keyPos.set(c.table, []);
    }
    if (c.generated === '') t.columns.push(c.column);
    if (c.identity !== '') t.identity.push(c.column);
    if (c.key_pos !== null) {
      keyPos.get(c.table)!.push({ name: c.column, text: /^(text|character)/.test(c.type), pos: c.key_pos });
    }
  }
  for (const [name, ks] of keyPos) {
    tables.get(name)!.key = ks.sort((a, b) => a.pos - b.pos).map(({ name: n, text }) => ({ name: n, text }));
  }
  // Kahn's algorithm over the foreign keys; a self-reference does not order anything.
  const parents = new Map<string, Set<string>>([...tables.keys()].map((t) => [t, new Set<string>()]));
  for (const f of fks.rows) {
    if (f.child !== f.parent && tables.has(f.child) && tables.has(f.parent))
      parents.get(f.child)!.add(f.parent);
  }
  const ordered: BackupTable[] = [];
  const done = new Set<string>();
  while (done.size < tables.size) {
    const ready = [...tables.keys()]
      .filter((t) => !done.has(t) && [...parents.get(t)!].every((p) => done.has(p)))
      .sort();
    if (ready.length === 0) throw new Error('the tables’ foreign keys form a cycle; no restore order exists');
    for (const t of ready) {
      done.add(t);
      ordered.push(tables.get(t)!);
    }
  }
  return ordered;
}

function keyExpr(t: BackupTable, alias: string) {
  return sql.join(
    t.key.map((k) =>
      k.text ? sql`${sql.ref(`${alias}.${k.name}`)} collate "C"` : sql.ref(`${alias}.${k.name}`),
    ),
  );
}

/**
 * One page of a table's rows as the database prints them (`row_to_json`, times in UTC), in key order after the
 * row `after` (its text, as this function returned it) or from the start. Call inside one REPEATABLE READ
 * transaction for a consistent backup; `set local timezone` makes the texts the same on every server.
 */
export async function readTablePage(
  db: Executor,
  table: BackupTable,
  after: string | null,
  limit: number,
): Promise<string[]> {
  if (table.key.length === 0) throw new Error(`table ${table.name} has no primary key to read it in order`);
  const tbl = sql.table(table.name);
  const where =
    after === null
      ? sql`true`
      : sql`(${keyExpr(table, 't')}) > (select ${keyExpr(table, 'k')} from json_populate_record(null::${tbl}, ${after}::json) k)`;
  const r = await sql<{ r: string }>`select row_to_json(t)::text as r from ${tbl} t where ${where}
    order by ${keyExpr(table, 't')} limit ${sql.lit(limit)}`.execute(db);
  return r.rows.map((x) => x.r);
}

/** Sets the session's (or the transaction's) time zone to UTC, so that rows print alike on every backend. */
export async function printInUtc(db: Executor): Promise<void> {
  await sql`set local timezone = 'UTC'`.execute(db);
}

/** Inserts rows given as the texts `readTablePage` returned (one statement, one JSON parameter). */
export async function insertTableRows(
  db: Executor,
  table: BackupTable,
  rows: readonly string[],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = sql.join(table.columns.map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(table.name)} (${cols}) ${table.identity.length > 0 ? sql`overriding system value` : sql``}
    select ${cols} from json_populate_recordset(null::${sql.table(table.name)}, ${`[${rows.join(',')}]`}::json)`.execute(
    db,
  );
}

/** Empties every table (in one statement, so foreign keys do not mind the order). */
export async function emptyTables(db: Executor, tables: readonly BackupTable[]): Promise<void> {
  if (tables.length === 0) return;
  await sql`truncate ${sql.join(tables.map((t) => sql.table(t.name)))} restart identity`.execute(db);
}

/** Moves each identity column's sequence past the largest value restored, so new rows never collide. */
export async function resetIdentities(db: Executor, table: BackupTable): Promise<void> {
  for (const c of table.identity) {
    await sql`select setval(pg_get_serial_sequence(${table.name}, ${c}),
      coalesce((select max(${sql.ref(c)}) from ${sql.table(table.name)}), 0) + 1, false)`.execute(db);
  }
}

/** Whether the register holds anything of its own: persons, organisations or user accounts. */
export async function registerHoldsData(db: Executor): Promise<{ table: string; rows: number }[]> {
  const r = await sql<{
    table: string;
    n: number;
  }>`select 'persons' as table, (select count(*)::int from persons) as n
    union all select 'organisations', (select count(*)::int from organisations)
    union all select 'users', (select count(*)::int from users)`.execute(db);
  return r.rows.filter((x) => x.n > 0).map((x) => ({ table: x.table, rows: x.n }));
}

/** The migrations this program knows, in order (the schema version is the last one applied). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations).sort();

/** The migrations applied to a database, in order; empty for a database that was never migrated. */
export async function appliedMigrations(db: Executor): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`select to_regclass('kysely_migration')::text as t`.execute(
    db,
  );
  if (!exists.rows[0]?.t) return [];
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Runs the migrations up to and including `name` (a restore loads a backup into the schema it was made in). */
export async function migrateUpTo(db: Kysely<Database>, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateTo(name);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause}`);
  }
}

/**
 * Opens a database like `openDatabase` but runs no migration: a restore brings it to the backup's version first.
 */
export async function openDatabaseUnmigrated(options: {
  url?: string | undefined;
  dataDir?: string | undefined;
}): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: 2 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
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

/** A page of the storage keys of stored files, in code-point order after `after`. */
export async function storageKeysPage(db: Executor, after: string | null, limit: number): Promise<string[]> {
  const r = await sql<{ k: string }>`select storage_key as k from files
    where ${after === null ? sql`true` : sql`storage_key collate "C" > ${after}`}
    order by storage_key collate "C" limit ${sql.lit(limit)}`.execute(db);
  return r.rows.map((x) => x.k);
}
