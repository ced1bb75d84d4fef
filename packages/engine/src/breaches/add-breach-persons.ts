import { LupausError, type ProblemDetail } from '@lupaus/core';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import {
  auditBreachPersons,
  type BreachView,
  breachViewIn,
  requireBreachId,
  requireOpenBreach,
} from './breach-store';

/** Persons a call may add at once. */
export const MAX_BREACH_PERSONS_PER_CALL = 10_000;

/** What adding persons to a breach did. */
export interface AddBreachPersonsResult {
  /** Persons newly listed. */
  added: number;
  /** Persons given that were listed already (adding is idempotent). */
  alreadyListed: number;
  breach: BreachView;
}

/**
 * Lists persons as affected by a breach (art. 33(3)(a), 34): by their ids, each of which must be a person of
 * the register. An unknown id is refused by its position and value and nothing is written; a person already
 * listed is left as is, so the call can be repeated. One transaction; one audit row per person added (ids only).
 *
 * @example
 * ```ts
 * const { added } = await addBreachPersons(reg, actor, breachId, [personA, personB]);
 * ```
 */
export async function addBreachPersons(
  reg: Register,
  actor: Actor,
  breachId: string,
  personIds: readonly string[],
): Promise<AddBreachPersonsResult> {
  authorize(reg, actor, 'breaches.manage');
  const id = requireBreachId(breachId);
  const problems: ProblemDetail[] = [];
  if (!Array.isArray(personIds) || personIds.length === 0) {
    problems.push({ at: 'personIds', message: 'give the ids of the persons the breach affects' });
  } else if (personIds.length > MAX_BREACH_PERSONS_PER_CALL) {
    problems.push({
      at: 'personIds',
      message: `give at most ${MAX_BREACH_PERSONS_PER_CALL} persons at a time (${personIds.length} given)`,
    });
  } else {
    personIds.forEach((p, i) => {
      try {
        requireId(p, 'person', `personIds[${i}]`);
      } catch (e) {
        if (e instanceof LupausError) problems.push(...e.problems);
        else throw e;
      }
    });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const ids = [...new Set(personIds.map((p) => p.toLowerCase()))];
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    await requireOpenBreach(tx, id);
    const found = new Set(
      (await tx.selectFrom('persons').select('id').where('id', 'in', ids).execute()).map((r) => r.id),
    );
    const unknown: ProblemDetail[] = [];
    personIds.forEach((p, i) => {
      if (!found.has(p.toLowerCase())) unknown.push({ at: `personIds[${i}]`, message: `no person ${p}` });
    });
    if (unknown.length > 0) throw new LupausError('VALIDATION_FAILED', { breachId: id }, unknown);
    const inserted = await tx
      .insertInto('breach_persons')
      .values(
        ids.map((personId) => ({ breach_id: id, person_id: personId, added_at: now, notified_at: null })),
      )
      .onConflict((oc) => oc.columns(['breach_id', 'person_id']).doNothing())
      .returning('person_id')
      .execute();
    await auditBreachPersons(
      tx,
      reg,
      actor,
      'breach_person_add',
      id,
      inserted.map((r) => r.person_id),
    );
    return {
      added: inserted.length,
      alreadyListed: ids.length - inserted.length,
      breach: await breachViewIn(tx, reg, await requireOpenBreach(tx, id, { lock: false })),
    };
  });
}
