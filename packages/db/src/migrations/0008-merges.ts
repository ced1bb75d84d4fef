import { type Kysely, sql } from 'kysely';

/**
 * Duplicates and merge (issue 6, R2.7).
 *
 * `person_merges`: one row per merge of a person (the merged one, whose row is gone) into another (the kept one):
 * when, by whom, how many rows of each table moved, and which fields were taken from the merged person or
 * dropped (field names only: a value not kept is not stored anywhere, in clear or otherwise). A later lookup of
 * the merged id finds the kept one here ("merged into …"). `merged_id` is unique: a person is merged once. There
 * is no foreign key to persons: the merged person is gone, and the record (ids only) outlives an erasure of the
 * kept person as audit rows do.
 *
 * `person_not_duplicates`: pairs staff judged not to be the same person, so that the list of likely duplicates
 * does not show them again; stored with the smaller id first. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('person_merges')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kept_id', 'uuid', (c) => c.notNull())
    .addColumn('merged_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    /** Rows moved from the merged person to the kept one, per table: { orders: 2, consents: 3, ... }. */
    .addColumn('moved', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    /** Fields whose value the kept person took from the merged one. */
    .addColumn('fields_taken', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    /** Fields whose value the merged person had and the kept person did not take (their values are gone). */
    .addColumn('fields_dropped', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await sql`create index person_merges_kept on person_merges (kept_id)`.execute(db);

  await db.schema
    .createTable('person_not_duplicates')
    .addColumn('person_a', 'uuid', (c) => c.notNull())
    .addColumn('person_b', 'uuid', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_not_duplicates_pk', ['person_a', 'person_b'])
    .addCheckConstraint('person_not_duplicates_order', sql`person_a < person_b`)
    .execute();
  await sql`create index person_not_duplicates_b on person_not_duplicates (person_b)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('person_not_duplicates').ifExists().execute();
  await db.schema.dropTable('person_merges').ifExists().execute();
}
