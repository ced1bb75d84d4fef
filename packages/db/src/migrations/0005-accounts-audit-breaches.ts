import { type Kysely, sql } from 'kysely';

/**
 * Who may see what (issue 5): personal user accounts with their second factor, recovery codes, sessions and
 * API tokens (R6.1); the confidentiality commitment's versions and who signed which (R6.3); the audit trail
 * made tamper-evident (R6.4: rows are never changed or deleted, each row's hash covers the previous one);
 * personal data breaches with the persons they touch (GDPR art. 33–34).
 *
 * Secrets are never stored as such: passwords as argon2id hashes, session and API tokens and recovery codes as
 * SHA-256 hashes, the TOTP secret encrypted with the register's encryption key. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    /** Lower-cased, unique: the name a person signs in with. */
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('roles', sql`text[]`, (c) => c.notNull())
    /** argon2id (PHC string). */
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('password_set_at', 'timestamptz', (c) => c.notNull())
    /** A one-time password given by an administrator must be changed at the first sign-in. */
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    /** The TOTP secret, encrypted (vault); set at enrolment, confirmed by `totp_enabled_at`. */
    .addColumn('totp_secret', 'bytea')
    .addColumn('totp_enabled_at', 'timestamptz')
    /** The last TOTP time step accepted, so that a code is never accepted twice. */
    .addColumn('totp_last_step', 'bigint')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await sql`create index recovery_codes_user on recovery_codes (user_id)`.execute(db);

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    /** SHA-256 (hex) of the cookie's token. */
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** `password`: the second factor is still owed; `complete`: signed in. */
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('password', 'complete')`))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await sql`create index sessions_user on sessions (user_id)`.execute(db);

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    /** SHA-256 (hex) of the token. */
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    /** The permissions the token is limited to (within its user's roles). */
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create index api_tokens_user on api_tokens (user_id)`.execute(db);

  await db.schema
    .createTable('commitment_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    /** The definition's version label (`security.commitment.version`). */
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    /** The commitment's text in each language ({ fi, en, sv }). */
    .addColumn('text', 'jsonb', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('commitment_signatures')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull().references('commitment_versions.version'))
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create unique index commitment_signatures_user_version on commitment_signatures (user_id, version)`.execute(
    db,
  );
  await sql`create trigger commitment_signatures_append_only before update on commitment_signatures
    for each row execute function lupaus_append_only()`.execute(db);

  // The audit trail: never changed, never deleted. The hash chain (prev_hash, hash) catches what a database
  // owner does with the trigger switched off.
  await sql`create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function lupaus_append_only()`.execute(db);
  await sql`create index audit_log_at on audit_log (at)`.execute(db);

  await db.schema
    .createTable('breaches')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz')
    /** When the controller became aware of it: the 72-hour clock for the authority starts here (art. 33(1)). */
    .addColumn('discovered_at', 'timestamptz', (c) => c.notNull())
    /** The data categories of the definition concerned. */
    .addColumn('categories', sql`text[]`, (c) => c.notNull())
    .addColumn('consequences', 'text')
    .addColumn('measures', 'text')
    .addColumn('risk', 'text', (c) => c.notNull().check(sql`risk in ('unlikely', 'risk', 'high')`))
    .addColumn('authority_notified_at', 'timestamptz')
    .addColumn('authority_reference', 'text')
    /** Art. 33(1): the reasons for a notification later than 72 hours. */
    .addColumn('delay_reason', 'text')
    /** Art. 34: must the persons be told, and why (not). */
    .addColumn('subjects_decision', 'text', (c) =>
      c.check(sql`subjects_decision in ('notify', 'not_required')`),
    )
    .addColumn('subjects_decision_reason', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('breach_persons')
    .addColumn('breach_id', 'uuid', (c) => c.notNull().references('breaches.id').onDelete('cascade'))
    /** No foreign key: the breach record outlives the person's erasure, holding only the id. */
    .addColumn('person_id', 'uuid', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addColumn('notified_at', 'timestamptz')
    .addPrimaryKeyConstraint('breach_persons_pk', ['breach_id', 'person_id'])
    .execute();
  await sql`create index breach_persons_person on breach_persons (person_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists audit_log_append_only on audit_log`.execute(db);
  await sql`drop index if exists audit_log_at`.execute(db);
  for (const t of [
    'breach_persons',
    'breaches',
    'commitment_signatures',
    'commitment_versions',
    'api_tokens',
    'sessions',
    'recovery_codes',
    'users',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
