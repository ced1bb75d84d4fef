import type { LegalBasis } from '../definition/schema';
import type { Language, Text } from '../definition/text';

/**
 * The access report (R4.2, GDPR art. 15) as data: everything the register holds on one person, with where each
 * fact came from, plus what the register definition says about the processing (purposes and legal bases,
 * categories and their retention, sources, recipients, transfers, rights, profiling, the authority). The
 * engine gathers it (`buildAccessReport`); `renderAccessReport` prints it as HTML and the engine as PDF.
 *
 * Other people's personal data is left out by construction: who recorded a fact is given as `staff` or
 * `system`, never as a person's name or account; a contact role names its organisation only, never the
 * organisation's other contact persons.
 *
 * @example
 * ```ts
 * const report: AccessReport = (await createAccessReport(reg, actor, { personId, format: 'json' })).report;
 * report.person.facts.find((f) => f.field === 'last_name')?.provenance?.source; // 'subject'
 * ```
 */
export interface AccessProvenance {
  /** The source id of the definition (named in `processing.sources`). */
  source: string;
  savedAt: string;
  /** `staff` or `system`: who saved it, without naming a person. */
  savedBy: string;
}

export interface AccessFact {
  field: string;
  label: Text;
  category: string;
  value: unknown;
  provenance: AccessProvenance | null;
}

export interface AccessFileRef {
  id: string;
  field: string;
  name: string;
  mediaType: string;
  size: number;
}

export interface AccessRecord {
  id: string;
  /** order, invoice, collection, loyalty or interaction. */
  holder: string;
  /** The category id. */
  kind: string;
  occurredAt: string;
  /** The organisation a record is with (orders, invoices), by name. */
  organisation: string | null;
  /** The record's fields by id (labelled in `processing.categories[].fields`). */
  fields: Record<string, unknown>;
  /** Where the record came from: the provenance of every field saved with it. */
  provenance: AccessProvenance;
  /** Fields saved later than the record, with their own provenance. */
  changed: Record<string, AccessProvenance>;
  files: AccessFileRef[];
  anonymisedAt: string | null;
}

export interface AccessFile {
  id: string;
  /** What the file belongs to: a record's holder, `request`, `consent` ... */
  entityType: string;
  entityId: string;
  field: string;
  name: string;
  mediaType: string;
  size: number;
  createdAt: string;
}

export interface AccessContactRole {
  id: string;
  /** The organisation's name only: its other contact persons are not part of this person's data. */
  organisation: string;
  title: string | null;
  startsOn: string;
  endsOn: string | null;
  provenance: AccessProvenance;
}

export interface AccessConsent {
  id: string;
  channel: string;
  channelName: Text | null;
  purpose: string;
  purposeName: Text | null;
  state: 'given' | 'withdrawn' | 'prohibited';
  at: string;
  source: string;
  sourceName: Text | null;
  evidenceText: string | null;
  evidenceFileId: string | null;
  noticeVersion: number;
  requestId: string | null;
  recordedAt: string;
}

export interface AccessRequestEvent {
  at: string;
  event: string;
  by: string;
  details: Record<string, unknown>;
}

export interface AccessRequest {
  id: string;
  type: string;
  state: string;
  receivedVia: string;
  receivedAt: string;
  dueOn: string;
  extendedTo: string | null;
  extensionReason: string | null;
  identityVerifiedAt: string | null;
  identityMethod: string | null;
  charge: string;
  chargeReason: string | null;
  details: Record<string, unknown>;
  outcome: Record<string, unknown>;
  closedAt: string | null;
  events: AccessRequestEvent[];
}

export interface AccessRestriction {
  id: string;
  ground: string;
  reason: string | null;
  requestId: string | null;
  startedAt: string;
  liftNotifiedAt: string | null;
  liftedAt: string | null;
}

export interface AccessObjection {
  id: string;
  kind: string;
  channel: string | null;
  purpose: string | null;
  situation: string | null;
  state: string;
  decision: string | null;
  decidedAt: string | null;
  requestId: string | null;
  receivedAt: string;
}

