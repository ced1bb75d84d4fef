import { LupausError, type ProblemDetail } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  BREACHES_PURPOSE,
  type BreachView,
  breachViewIn,
  requireBreachId,
  requireOpenBreach,
} from './breach-store';

/**
 * Closes a breach once its handling is done: nothing more can be recorded on it, and it stays in the register
 * as the documentation art. 33(5) asks for. Refused while what the GDPR requires is missing: the authority's
 * notification when the breach is not unlikely to result in a risk (art. 33(1)), and for a high-risk breach the
 * decision whether to tell the persons (art. 34). One transaction with its audit row (ids only).
 *
 * @example
 * ```ts
 * await closeBreach(reg, actor, breachId);
 * ```
 */
export async function closeBreach(reg: Register, actor: Actor, breachId: string): Promise<BreachView> {
  authorize(reg, actor, 'breaches.manage');
  const id = requireBreachId(breachId);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireOpenBreach(tx, id);
    const problems: ProblemDetail[] = [];
    if (row.risk !== 'unlikely' && row.authority_notified_at === null) {
      problems.push({
        at: 'authorityNotifiedAt',
        message: 'record the notification to the supervisory authority first (GDPR art. 33(1))',
      });
    }
    if (row.risk === 'high' && row.subjects_decision === null) {
      problems.push({
        at: 'subjectsDecision',
        message: 'decide whether the persons must be told first (GDPR art. 34)',
      });
    }
    if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', { breachId: id }, problems);
    await tx.updateTable('breaches').set({ closed_at: reg.clock.now() }).where('id', '=', id).execute();
    await audit(tx, reg, actor, {
      action: 'breach_close',
      entityType: 'breach',
      entityId: id,
      personId: null,
      purpose: BREACHES_PURPOSE,
      details: {},
    });
    return breachViewIn(tx, reg, await requireOpenBreach(tx, id, { allowClosed: true, lock: false }));
  });
}
