import { LupausError, type ProblemDetail } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import type { Register } from '../context';

/** A notice to put in the outbox (art. 19 to recipients and sources, the subject's own notices). */
export interface NotificationInput {
  personId: string | null;
  requestId: string | null;
  /** rectification | erasure | restriction | restriction_lift | extension | refusal | response | objection ... */
  kind: string;
  audience: 'recipient' | 'source' | 'subject';
  /** Which recipient or source (the definition's id), or null for the subject. */
  audienceId: string | null;
  /** The email address; null when none is known (the notice stays in the outbox, listed as undeliverable). */
  to: string | null;
  subject: string;
  body: string;
}

const AUDIENCES = new Set(['recipient', 'source', 'subject']);
const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+$/;

/**
 * Puts a notice in the outbox inside the caller's transaction, so that the notice exists exactly when the change
 * it tells about is committed; `sendPendingNotifications` delivers it later (and keeps it queued until it does).
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute(async (tx) => {
 *   await enqueueNotificationIn(tx, reg, {
 *     personId, requestId: null, kind: 'restriction_lift', audience: 'subject', audienceId: null,
 *     to: 'maija@example.fi', subject: 'Käsittelyn rajoitus päättyy', body: '...',
 *   });
 * });
 * ```
 */
export async function enqueueNotificationIn(
  tx: Executor,
  reg: Register,
  n: NotificationInput,
): Promise<{ id: string }> {
  const problems: ProblemDetail[] = [];
  if (typeof n.kind !== 'string' || n.kind.trim() === '' || n.kind.length > 60) {
    problems.push({ at: 'kind', message: 'kind names what the notice is about (1–60 characters)' });
  }
  if (!AUDIENCES.has(n.audience)) {
    problems.push({ at: 'audience', message: 'audience is recipient, source or subject' });
  }
  if (n.to !== null && (typeof n.to !== 'string' || !EMAIL_RE.test(n.to) || /[\r\n]/.test(n.to))) {
    problems.push({ at: 'to', message: 'to is an email address, or null when none is known' });
  }
  if (typeof n.subject !== 'string' || n.subject.trim() === '' || /[\r\n]/.test(n.subject)) {
    problems.push({ at: 'subject', message: 'subject is one line of text' });
  }
  if (typeof n.body !== 'string' || n.body.trim() === '') {
    problems.push({ at: 'body', message: 'body is the text of the notice' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const id = uuidv7();
  await tx
    .insertInto('notifications')
    .values({
      id,
      person_id: n.personId,
      request_id: n.requestId,
      kind: n.kind,
      audience: n.audience,
      audience_id: n.audienceId,
      to_address: n.to,
      subject: n.subject,
      body: n.body,
      created_at: reg.clock.now(),
      sent_at: null,
      message_id: null,
      attempts: 0,
      last_error: null,
    })
    .execute();
  return { id };
}
