import {
  evaluateRetention,
  type LegalHoldFacts,
  type RetentionFacts,
  type RetentionVerdict,
  relationshipStatus,
} from '@lupaus/core';
import { arrayLiteral, type Executor, legalHoldsFor } from '@lupaus/db';
import { sql } from 'kysely';
import type { Register } from '../context';
import type { SweepTarget } from './targets';

/**
 * The facts behind the verdict on single items (for the dry run's lists and their blockers): the same pure
 * functions as the rules in core (`relationshipStatus`, `dueDate`, `evaluateRetention`), fed from the database.
 */
export interface PersonFacts {
  createdAt: Date;
  relationshipEndedAt: Date | null;
  lastContactAt: Date | null;
  openInvoice: boolean;
  openCollection: boolean;
  contactRoles: { id: string; endsOn: string | null }[];
}

export interface SweepFacts {
  persons: Map<string, PersonFacts>;
  holds: LegalHoldFacts[];
}

export async function loadSweepFacts(tx: Executor, personIds: readonly string[]): Promise<SweepFacts> {
  const ids = [...new Set(personIds)];
  const persons = new Map<string, PersonFacts>();
  if (ids.length > 0) {
    const rows = await sql<{
      id: string;
      created_at: Date;
      relationship_ended_at: Date | null;
      last_contact_at: Date | null;
      open_invoice: boolean;
      open_collection: boolean;
    }>`select p.id, p.created_at, p.relationship_ended_at, p.last_contact_at,
        exists (select 1 from invoices i where i.person_id = p.id and i.state = 'open') as open_invoice,
        exists (select 1 from collection_cases c where c.person_id = p.id and c.state = 'open') as open_collection
      from persons p where p.id = any(${arrayLiteral(ids)}::uuid[])`.execute(tx);
    const roles = await tx
      .selectFrom('contact_roles')
      .select(['id', 'person_id', 'ends_on'])
      .where('person_id', 'in', ids)
      .orderBy('id')
      .execute();
    for (const r of rows.rows) {
      persons.set(r.id, {
        createdAt: new Date(r.created_at),
        relationshipEndedAt: r.relationship_ended_at ? new Date(r.relationship_ended_at) : null,
        lastContactAt: r.last_contact_at ? new Date(r.last_contact_at) : null,
        openInvoice: r.open_invoice,
        openCollection: r.open_collection,
        contactRoles: roles.filter((x) => x.person_id === r.id).map((x) => ({ id: x.id, endsOn: x.ends_on })),
      });
    }
  }
  return { persons, holds: await loadLegalHoldFacts(tx, ids) };
}

/**
 * The legal holds that can bear on these persons' data (`legalHoldsFor`), as the facts core's rules take: for
 * the sweep's facts and for the erasure of a person.
 */
export async function loadLegalHoldFacts(tx: Executor, personIds: string[]): Promise<LegalHoldFacts[]> {
  return (await legalHoldsFor(tx, personIds)).map((h) => ({
    id: h.id,
    personId: h.person_id,
    category: h.category,
    reason: h.reason,
    startsAt: new Date(h.starts_at),
    endsOn: h.ends_on,
    releasedAt: h.released_at ? new Date(h.released_at) : null,
  }));
}

/** The verdict on one item of a target: a record, a person's data of the category, a contact role, an organisation. */
export function verdictOf(
  reg: Register,
  target: SweepTarget,
  item: {
    personId: string | null;
    basis: Date;
    roleEndsOn?: string | null;
    organisationRoles?: { id: string; endsOn: string | null }[];
  },
  facts: SweepFacts,
  clock: { asOf: Date; holdsAt: Date },
): RetentionVerdict {
  const asOf = clock.asOf;
  const person = item.personId ? facts.persons.get(item.personId) : undefined;
  const relationship = person
    ? relationshipStatus(
        reg.definition.retention?.relationshipEnd,
        {
          createdAt: person.createdAt,
          relationshipEndedAt: person.relationshipEndedAt,
          lastContactAt: person.lastContactAt,
          hasOpenInvoice: person.openInvoice,
          hasOpenCollection: person.openCollection,
        },
        asOf,
      )
    : undefined;
  const retentionFacts: RetentionFacts = {
    ...(target.subject === 'record' ? { occurredAt: item.basis } : { createdAt: item.basis }),
    relationship,
    contactRoles:
      target.subject === 'organisation' ? (item.organisationRoles ?? []) : (person?.contactRoles ?? []),
    roleEndsOn: item.roleEndsOn,
    fiscalYearEnd: reg.definition.retention?.fiscalYearEnd,
  };
  // A row that goes whole goes when the last of its holder's categories is due.
  let worst: RetentionVerdict | undefined;
  for (const s of target.siblings) {
    const v = evaluateRetention(s.rule, target.holder, retentionFacts, {
      asOf,
      holdsAt: clock.holdsAt,
      personId: item.personId,
      category: s.category.id,
      holds: facts.holds,
      openInvoice: person?.openInvoice ?? false,
      openCollection: person?.openCollection ?? false,
    });
    if (!worst || rank(v) > rank(worst) || (rank(v) === rank(worst) && later(v, worst))) worst = v;
  }
  return worst!;
}

const RANK: Record<RetentionVerdict['state'], number> = {
  due: 0,
  blocked: 1,
  not_due: 2,
  review: 3,
  kept: 4,
  waiting: 5,
};
const rank = (v: RetentionVerdict) => RANK[v.state];
const later = (a: RetentionVerdict, b: RetentionVerdict) =>
  a.due.status === 'due_at' && b.due.status === 'due_at' && a.due.at.getTime() > b.due.at.getTime();
