import {
  breachClock,
  findControlCharacter,
  isIsoDateTime,
  LupausError,
  type ProblemDetail,
} from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import type { Selectable } from 'kysely';
import { auditEach } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requireId } from '../policy/ids';

/**
 * What the breach use cases share (GDPR art. 33–34): the audit purpose, the row as the API and CLI show it, the
 * checks of texts and instants, and loading a breach for a change (locked, refused once closed).
 */

/** The purpose recorded in the audit rows of breach handling. */
export const BREACHES_PURPOSE = 'breach_management';

export const BREACH_RISKS = ['unlikely', 'risk', 'high'] as const;
export type BreachRisk = (typeof BREACH_RISKS)[number];

/** A breach row as read from the database. */
export interface BreachRow {
  id: string;
  title: string;
  description: string;
  occurred_at: Date | string | null;
  discovered_at: Date | string;
  categories: string[];
  consequences: string | null;
  measures: string | null;
  risk: BreachRisk;
  authority_notified_at: Date | string | null;
  authority_reference: string | null;
  delay_reason: string | null;
  subjects_decision: 'notify' | 'not_required' | null;
  subjects_decision_reason: string | null;
  closed_at: Date | string | null;
  recorded_at: Date | string;
  recorded_by: string;
}

/** A breach as the API and the CLI show it, with its 72-hour clock (art. 33(1)). */
export interface BreachView {
  id: string;
  title: string;
  description: string;
  occurredAt: string | null;
  /** When the controller became aware of it: the clock starts here. */
  discoveredAt: string;
  categories: string[];
  consequences: string | null;
  measures: string | null;
  risk: BreachRisk;
  /**
   * Whether the authority must be notified: unless the breach is unlikely to result in a risk to the rights
   * and freedoms of natural persons (art. 33(1)).
   */
  authorityNotificationRequired: boolean;
  /** `discoveredAt` + 72 hours. */
  authorityDeadline: string;
  /** Hours left to notify the authority (negative once past); null once notified or when not required. */
  hoursLeft: number | null;
  /** Required, not notified, and past the deadline. */
  overdue: boolean;
  authorityNotifiedAt: string | null;
  authorityReference: string | null;
  /** Art. 33(1): why the notification came later than 72 hours. */
  delayReason: string | null;
  subjectsDecision: 'notify' | 'not_required' | null;
  subjectsDecisionReason: string | null;
  /** The persons affected: how many, and how many have been sent the art. 34 notice. */
  persons: { total: number; notified: number };
  closedAt: string | null;
  recordedAt: string;
  recordedBy: string;
}

const iso = (d: Date | string): string => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : iso(d));

/** The view of a breach row at `now`, with its persons counted. */
export function toBreachView(
  row: BreachRow,
  persons: { total: number; notified: number },
  now: Date,
): BreachView {
  const required = row.risk !== 'unlikely';
  const notifiedAt = row.authority_notified_at === null ? null : new Date(row.authority_notified_at);
  const clock = breachClock(new Date(row.discovered_at), notifiedAt, now);
  const open = required && notifiedAt === null && row.closed_at === null;
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    occurredAt: isoOrNull(row.occurred_at),
    discoveredAt: iso(row.discovered_at),
    categories: [...row.categories],
    consequences: row.consequences,
    measures: row.measures,
    risk: row.risk,
    authorityNotificationRequired: required,
    authorityDeadline: clock.deadline.toISOString(),
    hoursLeft: open ? clock.hoursLeft : null,
    overdue: open && clock.overdue,
    authorityNotifiedAt: isoOrNull(row.authority_notified_at),
    authorityReference: row.authority_reference,
    delayReason: row.delay_reason,
    subjectsDecision: row.subjects_decision,
    subjectsDecisionReason: row.subjects_decision_reason,
    persons,
    closedAt: isoOrNull(row.closed_at),
    recordedAt: iso(row.recorded_at),
    recordedBy: row.recorded_by,
  };
}

