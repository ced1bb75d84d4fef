import { afterFiscalYearEndDue } from '@lupaus/core';
import { arrayLiteral, type Executor } from '@lupaus/db';
import { sql } from 'kysely';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { loadSweepFacts, verdictOf } from './facts';
import {
  iso,
  parseAsOf,
  type RetentionGroup,
  type RetentionItem,
  type RetentionPlan,
  type ReviewGroup,
} from './report';
import {
  countDue,
  type DueCounts,
  type DueRow,
  interval,
  personDeletionQuery,
  personFieldPresent,
  personHasValues,
  recordTable,
  type SweepClock,
  selectDue,
  sweepClock,
  sweepQuery,
} from './sweep-sql';
import { type ReviewTarget, type SweepTarget, sweepTargets } from './targets';

/**
 * The dry run of the retention sweep (R5.2): what would go as of an instant and why, changing nothing. Per rule
 * and category: how many items would go, the earliest and latest due dates, the items themselves (up to `limit`
 * per category, earliest due first) with the person and the fields, the items that are due but held back with
 * what holds them (a legal hold, an open invoice or debt collection case, an active contact role), and the
 * categories kept until no longer needed that a person should review.
 *
 * @example
 * ```ts
 * const plan = await planRetention(reg, actor, { asOf: '2026-03-01' });
 * plan.groups; // [{ rule: 'chat_recordings', category: 'chats', due: 12, earliestDue: ..., blocked: 1, ... }]
 * ```
 */
export interface PlanRetentionOptions {
  /** A date (the end of that UTC day), a date and time, or an instant; default now. */
  asOf?: string | Date | undefined;
  /** Items listed per category (default 50, at most 1000). */
  limit?: number | undefined;
}

export const DEFAULT_PLAN_LIMIT = 50;
export const MAX_PLAN_LIMIT = 1000;

export async function planRetention(
  reg: Register,
  actor: Actor,
  opts: PlanRetentionOptions = {},
): Promise<RetentionPlan> {
  authorize(reg, actor, 'retention.manage');
  const now = reg.clock.now();
  const asOf = parseAsOf(opts.asOf, now);
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_PLAN_LIMIT), 0), MAX_PLAN_LIMIT);
  const clock = sweepClock(asOf, now);
  const targets = sweepTargets(reg);
  return reg.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const groups: RetentionGroup[] = [];
      const items: RetentionItem[] = [];
      const blocked: RetentionItem[] = [];
      const queries = targets.due.map((target) => sweepQuery(reg, target, clock));
      for (const q of queries) {
        const target = q.target;
        const counts = await countDue(tx, q);
        groups.push(groupOf(reg, target, counts));
        if (limit > 0 && counts.due > 0) {
          items.push(...(await describeItems(tx, reg, target, await selectDue(tx, q, { limit }), clock)));
        }
        if (limit > 0 && counts.blocked > 0) {
          const rows = await selectDue(tx, q, { limit, blocked: true });
          blocked.push(...(await describeItems(tx, reg, target, rows, clock)));
        }
      }
      const pq = personDeletionQuery(reg, targets.personCategories, clock, queries);
      const personCounts = pq ? await countDue(tx, pq) : undefined;
      const review = await reviewGroups(tx, reg, targets.review, clock);
      return {
        asOf: asOf.toISOString(),
        groups,
        persons: {
          due: personCounts?.due ?? 0,
          blocked: personCounts?.blocked ?? 0,
          earliestDue: iso(personCounts?.earliest),
          latestDue: iso(personCounts?.latest),
        },
        items,
        blocked,
        review,
        skipped: targets.skipped,
        totals: {
          due: groups.reduce((n, g) => n + g.due, 0),
          blocked: groups.reduce((n, g) => n + g.blocked, 0),
          review: review.reduce((n, g) => n + g.count, 0),
        },
        limit,
      };
    });
}

export function groupOf(reg: Register, target: SweepTarget, counts: DueCounts): RetentionGroup {
  let earliest = counts.earliest;
  let latest = counts.latest;
  if (target.rule.kind === 'after_fiscal_year_end') {
    const fye = reg.definition.retention?.fiscalYearEnd ?? '12-31';
    const due = (d: Date | null) => (d ? afterFiscalYearEndDue(d, fye, target.rule.period ?? 'P0D') : null);
    earliest = due(counts.earliestBasis);
    latest = due(counts.latestBasis);
  }
  return {
    rule: target.rule.id,
    kind: target.rule.kind,
    category: target.category.id,
    holder: target.holder,
    action: target.action,
    due: counts.due,
    earliestDue: iso(earliest),
    latestDue: iso(latest),
    blocked: counts.blocked,
    blockedBy: counts.blockedBy,
  };
}

