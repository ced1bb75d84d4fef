import { authorityDeadline, isLateNotification, LupausError, type ProblemDetail } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  BREACHES_PURPOSE,
  type BreachView,
  breachViewIn,
  checkInstant,
  checkText,
  requireBreachId,
  requireOpenBreach,
} from './breach-store';

/** The notification made to the supervisory authority (art. 33). */
export interface AuthorityNotificationInput {
  /** When the authority was notified (ISO 8601 with its zone); now when omitted. */
  at?: string | undefined;
  /** The authority's case number, or the reference of the e-form sent. */
  reference?: string | undefined;
  /** Why the notification is later than 72 hours after the breach was discovered: required then (art. 33(1)). */
  delayReason?: string | undefined;
}

/**
 * Records that the supervisory authority was notified of a breach (GDPR art. 33(1)): when, and its reference.
 * A notification later than 72 hours after the controller became aware of the breach must come with the
 * reasons for the delay: without `delayReason` it is refused (VALIDATION_FAILED naming delayReason) and nothing
 * is written. Recorded once; a closed breach is refused. One transaction with its audit row (ids only).
 *
 * @example
 * ```ts
 * await recordAuthorityNotification(reg, actor, breachId, { reference: 'TSV/1234/2026' });
 * ```
 */
export async function recordAuthorityNotification(
  reg: Register,
  actor: Actor,
  breachId: string,
  input: AuthorityNotificationInput,
): Promise<BreachView> {
  authorize(reg, actor, 'breaches.manage');
  const id = requireBreachId(breachId);
  const now = reg.clock.now();
  const problems: ProblemDetail[] = [];
  const at = checkInstant(input.at, 'at', now, problems);
  const reference = checkText(input.reference, 'reference', problems, { max: 200 });
  const delayReason = checkText(input.delayReason, 'delayReason', problems, { max: 10_000 });
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', { breachId: id }, problems);
  const notifiedAt = at ?? now;
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireOpenBreach(tx, id);
    if (row.authority_notified_at !== null) {
      throw new LupausError('CONFLICT', { breachId: id }, [
        {
          at: 'at',
          message: `the authority was already notified on ${new Date(row.authority_notified_at).toISOString()}`,
        },
      ]);
    }
    const discoveredAt = new Date(row.discovered_at);
    if (notifiedAt.getTime() < discoveredAt.getTime()) {
      throw new LupausError('VALIDATION_FAILED', { breachId: id }, [
        {
          at: 'at',
          message: `the authority cannot have been notified before the breach was discovered (${discoveredAt.toISOString()})`,
        },
      ]);
    }
    const late = isLateNotification(discoveredAt, notifiedAt);
    if (late && delayReason === null) {
      throw new LupausError('VALIDATION_FAILED', { breachId: id }, [
        {
          at: 'delayReason',
          message: `the notification is later than 72 hours after the breach was discovered (the deadline was ${authorityDeadline(discoveredAt).toISOString()}): give the reasons for the delay (GDPR art. 33(1))`,
        },
      ]);
    }
    await tx
      .updateTable('breaches')
      .set({ authority_notified_at: notifiedAt, authority_reference: reference, delay_reason: delayReason })
      .where('id', '=', id)
      .execute();
    await audit(tx, reg, actor, {
      action: 'breach_authority_notified',
      entityType: 'breach',
      entityId: id,
      personId: null,
      purpose: BREACHES_PURPOSE,
      details: { late },
    });
    return breachViewIn(tx, reg, await requireOpenBreach(tx, id, { lock: false }));
  });
}