/** How many persons each breach touches, and how many were notified. */
export async function countBreachPersons(
  tx: Executor,
  ids: readonly string[],
): Promise<Map<string, { total: number; notified: number }>> {
  const out = new Map<string, { total: number; notified: number }>();
  for (const id of ids) out.set(id, { total: 0, notified: 0 });
  if (ids.length === 0) return out;
  const rows = await tx
    .selectFrom('breach_persons')
    .select((eb) => [
      'breach_id',
      eb.fn.countAll<string>().as('total'),
      eb.fn.count<string>('notified_at').as('notified'),
    ])
    .where('breach_id', 'in', [...ids])
    .groupBy('breach_id')
    .execute();
  for (const r of rows) out.set(r.breach_id, { total: Number(r.total), notified: Number(r.notified) });
  return out;
}

/** The view of one breach read in `tx`. */
export async function breachViewIn(tx: Executor, reg: Register, row: BreachRow): Promise<BreachView> {
  const counts = await countBreachPersons(tx, [row.id]);
  return toBreachView(row, counts.get(row.id)!, reg.clock.now());
}

/**
 * The breach with this id, locked for a change in `tx`; NOT_FOUND when there is none, BREACH_CLOSED when it is
 * closed (unless `allowClosed`).
 */
export async function requireOpenBreach(
  tx: Executor,
  id: string,
  opts: { allowClosed?: boolean; lock?: boolean } = {},
): Promise<BreachRow> {
  let q = tx.selectFrom('breaches').selectAll().where('id', '=', id);
  if (opts.lock !== false) q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as Selectable<BreachRow> | undefined;
  if (!row) throw new LupausError('NOT_FOUND', { breachId: id }, [{ at: 'id', message: `no breach ${id}` }]);
  if (row.closed_at !== null && !opts.allowClosed) {
    throw new LupausError('BREACH_CLOSED', { breachId: id }, [
      { at: 'id', message: `breach ${id} was closed on ${iso(row.closed_at)}` },
    ]);
  }
  return row as BreachRow;
}

/** A breach id given by a caller. */
export function requireBreachId(id: string): string {
  return requireId(id, 'breach', 'id');
}

/**
 * A text given by the caller: trimmed, 1–`max` characters, no control characters except line breaks. Returns
 * null (and pushes a problem when `required`) when absent.
 */
export function checkText(
  value: unknown,
  at: string,
  problems: ProblemDetail[],
  opts: { max: number; required?: boolean; what?: string },
): string | null {
  if (value === undefined || value === null) {
    if (opts.required) problems.push({ at, message: `give ${opts.what ?? at} (1–${opts.max} characters)` });
    return null;
  }
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > opts.max) {
    problems.push({ at, message: `give ${opts.what ?? at} as a text of 1–${opts.max} characters` });
    return null;
  }
  const bad = findControlCharacter(value, at);
  if (bad) {
    problems.push(bad);
    return null;
  }
  return value.trim();
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant given by the caller (ISO 8601 with its zone), not in the future. Null (with a problem) when bad;
 * undefined when absent.
 */
export function checkInstant(
  value: unknown,
  at: string,
  now: Date,
  problems: ProblemDetail[],
): Date | null | undefined {
  if (value === undefined || value === null) return undefined;
  const d = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (typeof value !== 'string' || !INSTANT_RE.test(value) || !isIsoDateTime(value)) {
    problems.push({ at, message: 'give the time as ISO 8601 with its zone, e.g. 2026-03-01T12:00:00Z' });
    return null;
  }
  if (d.getTime() > now.getTime()) {
    problems.push({ at, message: `${value} is in the future (now is ${now.toISOString()})` });
    return null;
  }
  return d;
}

/**
 * Audits an action on some of a breach's persons: one row per person, naming the breach (ids only); nothing
 * when the list is empty.
 *
 * @example
 * ```ts
 * await auditBreachPersons(tx, reg, actor, 'breach_person_add', breachId, personIds);
 * ```
 */
export async function auditBreachPersons(
  tx: Executor,
  reg: Register,
  actor: Actor,
  action: string,
  breachId: string,
  personIds: readonly string[],
): Promise<void> {
  if (personIds.length === 0) return;
  await auditEach(
    tx,
    reg,
    actor,
    { action, entityType: 'breach', purpose: BREACHES_PURPOSE },
    personIds.map((personId) => ({ entityId: breachId, personId })),
  );
}
