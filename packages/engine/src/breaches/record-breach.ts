import { LupausError, type ProblemDetail } from '@lupaus/core';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  BREACH_RISKS,
  BREACHES_PURPOSE,
  type BreachRisk,
  type BreachView,
  breachViewIn,
  checkInstant,
  checkText,
  requireOpenBreach,
} from './breach-store';

/** A personal data breach as the controller first records it (art. 33(5): facts, effects, remedial action). */
export interface RecordBreachInput {
  title: string;
  /** The nature of the breach: what happened, to which data, how many persons roughly (art. 33(3)(a)). */
  description: string;
  /** When it happened, if known (ISO 8601 with its zone). */
  occurredAt?: string | undefined;
  /** When the controller became aware of it (ISO 8601 with its zone); now when omitted. Starts the 72-hour clock. */
  discoveredAt?: string | undefined;
  /** The data categories of the definition concerned (their ids). */
  categories: readonly string[];
  /** The likely consequences (art. 33(3)(c)). */
  consequences?: string | undefined;
  /** The measures taken or proposed, including to mitigate possible adverse effects (art. 33(3)(d)). */
  measures?: string | undefined;
  /** unlikely (to result in a risk: no notification to the authority), risk, or high (tell the persons, art. 34). */
  risk: BreachRisk;
}

/**
 * Records a personal data breach (GDPR art. 33(5)): its nature, when it happened and when the controller became
 * aware of it (the 72-hour clock of art. 33(1) starts then), the data categories of the definition concerned,
 * the likely consequences, the measures and the assessed risk. A category the definition does not declare is
 * refused by name; nothing is written. One transaction with its audit row (ids only).
 *
 * @example
 * ```ts
 * const breach = await recordBreach(reg, actor, {
 *   title: 'Lähetetty väärälle vastaanottajalle', description: 'Asiakaslista lähti väärään osoitteeseen.',
 *   categories: ['contact_details'], risk: 'risk',
 * });
 * breach.authorityDeadline; // discoveredAt + 72 h
 * ```
 */
export async function recordBreach(
  reg: Register,
  actor: Actor,
  input: RecordBreachInput,
): Promise<BreachView> {
  authorize(reg, actor, 'breaches.manage');
  const now = reg.clock.now();
  const problems: ProblemDetail[] = [];
  const title = checkText(input.title, 'title', problems, { max: 200, required: true, what: 'a title' });
  if (title && /[\r\n]/.test(title)) problems.push({ at: 'title', message: 'the title is one line of text' });
  const description = checkText(input.description, 'description', problems, {
    max: 10_000,
    required: true,
    what: 'the nature of the breach',
  });
  const consequences = checkText(input.consequences, 'consequences', problems, { max: 10_000 });
  const measures = checkText(input.measures, 'measures', problems, { max: 10_000 });
  const occurredAt = checkInstant(input.occurredAt, 'occurredAt', now, problems);
  const discoveredAt = checkInstant(input.discoveredAt, 'discoveredAt', now, problems);
  if (occurredAt && discoveredAt && occurredAt.getTime() > discoveredAt.getTime()) {
    problems.push({ at: 'occurredAt', message: 'the breach cannot have happened after it was discovered' });
  }
  if (occurredAt && discoveredAt === undefined && occurredAt.getTime() > now.getTime()) {
    problems.push({ at: 'occurredAt', message: 'the breach cannot have happened after now' });
  }
  if (!BREACH_RISKS.includes(input.risk)) {
    problems.push({ at: 'risk', message: `risk is one of ${BREACH_RISKS.join(', ')}` });
  }
  const declared = reg.definition.categories.map((c) => c.id);
  const categories = Array.isArray(input.categories) ? [...new Set(input.categories)] : [];
  if (!Array.isArray(input.categories) || categories.length === 0) {
    problems.push({ at: 'categories', message: 'name the data categories the breach concerns' });
  }
  categories.forEach((c, i) => {
    if (typeof c !== 'string' || !declared.includes(c)) {
      problems.push({
        at: `categories[${i}]`,
        message: `"${String(c).slice(0, 60)}" is not a category of this register; categories: ${declared.join(', ')}`,
      });
    }
  });
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const id = uuidv7();
  return reg.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('breaches')
      .values({
        id,
        title: title!,
        description: description!,
        occurred_at: occurredAt ?? null,
        discovered_at: discoveredAt ?? now,
        categories,
        consequences,
        measures,
        risk: input.risk,
        authority_notified_at: null,
        authority_reference: null,
        delay_reason: null,
        subjects_decision: null,
        subjects_decision_reason: null,
        closed_at: null,
        recorded_at: now,
        recorded_by: actor.id,
      })
      .execute();
    await audit(tx, reg, actor, {
      action: 'breach_record',
      entityType: 'breach',
      entityId: id,
      personId: null,
      purpose: BREACHES_PURPOSE,
      details: { categories, risk: input.risk },
    });
    return breachViewIn(tx, reg, await requireOpenBreach(tx, id, { lock: false }));
  });
}
