import { type Kysely, sql } from 'kysely';

/**
 * A person's last service contact moves with every contact an ingested batch carries (issue 3): up to one
 * UPDATE of persons per event. Indexed, each such update wrote a new entry into every index of persons (names,
 * trigrams, customer number...) and took a third of an ingestion batch on PGlite (bench/README.md). Without
 * the index, and with room left on each page of persons, the update stays on its page (a HOT update) and
 * touches no index. The retention sweep, which judges ended relationships from the last contact once a day,
 * reads persons in one sequential scan instead. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index persons_last_contact`.execute(db);
  await sql`alter table persons set (fillfactor = 85)`.execute(db);
}
