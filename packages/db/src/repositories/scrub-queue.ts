import { sql } from 'kysely';
import type { Executor } from '../executor';
import { arrayLiteral } from './records';

/**
 * The queue of scrubs owed (R4.4, migration 0011): one row per committed erasure that left old row versions in
 * the database files. Rows hold their time only, never personal data.
 */

/**
 * Marks a scrub as owed. Call inside the erasure's own transaction, so that the mark commits (or rolls back)
 * with the erasure.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute(async (tx) => {
 *   // … the erasure's deletes …
 *   await queueScrub(tx, now);
 * });
 * ```
 */
export async function queueScrub(tx: Executor, at: Date): Promise<void> {
  await tx.insertInto('scrub_queue').values({ at }).execute();
}

/** The ids of the scrubs owed (bigint as strings), oldest first; empty when none. */
export async function pendingScrubs(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('scrub_queue').select('id').orderBy('id').execute();
  return rows.map((r) => String(r.id));
}

/**
 * Deletes exactly the marks given (those read before a scrub that has now finished), so that a mark queued while
 * the scrub ran stays for the next one.
 *
 * @example
 * ```ts
 * const ids = await pendingScrubs(reg.db);
 * await scrub();
 * await clearScrubs(reg.db, ids);
 * ```
 */
export async function clearScrubs(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  // One array parameter: a sweep of a million persons leaves a mark per batch, more than a statement's parameters.
  await sql`delete from scrub_queue where id = any(${arrayLiteral(ids)}::bigint[])`.execute(db);
}

/** Whether any scrub is owed (one row is enough to know). */
export async function hasPendingScrubs(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('scrub_queue').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}
