import { findControlCharacter, LupausError, type ProblemDetail } from '@lupaus/core';
import { type Executor, findFileRow, findPersonRow, loadContactPoints } from '@lupaus/db';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { isId } from '../policy/ids';
import {
  addresseeName,
  CONSENT_STATES,
  type ConsentState,
  channelProblem,
  channels,
  contactHash,
  purposeProblem,
} from './consent-policy';
import { suppressPersonIn } from './suppress-person';

/**
 * A consent, its withdrawal or a prohibition (*kielto*) of one channel × purpose (R3.1).
 */
export interface ConsentInput {
  personId: string;
  /** A channel of `definition.marketing.channels`. */
  channel: string;
  /** A purpose of `definition.marketing.purposes`. */
  purpose: string;
  state: ConsentState;
  /** When the person made the choice (ISO 8601 date and time, not in the future); now when omitted. */
  at?: string | undefined;
  /** A source id of the definition: where the choice came from (the person, staff ...). */
  source: string;
  /** The evidence: what the person said or signed, where (a form, a call, a letter) ... */
  evidenceText?: string | undefined;
  /** Or a stored file (a signed form, a letter). */
  evidenceFileId?: string | undefined;
  /** The data subject's request the record answers (a withdrawal, an objection). */
  requestId?: string | undefined;
}

export const MAX_EVIDENCE_LENGTH = 2000;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export interface ValidConsent {
  personId: string;
  channel: string;
  purpose: string;
  state: ConsentState;
  at: Date;
  source: string;
  evidenceText: string | null;
  evidenceFileId: string | null;
  requestId: string | null;
}

/**
 * Every problem of a consent input, named with where it is; nothing touches the database.
 *
 * @example
 * ```ts
 * consentProblems(reg, { personId, channel: 'fax', purpose: 'direct_marketing', state: 'given', source: 'subject' });
 * // [{ at: 'channel', ... }, { at: 'evidenceText', message: 'give the evidence ...' }]
 * ```
 */
export function consentProblems(
  reg: Register,
  input: Partial<ConsentInput>,
  opts: { prefix?: string; skip?: ('channel' | 'purpose' | 'state')[] } = {},
): ProblemDetail[] {
  const at = (k: string) => (opts.prefix ? `${opts.prefix}.${k}` : k);
  const skip = new Set(opts.skip ?? []);
  const problems: ProblemDetail[] = [];
  if (!isId(input.personId)) {
    problems.push({
      at: at('personId'),
      message: `"${String(input.personId).slice(0, 60)}" is not a valid person id (ids are UUIDs)`,
    });
  }
  if (!skip.has('channel')) {
    const p = channelProblem(reg, input.channel, at('channel'));
    if (p) problems.push(p);
  }
  if (!skip.has('purpose')) {
    const p = purposeProblem(reg, input.purpose, at('purpose'));
    if (p) problems.push(p);
  }
  if (!skip.has('state') && !CONSENT_STATES.includes(input.state as ConsentState)) {
    problems.push({
      at: at('state'),
      message: `"${String(input.state).slice(0, 30)}" is not a consent state; use ${CONSENT_STATES.join(', ')}`,
    });
  }
  if (typeof input.source !== 'string' || !reg.catalogue.sourceIds.has(input.source)) {
    problems.push({
      at: at('source'),
      message: `"${String(input.source).slice(0, 60)}" is not a source of this register; declared: ${[...reg.catalogue.sourceIds].join(', ')}`,
    });
  }
  if (input.at !== undefined) {
    if (typeof input.at !== 'string' || !DATETIME_RE.test(input.at) || Number.isNaN(Date.parse(input.at))) {
      problems.push({
        at: at('at'),
        message: 'at is when the person made the choice: an ISO 8601 date and time with its zone',
      });
    } else if (Date.parse(input.at) > reg.clock.now().getTime()) {
      problems.push({
        at: at('at'),
        message: `at ${input.at} is in the future (now is ${reg.clock.now().toISOString()})`,
      });
    }
  }
  const text = input.evidenceText;
  if (text !== undefined) {
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_EVIDENCE_LENGTH) {
      problems.push({
        at: at('evidenceText'),
        message: `evidenceText is 1–${MAX_EVIDENCE_LENGTH} characters of text`,
      });
    } else {
      const bad = findControlCharacter(text, at('evidenceText'));
      if (bad) problems.push(bad);
    }
  }
  if (input.evidenceFileId !== undefined && !isId(String(input.evidenceFileId))) {
    problems.push({
      at: at('evidenceFileId'),
      message: `"${String(input.evidenceFileId).slice(0, 60)}" is not a valid file id (ids are UUIDs)`,
    });
  }
  if (text === undefined && input.evidenceFileId === undefined) {
    problems.push({
      at: at('evidenceText'),
      message:
        'give the evidence of the choice: evidenceText (what the person said or signed, and where) or evidenceFileId (a stored file)',
    });
  }
  if (input.requestId !== undefined && !isId(String(input.requestId))) {
    problems.push({
      at: at('requestId'),
      message: `"${String(input.requestId).slice(0, 60)}" is not a valid request id (ids are UUIDs)`,
    });
  }
  return problems;
}

