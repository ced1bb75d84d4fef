import { AUTHORITY_NOTIFICATION_HOURS } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { optionalCursor } from '../policy/ids';
import {
  BREACHES_PURPOSE,
  type BreachRow,
  type BreachView,
  countBreachPersons,
  toBreachView,
} from './breach-store';

export interface ListBreachesOptions {
  /** Only breaches not closed. */
  open?: boolean | undefined;
  /** Only breaches whose authority notification is overdue (art. 33(1)). */
  overdue?: boolean | undefined;
  limit?: number | undefined;
  /** The id of the last breach of the previous page. */
  after?: string | undefined;
}

/**
 * Breaches, newest first, a page at a time, each with its 72-hour clock (art. 33(1)) read at the register's
 * clock: the authority deadline (discovered + 72 h), the hours left, and `overdue` when the authority must be
 * notified, has not been, and the deadline has passed. Persons appear only as counts. One transaction with an
 * audit row (ids only).
 *
 * @example
 * ```ts
 * const { items } = await listBreaches(reg, actor, { overdue: true });
 * ```
 */
export async function listBreaches(
  reg: Register,
  actor: Actor,
  opts: ListBreachesOptions = {},
): Promise<{ items: BreachView[]; next: string | null }> {
  authorize(reg, actor, 'breaches.manage');
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  const after = optionalCursor(opts.after, 'breach');
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    let q = tx
      .selectFrom('breaches')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (after) q = q.where('id', '<', after);
    if (opts.open || opts.overdue) q = q.where('closed_at', 'is', null);
    if (opts.overdue) {
      q = q
        .where('authority_notified_at', 'is', null)
        .where('risk', '<>', 'unlikely')
        .where('discovered_at', '<', new Date(now.getTime() - AUTHORITY_NOTIFICATION_HOURS * 3_600_000));
    }
    const rows = (await q.execute()) as BreachRow[];
    const page = rows.slice(0, limit);
    const counts = await countBreachPersons(
      tx,
      page.map((r) => r.id),
    );
    await audit(tx, reg, actor, {
      action: 'breach_list',
      entityType: 'breach',
      entityId: null,
      personId: null,
      purpose: BREACHES_PURPOSE,
      details: { ids: page.map((r) => r.id) },
    });
    return {
      items: page.map((r) => toBreachView(r, counts.get(r.id)!, now)),
      next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  });
}
