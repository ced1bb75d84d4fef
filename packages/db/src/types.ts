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

/** When, from which source and by whom each stored fact was saved (R2.6). */
export interface ProvenanceTable {
  entity_type: 'person' | 'organisation' | 'contact_role';
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
  purpose: string;
  details: Json<Record<string, unknown>>;
  prev_hash: string | null;
  hash: string | null;
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
}

export type PersonRow = Selectable<PersonsTable>;
export type NewPerson = Insertable<PersonsTable>;
export type PersonUpdate = Updateable<PersonsTable>;
export type OrganisationRow = Selectable<OrganisationsTable>;
export type ContactRoleRow = Selectable<ContactRolesTable>;
export type ProvenanceRow = Selectable<ProvenanceTable>;
export type AuditRow = Selectable<AuditLogTable>;
