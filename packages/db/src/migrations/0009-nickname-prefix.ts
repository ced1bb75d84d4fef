import { type Kysely, sql } from 'kysely';

/**
 * A name search matches the prefix of the first name, last name or nickname (R2.7), each by its own ordered index
 * scan that stops after the page of results: 0001 gave the first and last names their `text_pattern_ops`
 * indexes, this gives the nickname one, so that no prefix search reads the whole persons table. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index persons_nickname_prefix on persons (lower(nickname) text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists persons_nickname_prefix`.execute(db);
}
