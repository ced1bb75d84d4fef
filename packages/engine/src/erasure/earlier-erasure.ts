import type { Executor } from '@lupaus/db';
import { sql } from 'kysely';
import type { ErasureBlocker, ErasureCounts, ErasureMode, ErasureResult } from './erase-person';

/**
 * The erasure (or anonymisation) of this person that already completed, as its result, or undefined (issue 8:
 * a rerun of `lupaus erase PERSON [--request ID]` after a crash between the commit and the scrub finishes the
 * command instead of failing on the person or request that the committed erasure removed or closed).
 *
 * Found by the erasure's own audit row (`erase` or `anonymise` on the person, state `completed`, and the request
 * named when one is given), and only when the person row is gone or the request is no longer open, so that a
 * person created again under the same id (never, ids are UUIDv7) or a new request is never answered from the past.
 *
 * @example
 * ```ts
 * const done = await earlierErasure(tx, 'erase', personId, requestId);
 * if (done) return done; // the earlier run's result; the caller scrubs again
 * ```
 */
export async function earlierErasure(
  tx: Executor,
  mode: ErasureMode,
  personId: string,
  requestId: string | undefined,
): Promise<ErasureResult | undefined> {
  if (requestId) {
    const req = await sql<{ state: string; type: string }>`select state, type from requests
      where id = ${requestId}`.execute(tx);
    const r = req.rows[0];
    if (r?.state !== 'completed' || r.type !== (mode === 'erase' ? 'erasure' : 'anonymisation')) {
      return undefined;
    }
  } else {
    const p = await sql`select 1 from persons where id = ${personId}`.execute(tx);
    if (p.rows.length > 0) return undefined;
  }
  const row = (
    await sql<{ details: Record<string, unknown> }>`select details from audit_log
      where entity_type = 'person' and entity_id = ${personId} and action = ${mode}
        and details->>'state' = 'completed'
        ${requestId ? sql`and details->>'requestId' = ${requestId}` : sql``}
      order by id desc limit 1`.execute(tx)
  ).rows[0];
  if (!row) return undefined;
  const d = row.details as {
    erased: ErasureCounts;
    blockers?: ErasureBlocker[];
    keptFields?: string[];
  };
  return {
    personId,
    mode,
    state: 'completed',
    erased: d.erased,
    blockers: d.blockers ?? [],
    keptFields: d.keptFields ?? [],
  };
}
