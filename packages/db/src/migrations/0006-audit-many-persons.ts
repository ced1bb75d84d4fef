import { type Kysely, sql } from 'kysely';

/**
 * One audit row may name many persons (R6.4): a batch that writes for a thousand persons at once (ingestion of
 * interactions, an import, an update-service batch) leaves one row per batch, kind and source with the persons in
 * `person_ids`, not a thousand rows. A search by person finds a row by `person_id` or by `person_ids` (GIN).
 * Rows written before keep `person_ids` null, and the chain's serialisation covers the column only when it is set,
 * so their hashes still verify. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_log add column person_ids uuid[]`.execute(db);
  await sql`create index audit_log_person_ids on audit_log using gin (person_ids)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists audit_log_person_ids`.execute(db);
  await sql`alter table audit_log drop column if exists person_ids`.execute(db);
}