/** Items with their due date and blockers, as the pure rules compute them from the stored facts. */
async function describeItems(
  tx: Executor,
  reg: Register,
  target: SweepTarget,
  rows: DueRow[],
  clock: SweepClock,
): Promise<RetentionItem[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const facts = await loadSweepFacts(
    tx,
    rows.flatMap((r) => (r.person_id ? [r.person_id] : [])),
  );
  const roleEnds = new Map<string, string | null>();
  const orgRoles = new Map<string, { id: string; endsOn: string | null }[]>();
  if (target.subject === 'contact_role') {
    const roles = await tx
      .selectFrom('contact_roles')
      .select(['id', 'ends_on'])
      .where('id', 'in', ids)
      .execute();
    for (const r of roles) roleEnds.set(r.id, r.ends_on);
  }
  if (target.subject === 'organisation') {
    const roles = await tx
      .selectFrom('contact_roles')
      .select(['id', 'organisation_id', 'ends_on'])
      .where('organisation_id', 'in', ids)
      .execute();
    for (const r of roles) {
      orgRoles.set(r.organisation_id, [
        ...(orgRoles.get(r.organisation_id) ?? []),
        { id: r.id, endsOn: r.ends_on },
      ]);
    }
  }
  const present = target.subject === 'person' ? await presentFields(tx, reg, target, ids) : undefined;
  return rows.map((r) => {
    const v = verdictOf(
      reg,
      target,
      {
        personId: r.person_id,
        basis: new Date(r.basis),
        roleEndsOn: roleEnds.get(r.id) ?? null,
        organisationRoles: orgRoles.get(r.id) ?? [],
      },
      facts,
      clock,
    );
    const dueAt = v.due.status === 'due_at' ? v.due.at : r.due_at ? new Date(r.due_at) : null;
    return {
      holder: target.holder,
      category: target.category.id,
      rule: target.rule.id,
      action: target.action,
      id: r.id,
      personId: r.person_id,
      ...(present ? { fields: present.get(r.id) ?? [] } : {}),
      dueAt: iso(dueAt),
      ...(v.blockers.length > 0 ? { blockers: v.blockers } : {}),
    };
  });
}

async function presentFields(
  tx: Executor,
  reg: Register,
  target: SweepTarget,
  personIds: string[],
): Promise<Map<string, string[]>> {
  const fields = target.category.fields.flatMap((f) => {
    const e = personFieldPresent(reg, f.id);
    return e ? [{ id: f.id, e }] : [];
  });
  const out = new Map<string, string[]>();
  if (fields.length === 0) return out;
  const r = await sql<Record<string, unknown>>`select p.id, ${sql.join(
    fields.map((f, i) => sql`${f.e} as ${sql.ref(`f${i}`)}`),
  )} from persons p where p.id = any(${arrayLiteral(personIds)}::uuid[])`.execute(tx);
  for (const row of r.rows) {
    out.set(
      row.id as string,
      fields.filter((_, i) => row[`f${i}`] === true).map((f) => f.id),
    );
  }
  return out;
}

/** Categories kept until no longer needed: how many items are old enough to review, and the oldest. */
export async function reviewGroups(
  tx: Executor,
  reg: Register,
  targets: ReviewTarget[],
  clock: SweepClock,
): Promise<ReviewGroup[]> {
  const out: ReviewGroup[] = [];
  for (const t of targets) {
    let from: ReturnType<typeof sql>;
    let basis: ReturnType<typeof sql>;
    let where: ReturnType<typeof sql>;
    switch (t.subject) {
      case 'record':
        from = sql`${sql.table(recordTable(t.holder))} t`;
        basis = sql.ref('t.occurred_at');
        where = sql`t.category = ${t.category.id} and t.person_id is not null`;
        break;
      case 'person':
        from = sql`persons p`;
        basis = sql.ref('p.created_at');
        where = personHasValues(
          reg,
          t.category.fields.map((f) => f.id),
        );
        break;
      case 'contact_role':
        from = sql`contact_roles t`;
        basis = sql.ref('t.created_at');
        where = sql`true`;
        break;
      case 'organisation':
        from = sql`organisations t`;
        basis = sql.ref('t.created_at');
        where = sql`true`;
        break;
    }
    const every = t.rule.reviewEvery;
    const old = every
      ? sql`and ${basis} <= ${clock.at} and (${basis} at time zone 'UTC') + ${interval(every)} <= ${clock.utcAt}`
      : sql``;
    const r = await sql<{
      n: string | number;
      oldest: Date | null;
    }>`select count(*) as n, min(${basis}) as oldest
      from ${from} where ${where} ${old}`.execute(tx);
    const row = r.rows[0];
    out.push({
      rule: t.rule.id,
      category: t.category.id,
      holder: t.holder,
      count: Number(row?.n ?? 0),
      oldest: iso(row?.oldest ? new Date(row.oldest) : null),
      reviewEvery: every ?? null,
    });
  }
  return out;
}
