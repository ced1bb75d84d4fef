import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The database schema as Kysely sees it. Every person-owned row carries `person_id` so that the register can
 * be sharded by person (Citus) and so that erasure finds everything of a person by one key.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface NoticeVersionsTable {
  version: number;
  content_hash: string;
  definition: Json;
  notice_date: string;
  published_at: Timestamp;
  published_by: string;
}

export interface PersonsTable {
  id: string;
  customer_number: string | null;
  first_name: string | null;
  last_name: string | null;
  nickname: string | null;
  /** Lower-case "first last nickname", for prefix and trigram search. */
  search_name: string;
  hetu_cipher: Buffer | null;
  hetu_lookup: Buffer | null;
  attributes: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string;
  updated_by: string;
  /** The end of the customer relationship, when staff recorded it (seed 001: "asiakkuuden päättymisestä"). */
  relationship_ended_at: Timestamp | null;
  relationship_end_reason: string | null;
  /** The latest service contact (seed 003: the relationship is judged ended from it). */
  last_contact_at: Timestamp | null;
}

export interface PersonEmailsTable {
  id: string;
  person_id: string;
  position: number;
  value: string;
  value_key: string;
}

export interface PersonPhonesTable {
  id: string;
  person_id: string;
  position: number;
  value: string;
}

export interface PersonAddressesTable {
  id: string;
  person_id: string;
  position: number;
  street: string | null;
  po_box: string | null;
  postal_code: string | null;
  city: string | null;
  country: string;
}

export interface OrganisationsTable {
  id: string;
  name: string;
  business_id: string | null;
  search_name: string;
  /** Declared fields beyond name and business id, including contact details. */
  attributes: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string;
  updated_by: string;
}

export interface ContactRolesTable {
  id: string;
  person_id: string;
  organisation_id: string;
  title: string | null;
  starts_on: string;
  ends_on: string | null;
  source: string;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  updated_by: string;
}

/**
 * What every record (order, invoice, collection case, loyalty level, interaction) has: the person, its category
 * (the kind, from the definition), when it happened, its declared non-core fields, and its provenance (R2.6).
 */
interface RecordColumns {
  id: string;
  /** Null only once the record is anonymised. */
  person_id: string | null;
  category: string;
  occurred_at: Timestamp;
  data: Json<Record<string, unknown>>;
  source: string;
  recorded_at: Timestamp;
  recorded_by: string;
  anonymised_at: Timestamp | null;
}

interface UpdatedColumns {
  updated_at: Timestamp;
  updated_by: string;
}

export type InteractionsTable = RecordColumns;

export interface OrdersTable extends RecordColumns, UpdatedColumns {
  organisation_id: string | null;
  /** numeric(14,2), as a string. */
  amount: ColumnType<string | null, string | number | null, string | number | null>;
  currency: ColumnType<string, string | undefined, string>;
}

export interface InvoicesTable extends RecordColumns, UpdatedColumns {
  organisation_id: string | null;
  order_id: string | null;
  number: string | null;
  issued_on: string | null;
  due_on: string | null;
  amount: ColumnType<string | null, string | number | null, string | number | null>;
  currency: ColumnType<string, string | undefined, string>;
  state: 'open' | 'paid' | 'credited';
  paid_on: string | null;
}

export interface CollectionCasesTable extends RecordColumns, UpdatedColumns {
  invoice_id: string | null;
  state: 'open' | 'closed';
  opened_on: string | null;
  closed_on: string | null;
  amount: ColumnType<string | null, string | number | null, string | number | null>;
}

export interface LoyaltyMembershipsTable extends RecordColumns, UpdatedColumns {
  level: string | null;
  valid_from: string | null;
  valid_until: string | null;
}

/** A stored file (call recording, signed letter ...): whose, which record and field, and where its bytes are. */
export interface FilesTable {
  id: string;
  person_id: string | null;
  entity_type: string;
  entity_id: string;
  field: string;
  name: string;
  media_type: string;
  size: ColumnType<string, number | string, number | string>;
  sha256: string;
  storage_key: string;
  created_at: Timestamp;
  created_by: string;
}

