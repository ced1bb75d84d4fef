import type { Executor } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { requireId } from '../policy/ids';
import { notifyRestrictionLiftIn } from './lift-restriction';
import { startRestrictionIn } from './start-restriction';

/** The grounds a pending matter restricts on by itself (art. 18(1)(a) and (d)). */
export type PendingGround = 'accuracy_contested' | 'objection_pending';

/**
 * Restricts the person's processing while a matter is pending (R4.5, art. 18(1)(a), (d)): a rectification whose
 * accuracy the person contests, or an objection under art. 21(1). Call it, in the same transaction, when the
 * request or objection is received. One restriction per person, ground and request.
 *
 * @example
 * ```ts
 * await restrictWhilePendingIn(tx, reg, actor, { personId, ground: 'accuracy_contested', requestId });
 * ```
 */
export async function restrictWhilePendingIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  input: {
    personId: string;
    ground: PendingGround;
    requestId?: string | undefined;
    reason?: string | undefined;
  },
): Promise<{ id: string }> {
  return startRestrictionIn(tx, reg, actor, {
    personId: input.personId,
    ground: input.ground,
    ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
    reason:
      input.reason ??
      (input.ground === 'accuracy_contested'
        ? 'Tietojen paikkansapitävyys kiistetty: rajoitettu, kunnes oikaisuvaatimus on ratkaistu (18(1)(a))'
        : 'Käsittelyä vastustettu: rajoitettu, kunnes vastustus on ratkaistu (18(1)(d))'),
  });
}

/**
 * Ends the restrictions a pending matter started, now that it is decided: for each active restriction of the
 * person on `ground` (accuracy: the one of `requestId`, or those without a request; objection: all of them once no objection of
 * the person is pending any more), the subject is told first
 * (art. 18(3)) and the restriction is lifted as soon as that notice is sent (`sendPendingNotifications`).
 * Returns the restrictions and their notices.
 *
 * @example
 * ```ts
 * await endPendingRestrictionsIn(tx, reg, actor, { personId, ground: 'accuracy_contested', requestId });
 * ```
 */
export async function endPendingRestrictionsIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  input: { personId: string; ground: PendingGround; requestId?: string | null | undefined; message?: string },
): Promise<{ restrictionId: string; notificationId: string; to: string | null }[]> {
  const personId = requireId(input.personId, 'person', 'personId');
  if (input.ground === 'objection_pending') {
    const other = await tx
      .selectFrom('objections')
      .select('id')
      .where('person_id', '=', personId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (other) return [];
  }
  let q = tx
    .selectFrom('restrictions')
    .select('id')
    .where('person_id', '=', personId)
    .where('ground', '=', input.ground)
    .where('lifted_at', 'is', null);
  if (input.ground === 'accuracy_contested') {
    q = input.requestId
      ? q.where('request_id', '=', requireId(input.requestId, 'request', 'requestId'))
      : q.where('request_id', 'is', null);
  }
  const rows = await q.execute();
  const out: { restrictionId: string; notificationId: string; to: string | null }[] = [];
  for (const r of rows) {
    const n = await notifyRestrictionLiftIn(tx, reg, actor, r.id, {
      onDecision: true,
      ...(input.message ? { message: input.message } : {}),
    });
    out.push({ restrictionId: r.id, ...n });
  }
  return out;
}
