import type { Definition } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { audit } from '../audit/audit';
import { type Register, SYSTEM_ACTOR } from '../context';
import { LIFT_NOTICE_ON_DECISION, liftRestrictionIn } from '../restriction/lift-restriction';
import { RIGHTS_PURPOSE } from '../restriction/restriction-view';
import { type Mailer, mailerFromEnv } from './mailer';

/** How many notices one run sends at most. */
export const SEND_BATCH = 200;
const MAX_ERROR_LENGTH = 500;

export interface SendResult {
  sent: number;
  failed: number;
  /** Queued notices without an address: they stay in the outbox for staff to deliver by other means. */
  undeliverable: number;
}

/**
 * The sender of the register's notices: the contact's email, else the data protection officer's, else the
 * controller's, with the controller's name (`"Oy Esimerkki Ab" <tietosuoja@example.fi>`); undefined when the definition names none.
 *
 * @example
 * ```ts
 * senderOf(reg.definition); // '"Tätin Kahvila" <tati@example.fi>'
 * ```
 */
export function senderOf(definition: Definition): string | undefined {
  const email = definition.contact?.email ?? definition.dpo?.email ?? definition.controller.email;
  if (!email) return undefined;
  const name = definition.controller.name.replace(/["\\\r\n]/g, '');
  return `"${name}" <${email}>`;
}

/**
 * The register's mailer: SMTP at `LUPAUS_SMTP_URL`, sending as the definition's contact; null when the
 * environment names no SMTP server.
 *
 * @example
 * ```ts
 * const mailer = registerMailer(reg);
 * if (mailer) await sendPendingNotifications(reg, mailer);
 * ```
 */
export function registerMailer(reg: Register, env: NodeJS.ProcessEnv = process.env): Mailer | null {
  return mailerFromEnv(senderOf(reg.definition), env);
}

/**
 * Sends the outbox: every unsent notice with an address, oldest first, one at a time. A notice the server
 * accepted gets `sent_at` and the server's message id, and its body is emptied (the outbox keeps no personal
 * data longer than it must); a notice that could not be sent stays queued with `attempts` counted up and
 * `last_error`, and the next run tries it again: a notice is never lost. Sending the notice of lifting that a
 * decision queued lifts that restriction (art. 18(3): told first, then lifted). Each notice is claimed with
 * `for update skip locked`, so two senders running at once never send one twice. Audited per notice.
 *
 * @example
 * ```ts
 * const { sent, failed } = await sendPendingNotifications(reg, smtpMailer('smtp://127.0.0.1:2525'));
 * ```
 */
export async function sendPendingNotifications(reg: Register, mailer: Mailer): Promise<SendResult> {
  const result: SendResult = { sent: 0, failed: 0, undeliverable: 0 };
  const tried = new Set<string>();
  for (let i = 0; i < SEND_BATCH; i++) {
    const done = await reg.db.transaction().execute(async (tx) => {
      let q = tx
        .selectFrom('notifications')
        .select(['id', 'person_id', 'to_address', 'subject', 'body', 'attempts', 'kind', 'audience_id'])
        .where('sent_at', 'is', null)
        .where('to_address', 'is not', null)
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked();
      if (tried.size > 0) q = q.where('id', 'not in', [...tried]);
      const n = await q.executeTakeFirst();
      if (!n) return true;
      tried.add(n.id);
      const now = () => reg.clock.now();
      try {
        const { messageId } = await mailer.send({
          to: n.to_address!,
          subject: n.subject,
          text: n.body ?? '',
        });
        await tx
          .updateTable('notifications')
          .set({
            sent_at: now(),
            message_id: messageId.slice(0, 300),
            body: null,
            attempts: n.attempts + 1,
            last_error: null,
          })
          .where('id', '=', n.id)
          .execute();
        await audit(tx, reg, SYSTEM_ACTOR, {
          action: 'notification_send',
          entityType: 'notification',
          entityId: n.id,
          personId: n.person_id,
          purpose: RIGHTS_PURPOSE,
          details: { kind: n.kind },
        });
        if (n.kind === LIFT_NOTICE_ON_DECISION && n.audience_id)
          await liftAfterNotice(tx, reg, n.audience_id);
        result.sent++;
      } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR_LENGTH);
        await tx
          .updateTable('notifications')
          .set({ attempts: n.attempts + 1, last_error: message })
          .where('id', '=', n.id)
          .execute();
        result.failed++;
      }
      return false;
    });
    if (done) break;
  }
  const left = await reg.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sent_at', 'is', null)
    .where('to_address', 'is', null)
    .executeTakeFirstOrThrow();
  result.undeliverable = Number(left.n);
  return result;
}

/** Lifts the restriction a decision's notice of lifting was about, if it is still waiting for that notice. */
async function liftAfterNotice(tx: Executor, reg: Register, restrictionId: string): Promise<void> {
  const r = await tx
    .selectFrom('restrictions')
    .select(['lifted_at', 'lift_notified_at'])
    .where('id', '=', restrictionId)
    .executeTakeFirst();
  if (!r || r.lifted_at !== null || r.lift_notified_at === null) return;
  await liftRestrictionIn(tx, reg, SYSTEM_ACTOR, restrictionId);
}