/** Storage keys whose record is gone and whose bytes are still to be removed (worked off after each commit). */
/**
 * An erasure whose leftovers in the database files wait for `scrubErasedData` (R4.4, migration 0011): its time
 * only, no personal data.
 */
export interface ScrubQueueTable {
  /** bigint identity, as a string. */
  id: Generated<string>;
  at: Timestamp;
}

export interface FileDeletionsTable {
  storage_key: string;
  queued_at: Timestamp;
}

/** A legal hold stops the retention sweep for a person, a category, or one person's category (R5.2). */
export interface LegalHoldsTable {
  id: string;
  person_id: string | null;
  category: string | null;
  reason: string;
  starts_at: Timestamp;
  ends_on: string;
  created_at: Timestamp;
  created_by: string;
  released_at: Timestamp | null;
  released_by: string | null;
}

/** The report of a retention run (R5.2). */
export interface RetentionRunsTable {
  id: string;
  as_of: Timestamp;
  dry_run: boolean;
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  started_at: Timestamp;
  finished_at: Timestamp | null;
  actor: string;
  report: Json<Record<string, unknown>>;
  error: string | null;
}

/** One import of a CSV file (R2.8, migration 0007): counts and the first problems, no cell values. */
export interface ImportRunsTable {
  id: string;
  kind: 'persons' | 'consents' | 'organisations' | 'update-batch';
  source: string;
  file_name: string | null;
  actor: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  dry_run: boolean;
  status: 'running' | 'completed' | 'failed';
  rows: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  problems: Json<{ line: number; column: string | null; reason: string }[]>;
  error: string | null;
}

/** When, from which source and by whom each stored fact was saved (R2.6). */
export interface ProvenanceTable {
  entity_type:
    | 'person'
    | 'organisation'
    | 'contact_role'
    | 'order'
    | 'invoice'
    | 'collection'
    | 'loyalty'
    | 'interaction';
  entity_id: string;
  /** The person the fact is about, where there is one (for erasure and the access report). */
  person_id: string | null;
  field: string;
  source: string;
  saved_at: Timestamp;
  saved_by: string;
}

/** Who read or changed whose data, when and why. Ids only, never personal data (R6.4). */
export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  person_id: string | null;
  /** The persons of a batch row (migration 0006); null on a row about one person or none. */
  person_ids: string[] | null;
  purpose: string;
  details: Json<Record<string, unknown>>;
  prev_hash: string | null;
  hash: string | null;
}

/** A consent, its withdrawal or a prohibition, per channel and purpose of the definition's marketing (R3.1). Append-only. */
export interface ConsentsTable {
  id: string;
  person_id: string;
  channel: string;
  purpose: string;
  state: 'given' | 'withdrawn' | 'prohibited';
  /** When the person made the choice. */
  at: Timestamp;
  /** The source id of the definition (the person, staff, a partner ...). */
  source: string;
  evidence_text: string | null;
  evidence_file_id: string | null;
  /** The notice version in force when the choice was made (notice_versions.version). */
  notice_version: number;
  request_id: string | null;
  recorded_at: Timestamp;
  recorded_by: string;
}

/** A contact point kept out of marketing: by objection or prohibition (outliving erasure) or an imported list (R3.2, R4.6). */
export interface SuppressionsTable {
  id: string;
  channel: string;
  kind: 'email' | 'phone' | 'address';
  /** The vault's keyed hash of the normalised contact point (never the value itself). */
  value_hash: Buffer;
  /** null: every marketing purpose. */
  purpose: string | null;
  reason: 'objection' | 'prohibition' | 'import';
  list_name: string | null;
  valid_until: Timestamp | null;
  added_at: Timestamp;
  added_by: string;
}

export type RequestType =
  | 'access'
  | 'rectification'
  | 'erasure'
  | 'restriction'
  | 'objection'
  | 'portability'
  | 'withdrawal'
  | 'anonymisation';
export type RequestState = 'received' | 'verified' | 'blocked' | 'completed' | 'refused';

