import { LupausError } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { completeRequestIn } from '../requests/complete-request';
import { requireVerifiedRequestIn } from '../requests/require-verified-request';
import { channelProblem, channels, purposeProblem, purposes } from './consent-policy';
import { checkConsentReferences, consentProblems, type ValidConsent, writeConsentIn } from './record-consent';

export interface WithdrawConsentsInput {
  personId: string;
  /** One channel; every declared channel when omitted. */
  channel?: string | undefined;
  /** One purpose; every declared purpose when omitted. */
  purpose?: string | undefined;
  /** When the person withdrew (not in the future); now when omitted. */
  at?: string | undefined;
  source: string;
  evidenceText?: string | undefined;
  evidenceFileId?: string | undefined;
  /** A withdrawal request (R4.1) this answers: it must be verified and open, and is completed here. */
  requestId?: string | undefined;
}

export interface WithdrawConsentsResult {
  /** The `withdrawn` records written, one per channel × purpose. */
  withdrawn: { id: string; channel: string; purpose: string }[];
  requestCompleted: boolean;
}

/**
 * Withdraws consent at any time (R4.8, art. 7(3)): for one channel × purpose, every purpose of one channel,
 * one purpose on every channel, or everything. A named channel and purpose is recorded withdrawn whatever its
 * state was; with "every", only the pairs whose latest record is `given` get a `withdrawn` record (a withdrawal
 * of all consents is not a prohibition of opt-out marketing; that is `objectToDirectMarketing`). The gate
 * leaves a withdrawn pair out. With a withdrawal request, the request must be verified and about this person,
 * and it is completed in the same transaction with what was withdrawn.
 *
 * @example
 * ```ts
 * await withdrawConsents(reg, actor, { personId, channel: 'email', source: 'subject',
 *   evidenceText: 'Peruutuslinkki uutiskirjeessä 2026-03-01' });
 * ```
 */
export async function withdrawConsents(
  reg: Register,
  actor: Actor,
  input: WithdrawConsentsInput,
): Promise<WithdrawConsentsResult> {
  authorize(reg, actor, 'consents.write');
  const problems = consentProblems(reg, { ...input, state: 'withdrawn' }, { skip: ['channel', 'purpose'] });
  if (input.channel !== undefined) {
    const p = channelProblem(reg, input.channel);
    if (p) problems.push(p);
  }
  if (input.purpose !== undefined) {
    const p = purposeProblem(reg, input.purpose);
    if (p) problems.push(p);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const base: Omit<ValidConsent, 'channel' | 'purpose'> = {
    personId: input.personId.toLowerCase(),
    state: 'withdrawn',
    at: input.at === undefined ? reg.clock.now() : new Date(input.at),
    source: input.source,
    evidenceText: input.evidenceText?.trim() ?? null,
    evidenceFileId: input.evidenceFileId?.toLowerCase() ?? null,
    requestId: input.requestId?.toLowerCase() ?? null,
  };
  const named = input.channel !== undefined && input.purpose !== undefined;
  const chs = input.channel !== undefined ? [input.channel] : channels(reg).map((c) => c.id);
  const pus = input.purpose !== undefined ? [input.purpose] : purposes(reg).map((p) => p.id);
  return reg.db.transaction().execute(async (tx) => {
    if (base.requestId) {
      await requireVerifiedRequestIn(tx, reg, base.requestId, {
        type: 'withdrawal',
        personId: base.personId,
      });
    }
    await checkConsentReferences(tx, { ...base, channel: '', purpose: '' });
    const given = named ? null : await givenPairs(tx, base.personId);
    const withdrawn: WithdrawConsentsResult['withdrawn'] = [];
    for (const channel of chs) {
      for (const purpose of pus) {
        if (given && !given.has(`${channel}\u0000${purpose}`)) continue;
        const { id } = await writeConsentIn(tx, reg, actor, { ...base, channel, purpose });
        withdrawn.push({ id, channel, purpose });
      }
    }
    if (base.requestId) {
      await completeRequestIn(tx, reg, actor, base.requestId, {
        state: 'completed',
        outcome: {
          withdrawn: withdrawn.map((w) => ({ channel: w.channel, purpose: w.purpose, consentId: w.id })),
        },
      });
    }
    return { withdrawn, requestCompleted: base.requestId !== null };
  });
}

/** The channel × purpose pairs whose latest record is `given`. */
async function givenPairs(tx: Executor, personId: string): Promise<Set<string>> {
  const rows = await tx
    .selectFrom('consents')
    .select(['channel', 'purpose', 'state'])
    .where('person_id', '=', personId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const seen = new Set<string>();
  const given = new Set<string>();
  for (const r of rows) {
    const key = `${r.channel}\u0000${r.purpose}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (r.state === 'given') given.add(key);
  }
  return given;
}
