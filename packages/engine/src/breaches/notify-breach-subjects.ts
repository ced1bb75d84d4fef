import { breachNotice, LupausError } from '@lupaus/core';
import type { Actor, Register } from '../context';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import { authorize } from '../policy/authorize';
import {
  auditBreachPersons,
  type BreachView,
  breachViewIn,
  requireBreachId,
  requireOpenBreach,
} from './breach-store';

/** What telling the persons of a breach did. */
export interface NotifyBreachSubjectsResult {
  /** One notice per person put in the outbox. */
  queued: { personId: string; notificationId: string }[];
  /**
   * Persons the register holds no email address for (or who are no longer in the register): no notice was
   * queued and they stay not notified; tell them another way (a letter, art. 34(3)(c) a public communication).
   */
  notReachableByEmail: string[];
  /** Persons notified by an earlier call, left alone. */
  alreadyNotified: number;
  breach: BreachView;
}

/**
 * Tells the persons affected by a breach (GDPR art. 34(1)–(2)) once the decision is to notify: one notice per
 * person in the notifications outbox (sent by SMTP by `sendPendingNotifications`), in clear and plain language
 * in Finnish and English, describing the nature of the breach, the contact point (the DPO or contact person of
 * the definition), the likely consequences and the measures taken or proposed. Each person notified is marked
 * (`breach_persons.notified_at`) so that a repeated call notifies only those added since; persons without an
 * email address are listed as not reachable by email. The notice holds no other person's data. One transaction
 * with one audit row per person (ids only).
 *
 * @example
 * ```ts
 * const { queued, notReachableByEmail } = await notifyBreachSubjects(reg, actor, breachId);
 * ```
 */
export async function notifyBreachSubjects(
  reg: Register,
  actor: Actor,
  breachId: string,
): Promise<NotifyBreachSubjectsResult> {
  authorize(reg, actor, 'breaches.manage');
  const id = requireBreachId(breachId);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireOpenBreach(tx, id);
    if (row.subjects_decision !== 'notify') {
      throw new LupausError('VALIDATION_FAILED', { breachId: id }, [
        {
          at: 'subjectsDecision',
          message:
            row.subjects_decision === 'not_required'
              ? 'the decision recorded is that the persons need not be told: decide notify first'
              : 'decide first whether the persons must be told (POST …/subject-decision with decision notify)',
        },
      ]);
    }
    const persons = await tx
      .selectFrom('breach_persons')
      .select(['person_id', 'notified_at'])
      .where('breach_id', '=', id)
      .orderBy('added_at')
      .orderBy('person_id')
      .execute();
    const pending = persons.filter((p) => p.notified_at === null).map((p) => p.person_id);
    const emails = new Map<string, string>();
    if (pending.length > 0) {
      const rows = await tx
        .selectFrom('person_emails')
        .select(['person_id', 'value'])
        .distinctOn('person_id')
        .where('person_id', 'in', pending)
        .orderBy('person_id')
        .orderBy('position')
        .execute();
      for (const r of rows) emails.set(r.person_id, r.value);
    }
    const notice = breachNotice(reg.definition, {
      description: row.description,
      categories: row.categories,
      occurredAt: row.occurred_at === null ? null : new Date(row.occurred_at),
      discoveredAt: new Date(row.discovered_at),
      consequences: row.consequences,
      measures: row.measures,
    });
    const now = reg.clock.now();
    const queued: { personId: string; notificationId: string }[] = [];
    const notReachableByEmail: string[] = [];
    for (const personId of pending) {
      const to = emails.get(personId);
      if (!to) {
        notReachableByEmail.push(personId);
        continue;
      }
      const { id: notificationId } = await enqueueNotificationIn(tx, reg, {
        personId,
        requestId: null,
        kind: 'breach',
        audience: 'subject',
        audienceId: null,
        to,
        subject: notice.subject,
        body: notice.body,
      });
      queued.push({ personId, notificationId });
    }
    if (queued.length > 0) {
      await tx
        .updateTable('breach_persons')
        .set({ notified_at: now })
        .where('breach_id', '=', id)
        .where(
          'person_id',
          'in',
          queued.map((q) => q.personId),
        )
        .execute();
      await auditBreachPersons(
        tx,
        reg,
        actor,
        'breach_notify_subject',
        id,
        queued.map((q) => q.personId),
      );
    }
    return {
      queued,
      notReachableByEmail,
      alreadyNotified: persons.length - pending.length,
      breach: await breachViewIn(tx, reg, await requireOpenBreach(tx, id, { lock: false })),
    };
  });
}
