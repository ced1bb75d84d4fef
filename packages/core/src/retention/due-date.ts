import type { Holder, RetentionRule } from '../definition/schema';
import type { RelationshipStatus } from '../relationship/relationship-end';
import { addDuration, dayAfter } from './duration';
import { afterFiscalYearEndDue } from './fiscal';

/**
 * When data falls due under its retention rule (R5.1), for every kind of rule the definition may use. Pure: the
 * sweep's SQL computes the same dates set-wise, and the dry run shows these.
 *
 * - `from_creation`: the record's date (`occurredAt`: its dateField, else when it was recorded), or when the
 *   person / role / organisation was added (`createdAt`), plus the period.
 * - `after_relationship_end`: the end of the customer relationship plus the period; never while it lasts.
 * - `until_relationship_ended`: the end of the relationship, recorded or judged from the last contact
 *   (`relationshipStatus`).
 * - `while_contact_person`: for a person's data, once the person has had contact roles and every one has an end,
 *   the day after the last end (plus the period, if any); a role still open blocks it. For a contact role's own
 *   data, the day after that role's end (plus the period). For an organisation's, the same over its contact
 *   roles, or from when it was added if it has none.
 * - `after_fiscal_year_end`: the end of the calendar year in which the accounting period containing the record's
 *   date ended, plus the period (Kirjanpitolaki 2:10, LEGAL.md B3).
 * - `until_no_longer_needed`: never due by itself; listed for review once older than `reviewEvery` (always, if
 *   the rule gives none).
 *
 * @example
 * ```ts
 * dueDate({ id: 'chats', kind: 'from_creation', period: 'P3M', description }, { occurredAt: new Date('2025-11-30T09:00Z') });
 * // { status: 'due_at', at: 2026-02-28T09:00Z, from: 2025-11-30T09:00Z }
 * ```
 */
export interface RetentionFacts {
  /** Records: when the record happened (its dateField, else when it was recorded). */
  occurredAt?: Date | undefined;
  /** Persons, contact roles, organisations: when they were added. */
  createdAt?: Date | undefined;
  /** The person's customer relationship as of the sweep (`relationshipStatus`). */
  relationship?: RelationshipStatus | undefined;
  /** The person's contact roles (for `while_contact_person` on a person's data and records). */
  contactRoles?: readonly { id: string; endsOn: string | null }[] | undefined;
  /** A contact role's own end (for the data of holder `contact_role`). */
  roleEndsOn?: string | null | undefined;
  /** The definition's `retention.fiscalYearEnd` (MM-DD), default 12-31. */
  fiscalYearEnd?: string | undefined;
}

export type WaitingReason =
  | 'relationship_active'
  | 'not_a_contact_person'
  | 'contact_role_active'
  | 'no_date'
  | 'no_period';

export type DueDate =
  /** Due at `at`, counted from `from`. */
  | { status: 'due_at'; at: Date; from: Date }
  /** Not due until something happens (the relationship ends, a contact role ends). */
  | { status: 'waiting'; reason: WaitingReason }
  /** `until_no_longer_needed`: for a person to decide; listed for review from `reviewFrom`. */
  | { status: 'review'; reviewFrom: Date; from: Date };

/** Whether data of this holder is dated by its own date (records) rather than by when it was added. */
function ownDate(facts: RetentionFacts): Date | undefined {
  return facts.occurredAt ?? facts.createdAt;
}

function plus(from: Date, period: string | undefined): Date {
  return period ? addDuration(from, period) : from;
}

export function dueDate(rule: RetentionRule, holder: Holder, facts: RetentionFacts): DueDate {
  switch (rule.kind) {
    case 'from_creation': {
      const from = ownDate(facts);
      if (!from) return { status: 'waiting', reason: 'no_date' };
      if (!rule.period) return { status: 'waiting', reason: 'no_period' };
      return { status: 'due_at', at: addDuration(from, rule.period), from };
    }
    case 'after_fiscal_year_end': {
      const from = ownDate(facts);
      if (!from) return { status: 'waiting', reason: 'no_date' };
      return {
        status: 'due_at',
        at: afterFiscalYearEndDue(from, facts.fiscalYearEnd ?? '12-31', rule.period ?? 'P0D'),
        from,
      };
    }
    case 'after_relationship_end':
    case 'until_relationship_ended': {
      // An end kept active by an open invoice or debt collection still dates the data: those are blockers.
      const end = facts.relationship?.endedAt;
      if (!end || (facts.relationship?.state === 'active' && !facts.relationship.keptActiveBy?.length)) {
        return { status: 'waiting', reason: 'relationship_active' };
      }
      const period = rule.kind === 'after_relationship_end' ? rule.period : undefined;
      return { status: 'due_at', at: plus(end, period), from: end };
    }
    case 'while_contact_person': {
      if (holder === 'contact_role') {
        if (!facts.roleEndsOn) return { status: 'waiting', reason: 'contact_role_active' };
        const from = dayAfter(facts.roleEndsOn);
        return { status: 'due_at', at: plus(from, rule.period), from };
      }
      const roles = facts.contactRoles ?? [];
      if (roles.length === 0) {
        // An organisation nobody is the contact person of is kept from when it was added.
        const from = holder === 'organisation' ? facts.createdAt : undefined;
        return from
          ? { status: 'due_at', at: plus(from, rule.period), from }
          : { status: 'waiting', reason: 'not_a_contact_person' };
      }
      const ends = roles.flatMap((r) => (r.endsOn ? [r.endsOn] : [])).sort();
      const last = ends[ends.length - 1];
      if (!last) return { status: 'waiting', reason: 'contact_role_active' };
      const from = dayAfter(last);
      return { status: 'due_at', at: plus(from, rule.period), from };
    }
    case 'until_no_longer_needed': {
      const from = ownDate(facts) ?? new Date(0);
      return { status: 'review', reviewFrom: plus(from, rule.reviewEvery), from };
    }
  }
}
