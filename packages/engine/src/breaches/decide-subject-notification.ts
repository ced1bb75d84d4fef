import { LupausError, type ProblemDetail } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  BREACHES_PURPOSE,
  type BreachView,
  breachViewIn,
  checkText,
  requireBreachId,
  requireOpenBreach,
} from './breach-store';

/**
 * The conditions of GDPR art. 34(3) under which persons need not be told of a high-risk breach:
 * (a) `protected`: the data was made unintelligible to anyone not authorised (encryption);
 * (b) `mitigated`: subsequent measures ensure the high risk is no longer likely to materialise;
 * (c) `public_communication`: telling each person would involve disproportionate effort, and a public
 * communication informs them as effectively instead.
 */
export const SUBJECT_NOTIFICATION_EXEMPTIONS = {
  protected: '(a)',
  mitigated: '(b)',
  public_communication: '(c)',
} as const;
export type SubjectNotificationExemption = keyof typeof SUBJECT_NOTIFICATION_EXEMPTIONS;

export interface SubjectDecisionInput {
  decision: 'notify' | 'not_required';
  /** For a high-risk breach not told to the persons: the condition of art. 34(3) that applies. */
  exemption?: SubjectNotificationExemption | undefined;
  /** Why: required for `not_required`. */
  reason?: string | undefined;
}

/**
 * Records whether the persons affected by a breach must be told (GDPR art. 34). When the breach is likely to
 * result in a high risk they must, unless one of the conditions of art. 34(3) applies: `not_required` for a
 * high-risk breach is refused without `exemption` and `reason`; `not_required` always needs a reason. The
 * decision may change until notices have been sent. One transaction with its audit row (ids only).
 *
 * @example
 * ```ts
 * await decideSubjectNotification(reg, actor, breachId, { decision: 'notify' });
 * await decideSubjectNotification(reg, actor, other, {
 *   decision: 'not_required', exemption: 'protected', reason: 'The stolen laptop was fully encrypted.',
 * });
 * ```
 */
export async function decideSubjectNotification(
  reg: Register,
  actor: Actor,
  breachId: string,
  input: SubjectDecisionInput,
): Promise<BreachView> {
  authorize(reg, actor, 'breaches.manage');
  const id = requireBreachId(breachId);
  const problems: ProblemDetail[] = [];
  if (input.decision !== 'notify' && input.decision !== 'not_required') {
    problems.push({ at: 'decision', message: 'decision is notify or not_required' });
  }
  const reason = checkText(input.reason, 'reason', problems, { max: 10_000 });
  const exemptions = Object.keys(SUBJECT_NOTIFICATION_EXEMPTIONS);
  if (input.exemption !== undefined && !exemptions.includes(input.exemption)) {
    problems.push({ at: 'exemption', message: `exemption is one of ${exemptions.join(', ')} (art. 34(3))` });
  }
  if (input.decision === 'not_required' && reason === null && !problems.some((p) => p.at === 'reason')) {
    problems.push({ at: 'reason', message: 'say why the persons need not be told' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', { breachId: id }, problems);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireOpenBreach(tx, id);
    if (input.decision === 'not_required' && row.risk === 'high' && input.exemption === undefined) {
      throw new LupausError('VALIDATION_FAILED', { breachId: id }, [
        {
          at: 'exemption',
          message: `the breach is likely to result in a high risk, so the persons must be told (GDPR art. 34(1)) unless a condition of art. 34(3) applies: give exemption (${exemptions.join(', ')}) with the reason, or decide notify`,
        },
      ]);
    }
    if (input.decision === 'not_required' && row.subjects_decision === 'notify') {
      const sent = await tx
        .selectFrom('breach_persons')
        .select('person_id')
        .where('breach_id', '=', id)
        .where('notified_at', 'is not', null)
        .executeTakeFirst();
      if (sent) {
        throw new LupausError('CONFLICT', { breachId: id }, [
          { at: 'decision', message: 'notices have been sent already: the decision to notify stands' },
        ]);
      }
    }
    const stored =
      input.decision === 'not_required' && input.exemption !== undefined
        ? `art. 34(3)${SUBJECT_NOTIFICATION_EXEMPTIONS[input.exemption]}: ${reason}`
        : reason;
    await tx
      .updateTable('breaches')
      .set({ subjects_decision: input.decision, subjects_decision_reason: stored })
      .where('id', '=', id)
      .execute();
    await audit(tx, reg, actor, {
      action: 'breach_subjects_decision',
      entityType: 'breach',
      entityId: id,
      personId: null,
      purpose: BREACHES_PURPOSE,
      details: { decision: input.decision, exemption: input.exemption ?? null },
    });
    return breachViewIn(tx, reg, await requireOpenBreach(tx, id, { lock: false }));
  });
}
