import { findControlCharacter, LupausError, type ProblemDetail, t } from '@lupaus/core';
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
import { type ObjectionView, toObjectionView } from './objection-view';

export interface DecideObjectionInput {
  /** upheld: the processing objected to stops; rejected: compelling legitimate grounds override (art. 21(1)). */
  outcome: 'upheld' | 'rejected';
  /** The controller's reasoning; for a rejection, the compelling legitimate grounds. */
  reasoning: string;
}

export interface ObjectionDecision {
  objection: ObjectionView;
  /** What stops, for an upheld objection: `profiling` (the person is out of all profiling) or the purpose. */
  stopped: { profiling: boolean; purpose: string | null } | null;
  notificationId: string;
  /** Restrictions whose lifting the subject was told of (lifted once the notice is sent). */
  restrictionsEnding: string[];
  sent?: SendResult;
}

export const MAX_REASONING = 4000;

function checkInput(input: DecideObjectionInput): string {
  const problems: ProblemDetail[] = [];
  if (input?.outcome !== 'upheld' && input?.outcome !== 'rejected') {
    problems.push({ at: 'outcome', message: 'outcome is upheld or rejected' });
  }
  const reasoning = typeof input?.reasoning === 'string' ? input.reasoning.trim() : '';
  if (reasoning === '' || reasoning.length > MAX_REASONING) {
    problems.push({
      at: 'reasoning',
      message:
        input?.outcome === 'rejected'
          ? `a rejection states the compelling legitimate grounds that override the person's interests (art. 21(1)), 1–${MAX_REASONING} characters`
          : `give the reasons of the decision, 1–${MAX_REASONING} characters`,
    });
  } else {
    const bad = findControlCharacter(reasoning.replace(/\n/g, ' '), 'reasoning');
    if (bad) problems.push(bad);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return reasoning;
}

/**
 * The controller's reasoned decision on an objection to profiling or legitimate-interest processing (R4.6,
 * art. 21(1)), in one transaction. Upheld: the processing stops; an objection to profiling takes the person
 * out of all profiling (the upheld objection is the record the profiling and the marketing gate read), one to
 * a purpose stops that purpose for them. Rejected: the compelling legitimate grounds are recorded. Either way
 * the subject is sent the decision, the objection's request (if any) is closed (upheld: completed; rejected:
 * refused with the grounds), and the pending-objection restriction is lifted once the subject has been told
 * (art. 18(3)) — unless another objection of theirs is still pending. With a mailer the outbox is sent after
 * the commit (which sends the notice of lifting and so lifts the restriction).
 *
 * @example
 * ```ts
 * await decideObjection(reg, actor, objectionId, {
 *   outcome: 'upheld', reasoning: 'Ei pakottavia perusteita: profilointi lopetetaan.',
 * }, { mailer });
 * ```
 */
export async function decideObjection(
  reg: Register,
  actor: Actor,
  objectionId: string,
  input: DecideObjectionInput,
  opts: { mailer?: Mailer | null | undefined } = {},
): Promise<ObjectionDecision> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(objectionId, 'objection', 'id');
  const reasoning = checkInput(input);
  const now = reg.clock.now();
  const result = await reg.db.transaction().execute(async (tx) => {
    const o = await tx
      .selectFrom('objections')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!o) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no objection ${id}` }]);
    if (o.state !== 'pending') {
      throw new LupausError('CONFLICT', { id }, [
        { at: 'id', message: `objection ${id} was already decided (${o.state})` },
      ]);
    }
    await tx
      .updateTable('objections')
      .set({ state: input.outcome, decision: reasoning, decided_at: now, decided_by: actor.id })
      .where('id', '=', id)
      .execute();
    const upheld = input.outcome === 'upheld';
    const stopped = upheld ? { profiling: o.kind === 'profiling', purpose: o.purpose } : null;
    const controller = reg.definition.controller.name;
    const purposeName = o.purpose ? reg.definition.purposes.find((p) => p.id === o.purpose)?.name : undefined;
    const what = {
      fi:
        o.kind === 'profiling'
          ? 'profilointia'
          : `käsittelyä${purposeName ? ` (${t(purposeName, 'fi')})` : ''}`,
      en:
        o.kind === 'profiling' ? 'profiling' : `processing${purposeName ? ` (${t(purposeName, 'en')})` : ''}`,
    };
    const authority = reg.definition.authority;
    const body = [
      'Hei,',
      '',
      upheld
        ? `${controller} on hyväksynyt vastustuksesi: ${what.fi} koskien sinua ei enää jatketa.`
        : `${controller} on käsitellyt vastustuksesi koskien ${what.fi} eikä hyväksy sitä. Käsittelyä jatketaan, koska siihen on seuraavat pakottavat oikeutetut perusteet:`,
      '',
      reasoning,
      ...(upheld
        ? []
        : [
            '',
            `Sinulla on oikeus tehdä valitus valvontaviranomaiselle (${authority ? t(authority.name, 'fi') : 'Tietosuojavaltuutetun toimisto'}) ja saattaa asia tuomioistuimen käsiteltäväksi.`,
          ]),
      '',
      '---',
      '',
      upheld
        ? `${controller} has upheld your objection: ${what.en} concerning you stops.`
        : `${controller} has considered your objection to ${what.en} and does not uphold it. The processing continues on the following compelling legitimate grounds:`,
      '',
      reasoning,
      ...(upheld
        ? []
        : [
            '',
            `You have the right to lodge a complaint with the supervisory authority (${authority ? t(authority.name, 'en') : 'the Data Protection Ombudsman'}) and to seek a judicial remedy in court.`,
          ]),
      '',
      controller,
    ].join('\n');
    const email = await tx
      .selectFrom('person_emails')
      .select('value')
      .where('person_id', '=', o.person_id)
      .orderBy('position')
      .executeTakeFirst();
    const { id: notificationId } = await enqueueNotificationIn(tx, reg, {
      personId: o.person_id,
      requestId: o.request_id,
      kind: 'objection_decision',
      audience: 'subject',
      audienceId: id,
      to: email?.value ?? null,
      subject: upheld
        ? 'Vastustuksesi on hyväksytty / Your objection has been upheld'
        : 'Päätös vastustuksestasi / Decision on your objection',
      body,
    });
    if (o.request_id) {
      await completeRequestIn(tx, reg, actor, o.request_id, {
        state: upheld ? 'completed' : 'refused',
        outcome: { objectionId: id, decision: input.outcome, stopped, notificationId },
        ...(upheld ? {} : { reason: reasoning }),
      });
    }
    const ending = await endPendingRestrictionsIn(tx, reg, actor, {
      personId: o.person_id,
      ground: 'objection_pending',
      message: 'Vastustuksesi on ratkaistu. / Your objection has been decided.',
    });
    await audit(tx, reg, actor, {
      action: upheld ? 'objection_uphold' : 'objection_reject',
      entityType: 'objection',
      entityId: id,
      personId: o.person_id,
      purpose: RIGHTS_PURPOSE,
      details: {
        kind: o.kind,
        purpose: o.purpose,
        ...(stopped ? { stopped } : {}),
        restrictionsEnding: ending.map((e) => e.restrictionId),
      },
    });
    const row = await tx.selectFrom('objections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return {
      objection: toObjectionView(row),
      stopped,
      notificationId,
      restrictionsEnding: ending.map((e) => e.restrictionId),
    } as ObjectionDecision;
  });
  if (opts.mailer) result.sent = await sendPendingNotifications(reg, opts.mailer);
  return result;
}
