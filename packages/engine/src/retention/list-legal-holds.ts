import { utcDate } from '@lupaus/core';
import { listLegalHoldRows } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { optionalCursor, requireId } from '../policy/ids';
import { type LegalHoldView, toLegalHoldView } from './legal-hold-view';

/**
 * Legal holds, newest first, a page at a time (R5.2): all of them, or with `current` only those not released
 * and not past their end date; optionally only those on one person.
 */
export interface ListLegalHoldsOptions {
  current?: boolean | undefined;
  personId?: string | undefined;
  limit?: number | undefined;
  after?: string | undefined;
}

export async function listLegalHolds(
  reg: Register,
  actor: Actor,
  opts: ListLegalHoldsOptions = {},
): Promise<{ items: LegalHoldView[]; next: string | null }> {
  authorize(reg, actor, 'retention.manage');
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  const now = reg.clock.now();
  const rows = await listLegalHoldRows(reg.db, {
    limit: limit + 1,
    after: optionalCursor(opts.after, 'legal hold'),
    personId: opts.personId === undefined ? undefined : requireId(opts.personId, 'person', 'personId'),
    ...(opts.current ? { current: { today: utcDate(now) } } : {}),
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => toLegalHoldView(r, now)),
    next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
