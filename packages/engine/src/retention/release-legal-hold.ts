import { LupausError } from '@lupaus/core';
import { findLegalHoldRow, releaseLegalHoldRow } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { type LegalHoldView, toLegalHoldView } from './legal-hold-view';
import { RETENTION_PURPOSE } from './run-retention';

/**
 * Releases a legal hold (R5.2): from now on the sweep treats the data it covered by their retention rules again,
 * so what became due meanwhile goes in the next run. Audited. A hold already released cannot be released again.
 */
export async function releaseLegalHold(reg: Register, actor: Actor, id: string): Promise<LegalHoldView> {
  authorize(reg, actor, 'retention.manage');
  const holdId = requireId(id, 'legal hold', 'id');
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const row = await findLegalHoldRow(tx, holdId);
    if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no legal hold ${holdId}` }]);
    const releasedAlready = (r: typeof row) =>
      new LupausError('CONFLICT', { id }, [
        {
          at: 'id',
          message: `legal hold ${holdId} was released already, on ${r.released_at ? new Date(r.released_at).toISOString() : 'unknown'} by ${r.released_by ?? 'unknown'}`,
        },
      ]);
    if (row.released_at) throw releasedAlready(row);
    // The update itself checks that the hold is not released, so two concurrent releases audit only once.
    if (!(await releaseLegalHoldRow(tx, holdId, now, actor.id))) {
      throw releasedAlready((await findLegalHoldRow(tx, holdId)) ?? row);
    }
    await audit(tx, reg, actor, {
      action: 'legal_hold_release',
      entityType: 'legal_hold',
      entityId: holdId,
      personId: row.person_id,
      purpose: RETENTION_PURPOSE,
      details: { category: row.category },
    });
    return toLegalHoldView((await findLegalHoldRow(tx, holdId))!, now);
  });
}