/**
 * Validates a consent input before any transaction opens; throws VALIDATION_FAILED with every problem.
 *
 * @example
 * ```ts
 * const c = validateConsent(reg, input); // c.at is a Date (now when omitted)
 * ```
 */
export function validateConsent(reg: Register, input: ConsentInput): ValidConsent {
  const problems = consentProblems(reg, input);
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return {
    personId: input.personId.toLowerCase(),
    channel: input.channel,
    purpose: input.purpose,
    state: input.state,
    at: input.at === undefined ? reg.clock.now() : new Date(input.at),
    source: input.source,
    evidenceText: input.evidenceText?.trim() ?? null,
    evidenceFileId: input.evidenceFileId?.toLowerCase() ?? null,
    requestId: input.requestId?.toLowerCase() ?? null,
  };
}

/**
 * The notice version in force when the choice was made: the newest published at or before it (the first
 * version when the choice predates them all, such as a paper form recorded from before the register existed).
 *
 * @example
 * ```ts
 * await noticeVersionAt(tx, new Date('2026-03-01T12:00:00Z')); // 2
 * ```
 */
export async function noticeVersionAt(tx: Executor, at: Date): Promise<number> {
  const row = await tx
    .selectFrom('notice_versions')
    .select('version')
    .where('published_at', '<=', at)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row) return row.version;
  const first = await tx
    .selectFrom('notice_versions')
    .select('version')
    .orderBy('version', 'asc')
    .limit(1)
    .executeTakeFirst();
  if (!first)
    throw new LupausError('INTERNAL', {}, [{ at: 'notice', message: 'no notice version is published' }]);
  return first.version;
}

/**
 * The checks that need the database: the person, and the evidence file (which, if it is a person's, is theirs).
 *
 * @example
 * ```ts
 * await checkConsentReferences(tx, validateConsent(reg, input)); // throws NOT_FOUND for a missing person
 * ```
 */
export async function checkConsentReferences(tx: Executor, c: ValidConsent): Promise<void> {
  if (!(await findPersonRow(tx, c.personId))) {
    throw new LupausError('NOT_FOUND', { personId: c.personId }, [
      { at: 'personId', message: `no person ${c.personId}` },
    ]);
  }
  if (c.evidenceFileId) {
    const file = await findFileRow(tx, c.evidenceFileId);
    if (!file) {
      throw new LupausError('VALIDATION_FAILED', { evidenceFileId: c.evidenceFileId }, [
        { at: 'evidenceFileId', message: `there is no file ${c.evidenceFileId}: store the evidence first` },
      ]);
    }
    if (file.person_id !== null && file.person_id !== c.personId) {
      throw new LupausError('VALIDATION_FAILED', { evidenceFileId: c.evidenceFileId }, [
        { at: 'evidenceFileId', message: `file ${c.evidenceFileId} belongs to another person` },
      ]);
    }
  }
}

/**
 * Writes one validated consent row with its audit row; a prohibition also puts the person's contact points for
 * the channel on the suppression list (reason `prohibition`; `suppress: false` when the caller suppresses more
 * widely itself), and a consent given afterwards for the same channel
 * and purpose takes those prohibition entries off again (an objection's and an imported list's stay).
 *
 * @example
 * ```ts
 * await writeConsentIn(tx, reg, actor, validateConsent(reg, input));
 * ```
 */
