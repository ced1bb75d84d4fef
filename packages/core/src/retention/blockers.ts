import type { Holder, RetentionRule } from '../definition/schema';
import { type DueDate, dueDate, type RetentionFacts } from './due-date';
import { dayAfter } from './duration';

/**
 * What stops data that is due from going (R5.2, R4.4), and the verdict on one item of data as of a sweep:
 *
 * - a **legal hold** that is active (placed, started, not past the day it ends on, not released) on the person,
 *   on the category, or on that category of that person;
 * - an **open invoice** or an **open debt collection case** of the person: they stop the sweep of the person's
 *   own data, orders, invoices and collection cases (and keep the relationship active, so data kept until or
 *   after its end waits too);
 * - an **active contact role** (open, or ending today or later): it stops the sweep of the person's own data
 *   (seed 001: a contact person's data cannot be erased while the role lasts) and of data kept while the person
 *   is a contact person (for an organisation: while someone is its contact person);
 * - **linked records**: an organisation that orders or invoices still point at stays with them.
 *
 * @example
 * ```ts
 * evaluateRetention(rule, 'interaction', { occurredAt }, { asOf, holds: [], openInvoice: false, openCollection: false, contactRoles: [] });
 * // { state: 'due', due: { status: 'due_at', at, from }, blockers: [] }
 * ```
 */
export type Blocker =
  | { kind: 'legal_hold'; holdId: string; reason: string; until: string }
  | { kind: 'open_invoice' }
  | { kind: 'open_collection' }
  | { kind: 'contact_role'; roleId: string; until: string | null }
  /** An organisation that orders or invoices still point at (they would lose whom they were with). */
  | { kind: 'linked_records' };

export type BlockerKind = Blocker['kind'];

/** Holders whose data an open invoice or debt collection case of the person keeps. */
export const OPEN_ACCOUNT_HOLDERS: readonly Holder[] = ['person', 'order', 'invoice', 'collection'];

export interface LegalHoldFacts {
  id: string;
  personId: string | null;
  category: string | null;
  reason: string;
  startsAt: Date;
  endsOn: string;
  releasedAt: Date | null;
}

/** A hold stops the sweep from its start through the whole day it ends on, unless released. */
export function isHoldActive(hold: LegalHoldFacts, asOf: Date): boolean {
  return (
    hold.releasedAt === null &&
    hold.startsAt.getTime() <= asOf.getTime() &&
    asOf.getTime() < dayAfter(hold.endsOn).getTime()
  );
}

export function holdCovers(hold: LegalHoldFacts, personId: string | null, category: string): boolean {
  return (
    (hold.category === null || hold.category === category) &&
    (hold.personId === null || hold.personId === personId)
  );
}

/** A contact role lasts through the day it ends on. */
export function isRoleActive(role: { endsOn: string | null }, asOf: Date): boolean {
  return role.endsOn === null || dayAfter(role.endsOn).getTime() > asOf.getTime();
}

export function contactRoleBlocks(rule: RetentionRule, holder: Holder): boolean {
  return holder === 'person' || (rule.kind === 'while_contact_person' && holder !== 'contact_role');
}

export function openAccountsBlock(rule: RetentionRule, holder: Holder): boolean {
  return (
    OPEN_ACCOUNT_HOLDERS.includes(holder) ||
    rule.kind === 'after_relationship_end' ||
    rule.kind === 'until_relationship_ended'
  );
}

export interface SweepContext {
  asOf: Date;
  /** When legal holds are judged (default `asOf`); the sweep uses the later of `asOf` and now. */
  holdsAt?: Date | undefined;
  personId: string | null;
  category: string;
  holds: readonly LegalHoldFacts[];
  openInvoice: boolean;
  openCollection: boolean;
}

export interface RetentionVerdict {
  /**
   * `due`: goes in a sweep as of `asOf`; `blocked`: due but held back by `blockers`; `not_due`: due later;
   * `waiting`: not due until something happens; `review`: a person decides (until_no_longer_needed), listed;
   * `kept`: until_no_longer_needed and not yet old enough to review.
   */
  state: 'due' | 'blocked' | 'not_due' | 'waiting' | 'review' | 'kept';
  due: DueDate;
  blockers: Blocker[];
}

export function evaluateRetention(
  rule: RetentionRule,
  holder: Holder,
  facts: RetentionFacts,
  ctx: SweepContext,
): RetentionVerdict {
  const due = dueDate(rule, holder, facts);
  const asOf = ctx.asOf.getTime();
  if (due.status === 'review') {
    return { state: due.reviewFrom.getTime() <= asOf ? 'review' : 'kept', due, blockers: [] };
  }
  if (due.status === 'waiting') return { state: 'waiting', due, blockers: [] };
  if (due.at.getTime() > asOf) return { state: 'not_due', due, blockers: [] };
  const blockers: Blocker[] = [];
  for (const h of ctx.holds) {
    if (isHoldActive(h, ctx.holdsAt ?? ctx.asOf) && holdCovers(h, ctx.personId, ctx.category)) {
      blockers.push({ kind: 'legal_hold', holdId: h.id, reason: h.reason, until: h.endsOn });
    }
  }
  if (openAccountsBlock(rule, holder)) {
    if (ctx.openInvoice) blockers.push({ kind: 'open_invoice' });
    if (ctx.openCollection) blockers.push({ kind: 'open_collection' });
  }
  if (contactRoleBlocks(rule, holder)) {
    for (const r of facts.contactRoles ?? []) {
      if (isRoleActive(r, ctx.asOf)) blockers.push({ kind: 'contact_role', roleId: r.id, until: r.endsOn });
    }
  }
  return { state: blockers.length > 0 ? 'blocked' : 'due', due, blockers };
}
