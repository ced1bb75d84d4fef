import { type Kysely, sql } from 'kysely';

/**
 * What the customer relationship produces and how long it stays (issue 3): orders, invoices, debt collection
 * cases, loyalty levels and interactions, each a record of a category (its kind) linked to a person; files
 * attached to records; the end of the customer relationship; legal holds and the reports of retention runs.
 *
 * Every record carries its own provenance (source, recorded at, recorded by): a record is saved whole from one
 * source, so one row says it for all its fields; a field changed later gets a provenance row of its own.
 * `person_id` is null only on an anonymised record (kept for statistics, linked to nobody). Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table persons
    add column relationship_ended_at timestamptz,
    add column relationship_end_reason text,
    add column last_contact_at timestamptz`.execute(db);
  await sql`create index persons_relationship_ended on persons (relationship_ended_at) where relationship_ended_at is not null`.execute(
    db,
  );
  await sql`create index persons_last_contact on persons (coalesce(last_contact_at, created_at))`.execute(db);

  // Interactions come in batches of thousands (web analytics, email events): their person_id has no foreign
  // key, whose per-row check cost a third of an ingestion on PGlite (bench/README.md). The engine resolves
  // every person in the inserting transaction (on a server under a key-share lock, as a foreign key would) and
  // deletes a person's interactions with the person.
  const recordColumns = (name: string, foreignKey = true) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('person_id', 'uuid', (c) =>
        foreignKey ? c.references('persons.id').onDelete('cascade') : c,
      )
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('anonymised_at', 'timestamptz');

  await recordColumns('interactions', false).execute();
  await sql`create index interactions_person_time on interactions (person_id, occurred_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interactions_category_time on interactions (category, occurred_at)`.execute(db);

  await recordColumns('orders')
    .addColumn('organisation_id', 'uuid', (c) => c.references('organisations.id').onDelete('set null'))
    .addColumn('amount', 'numeric(14, 2)')
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('EUR'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index orders_person_time on orders (person_id, occurred_at desc, id desc)`.execute(db);
  await sql`create index orders_category_time on orders (category, occurred_at)`.execute(db);

  await recordColumns('invoices')
    .addColumn('organisation_id', 'uuid', (c) => c.references('organisations.id').onDelete('set null'))
    .addColumn('order_id', 'uuid', (c) => c.references('orders.id').onDelete('set null'))
    .addColumn('number', 'text')
    .addColumn('issued_on', 'date')
    .addColumn('due_on', 'date')
    .addColumn('amount', 'numeric(14, 2)')
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('EUR'))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'paid', 'credited')`))
    .addColumn('paid_on', 'date')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create unique index invoices_number on invoices (number) where number is not null`.execute(db);
  await sql`create index invoices_person_time on invoices (person_id, occurred_at desc, id desc)`.execute(db);
  await sql`create index invoices_category_time on invoices (category, occurred_at)`.execute(db);
  await sql`create index invoices_open on invoices (person_id) where state = 'open'`.execute(db);

  await recordColumns('collection_cases')
    .addColumn('invoice_id', 'uuid', (c) => c.references('invoices.id').onDelete('set null'))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'closed')`))
    .addColumn('opened_on', 'date')
    .addColumn('closed_on', 'date')
    .addColumn('amount', 'numeric(14, 2)')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index collection_cases_person_time on collection_cases (person_id, occurred_at desc, id desc)`.execute(
    db,
  );
  await sql`create index collection_cases_category_time on collection_cases (category, occurred_at)`.execute(
    db,
  );
  await sql`create index collection_cases_open on collection_cases (person_id) where state = 'open'`.execute(
    db,
  );

  await recordColumns('loyalty_memberships')
    .addColumn('level', 'text')
    .addColumn('valid_from', 'date')
    .addColumn('valid_until', 'date')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index loyalty_memberships_person_time on loyalty_memberships (person_id, occurred_at desc, id desc)`.execute(
    db,
  );
  await sql`create index loyalty_memberships_category_time on loyalty_memberships (category, occurred_at)`.execute(
    db,
  );

  // Files (call recordings, signed letters, attachments): the bytes sit behind the file storage, the row says
  // whose they are and which record and field they belong to. A file goes when its record goes: the row is
  // deleted in the record's transaction and its storage key queued in file_deletions, which is worked off after
  // the commit (and again at the next start or sweep if the process died in between).
  await db.schema
    .createTable('files')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('cascade'))
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'uuid', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_entity').on('files').columns(['entity_type', 'entity_id']).execute();
  await db.schema.createIndex('files_person').on('files').column('person_id').execute();
  await db.schema
    .createTable('file_deletions')
    .addColumn('storage_key', 'text', (c) => c.primaryKey())
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Legal holds stop the retention sweep (R5.2): on a person, on a category, or on a category of one person.
  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('cascade'))
    .addColumn('category', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('released_at', 'timestamptz')
    .addColumn('released_by', 'text')
    .addCheckConstraint('legal_holds_scope', sql`person_id is not null or category is not null`)
    .execute();
  await db.schema.createIndex('legal_holds_person').on('legal_holds').column('person_id').execute();

  // The report of each retention run (R5.2): what it did (or, for a dry run, would do), counted per rule.
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('dry_run', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('running', 'completed', 'failed', 'interrupted')`),
    )
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('report', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('retention_runs_started').on('retention_runs').column('started_at').execute();
}
