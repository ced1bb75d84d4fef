import { type Kysely, sql } from 'kysely';

/** The spine: notice versions, persons and their contact points, organisations, contact roles, provenance, audit. Frozen. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  await db.schema
    .createTable('notice_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('notice_date', 'date', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('persons')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('customer_number', 'text', (c) => c.unique())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('nickname', 'text')
    .addColumn('search_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('hetu_cipher', 'bytea')
    .addColumn('hetu_lookup', 'bytea', (c) => c.unique())
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index persons_last_name_prefix on persons (lower(last_name) text_pattern_ops)`.execute(db);
  await sql`create index persons_first_name_prefix on persons (lower(first_name) text_pattern_ops)`.execute(
    db,
  );
  await sql`create index persons_search_name_trgm on persons using gin (search_name gin_trgm_ops)`.execute(
    db,
  );

  for (const table of ['person_emails', 'person_phones', 'person_addresses'] as const) {
    let t = db.schema
      .createTable(table)
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull());
    if (table === 'person_emails') {
      t = t.addColumn('value', 'text', (c) => c.notNull()).addColumn('value_key', 'text', (c) => c.notNull());
    } else if (table === 'person_phones') {
      t = t.addColumn('value', 'text', (c) => c.notNull());
    } else {
      t = t
        .addColumn('street', 'text')
        .addColumn('po_box', 'text')
        .addColumn('postal_code', 'text')
        .addColumn('city', 'text')
        .addColumn('country', 'text', (c) => c.notNull());
    }
    await t.execute();
    await db.schema.createIndex(`${table}_person`).on(table).column('person_id').execute();
  }
  await db.schema.createIndex('person_emails_key').on('person_emails').column('value_key').execute();
  await db.schema.createIndex('person_phones_value').on('person_phones').column('value').execute();

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('business_id', 'text', (c) => c.unique())
    .addColumn('search_name', 'text', (c) => c.notNull())
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`create index organisations_search_name_trgm on organisations using gin (search_name gin_trgm_ops)`.execute(
    db,
  );

  await db.schema
    .createTable('contact_roles')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('organisation_id', 'uuid', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('title', 'text')
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addCheckConstraint('contact_roles_dates', sql`ends_on is null or ends_on >= starts_on`)
    .execute();
  await db.schema.createIndex('contact_roles_person').on('contact_roles').column('person_id').execute();
  await db.schema
    .createIndex('contact_roles_organisation')
    .on('contact_roles')
    .column('organisation_id')
    .execute();

  await db.schema
    .createTable('provenance')
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'uuid', (c) => c.notNull())
    .addColumn('person_id', 'uuid')
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('saved_at', 'timestamptz', (c) => c.notNull())
    .addColumn('saved_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('provenance_pk', ['entity_type', 'entity_id', 'field'])
    .execute();
  await db.schema.createIndex('provenance_person').on('provenance').column('person_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'uuid')
    .addColumn('person_id', 'uuid')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'text')
    .addColumn('hash', 'text')
    .execute();
  await db.schema.createIndex('audit_log_person').on('audit_log').columns(['person_id', 'id']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'id']).execute();
}