export async function writeConsentIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  c: ValidConsent,
  opts: { suppress?: boolean } = {},
): Promise<{ id: string }> {
  const id = uuidv7();
  await tx
    .insertInto('consents')
    .values({
      id,
      person_id: c.personId,
      channel: c.channel,
      purpose: c.purpose,
      state: c.state,
      at: c.at,
      source: c.source,
      evidence_text: c.evidenceText,
      evidence_file_id: c.evidenceFileId,
      notice_version: await noticeVersionAt(tx, c.at),
      request_id: c.requestId,
      recorded_at: reg.clock.now(),
      recorded_by: actor.id,
    })
    .execute();
  await audit(tx, reg, actor, {
    action: 'consent_record',
    entityType: 'consent',
    entityId: id,
    personId: c.personId,
    purpose: c.purpose,
    details: {
      channel: c.channel,
      purpose: c.purpose,
      state: c.state,
      source: c.source,
      requestId: c.requestId,
      evidence: c.evidenceFileId ? 'file' : 'text',
    },
  });
  if (c.state === 'prohibited' && opts.suppress !== false) {
    await suppressPersonIn(tx, reg, actor, {
      personId: c.personId,
      channel: c.channel,
      purpose: c.purpose,
      reason: 'prohibition',
    });
  } else if (c.state === 'given') {
    await liftProhibitionIn(tx, reg, c);
  }
  return { id };
}

/** Takes the person's own prohibition entries of this channel and purpose off the suppression list. */
async function liftProhibitionIn(tx: Executor, reg: Register, c: ValidConsent): Promise<void> {
  const kind = channels(reg).find((ch) => ch.id === c.channel)?.kind;
  if (!kind) return;
  const person = await findPersonRow(tx, c.personId);
  const name = addresseeName(person?.first_name, person?.last_name);
  const points = await loadContactPoints(tx, c.personId);
  const hashes =
    kind === 'email'
      ? points.emails.map((e) => contactHash(reg, 'email', e))
      : kind === 'phone'
        ? points.phones.map((p) => contactHash(reg, 'phone', p))
        : points.addresses.map((a) =>
            contactHash(reg, 'address', {
              name,
              street: a.street,
              poBox: a.po_box,
              postalCode: a.postal_code,
              country: a.country,
            }),
          );
  if (hashes.length === 0) return;
  await tx
    .deleteFrom('suppressions')
    .where('reason', '=', 'prohibition')
    .where('channel', '=', c.channel)
    .where('kind', '=', kind)
    .where(sql<boolean>`purpose = ${c.purpose}`)
    .where('value_hash', 'in', hashes)
    .execute();
}

/**
 * Records a consent, its withdrawal or a prohibition in the caller's transaction (R3.1): the channel and purpose
 * must be declared in the definition's `marketing` section, the source among its sources, the time not in the
 * future, the evidence given as text or as a stored file; the notice version in force is recorded with it. The
 * history is append-only (a database trigger refuses any UPDATE): a change of mind is a new row.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute((tx) =>
 *   recordConsentIn(tx, reg, actor, { personId, channel: 'email', purpose: 'direct_marketing', state: 'given',
 *     source: 'subject', evidenceText: 'Verkkolomake, rasti kohdassa "Haluan uutiskirjeen"' }),
 * );
 * ```
 */
export async function recordConsentIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  input: ConsentInput,
): Promise<{ id: string }> {
  const c = validateConsent(reg, input);
  await checkConsentReferences(tx, c);
  return writeConsentIn(tx, reg, actor, c);
}

/**
 * Records a consent, its withdrawal or a prohibition in its own transaction (R3.1); see `recordConsentIn`.
 *
 * @example
 * ```ts
 * const { id } = await recordConsent(reg, actor, { personId, channel: 'post', purpose: 'mailing_labels',
 *   state: 'prohibited', source: 'registrations', evidenceText: 'Kielsi puhelimessa 3.2.2026' });
 * ```
 */
export async function recordConsent(
  reg: Register,
  actor: Actor,
  input: ConsentInput,
): Promise<{ id: string }> {
  authorize(reg, actor, 'consents.write');
  const c = validateConsent(reg, input);
  return reg.db.transaction().execute(async (tx) => {
    await checkConsentReferences(tx, c);
    return writeConsentIn(tx, reg, actor, c);
  });
}