/** A data subject's request (R4.1): received, identity verified, maybe extended, then completed, refused or blocked. */
export interface RequestsTable {
  id: string;
  /** null once the person is erased: the request stays as the proof that the right was honoured. */
  person_id: string | null;
  type: RequestType;
  state: RequestState;
  received_via: 'written' | 'electronic';
  received_at: Timestamp;
  /** One calendar month from receipt (art. 12(3)). */
  due_on: string;
  /** Extended by up to two further months, with the reason told to the subject within the first month. */
  extended_to: string | null;
  extension_reason: string | null;
  identity_verified_at: Timestamp | null;
  identity_method: string | null;
  identity_verified_by: string | null;
  charge: ColumnType<
    'free' | 'fee' | 'refused',
    'free' | 'fee' | 'refused' | undefined,
    'free' | 'fee' | 'refused'
  >;
  charge_reason: string | null;
  details: Json<Record<string, unknown>>;
  outcome: Json<Record<string, unknown>>;
  closed_at: Timestamp | null;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  updated_by: string;
}

/** What happened to a request, in order. Append-only. */
export interface RequestEventsTable {
  id: Generated<string>;
  request_id: string;
  at: Timestamp;
  actor: string;
  event: string;
  details: Json<Record<string, unknown>>;
}

/** A restriction of processing (art. 18, R4.5): while active the person's data is only stored. */
export interface RestrictionsTable {
  id: string;
  person_id: string;
  ground: 'accuracy_contested' | 'unlawful_processing' | 'legal_claims' | 'objection_pending';
  reason: string | null;
  request_id: string | null;
  started_at: Timestamp;
  started_by: string;
  lift_notified_at: Timestamp | null;
  lifted_at: Timestamp | null;
  lifted_by: string | null;
}

/** An objection (art. 21, R4.6). */
export interface ObjectionsTable {
  id: string;
  person_id: string;
  kind: 'direct_marketing' | 'profiling' | 'legitimate_interest';
  channel: string | null;
  purpose: string | null;
  situation: string | null;
  state: 'pending' | 'upheld' | 'rejected';
  decision: string | null;
  decided_at: Timestamp | null;
  decided_by: string | null;
  request_id: string | null;
  received_at: Timestamp;
  recorded_by: string;
}

/** A disclosure made (R6.5): what went to whom, on which basis. Append-only. */
export interface DisclosureLogTable {
  id: string;
  person_id: string;
  disclosure: string;
  recipient: string;
  recipient_name: string | null;
  recipient_email: string | null;
  basis: string;
  categories: ColumnType<string[], string[] | string, string[] | string>;
  fields: ColumnType<string[], string[] | string | undefined, string[] | string>;
  reason: string | null;
  at: Timestamp;
  recorded_by: string;
}

/** The outbox of notices: art. 19 to recipients and sources, and the subject's own (extension, refusal, lifting). */
export interface NotificationsTable {
  id: string;
  person_id: string | null;
  request_id: string | null;
  kind: string;
  audience: 'recipient' | 'source' | 'subject';
  audience_id: string | null;
  to_address: string | null;
  subject: string;
  body: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  message_id: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
}

/** A personal user account (R6.1): argon2id password, optional TOTP second factor, lock-out state. */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  password_hash: string;
  password_set_at: Timestamp;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  totp_secret: Buffer | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: string | null;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: Timestamp | null;
  disabled_at: Timestamp | null;
  created_at: Timestamp;
  created_by: string;
}

/** A one-time recovery code of a user's second factor, stored as its SHA-256. */
export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

/** A signed-in session (cookie), found by the SHA-256 of its token. */
export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  stage: 'password' | 'complete';
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

/** An API token of a user for integrations, limited to its scopes. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string[];
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** A version of the confidentiality commitment's text (R6.3). */
export interface CommitmentVersionsTable {
  version: number;
  label: string;
  content_hash: string;
  text: Json<Record<string, string>>;
  published_at: Timestamp;
}

/** A user's signature of one version of the confidentiality commitment (R6.3). Append-only. */
export interface CommitmentSignaturesTable {
  id: string;
  user_id: string;
  version: number;
  signed_at: Timestamp;
}

