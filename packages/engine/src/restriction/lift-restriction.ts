import { findControlCharacter, LupausError, type ProblemDetail } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import { authorize } from '../policy/authorize';
import { readableFields } from '../policy/field-access';
import { requireId } from '../policy/ids';
import { type RestrictionView, RIGHTS_PURPOSE, toRestrictionView } from './restriction-view';

/** The outbox kind of the notice of lifting that staff send before lifting by hand. */
export const LIFT_NOTICE = 'restriction_lift';
/** The outbox kind of the notice of lifting after a decision: sending it lifts the restriction. */
export const LIFT_NOTICE_ON_DECISION = 'restriction_lift_decided';

const GROUND_TEXT = {
  accuracy_contested: {
    fi: 'kiistit tietojesi paikkansapitävyyden',
    en: 'you contested the accuracy of your data',
  },
  unlawful_processing: {
    fi: 'käsittely oli lainvastaista ja pyysit rajoittamista poistamisen sijaan',
    en: 'the processing was unlawful and you asked for restriction instead of erasure',
  },
  legal_claims: {
    fi: 'tarvitsit tietoja oikeusvaateen laatimiseen, esittämiseen tai puolustamiseen',
    en: 'you needed the data for legal claims',
  },
  objection_pending: {
    fi: 'vastustit käsittelyä ja asian selvittäminen oli kesken',
    en: 'you objected to the processing and the matter was being examined',
  },
} as const;

