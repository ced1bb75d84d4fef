import { addCalendarMonths, helsinkiDate, LupausError } from '@lupaus/core';
import { sql } from 'kysely';
import { channels } from '../consents/consent-policy';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { OPEN_REQUEST_STATES } from '../requests/request-store';
import { planRetention } from '../retention/plan-retention';

/**
 * Figures for the staff's dashboards (R7.1): counts only, never a person's data. Each is its own use case
 * under the permission that reads what it counts.
 */

/** Open requests by their deadline in force (the extended one, else the first), as of the register's clock. */
export interface RequestDeadlineFigures {
  today: string;
  /** Open and past the deadline. */
  overdue: number;
  /** Due today or within the next 7 days. */
  thisWeek: number;
  /** Due after that. */
  later: number;
  /** Open requests whose deadline was extended (art. 12(3)). */
  extended: number;
  /** Open requests by type. */
  byType: Record<string, number>;
}

/**
 * Counts the open data subject's requests by deadline (R4.1, R7.1).
 *
 * @example
 * ```ts
 * const f = await requestDeadlineFigures(reg, actor);
 * f.overdue; // 2
 * ```
 */
export async function requestDeadlineFigures(reg: Register, actor: Actor): Promise<RequestDeadlineFigures> {
  authorize(reg, actor, 'requests.manage');
  const today = helsinkiDate(reg.clock.now());
  const weekEnd = new Date(Date.parse(`${today}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
  const rows = await reg.db
    .selectFrom('requests')
    .select([
      'type',
      sql<string>`case when coalesce(extended_to, due_on) < ${today}::date then 'overdue'
        when coalesce(extended_to, due_on) <= ${weekEnd}::date then 'week' else 'later' end`.as('bucket'),
      sql<boolean>`extended_to is not null`.as('extended'),
      sql<string>`count(*)`.as('n'),
    ])
    .where('state', 'in', [...OPEN_REQUEST_STATES])
    .groupBy(['type', 'bucket', 'extended'])
    .execute();
  const out: RequestDeadlineFigures = { today, overdue: 0, thisWeek: 0, later: 0, extended: 0, byType: {} };
  for (const r of rows) {
    const n = Number(r.n);
    if (r.bucket === 'overdue') out.overdue += n;
    else if (r.bucket === 'week') out.thisWeek += n;
    else out.later += n;
    if (r.extended) out.extended += n;
    out.byType[r.type] = (out.byType[r.type] ?? 0) + n;
  }
  return out;
}

/** Where the latest choices stand on one marketing channel: one per person × purpose. */
export interface ChannelConsentFigures {
  channel: string;
  given: number;
  withdrawn: number;
  prohibited: number;
}

/**
 * Counts, per declared marketing channel, the persons' latest consent records (R3.1, R7.1) by state: the
 * newest record of each person × channel × purpose counts once.
 *
 * @example
 * ```ts
 * const [email] = await consentFigures(reg, actor);
 * email; // { channel: 'email', given: 120, withdrawn: 8, prohibited: 3 }
 * ```
 */
export async function consentFigures(reg: Register, actor: Actor): Promise<ChannelConsentFigures[]> {
  authorize(reg, actor, 'consents.read');
  const latest = reg.db
    .selectFrom('consents')
    .distinctOn(['person_id', 'channel', 'purpose'])
    .select(['channel', 'state'])
    .orderBy('person_id')
    .orderBy('channel')
    .orderBy('purpose')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .as('l');
  const rows = await reg.db
    .selectFrom(latest)
    .select(['l.channel', 'l.state', sql<string>`count(*)`.as('n')])
    .groupBy(['l.channel', 'l.state'])
    .execute();
  const byChannel = new Map<string, ChannelConsentFigures>();
  const of = (channel: string) => {
    let f = byChannel.get(channel);
    if (!f) {
      f = { channel, given: 0, withdrawn: 0, prohibited: 0 };
      byChannel.set(channel, f);
    }
    return f;
  };
  for (const c of channels(reg)) of(c.id);
  for (const r of rows) {
    const f = of(r.channel);
    if (r.state === 'given' || r.state === 'withdrawn' || r.state === 'prohibited') f[r.state] += Number(r.n);
  }
  return [...byChannel.values()];
}

/** What the retention sweep would remove, month by month. */
export interface RetentionForecast {
  asOf: string;
  months: {
    /** YYYY-MM */
    month: string;
    /** Items that fall due in that month (for the first month: due by its end, including what is due now). */
    due: number;
    /** Items due by the month's end but held back by a blocker. */
    blocked: number;
  }[];
}

export const MAX_FORECAST_MONTHS = 12;

/**
 * The retention dry run (`planRetention`) at the end of each of the coming months, as counts per month (R5.1,
 * R7.1): what the sweep would delete or anonymise that month if run then, and what blockers hold back.
 *
 * @example
 * ```ts
 * const f = await forecastRetention(reg, actor, { months: 6 });
 * f.months[0]; // { month: '2026-11', due: 14, blocked: 2 }
 * ```
 */
export async function forecastRetention(
  reg: Register,
  actor: Actor,
  opts: { months?: number | undefined } = {},
): Promise<RetentionForecast> {
  authorize(reg, actor, 'retention.manage');
  const months = opts.months ?? 6;
  if (!Number.isInteger(months) || months < 1 || months > MAX_FORECAST_MONTHS) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'months', message: `give a whole number of months from 1 to ${MAX_FORECAST_MONTHS}` },
    ]);
  }
  const today = helsinkiDate(reg.clock.now());
  const first = `${today.slice(0, 7)}-01`;
  const out: RetentionForecast = { asOf: today, months: [] };
  let before = 0;
  for (let k = 0; k < months; k++) {
    const start = addCalendarMonths(first, k);
    // The last day of the month: the day before the first of the next.
    const lastDay = new Date(Date.parse(`${addCalendarMonths(first, k + 1)}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    const plan = await planRetention(reg, actor, { asOf: lastDay, limit: 0 });
    out.months.push({
      month: start.slice(0, 7),
      due: Math.max(plan.totals.due - before, 0),
      blocked: plan.totals.blocked,
    });
    before = plan.totals.due;
  }
  return out;
}
