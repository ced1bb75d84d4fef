import {
  findControlCharacter,
  htmlToText,
  LupausError,
  type ProblemDetail,
  renderRefusalCertificate,
} from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import type { Mailer } from '../notifications/mailer';
import { type SendResult, sendPendingNotifications } from '../notifications/send-pending-notifications';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { completeRequestIn } from '../requests/complete-request';
import { endPendingRestrictionsIn } from '../restriction/restrict-while-pending';
import { RIGHTS_PURPOSE } from '../restriction/restriction-view';

export interface RefuseRectificationInput {
  requestId: string;
  /** The reasons the data is kept as it is, each a paragraph of the certificate (at least one). */
  reasons: string[];
}

export interface RefusalResult {
  requestId: string;
  personId: string;
  /** The certificate of refusal, a printable HTML page (art. 12(4)). */
  html: string;
  /** The notice to the subject carrying the certificate's text (undeliverable when the person has no email). */
  notificationId: string;
  deliverable: boolean;
  restrictionsEnding: string[];
  sent?: SendResult;
}

const MAX_REASON = 2000;

function checkReasons(reasons: unknown): string[] {
  const problems: ProblemDetail[] = [];
  const list = Array.isArray(reasons) ? reasons : typeof reasons === 'string' ? [reasons] : [];
  const out: string[] = [];
  list.forEach((r, i) => {
    const text = typeof r === 'string' ? r.trim() : '';
    if (text === '' || text.length > MAX_REASON) {
      problems.push({ at: `reasons[${i}]`, message: `a reason is 1–${MAX_REASON} characters` });
      return;
    }
    const bad = findControlCharacter(text, `reasons[${i}]`);
    if (bad) problems.push(bad);
    else out.push(text);
  });
  if (list.length === 0) {
    problems.push({ at: 'reasons', message: 'a refusal states its reasons (art. 12(4)): give at least one' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return out;
}

function requestedFields(details: unknown): string[] {
  const d = (details ?? {}) as Record<string, unknown>;
  const f = d.fields;
  if (Array.isArray(f)) return f.filter((x): x is string => typeof x === 'string');
  if (f && typeof f === 'object') return Object.keys(f);
  return [];
}

/**
 * Refuses a rectification request (R4.3, art. 12(4)) in one transaction: renders the certificate of refusal
 * (its reasons, the date, the controller, and the right to complain to the supervisory authority and to go to
 * court), completes the request as refused with the reasons, queues the certificate's text to the subject's
 * email, and ends the request's accuracy restriction after the subject is told. With a mailer the outbox is
 * sent after the commit.
 *
 * @example
 * ```ts
 * const { html } = await refuseRectification(reg, actor, {
 *   requestId, reasons: ['Osoite vastaa väestötietojärjestelmän tietoja.'],
 * });
 * ```
 */
export async function refuseRectification(
  reg: Register,
  actor: Actor,
  input: RefuseRectificationInput,
  opts: { mailer?: Mailer | null | undefined } = {},
): Promise<RefusalResult> {
  authorize(reg, actor, 'requests.manage');
  const requestId = requireId(input?.requestId, 'request', 'requestId');
  const reasons = checkReasons(input.reasons);
  const now = reg.clock.now();
  const result = await reg.db.transaction().execute(async (tx) => {
    const req = await tx
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .forUpdate()
      .executeTakeFirst();
    if (!req) {
      throw new LupausError('NOT_FOUND', { requestId }, [
        { at: 'requestId', message: `no request ${requestId}` },
      ]);
    }
    if (req.type !== 'rectification') {
      throw new LupausError('VALIDATION_FAILED', { requestId }, [
        {
          at: 'requestId',
          message: `request ${requestId} is a request of type ${req.type}, not rectification`,
        },
      ]);
    }
    if (req.person_id === null) {
      throw new LupausError('REQUEST_CLOSED', { requestId }, [
        { at: 'requestId', message: `the person of request ${requestId} has been erased` },
      ]);
    }
    const personId = req.person_id;
    const fields = requestedFields(req.details);
    const person = await tx
      .selectFrom('persons')
      .select(['first_name', 'last_name'])
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    const html = renderRefusalCertificate({
      definition: reg.definition,
      requestType: 'rectification',
      requestId,
      receivedAt: new Date(req.received_at).toISOString(),
      date: now.toISOString(),
      reasons,
      fields,
      ...(person.first_name || person.last_name
        ? { addressee: [person.first_name, person.last_name].filter(Boolean).join(' ') }
        : {}),
    });
    await completeRequestIn(tx, reg, actor, requestId, {
      state: 'refused',
      reason: reasons.join('\n\n'),
      outcome: { refused: true, certificate: 'html', fields, reasons: reasons.length },
    });
    const email = await tx
      .selectFrom('person_emails')
      .select('value')
      .where('person_id', '=', personId)
      .orderBy('position')
      .executeTakeFirst();
    const { id: notificationId } = await enqueueNotificationIn(tx, reg, {
      personId,
      requestId,
      kind: 'refusal',
      audience: 'subject',
      audienceId: null,
      to: email?.value ?? null,
      subject: 'Todistus epäämisestä / Certificate of refusal',
      body: htmlToText(html),
    });
    const ending = await endPendingRestrictionsIn(tx, reg, actor, {
      personId,
      ground: 'accuracy_contested',
      requestId,
      message: 'Oikaisuvaatimuksesi on ratkaistu. / Your request for rectification has been decided.',
    });
    await audit(tx, reg, actor, {
      action: 'rectification_refuse',
      entityType: 'request',
      entityId: requestId,
      personId,
      purpose: RIGHTS_PURPOSE,
      details: { fields, notificationId },
    });
    return {
      requestId,
      personId,
      html,
      notificationId,
      deliverable: email !== undefined,
      restrictionsEnding: ending.map((e) => e.restrictionId),
    } as RefusalResult;
  });
  if (opts.mailer) result.sent = await sendPendingNotifications(reg, opts.mailer);
  return result;
}
