import { findControlCharacter, isIsoDate, LupausError, type ProblemDetail } from '@lupaus/core';
import { updatePersonRow } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { resolvePurpose } from '../policy/purpose';
import { type RelationshipView, relationshipView } from './relationship-view';

export interface EndRelationshipInput {
  /** When it ended: a date (YYYY-MM-DD, meaning 00:00 UTC) or an ISO date and time; now by default. */
  endedAt?: string | undefined;
  /** Why, for staff to read (at most 500 characters). */
  reason?: string | undefined;
  purpose?: string | undefined;
}

const DAY = 86_400_000;

function startOfUtcDay(d: Date): number {
  return Math.floor(d.getTime() / DAY) * DAY;
}

/**
 * Records the end of a person's customer relationship (seed 001: data is kept a fixed time after it). The end
 * may not be before the day the person was added nor after today; recording it again corrects the date. In
 * the last_contact kind a recorded end wins over the judged one. Audited.
 *
 * @example
 * ```ts
 * await endRelationship(reg, actor, personId, { endedAt: '2024-05-31', reason: 'contract terminated' });
 * ```
 */
export async function endRelationship(
  reg: Register,
  actor: Actor,
  personId: string,
  input: EndRelationshipInput = {},
): Promise<RelationshipView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const now = reg.clock.now();
  const problems: ProblemDetail[] = [];
  let endedAt = now;
  if (input.endedAt !== undefined) {
    const raw = input.endedAt;
    if (typeof raw === 'string' && isIsoDate(raw)) endedAt = new Date(`${raw}T00:00:00.000Z`);
    else if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(Date.parse(raw))) {
      endedAt = new Date(raw);
    } else
      problems.push({ at: 'endedAt', message: 'endedAt must be a date YYYY-MM-DD or an ISO date and time' });
  }
  let reason: string | null = null;
  if (input.reason !== undefined && input.reason !== null) {
    const r = String(input.reason).trim();
    const control = findControlCharacter(r, 'reason');
    if (control) problems.push(control);
    else if (r.length > 500) problems.push({ at: 'reason', message: 'a reason is at most 500 characters' });
    else reason = r.length > 0 ? r : null;
  }
  if (problems.length === 0 && startOfUtcDay(endedAt) > startOfUtcDay(now)) {
    problems.push({ at: 'endedAt', message: 'the relationship cannot end after today' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return reg.db.transaction().execute(async (tx) => {
    const person = await requirePersonRow(tx, personId);
    if (endedAt.getTime() < startOfUtcDay(new Date(person.created_at))) {
      throw new LupausError('VALIDATION_FAILED', {}, [
        {
          at: 'endedAt',
          message: `the relationship cannot end before the person was added (${new Date(person.created_at).toISOString().slice(0, 10)})`,
        },
      ]);
    }
    await updatePersonRow(tx, person.id, {
      relationship_ended_at: endedAt,
      relationship_end_reason: reason,
      updated_at: now,
      updated_by: actor.id,
    });
    await audit(tx, reg, actor, {
      action: 'end_relationship',
      entityType: 'person',
      entityId: person.id,
      personId: person.id,
      purpose,
      details: { reason: reason !== null },
    });
    return relationshipView(tx, reg, await requirePersonRow(tx, person.id));
  });
}
