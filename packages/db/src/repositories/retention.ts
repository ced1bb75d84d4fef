import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Executor } from '../executor';
import type { RetentionRunsTable } from '../types';

/**
 * Retention runs (R5.2): one row per run of the sweep, its status and its report. A run writes its progress into
 * its own row in the transaction of each batch, so the row of a run killed midway says what it had done.
 */
export type RetentionRunRow = Selectable<RetentionRunsTable>;

export async function insertRetentionRun(
  db: Executor,
  row: {
    id: string;
    asOf: Date;
    dryRun: boolean;
    status: RetentionRunRow['status'];
    startedAt: Date;
    actor: string;
    report?: Record<string, unknown>;
    finishedAt?: Date;
  },
): Promise<void> {
  await db
    .insertInto('retention_runs')
    .values({
      id: row.id,
      as_of: row.asOf,
      dry_run: row.dryRun,
      status: row.status,
      started_at: row.startedAt,
      finished_at: row.finishedAt ?? null,
      actor: row.actor,
      report: JSON.stringify(row.report ?? {}),
    })
    .execute();
}

export async function updateRetentionRun(
  db: Executor,
  id: string,
  patch: {
    status?: RetentionRunRow['status'];
    finishedAt?: Date;
    report?: Record<string, unknown>;
    error?: string | null;
  },
): Promise<void> {
  await db
    .updateTable('retention_runs')
    .set({
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.finishedAt ? { finished_at: patch.finishedAt } : {}),
      ...(patch.report ? { report: JSON.stringify(patch.report) } : {}),
      ...(patch.error !== undefined ? { error: patch.error } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Marks runs left `running` by a process that died as `interrupted`; returns their ids. */
export async function markInterruptedRuns(db: Executor, at: Date): Promise<string[]> {
  const rows = await db
    .updateTable('retention_runs')
    .set({ status: 'interrupted', finished_at: at })
    .where('status', '=', 'running')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function findRetentionRun(db: Executor, id: string): Promise<RetentionRunRow | undefined> {
  return db.selectFrom('retention_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs, newest first, a page at a time (`after`: the id of the last run of the previous page). */
export async function listRetentionRuns(
  db: Executor,
  opts: { limit: number; after?: string | undefined },
): Promise<RetentionRunRow[]> {
  let q = db.selectFrom('retention_runs').selectAll();
  if (opts.after) q = q.where('id', '<', opts.after);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

/** A number for PostgreSQL's advisory lock of the retention sweep ("LUPA" in ASCII). */
export const RETENTION_LOCK_KEY = 0x4c555041;

export async function tryRetentionLock(db: Executor): Promise<boolean> {
  const r = await sql<{
    ok: boolean;
  }>`select pg_try_advisory_lock(${sql.lit(RETENTION_LOCK_KEY)}) as ok`.execute(db);
  return r.rows[0]?.ok === true;
}

export async function releaseRetentionLock(db: Executor): Promise<void> {
  await sql`select pg_advisory_unlock(${sql.lit(RETENTION_LOCK_KEY)})`.execute(db);
}