async function requireRestriction(tx: Executor, id: string) {
  const row = await tx
    .selectFrom('restrictions')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no restriction ${id}` }]);
  if (row.lifted_at !== null) {
    throw new LupausError('CONFLICT', { id }, [
      {
        at: 'id',
        message: `restriction ${id} was already lifted on ${new Date(row.lifted_at).toISOString()}`,
      },
    ]);
  }
  return row;
}

function checkMessage(message: string | undefined): string | null {
  if (message === undefined) return null;
  const problems: ProblemDetail[] = [];
  const m = typeof message === 'string' ? message.trim() : '';
  if (m === '' || m.length > 4000) problems.push({ at: 'message', message: 'message is 1–4000 characters' });
  else {
    const bad = findControlCharacter(m.replace(/\n/g, ' '), 'message');
    if (bad) problems.push(bad);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return m;
}

/**
 * Tells the subject, inside the caller's transaction, that a restriction will be lifted (art. 18(3)): puts the
 * notice in the outbox, addressed to the person's first email (without one the notice is queued undeliverable,
 * for staff to send by post) and records `lift_notified_at`. With `onDecision` the restriction is lifted by
 * itself as soon as the notice is sent (`sendPendingNotifications`); otherwise staff lift it after the notice
 * has gone out.
 *
 * @example
 * ```ts
 * await notifyRestrictionLiftIn(tx, reg, actor, restrictionId, { onDecision: true, message: 'Vastustus ratkaistu.' });
 * ```
 */
export async function notifyRestrictionLiftIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  restrictionId: string,
  opts: { message?: string | undefined; onDecision?: boolean } = {},
): Promise<{ notificationId: string; to: string | null }> {
  const message = checkMessage(opts.message);
  const r = await requireRestriction(tx, requireId(restrictionId, 'restriction', 'id'));
  const email = await tx
    .selectFrom('person_emails')
    .select('value')
    .where('person_id', '=', r.person_id)
    .orderBy('position')
    .executeTakeFirst();
  const controller = reg.definition.controller.name;
  const ground = GROUND_TEXT[r.ground];
  const body = [
    `Hei,`,
    '',
    `${controller} rajoitti henkilötietojesi käsittelyä, koska ${ground.fi}. Rajoitus poistetaan pian; sen jälkeen tietojasi käsitellään taas tavanomaisesti (EU:n tietosuoja-asetus, 18 artiklan 3 kohta).`,
    ...(message ? ['', message] : []),
    '',
    '---',
    '',
    `${controller} restricted the processing of your personal data because ${ground.en}. The restriction will be lifted shortly; after that your data is processed as usual again (GDPR art. 18(3)).`,
    '',
    `${controller}`,
  ].join('\n');
  const { id } = await enqueueNotificationIn(tx, reg, {
    personId: r.person_id,
    requestId: r.request_id,
    kind: opts.onDecision ? LIFT_NOTICE_ON_DECISION : LIFT_NOTICE,
    audience: 'subject',
    audienceId: r.id,
    to: email?.value ?? null,
    subject: `Käsittelyn rajoitus poistetaan / The restriction of processing will be lifted`,
    body,
  });
  await tx
    .updateTable('restrictions')
    .set({ lift_notified_at: reg.clock.now() })
    .where('id', '=', r.id)
    .execute();
  await audit(tx, reg, actor, {
    action: 'restriction_notify_lift',
    entityType: 'restriction',
    entityId: r.id,
    personId: r.person_id,
    purpose: RIGHTS_PURPOSE,
    details: { notificationId: id, onDecision: opts.onDecision === true, undeliverable: !email },
  });
  return { notificationId: id, to: email?.value ?? null };
}

/**
 * Tells the subject that a restriction will be lifted (art. 18(3)), in its own transaction.
 *
 * @example
 * ```ts
 * await notifyRestrictionLift(reg, actor, restrictionId);
 * await sendPendingNotifications(reg, mailer);
 * await liftRestriction(reg, actor, restrictionId);
 * ```
 */
export async function notifyRestrictionLift(
  reg: Register,
  actor: Actor,
  restrictionId: string,
  opts: { message?: string | undefined } = {},
): Promise<RestrictionView & { notificationId: string; to: string | null }> {
  authorize(reg, actor, 'requests.manage');
  requireId(restrictionId, 'restriction', 'id');
  checkMessage(opts.message);
  return reg.db.transaction().execute(async (tx) => {
    const n = await notifyRestrictionLiftIn(tx, reg, actor, restrictionId, { message: opts.message });
    const row = await tx
      .selectFrom('restrictions')
      .selectAll()
      .where('id', '=', restrictionId.toLowerCase())
      .executeTakeFirstOrThrow();
    // The subject's address, shown only to roles that may read it (R6.2).
    const showAddress = readableFields(reg, actor, 'person').some((f) => f.id === 'email');
    return { ...toRestrictionView(row), ...n, to: showAddress ? n.to : null };
  });
}

export interface LiftRestrictionOptions {
  /**
   * The subject had no email, and staff told them by other means (a letter, a call): say so to lift anyway.
   * A notice with an address must have been sent.
   */
  noticeDeliveredOtherwise?: boolean | undefined;
}

/**
 * Lifts a restriction inside the caller's transaction, but only after the subject has been told (art. 18(3)):
 * refused with RESTRICTION_NOT_NOTIFIED unless a notice of lifting was queued and has been sent (or, for a
 * person without an email, staff confirm they told them otherwise). Audited.
 *
 * @example
 * ```ts
 * await liftRestrictionIn(tx, reg, actor, restrictionId);
 * ```
 */
export async function liftRestrictionIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  restrictionId: string,
  opts: LiftRestrictionOptions = {},
): Promise<void> {
  const r = await requireRestriction(tx, requireId(restrictionId, 'restriction', 'id'));
  if (r.lift_notified_at === null) {
    throw new LupausError('RESTRICTION_NOT_NOTIFIED', { id: r.id }, [
      {
        at: 'id',
        message: `the subject has not been told that restriction ${r.id} will be lifted: notify them first (notify-lift)`,
      },
    ]);
  }
  const notices = await tx
    .selectFrom('notifications')
    .select(['id', 'sent_at', 'to_address'])
    .where('audience', '=', 'subject')
    .where('audience_id', '=', r.id)
    .where('kind', 'in', [LIFT_NOTICE, LIFT_NOTICE_ON_DECISION])
    .execute();
  const delivered = notices.some((n) => n.sent_at !== null);
  const noAddress = notices.some((n) => n.to_address === null);
  if (!delivered && !(noAddress && opts.noticeDeliveredOtherwise === true)) {
    throw new LupausError('RESTRICTION_NOT_NOTIFIED', { id: r.id }, [
      {
        at: 'id',
        message: noAddress
          ? `the notice of lifting has no email address: tell the subject by other means, then lift with noticeDeliveredOtherwise`
          : `the notice of lifting restriction ${r.id} has not been sent yet: send the notifications first`,
      },
    ]);
  }
  await tx
    .updateTable('restrictions')
    .set({ lifted_at: reg.clock.now(), lifted_by: actor.id })
    .where('id', '=', r.id)
    .execute();
  await audit(tx, reg, actor, {
    action: 'restriction_lift',
    entityType: 'restriction',
    entityId: r.id,
    personId: r.person_id,
    purpose: RIGHTS_PURPOSE,
    details: { ground: r.ground, deliveredOtherwise: !delivered },
  });
}

/**
 * Lifts a restriction after the subject has been told (art. 18(3)), in its own transaction.
 *
 * @example
 * ```ts
 * await liftRestriction(reg, actor, restrictionId); // RESTRICTION_NOT_NOTIFIED unless the notice was sent
 * ```
 */
export async function liftRestriction(
  reg: Register,
  actor: Actor,
  restrictionId: string,
  opts: LiftRestrictionOptions = {},
): Promise<RestrictionView> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(restrictionId, 'restriction', 'id');
  return reg.db.transaction().execute(async (tx) => {
    await liftRestrictionIn(tx, reg, actor, id, opts);
    const row = await tx
      .selectFrom('restrictions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return toRestrictionView(row);
  });
}
