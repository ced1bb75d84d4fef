import { sql } from 'kysely';
import type { Register } from '../context';

/**
 * Import runs left `running` by a process that died (issue 8: a SIGKILL, a power cut) are marked `failed` with
 * the error "interrupted", so that the list of runs never shows a run going on that nobody runs; the batches it
 * committed stay (each batch one transaction with its counts) and a rerun of the file completes it.
 *
 * Whether a run's process is alive: on PGlite one process holds the data directory, so a run is alive only if
 * this process runs it; on a PostgreSQL server each run holds a session advisory lock (keyed by its id) on a
 * connection of its own for its whole duration, which the server drops when the process dies.
 */
const LOCK_CLASS = 0x4c49; // "LI": Lupaus imports
const alive = new WeakMap<object, Set<string>>();

export const INTERRUPTED_IMPORT =
  'interrupted: the process running the import stopped before it finished; the batches counted were written, run the file again to complete it';

/** Runs `fn` with the run `runId` marked alive (see above), from before its row is written until its end. */
export async function withLiveImportRun<T>(reg: Register, runId: string, fn: () => Promise<T>): Promise<T> {
  const mine = alive.get(reg.db) ?? new Set<string>();
  alive.set(reg.db, mine);
  mine.add(runId);
  try {
    if (reg.dbKind !== 'postgres') return await fn();
    return await reg.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${sql.lit(LOCK_CLASS)}, hashtext(${runId}))`.execute(conn);
      try {
        return await fn();
      } finally {
        await sql`select pg_advisory_unlock(${sql.lit(LOCK_CLASS)}, hashtext(${runId}))`.execute(conn);
      }
    });
  } finally {
    mine.delete(runId);
  }
}

/** Marks the `running` import runs whose process has died as failed (interrupted); returns their ids. */
export async function markInterruptedImportRuns(reg: Register): Promise<string[]> {
  const mine = alive.get(reg.db) ?? new Set<string>();
  const running = (
    await reg.db.selectFrom('import_runs').select('id').where('status', '=', 'running').execute()
  ).filter((r) => !mine.has(r.id));
  if (running.length === 0) return [];
  let dead: string[];
  if (reg.dbKind !== 'postgres') {
    dead = running.map((r) => r.id);
  } else {
    dead = await reg.db.connection().execute(async (conn) => {
      const out: string[] = [];
      for (const r of running) {
        const got = await sql<{
          ok: boolean;
        }>`select pg_try_advisory_lock(${sql.lit(LOCK_CLASS)}, hashtext(${r.id})) as ok`.execute(conn);
        if (got.rows[0]?.ok !== true) continue;
        await sql`select pg_advisory_unlock(${sql.lit(LOCK_CLASS)}, hashtext(${r.id}))`.execute(conn);
        out.push(r.id);
      }
      return out;
    });
  }
  if (dead.length === 0) return [];
  await reg.db
    .updateTable('import_runs')
    .set({ status: 'failed', finished_at: reg.clock.now(), error: INTERRUPTED_IMPORT })
    .where('id', 'in', dead)
    .where('status', '=', 'running')
    .execute();
  return dead;
}
