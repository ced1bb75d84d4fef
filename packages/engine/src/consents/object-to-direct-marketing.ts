import { findControlCharacter, LupausError } from '@lupaus/core';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { completeRequestIn } from '../requests/complete-request';
import { requireVerifiedRequestIn } from '../requests/require-verified-request';
import { CONSENTS_PURPOSE, channelProblem, channels, purposes } from './consent-policy';
import { checkConsentReferences, consentProblems, type ValidConsent, writeConsentIn } from './record-consent';
import { suppressPersonIn } from './suppress-person';

export interface ObjectToDirectMarketingInput {
  personId: string;
  /** One channel; every channel when omitted. */
  channel?: string | undefined;
  /** Anything the person said (optional: an objection to direct marketing needs no grounds). */
  situation?: string | undefined;
  at?: string | undefined;
  source: string;
  evidenceText?: string | undefined;
  evidenceFileId?: string | undefined;
  /** An objection request (R4.1) this answers: verified, about this person; completed here. */
  requestId?: string | undefined;
}

export interface ObjectToDirectMarketingResult {
  objectionId: string;
  /** The `prohibited` records written: every marketing purpose on the channel (or on every channel). */
  prohibited: { id: string; channel: string; purpose: string }[];
  /** Contact points added to the suppression list. */
  suppressed: number;
  requestCompleted: boolean;
}

/** Art. 21(3): an objection to direct marketing is upheld without weighing. */
export const DIRECT_MARKETING_DECISION =
  'Suoramarkkinointia koskeva vastustus on ehdoton (tietosuoja-asetus 21 artiklan 3 kohta): tietoja ei enää käsitellä suoramarkkinointia varten. / An objection to direct marketing is absolute (GDPR art. 21(3)): the data is no longer processed for direct marketing.';

/**
 * The data subject objects to direct marketing (R4.6, art. 21(2)–(3)), on one channel or on all: absolute, so
 * upheld at once. Writes a `prohibited` consent record for every marketing purpose of the definition on the
 * channel (every channel when none is named), an `objections` row of kind `direct_marketing` in state `upheld`
 * with its decision, and puts the person's contact points of those channels on the suppression list (reason
 * `objection`), so that a later import of the same email, phone or address stays out of marketing. With an
 * objection request, the request must be verified and about this person, and is completed in the same
 * transaction. One transaction, audited.
 *
 * @example
 * ```ts
 * await objectToDirectMarketing(reg, actor, { personId, channel: 'sms', source: 'subject',
 *   evidenceText: 'Vastasi tekstiviestiin STOP' });
 * ```
 */
export async function objectToDirectMarketing(
  reg: Register,
  actor: Actor,
  input: ObjectToDirectMarketingInput,
): Promise<ObjectToDirectMarketingResult> {
  authorize(reg, actor, 'consents.write');
  const problems = consentProblems(reg, { ...input, state: 'prohibited' }, { skip: ['channel', 'purpose'] });
  if (input.channel !== undefined) {
    const p = channelProblem(reg, input.channel);
    if (p) problems.push(p);
  }
  if (input.situation !== undefined) {
    if (typeof input.situation !== 'string' || input.situation.length > 2000) {
      problems.push({ at: 'situation', message: 'situation is text of at most 2000 characters' });
    } else {
      const bad = findControlCharacter(input.situation, 'situation');
      if (bad) problems.push(bad);
    }
  }
  if (purposes(reg).length === 0) {
    problems.push({ at: 'purpose', message: 'the definition declares no marketing purposes' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const base: Omit<ValidConsent, 'channel' | 'purpose'> = {
    personId: input.personId.toLowerCase(),
    state: 'prohibited',
    at: input.at === undefined ? reg.clock.now() : new Date(input.at),
    source: input.source,
    evidenceText: input.evidenceText?.trim() ?? null,
    evidenceFileId: input.evidenceFileId?.toLowerCase() ?? null,
    requestId: input.requestId?.toLowerCase() ?? null,
  };
  const channel = input.channel ?? null;
  const chs = channel !== null ? [channel] : channels(reg).map((c) => c.id);
  return reg.db.transaction().execute(async (tx) => {
    if (base.requestId) {
      await requireVerifiedRequestIn(tx, reg, base.requestId, { type: 'objection', personId: base.personId });
    }
    await checkConsentReferences(tx, { ...base, channel: '', purpose: '' });
    const now = reg.clock.now();
    const objectionId = uuidv7();
    await tx
      .insertInto('objections')
      .values({
        id: objectionId,
        person_id: base.personId,
        kind: 'direct_marketing',
        channel,
        purpose: null,
        situation: input.situation?.trim() || null,
        state: 'upheld',
        decision: DIRECT_MARKETING_DECISION,
        decided_at: now,
        decided_by: actor.id,
        request_id: base.requestId,
        received_at: base.at,
        recorded_by: actor.id,
      })
      .execute();
    await audit(tx, reg, actor, {
      action: 'objection_direct_marketing',
      entityType: 'objection',
      entityId: objectionId,
      personId: base.personId,
      purpose: CONSENTS_PURPOSE,
      details: { channel, state: 'upheld', requestId: base.requestId },
    });
    const prohibited: ObjectToDirectMarketingResult['prohibited'] = [];
    for (const ch of chs) {
      for (const p of purposes(reg)) {
        // The objection's own suppression below covers every purpose; none per purpose.
        const { id } = await writeConsentIn(
          tx,
          reg,
          actor,
          { ...base, channel: ch, purpose: p.id },
          { suppress: false },
        );
        prohibited.push({ id, channel: ch, purpose: p.id });
      }
    }
    const suppressed = await suppressPersonIn(tx, reg, actor, {
      personId: base.personId,
      channel,
      purpose: null,
      reason: 'objection',
    });
    if (base.requestId) {
      await completeRequestIn(tx, reg, actor, base.requestId, {
        state: 'completed',
        outcome: {
          objectionId,
          kind: 'direct_marketing',
          channel,
          prohibited: prohibited.length,
          suppressed,
        },
      });
    }
    return { objectionId, prohibited, suppressed, requestCompleted: base.requestId !== null };
  });
}
