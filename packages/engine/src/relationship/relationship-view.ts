import { relationshipStatus } from '@lupaus/core';
import { type Executor, openMattersOf, type PersonRow } from '@lupaus/db';
import type { Register } from '../context';

/** A person's customer relationship as the register sees it (R5.1). */
export interface RelationshipView {
  personId: string;
  /** How the register knows the end: recorded by staff, or judged from the last service contact. */
  rule: 'explicit' | 'last_contact';
  inactivityPeriod: string | null;
  state: 'active' | 'ended';
  basis: 'explicit' | 'last_contact';
  /** When it ended; while something keeps it active, the end recorded. */
  endedAt: string | null;
  endReason: string | null;
  /** The rule last_contact: when the relationship ends (or ended) by inactivity. */
  judgedEndAt: string | null;
  lastContactAt: string | null;
  createdAt: string;
  openInvoices: number;
  openCollections: number;
  keptActiveBy: ('open_invoice' | 'open_collection')[];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function relationshipView(
  tx: Executor,
  reg: Register,
  row: PersonRow,
): Promise<RelationshipView> {
  const rule = reg.definition.retention?.relationshipEnd;
  const open = await openMattersOf(tx, row.id);
  const status = relationshipStatus(
    rule,
    {
      createdAt: new Date(row.created_at),
      relationshipEndedAt: row.relationship_ended_at ? new Date(row.relationship_ended_at) : null,
      lastContactAt: row.last_contact_at ? new Date(row.last_contact_at) : null,
      hasOpenInvoice: open.openInvoices > 0,
      hasOpenCollection: open.openCollections > 0,
    },
    reg.clock.now(),
  );
  return {
    personId: row.id,
    rule: rule?.kind ?? 'explicit',
    inactivityPeriod: rule?.inactivityPeriod ?? null,
    state: status.state,
    basis: status.basis,
    endedAt: status.endedAt ? status.endedAt.toISOString() : null,
    endReason: row.relationship_end_reason,
    judgedEndAt: status.judgedEndAt ? status.judgedEndAt.toISOString() : null,
    lastContactAt: iso(row.last_contact_at),
    createdAt: new Date(row.created_at).toISOString(),
    openInvoices: open.openInvoices,
    openCollections: open.openCollections,
    keptActiveBy: status.keptActiveBy ?? [],
  };
}
