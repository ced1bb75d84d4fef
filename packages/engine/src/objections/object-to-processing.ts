import { findControlCharacter, LupausError, type ProblemDetail } from '@lupaus/core';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { restrictWhilePendingIn } from '../restriction/restrict-while-pending';
import { RIGHTS_PURPOSE } from '../restriction/restriction-view';
import { type ObjectionView, toObjectionView } from './objection-view';

export interface ObjectToProcessingInput {
  personId: string;
  /** profiling (art. 21(1), 22) or legitimate_interest (art. 21(1)). Direct marketing is a prohibition (R3.1). */
  kind: 'profiling' | 'legitimate_interest';
  /** The purpose objected to: a declared purpose (legitimate interest: required, with that basis). */
  purpose?: string | undefined;
  /** The person's particular situation (art. 21(1)). */
  situation: string;
  /** The objection request this records (type objection, about this person). */
  requestId?: string | undefined;
}

export const MAX_SITUATION = 4000;

function validate(reg: Register, input: ObjectToProcessingInput) {
  const problems: ProblemDetail[] = [];
  const personId = requireId(input?.personId, 'person', 'personId');
  const requestId = input.requestId === undefined ? null : requireId(input.requestId, 'request', 'requestId');
  if (input.kind !== 'profiling' && input.kind !== 'legitimate_interest') {
    problems.push({
      at: 'kind',
      message:
        (input.kind as string) === 'direct_marketing'
          ? 'an objection to direct marketing is absolute: record it as a prohibition per channel (consents), not here'
          : 'kind is profiling or legitimate_interest',
    });
  }
  let purpose: string | null = null;
  if (input.purpose !== undefined) {
    const p = reg.definition.purposes.find((x) => x.id === input.purpose);
    if (!p) {
      problems.push({
        at: 'purpose',
        message: `"${String(input.purpose).slice(0, 60)}" is not a purpose of this register; declared: ${reg.definition.purposes.map((x) => x.id).join(', ')}`,
      });
    } else if (input.kind === 'legitimate_interest' && p.basis !== 'legitimate_interest') {
      problems.push({
        at: 'purpose',
        message: `purpose ${p.id} rests on ${p.basis ?? 'no declared basis'}, not on legitimate interest: art. 21(1) does not apply`,
      });
    } else if (input.kind === 'profiling' && !p.profiling) {
      problems.push({ at: 'purpose', message: `purpose ${p.id} is not declared as profiling` });
    } else purpose = p.id;
  } else if (input.kind === 'legitimate_interest') {
    const li = reg.definition.purposes.filter((p) => p.basis === 'legitimate_interest').map((p) => p.id);
    problems.push({
      at: 'purpose',
      message: `name the purpose objected to; purposes on legitimate interest: ${li.join(', ') || '(none)'}`,
    });
  }
  const situation = typeof input.situation === 'string' ? input.situation.trim() : '';
  if (situation === '' || situation.length > MAX_SITUATION) {
    problems.push({
      at: 'situation',
      message: `describe the person's particular situation (art. 21(1)), 1–${MAX_SITUATION} characters`,
    });
  } else {
    const bad = findControlCharacter(situation.replace(/\n/g, ' '), 'situation');
    if (bad) problems.push(bad);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { personId, requestId, purpose, situation };
}

/**
 * Records an objection to profiling or to processing on legitimate interest (R4.6, art. 21(1)) with the
 * person's particular situation, in one transaction: the objection is pending until the controller's reasoned
 * decision (`decideObjection`), and meanwhile the person's processing is restricted (art. 18(1)(d), ground
 * objection_pending): out of the marketing gate, exports and profiling. Audited.
 *
 * @example
 * ```ts
 * const o = await objectToProcessing(reg, actor, {
 *   personId, kind: 'profiling', purpose: 'profiling', situation: 'Olen turvakiellossa.',
 * });
 * o.state; // 'pending'; o.restrictionId names the restriction
 * ```
 */
export async function objectToProcessing(
  reg: Register,
  actor: Actor,
  input: ObjectToProcessingInput,
): Promise<ObjectionView & { restrictionId: string }> {
  authorize(reg, actor, 'requests.manage');
  const v = validate(reg, input);
  const id = uuidv7();
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const person = await tx
      .selectFrom('persons')
      .select('id')
      .where('id', '=', v.personId)
      .executeTakeFirst();
    if (!person) {
      throw new LupausError('NOT_FOUND', { personId: v.personId }, [
        { at: 'personId', message: `no person ${v.personId}` },
      ]);
    }
    if (v.requestId) {
      const req = await tx
        .selectFrom('requests')
        .select(['type', 'person_id', 'state'])
        .where('id', '=', v.requestId)
        .executeTakeFirst();
      if (!req) {
        throw new LupausError('NOT_FOUND', { requestId: v.requestId }, [
          { at: 'requestId', message: `no request ${v.requestId}` },
        ]);
      }
      if (req.type !== 'objection' || req.person_id !== v.personId) {
        throw new LupausError('VALIDATION_FAILED', { requestId: v.requestId }, [
          {
            at: 'requestId',
            message: `request ${v.requestId} is not an objection request of person ${v.personId}`,
          },
        ]);
      }
      if (req.state === 'completed' || req.state === 'refused') {
        throw new LupausError('REQUEST_CLOSED', { requestId: v.requestId }, [
          { at: 'requestId', message: `request ${v.requestId} is already ${req.state}` },
        ]);
      }
    }
    await tx
      .insertInto('objections')
      .values({
        id,
        person_id: v.personId,
        kind: input.kind,
        channel: null,
        purpose: v.purpose,
        situation: v.situation,
        state: 'pending',
        decision: null,
        decided_at: null,
        decided_by: null,
        request_id: v.requestId,
        received_at: now,
        recorded_by: actor.id,
      })
      .execute();
    const { id: restrictionId } = await restrictWhilePendingIn(tx, reg, actor, {
      personId: v.personId,
      ground: 'objection_pending',
      ...(v.requestId ? { requestId: v.requestId } : {}),
    });
    await audit(tx, reg, actor, {
      action: 'objection_record',
      entityType: 'objection',
      entityId: id,
      personId: v.personId,
      purpose: RIGHTS_PURPOSE,
      details: { kind: input.kind, purpose: v.purpose, restrictionId, requestId: v.requestId },
    });
    const row = await tx.selectFrom('objections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { ...toObjectionView(row), restrictionId };
  });
}