/** A personal data breach (GDPR art. 33–34). */
export interface BreachesTable {
  id: string;
  title: string;
  description: string;
  occurred_at: Timestamp | null;
  discovered_at: Timestamp;
  categories: string[];
  consequences: string | null;
  measures: string | null;
  risk: 'unlikely' | 'risk' | 'high';
  authority_notified_at: Timestamp | null;
  authority_reference: string | null;
  delay_reason: string | null;
  subjects_decision: 'notify' | 'not_required' | null;
  subjects_decision_reason: string | null;
  closed_at: Timestamp | null;
  recorded_at: Timestamp;
  recorded_by: string;
}

/** A person a breach touches; the id outlives the person's erasure. */
export interface BreachPersonsTable {
  breach_id: string;
  person_id: string;
  added_at: Timestamp;
  notified_at: Timestamp | null;
}

/** A merge of one person into another (R2.7, migration 0008): ids, counts and field names only. */
export interface PersonMergesTable {
  id: string;
  kept_id: string;
  merged_id: string;
  at: Timestamp;
  by: string;
  moved: Json<Record<string, number>>;
  fields_taken: ColumnType<string[], string[] | string | undefined, string[] | string>;
  fields_dropped: ColumnType<string[], string[] | string | undefined, string[] | string>;
}

/** A pair of persons judged not to be the same person (R2.7); `person_a` < `person_b`. */
export interface PersonNotDuplicatesTable {
  person_a: string;
  person_b: string;
  at: Timestamp;
  by: string;
}

export interface Database {
  notice_versions: NoticeVersionsTable;
  persons: PersonsTable;
  person_emails: PersonEmailsTable;
  person_phones: PersonPhonesTable;
  person_addresses: PersonAddressesTable;
  organisations: OrganisationsTable;
  contact_roles: ContactRolesTable;
  provenance: ProvenanceTable;
  audit_log: AuditLogTable;
  interactions: InteractionsTable;
  orders: OrdersTable;
  invoices: InvoicesTable;
  collection_cases: CollectionCasesTable;
  loyalty_memberships: LoyaltyMembershipsTable;
  files: FilesTable;
  file_deletions: FileDeletionsTable;
  legal_holds: LegalHoldsTable;
  retention_runs: RetentionRunsTable;
  consents: ConsentsTable;
  suppressions: SuppressionsTable;
  requests: RequestsTable;
  request_events: RequestEventsTable;
  restrictions: RestrictionsTable;
  objections: ObjectionsTable;
  disclosure_log: DisclosureLogTable;
  notifications: NotificationsTable;
  users: UsersTable;
  recovery_codes: RecoveryCodesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  commitment_versions: CommitmentVersionsTable;
  commitment_signatures: CommitmentSignaturesTable;
  breaches: BreachesTable;
  breach_persons: BreachPersonsTable;
  person_merges: PersonMergesTable;
  import_runs: ImportRunsTable;
  person_not_duplicates: PersonNotDuplicatesTable;
  public_requests: PublicRequestsTable;
  subject_sessions: SubjectSessionsTable;
  scrub_queue: ScrubQueueTable;
}

/** A request sent on the public page, waiting for its one-time link (R7.2); the token only as its SHA-256. */
export interface PublicRequestsTable {
  id: string;
  token_hash: string;
  kind: string;
  lang: string;
  email: string | null;
  given_name: string | null;
  message: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  outcome: string | null;
  request_ids: ColumnType<string[], string[] | undefined, string[]>;
}

/** A data subject's short session after the link (R7.2): the token and CSRF token for the public page only. */
export interface SubjectSessionsTable {
  id: string;
  token_hash: string;
  csrf_token: string;
  public_request_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type PersonRow = Selectable<PersonsTable>;
export type NewPerson = Insertable<PersonsTable>;
export type PersonUpdate = Updateable<PersonsTable>;
export type OrganisationRow = Selectable<OrganisationsTable>;
export type ContactRoleRow = Selectable<ContactRolesTable>;
export type ProvenanceRow = Selectable<ProvenanceTable>;
export type AuditRow = Selectable<AuditLogTable>;
