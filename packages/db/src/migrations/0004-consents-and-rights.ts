import { type Kysely, sql } from 'kysely';

/**
 * Consents and the data subject's rights (issue 4): the history of consents and prohibitions per channel and
 * purpose (append-only), the suppression list, restrictions and objections, the data subject's requests with
 * their deadlines and events, the log of disclosures, and the outbox of notifications (art. 19 and the
 * subject's own notices).
 *
 * A suppression names a contact point by its keyed hash (the vault's lookup key), never in plain text: it
 * outlives the person's erasure so that a later import does not bring them back into marketing, and yet the
 * database holds none of their identifiers. A request outlives its person too (the proof that the right was
 * honoured): its person link becomes null on erasure and its details hold no identifiers. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function lupaus_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: a row is never changed, a new one is added', tg_table_name
        using errcode = 'P0001';
    end $$`.execute(db);

  await db.schema
    .createTable('consents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('given', 'withdrawn', 'prohibited')`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('evidence_text', 'text')
    .addColumn('evidence_file_id', 'uuid')
    .addColumn('notice_version', 'integer', (c) => c.notNull().references('notice_versions.version'))
    .addColumn('request_id', 'uuid')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index consents_person on consents (person_id, channel, purpose, at desc, id desc)`.execute(
    db,
  );
  await sql`create trigger consents_append_only before update on consents
    for each row execute function lupaus_append_only()`.execute(db);

  await db.schema
    .createTable('suppressions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    /** email | phone | address: which contact point `value_hash` is the keyed hash of. */
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('email', 'phone', 'address')`))
    .addColumn('value_hash', 'bytea', (c) => c.notNull())
    /** null: every marketing purpose. */
    .addColumn('purpose', 'text')
    .addColumn('reason', 'text', (c) =>
      c.notNull().check(sql`reason in ('objection', 'prohibition', 'import')`),
    )
    /** The imported list's name (an ASML restriction service, a DVV ban list ...). */
    .addColumn('list_name', 'text')
    .addColumn('valid_until', 'timestamptz')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index suppressions_value on suppressions (kind, value_hash)`.execute(db);

  await db.schema
    .createTable('requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('type', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`type in ('access', 'rectification', 'erasure', 'restriction', 'objection', 'portability', 'withdrawal', 'anonymisation')`,
        ),
    )
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('received', 'verified', 'blocked', 'completed', 'refused')`),
    )
    /** written (a signed letter, recorded by staff) | electronic. */
    .addColumn('received_via', 'text', (c) =>
      c.notNull().check(sql`received_via in ('written', 'electronic')`),
    )
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('extended_to', 'date')
    .addColumn('extension_reason', 'text')
    .addColumn('identity_verified_at', 'timestamptz')
    .addColumn('identity_method', 'text')
    .addColumn('identity_verified_by', 'text')
    /** Free unless manifestly unfounded or excessive (art. 12(5)); the reason is recorded. */
    .addColumn('charge', 'text', (c) =>
      c.notNull().defaultTo('free').check(sql`charge in ('free', 'fee', 'refused')`),
    )
    .addColumn('charge_reason', 'text')
    /** What the subject asked (fields to correct, channel and purpose, the particular situation ...): no identifiers. */
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('outcome', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index requests_person on requests (person_id)`.execute(db);
  await sql`create index requests_open on requests (coalesce(extended_to, due_on)) where state in ('received', 'verified', 'blocked')`.execute(
    db,
  );

  await db.schema
    .createTable('request_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('requests.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await sql`create index request_events_request on request_events (request_id, id)`.execute(db);
  await sql`create trigger request_events_append_only before update on request_events
    for each row execute function lupaus_append_only()`.execute(db);

  await db.schema
    .createTable('restrictions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    /** Art. 18(1): (a) accuracy contested, (b) unlawful, (c) needed for legal claims, (d) objection pending. */
    .addColumn('ground', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`ground in ('accuracy_contested', 'unlawful_processing', 'legal_claims', 'objection_pending')`,
        ),
    )
    .addColumn('reason', 'text')
    .addColumn('request_id', 'uuid', (c) => c.references('requests.id').onDelete('set null'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    /** Art. 18(3): the subject is told before the restriction is lifted. */
    .addColumn('lift_notified_at', 'timestamptz')
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_by', 'text')
    .execute();
  await sql`create index restrictions_active on restrictions (person_id) where lifted_at is null`.execute(db);

  await db.schema
    .createTable('objections')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('direct_marketing', 'profiling', 'legitimate_interest')`),
    )
    .addColumn('channel', 'text')
    .addColumn('purpose', 'text')
    /** Art. 21(1): the person's particular situation. */
    .addColumn('situation', 'text')
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'upheld', 'rejected')`))
    /** The controller's reasoned decision. */
    .addColumn('decision', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('request_id', 'uuid', (c) => c.references('requests.id').onDelete('set null'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index objections_person on objections (person_id)`.execute(db);

  await db.schema
    .createTable('disclosure_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    /** The definition's disclosure id, and the recipient it names. */
    .addColumn('disclosure', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    /** The actual recipient (CJEU C-154/21): the collection agency, the authority and its reference. */
    .addColumn('recipient_name', 'text')
    .addColumn('recipient_email', 'text')
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('categories', sql`text[]`, (c) => c.notNull())
    .addColumn('fields', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('reason', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index disclosure_log_person on disclosure_log (person_id, at desc)`.execute(db);
  await sql`create trigger disclosure_log_append_only before update on disclosure_log
    for each row execute function lupaus_append_only()`.execute(db);

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('request_id', 'uuid', (c) => c.references('requests.id').onDelete('set null'))
    /** rectification | erasure | restriction (art. 19) | restriction_lift (18(3)) | extension (12(3)) | refusal (12(4)) | response. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** recipient (a disclosure's recipient) | source (where the data came from) | subject (the person). */
    .addColumn('audience', 'text', (c) =>
      c.notNull().check(sql`audience in ('recipient', 'source', 'subject')`),
    )
    .addColumn('audience_id', 'text')
    .addColumn('to_address', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    /** The message; emptied once sent, so that the outbox keeps no personal data longer than it must. */
    .addColumn('body', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('message_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index notifications_unsent on notifications (created_at) where sent_at is null`.execute(
    db,
  );
  await sql`create index notifications_person on notifications (person_id)`.execute(db);
}
