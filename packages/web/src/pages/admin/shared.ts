import type { Text } from '../../api';

/** The administration's API shapes (the responses of /admin/…, /audit/verify, /breaches, /notice/versions). */
export interface UserAccount {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  mustChangePassword: boolean;
  secondFactor: boolean;
  lockedUntil: string | null;
  failedSignIns: number;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
  signedCommitmentVersion: number | null;
  signedCurrentCommitment: boolean;
}

export interface RolesOut {
  permissions: { id: string; personalData: boolean; description: string }[];
  roles: {
    id: string;
    name: Text | null;
    description: Text | null;
    permissions: string[];
    declared: boolean;
  }[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  personId: string | null;
  purpose: string;
  details: Record<string, unknown>;
}

export interface VerifyOut {
  ok: boolean;
  rows: number;
  legacy: number;
  head: string | null;
  problems: { id: string | null; kind: string; message: string }[];
}

export interface Named {
  id: string;
  name: Text;
  description: Text | null;
}

export interface DefinitionOut {
  notice: { date: string };
  /** The EU and EEA states: a country not among them is a third country. */
  eeaCountries: string[];
  purposes: (Named & {
    basis: string | null;
    legitimateInterest: Text | null;
    marketing: boolean;
    profiling: boolean;
  })[];
  categories: (Named & {
    holder: string;
    purposes: string[];
    sources: string[];
    retention: string | null;
    erasure: string;
    fields: number;
  })[];
  sources: (Named & { kind: string })[];
  recipients: (Named & { kind: string; countries: string[]; service: Text | null })[];
  disclosures: (Named & {
    recipient: string;
    basis: string | null;
    purposes: string[];
    categories: string[];
  })[];
  transfers: {
    statement: Text | null;
    items: {
      id: string;
      countries: string[];
      recipients: string[];
      description: Text;
      safeguard: string | null;
      safeguardText: Text | null;
      copyAvailable: Text | null;
    }[];
  };
  retention: {
    relationshipEnd: string | null;
    statement: Text | null;
    rules: {
      id: string;
      kind: string;
      period: string | null;
      reviewEvery: string | null;
      description: Text;
      legalReason: Text | null;
    }[];
  };
}

export interface Breach {
  id: string;
  title: string;
  description: string;
  occurredAt: string | null;
  discoveredAt: string;
  categories: string[];
  consequences: string | null;
  measures: string | null;
  risk: 'unlikely' | 'risk' | 'high';
  authorityNotificationRequired: boolean;
  authorityDeadline: string;
  hoursLeft: number | null;
  overdue: boolean;
  authorityNotifiedAt: string | null;
  authorityReference: string | null;
  delayReason: string | null;
  subjectsDecision: 'notify' | 'not_required' | null;
  subjectsDecisionReason: string | null;
  persons: { total: number; notified: number };
  closedAt: string | null;
  recordedAt: string;
  recordedBy: string;
  /** With the persons' names as the user's roles may read them (null parts otherwise). */
  affected?:
    | {
        personId: string;
        firstName: string | null;
        lastName: string | null;
        addedAt: string;
        notifiedAt: string | null;
      }[]
    | null;
}

/** A `datetime-local` value (local time) as an ISO instant, or undefined when empty. */
export function instantOf(local: string): string | undefined {
  if (local.trim() === '') return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

/** Problems of an API error by where they are (`at`), for messages beside the fields. */
export function problemsByField(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const problems = (e as { problems?: { at: string; message: string }[] } | null)?.problems ?? [];
  for (const p of problems) {
    const key = p.at.replace(/^body\./, '').split(/[.[]/)[0] ?? p.at;
    out[key] ??= p.message;
  }
  return out;
}
