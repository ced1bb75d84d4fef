import type { Kysely } from 'kysely';

/**
 * The database files' scrub, owed after an erasure (R4.4, issue 8: crash safety).
 *
 * `scrub_queue`: one row per committed erasure or anonymisation that changed something (and per retention batch
 * that deleted persons or their fields), written in that transaction, so that the mark commits with what it
 * marks. `scrubErasedData` reads the rows present, scrubs the database files (old versions of deleted rows) and
 * then deletes exactly the rows it read: an erasure that commits while a scrub runs keeps its row for the next
 * scrub, and a process killed between an erasure and its scrub (or between the scrub and the delete) leaves the
 * row for the next retention run or `lupaus erasures resume` in any process. A row holds its time only: no
 * person, no id of anything erased. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scrub_queue')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  // No index but the key: the queue holds the erasures since the last scrub, a handful of rows.
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scrub_queue').ifExists().execute();
}
