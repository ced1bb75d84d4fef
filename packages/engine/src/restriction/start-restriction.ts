import { findControlCharacter, LupausError, type ProblemDetail } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { completeRequestIn } from '../requests/complete-request';
import { requireVerifiedRequestIn } from '../requests/require-verified-request';
import {
  RESTRICTION_GROUNDS,
  type RestrictionGround,
  type RestrictionView,
  RIGHTS_PURPOSE,
  toRestrictionView,
} from './restriction-view';

export interface StartRestrictionInput {
  personId: string;
  ground: RestrictionGround;
  reason?: string | undefined;
  requestId?: string | undefined;
}

export const MAX_RESTRICTION_REASON = 2000;

function validate(input: StartRestrictionInput): {
  personId: string;
  reason: string | null;
  requestId: string | null;
} {
  const problems: ProblemDetail[] = [];
  const personId = requireId(input.personId, 'person', 'personId');
  const requestId = input.requestId === undefined ? null : requireId(input.requestId, 'request', 'requestId');
  if (!RESTRICTION_GROUNDS.includes(input.ground)) {
    problems.push({
      at: 'ground',
      message: `ground is one of ${RESTRICTION_GROUNDS.join(', ')} (art. 18(1)(a)–(d))`,
    });
  }
  let reason: string | null = null;
  if (input.reason !== undefined) {
    reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (reason === '' || reason.length > MAX_RESTRICTION_REASON) {
      problems.push({ at: 'reason', message: `reason is 1–${MAX_RESTRICTION_REASON} characters` });
    } else {
      const bad = findControlCharacter(reason, 'reason');
      if (bad) problems.push(bad);
    }
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { personId, reason, requestId };
}

/**
 * Starts a restriction of processing (art. 18, R4.5) inside the caller's transaction: from now on the person's
 * data is only stored (out of the marketing gate, exports and profiling) until the restriction is lifted, which
 * needs a prior notice to the subject (art. 18(3)). If the person already has an active restriction on the
 * same ground and for the same request, that one is returned instead of a second (and a notice of its lifting
 * given before no longer counts: the ground arose again). Audited.
 *
 * @example
 * ```ts
 * const { id } = await startRestrictionIn(tx, reg, actor, {
 *   personId, ground: 'accuracy_contested', reason: 'Osoitteen oikeellisuus kiistetty', requestId,
 * });
 * ```
 */
export async function startRestrictionIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  input: StartRestrictionInput,
): Promise<{ id: string }> {
  const v = validate(input);
  const person = await tx.selectFrom('persons').select('id').where('id', '=', v.personId).executeTakeFirst();
  if (!person) {
    throw new LupausError('NOT_FOUND', { personId: v.personId }, [
      { at: 'personId', message: `no person ${v.personId}` },
    ]);
  }
  let existing = tx
    .selectFrom('restrictions')
    .select('id')
    .where('person_id', '=', v.personId)
    .where('ground', '=', input.ground)
    .where('lifted_at', 'is', null);
  existing =
    v.requestId === null
      ? existing.where('request_id', 'is', null)
      : existing.where('request_id', '=', v.requestId);
  const found = await existing.executeTakeFirst();
  if (found) {
    // The ground arose again: a notice of lifting sent before no longer holds, the subject is told anew.
    await tx.updateTable('restrictions').set({ lift_notified_at: null }).where('id', '=', found.id).execute();
    return { id: found.id };
  }
  const id = uuidv7();
  const now = reg.clock.now();
  await tx
    .insertInto('restrictions')
    .values({
      id,
      person_id: v.personId,
      ground: input.ground,
      reason: v.reason,
      request_id: v.requestId,
      started_at: now,
      started_by: actor.id,
      lift_notified_at: null,
      lifted_at: null,
      lifted_by: null,
    })
    .execute();
  await audit(tx, reg, actor, {
    action: 'restriction_start',
    entityType: 'restriction',
    entityId: id,
    personId: v.personId,
    purpose: RIGHTS_PURPOSE,
    details: { ground: input.ground, requestId: v.requestId },
  });
  return { id };
}

/**
 * Starts a restriction of processing (art. 18, R4.5) in its own transaction and returns it. Given a restriction
 * request (`requestId` of type restriction), the request must be verified and open, and is completed with the
 * restriction; a request of another type (a rectification, an objection) is only linked.
 *
 * @example
 * ```ts
 * const r = await startRestriction(reg, actor, { personId, ground: 'legal_claims', reason: 'Riita vireillä' });
 * r.active; // true
 * ```
 */
export async function startRestriction(
  reg: Register,
  actor: Actor,
  input: StartRestrictionInput,
): Promise<RestrictionView> {
  authorize(reg, actor, 'requests.manage');
  const v = validate(input);
  return reg.db.transaction().execute(async (tx) => {
    const req = v.requestId
      ? await tx.selectFrom('requests').select('type').where('id', '=', v.requestId).executeTakeFirst()
      : undefined;
    if (v.requestId && !req) {
      // Linked to a request that does not exist: refused here, not by the foreign key as an internal error.
      throw new LupausError('NOT_FOUND', { requestId: v.requestId }, [
        { at: 'requestId', message: `no request ${v.requestId}` },
      ]);
    }
    if (v.requestId && req?.type === 'restriction') {
      await requireVerifiedRequestIn(tx, reg, v.requestId, { type: 'restriction', personId: v.personId });
    }
    const { id } = await startRestrictionIn(tx, reg, actor, input);
    if (v.requestId && req?.type === 'restriction') {
      await completeRequestIn(tx, reg, actor, v.requestId, {
        state: 'completed',
        outcome: { restrictionId: id, ground: input.ground },
      });
    }
    const row = await tx
      .selectFrom('restrictions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return toRestrictionView(row);
  });
}
