import { LupausError } from '@lupaus/core';
import type { NotificationsTable } from '@lupaus/db';
import type { Selectable } from 'kysely';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { readableFields } from '../policy/field-access';
import { optionalCursor, requireId } from '../policy/ids';
import { auditRowsRead } from '../policy/person-reads';
import { RIGHTS_PURPOSE } from '../restriction/restriction-view';

/** A notice of the outbox as staff see it (the body is not shown: it is emptied once sent). */
export interface NotificationView {
  id: string;
  personId: string | null;
  requestId: string | null;
  kind: string;
  audience: 'recipient' | 'source' | 'subject';
  audienceId: string | null;
  to: string | null;
  subject: string;
  /** queued: waiting to be sent; sent; undeliverable: queued without an address (deliver it by other means). */
  state: 'queued' | 'sent' | 'undeliverable';
  createdAt: string;
  sentAt: string | null;
  messageId: string | null;
  attempts: number;
  lastError: string | null;
}

export function toNotificationView(r: Selectable<NotificationsTable>): NotificationView {
  return {
    id: r.id,
    personId: r.person_id,
    requestId: r.request_id,
    kind: r.kind,
    audience: r.audience,
    audienceId: r.audience_id,
    to: r.to_address,
    subject: r.subject,
    state: r.sent_at !== null ? 'sent' : r.to_address === null ? 'undeliverable' : 'queued',
    createdAt: new Date(r.created_at).toISOString(),
    sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
    messageId: r.message_id,
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

export interface ListNotificationsOptions {
  personId?: string | undefined;
  requestId?: string | undefined;
  /** pending: not yet sent (queued or undeliverable); sent; all (default). */
  state?: 'pending' | 'sent' | 'all' | undefined;
  limit?: number | undefined;
  after?: string | undefined;
}

/**
 * The outbox of notices, newest first, a page at a time: all, only those still to send, or only those sent;
 * optionally of one person or one request. Each notice shown is audited (it names an address).
 *
 * @example
 * ```ts
 * const { items } = await listNotifications(reg, actor, { state: 'pending' });
 * items.filter((n) => n.lastError); // the ones the SMTP server refused so far
 * ```
 */
export async function listNotifications(
  reg: Register,
  actor: Actor,
  opts: ListNotificationsOptions = {},
): Promise<{ items: NotificationView[]; next: string | null }> {
  authorize(reg, actor, 'requests.manage');
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  const after = optionalCursor(opts.after, 'notification');
  const personId = opts.personId === undefined ? undefined : requireId(opts.personId, 'person', 'personId');
  const requestId =
    opts.requestId === undefined ? undefined : requireId(opts.requestId, 'request', 'requestId');
  const state = opts.state ?? 'all';
  if (!['pending', 'sent', 'all'].includes(state)) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'state', message: 'state is pending, sent or all' },
    ]);
  }
  return reg.db.transaction().execute(async (tx) => {
    let q = tx
      .selectFrom('notifications')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (after) q = q.where('id', '<', after);
    if (personId) q = q.where('person_id', '=', personId);
    if (requestId) q = q.where('request_id', '=', requestId);
    if (state === 'pending') q = q.where('sent_at', 'is', null);
    if (state === 'sent') q = q.where('sent_at', 'is not', null);
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    await auditRowsRead(tx, reg, actor, { entityType: 'notification', purpose: RIGHTS_PURPOSE }, page);
    // A notice to the data subject is addressed to their email: shown only to roles that may read it (R6.2).
    const showSubjectAddress = readableFields(reg, actor, 'person').some((f) => f.id === 'email');
    return {
      items: page
        .map(toNotificationView)
        .map((n) => (n.audience === 'subject' && !showSubjectAddress ? { ...n, to: null } : n)),
      next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  });
}
