import { controlCharacterIn, isIsoDate, isIsoDateTime, LupausError, type ProblemDetail } from '@lupaus/core';
import { searchAuditRows } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';

/** One row of the audit trail: who did what to which record of whom, when and why. Ids only. */
export interface AuditEntryView {
  id: string;
  at: string;
  /** The user (or `system`) who read or wrote. */
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  /**
   * Whose data. A row of a view or batch names many persons (`person_ids`) and has none of its own; in a search
   * by person it shows that person here, so "who has looked at my data" lists list views, searches and marketing
   * selections that showed them too.
   */
  personId: string | null;
  purpose: string;
  /** Ids and field names, never values. */
  details: Record<string, unknown>;
}

export interface SearchAuditOptions {
  /** Whose data: "who has looked at my data". */
  personId?: string;
  /** Who: what a user has read and written. */
  actor?: string;
  /** What was done: the action of the row (`read`, `reveal`, `create`, `user.create` …). */
  action?: string;
  /** From this time on (ISO 8601). */
  from?: string;
  /** Before this time (ISO 8601). */
  to?: string;
  /** Rows per page, 1–1000 (default 100). */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `after` for the next (older) page; null on the last page. */
  next: string | null;
}

export const DEFAULT_AUDIT_LIMIT = 100;
const ACTION = /^[a-z][a-z0-9_.:-]{0,99}$/;
export const MAX_AUDIT_LIMIT = 1000;

function timeOf(value: string | undefined, at: string, problems: ProblemDetail[]): Date | undefined {
  if (value === undefined) return undefined;
  const d =
    typeof value === 'string' && (isIsoDate(value) || isIsoDateTime(value))
      ? new Date(value)
      : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    problems.push({ at, message: `"${value.slice(0, 40)}" is not a date or a date and time (ISO 8601)` });
    return undefined;
  }
  return d;
}

/**
 * Searches the audit trail (R6.4), newest first, a page at a time: by person ("who has looked at my data"), by
 * user, by action (every `reveal` of a hetu), by time. Audit rows hold ids, never personal data, so a search of them is not itself audited (it reads
 * no personal data, and auditing it would add a row for every row looked at).
 *
 * @example
 * ```ts
 * const { entries, next } = await searchAudit(reg, actor, { personId, limit: 50 });
 * const who = new Set(entries.map((e) => e.actor));
 * ```
 */
export async function searchAudit(reg: Register, actor: Actor, opts: SearchAuditOptions): Promise<AuditPage> {
  authorize(reg, actor, 'audit.read');
  const problems: ProblemDetail[] = [];
  let personId: string | undefined;
  if (opts.personId !== undefined) {
    try {
      personId = requireId(opts.personId, 'person', 'personId');
    } catch (e) {
      if (e instanceof LupausError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (opts.actor !== undefined && (opts.actor.length === 0 || opts.actor.length > 200)) {
    problems.push({ at: 'actor', message: 'a user id is 1 to 200 characters' });
  } else if (opts.actor !== undefined && controlCharacterIn(opts.actor) !== undefined) {
    problems.push({
      at: 'actor',
      message: `a user id holds no control character (${controlCharacterIn(opts.actor)})`,
    });
  }
  if (opts.action !== undefined && (typeof opts.action !== 'string' || !ACTION.test(opts.action))) {
    problems.push({
      at: 'action',
      message: 'an action is 1 to 100 lower-case letters, digits and . _ : -, starting with a letter',
    });
  }
  const from = timeOf(opts.from, 'from', problems);
  const to = timeOf(opts.to, 'to', problems);
  const limit = opts.limit ?? DEFAULT_AUDIT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
    problems.push({ at: 'limit', message: `limit is a whole number from 1 to ${MAX_AUDIT_LIMIT}` });
  }
  if (opts.after !== undefined && !/^[1-9]\d{0,18}$/.test(opts.after)) {
    problems.push({ at: 'after', message: 'after is the next of the previous page (a row id)' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);

  const rows = await searchAuditRows(reg.db, {
    personId,
    actor: opts.actor,
    action: opts.action,
    from,
    to,
    before: opts.after,
    limit,
  });
  const entries = rows.map((r) => ({
    id: String(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    personId: r.person_id ?? (personId !== undefined && r.person_ids?.includes(personId) ? personId : null),
    purpose: r.purpose,
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
  return { entries, next: entries.length === limit ? entries[entries.length - 1]!.id : null };
}
