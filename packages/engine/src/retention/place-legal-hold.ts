import { findControlCharacter, isIsoDate, LupausError, type ProblemDetail, utcDate } from '@lupaus/core';
import { findLegalHoldRow, findPersonRow, insertLegalHoldRow } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { type LegalHoldView, toLegalHoldView } from './legal-hold-view';
import { RETENTION_PURPOSE } from './run-retention';

/**
 * Places a legal hold (R5.2): while it lasts (from now through the day `endsOn`, unless released) the retention
 * sweep leaves alone the data it covers: all of a person's data, all data of a category, or one person's data
 * of one category. The category must be one of the definition's, the person must exist; audited.
 *
 * @example
 * ```ts
 * await placeLegalHold(reg, actor, { personId, reason: 'Riita-asia, käräjäoikeus 2026', endsOn: '2027-12-31' });
 * ```
 */
export interface PlaceLegalHoldInput {
  personId?: string | undefined;
  category?: string | undefined;
  reason: string;
  /** The last day the hold stops the sweep (YYYY-MM-DD). */
  endsOn: string;
}

export const MAX_REASON_LENGTH = 1000;

export async function placeLegalHold(
  reg: Register,
  actor: Actor,
  input: PlaceLegalHoldInput,
): Promise<LegalHoldView> {
  authorize(reg, actor, 'retention.manage');
  const now = reg.clock.now();
  const problems: ProblemDetail[] = [];
  if (input.personId === undefined && input.category === undefined) {
    problems.push({
      at: 'personId',
      message: 'a hold is on a person, a category, or both: give at least one',
    });
  }
  const personId = input.personId === undefined ? null : requireId(input.personId, 'person', 'personId');
  if (input.category !== undefined && !reg.catalogue.category(input.category)) {
    problems.push({
      at: 'category',
      message: `"${String(input.category).slice(0, 60)}" is not a category of this register; categories: ${reg.catalogue.categories.map((c) => c.id).join(', ')}`,
    });
  }
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '' || reason.length > MAX_REASON_LENGTH) {
    problems.push({
      at: 'reason',
      message: `give the reason for the hold (1–${MAX_REASON_LENGTH} characters)`,
    });
  } else {
    const bad = findControlCharacter(reason, 'reason');
    if (bad) problems.push(bad);
  }
  if (typeof input.endsOn !== 'string' || !isIsoDate(input.endsOn)) {
    problems.push({ at: 'endsOn', message: 'endsOn is the last day of the hold, a date YYYY-MM-DD' });
  } else if (input.endsOn < utcDate(now)) {
    problems.push({
      at: 'endsOn',
      message: `endsOn ${input.endsOn} is in the past (today is ${utcDate(now)})`,
    });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const id = uuidv7();
  return reg.db.transaction().execute(async (tx) => {
    if (personId && !(await findPersonRow(tx, personId))) {
      throw new LupausError('NOT_FOUND', { personId }, [
        { at: 'personId', message: `no person ${personId}` },
      ]);
    }
    await insertLegalHoldRow(tx, {
      id,
      person_id: personId,
      category: input.category ?? null,
      reason,
      starts_at: now,
      ends_on: input.endsOn,
      created_at: now,
      created_by: actor.id,
      released_at: null,
      released_by: null,
    });
    await audit(tx, reg, actor, {
      action: 'legal_hold_place',
      entityType: 'legal_hold',
      entityId: id,
      personId,
      purpose: RETENTION_PURPOSE,
      details: { category: input.category ?? null, endsOn: input.endsOn },
    });
    return toLegalHoldView((await findLegalHoldRow(tx, id))!, now);
  });
}