/** A disclosure made of a person's data (R6.5), as the disclosure log holds it. */
export interface DisclosureEntry {
  id: string;
  /** The definition's disclosure id. */
  disclosure: string;
  /** The definition's recipient id the disclosure names. */
  recipient: string;
  /** The actual recipient (CJEU C-154/21): the collection agency, the authority ... */
  recipientName: string | null;
  recipientEmail: string | null;
  basis: string;
  categories: string[];
  fields: string[];
  reason: string | null;
  at: string;
}

/** A disclosure made (R6.5): the log's entry with the names of the definition's disclosure and recipient. */
export interface AccessDisclosure extends DisclosureEntry {
  disclosureName: Text | null;
  recipientLabel: Text | null;
}

export interface AccessRetention {
  rule: string;
  kind: string;
  period: string | null;
  description: Text;
  /** The period in words, per language. */
  text: Text;
  legalReason: Text | null;
}

export interface AccessCategory {
  id: string;
  name: Text;
  description: Text | null;
  holder: string;
  /** How many facts or records of it are held on the person. */
  held: number;
  fields: { id: string; label: Text }[];
  purposes: string[];
  legalBases: LegalBasis[];
  sources: string[];
  retention: AccessRetention | null;
  erasure: string;
  providedBySubject: boolean;
}

export interface AccessPurpose {
  id: string;
  name: Text;
  description: Text | null;
  basis: LegalBasis | null;
  basisText: Text | null;
  legitimateInterest: Text | null;
  marketing: boolean;
  profiling: boolean;
  /** The categories held on the person that are processed for it. */
  categories: string[];
}

export interface AccessProcessing {
  controller: {
    name: string;
    businessId: string | null;
    email: string | null;
    phone: string | null;
    address: string | null;
  };
  dpo: { name: string | null; email: string | null; phone: string | null } | null;
  purposes: AccessPurpose[];
  categories: AccessCategory[];
  sources: { id: string; kind: string; name: Text; description: Text | null; used: boolean }[];
  recipients: {
    id: string;
    kind: string;
    name: Text;
    description: Text | null;
    countries: string[];
    service: Text | null;
  }[];
  disclosures: {
    id: string;
    recipient: string;
    name: Text;
    description: Text | null;
    basis: LegalBasis | null;
    categories: string[];
  }[];
  transfers: {
    statement: Text;
    items: {
      id: string;
      countries: string[];
      recipients: string[];
      description: Text;
      safeguard: string | null;
      safeguardName: Text | null;
      safeguardText: Text | null;
      copyAvailable: Text | null;
    }[];
  } | null;
  retentionStatement: Text | null;
  profiling: { used: boolean; text: Text; automatedDecisions: boolean; logic: Text | null } | null;
  rights: { right: string; name: Text; text: Text }[];
  rightsContact: Text | null;
  authority: {
    name: Text;
    address: string | null;
    phone: string | null;
    email: string | null;
    website: string | null;
  } | null;
}

export interface AccessReport {
  kind: 'lupaus.access-report';
  version: 1;
  generatedAt: string;
  requestId: string | null;
  languages: Language[];
  register: { id: string; name: Text };
  person: {
    id: string;
    createdAt: string;
    updatedAt: string;
    relationshipEndedAt: string | null;
    relationshipEndReason: string | null;
    lastContactAt: string | null;
    facts: AccessFact[];
    contactRoles: AccessContactRole[];
  };
  records: AccessRecord[];
  files: AccessFile[];
  consents: AccessConsent[];
  requests: AccessRequest[];
  restrictions: AccessRestriction[];
  objections: AccessObjection[];
  disclosures: AccessDisclosure[];
  processing: AccessProcessing;
  counts: AccessCounts;
}

export interface AccessCounts {
  facts: number;
  contactRoles: number;
  records: number;
  orders: number;
  invoices: number;
  collections: number;
  loyalty: number;
  interactions: number;
  files: number;
  consents: number;
  requests: number;
  restrictions: number;
  objections: number;
  disclosures: number;
}
