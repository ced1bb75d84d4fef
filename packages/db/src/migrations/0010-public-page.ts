import { type Kysely, sql } from 'kysely';

/**
 * The data subject's public page (issue 7 item 6, R7.2).
 *
 * `public_requests`: a request sent on the public page, waiting for its requester to open the one-time link
 * emailed to the address given. Only the SHA-256 of the link's token is kept (`token_hash`); the link works once
 * (`used_at`) and until `expires_at`. The address and the name given are kept only until the link is used or
 * expires (then set null or the row deleted): the register's request (`request_ids`, the `requests` rows made on
 * verification) holds what stays. No column names a person: the person is found by the address only when the
 * link is used, and reached through the request (whose person an erasure sets null).
 *
 * `subject_sessions`: the short session of a requester who opened the link: the SHA-256 of its cookie's token,
 * its CSRF token, the public request it came from, and its expiry. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('public_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('given_name', 'text')
    .addColumn('message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    /** What the link found: matched (one person), none, several. */
    .addColumn('outcome', 'text')
    .addColumn('request_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`))
    .execute();
  await sql`create index public_requests_expires on public_requests (expires_at)`.execute(db);

  await db.schema
    .createTable('subject_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('public_request_id', 'uuid', (c) =>
      c.notNull().references('public_requests.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index subject_sessions_public_request on subject_sessions (public_request_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('subject_sessions').ifExists().execute();
  await db.schema.dropTable('public_requests').ifExists().execute();
}
