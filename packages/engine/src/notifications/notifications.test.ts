import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { enqueueNotificationIn } from './enqueue-notification';
import { listNotifications } from './list-notifications';
import { smtpMailer } from './mailer';
import { sendPendingNotifications } from './send-pending-notifications';
import { decodeMail, startTestSmtpServer } from './smtp-test-server';

let reg: Register | undefined;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>> | undefined;
afterEach(async () => {
  await reg?.close();
  await smtp?.close();
  reg = undefined;
  smtp = undefined;
});

describe('the notification outbox (R4.3 art. 19 notices)', () => {
  it('R4.3 an SMTP server that is down leaves the notification queued with last_error, and a later send delivers it', async () => {
    const clock = fixedClock('2026-03-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const p = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    const r = reg;
    const { id } = await r.db.transaction().execute((tx) =>
      enqueueNotificationIn(tx, r, {
        personId: p.id,
        requestId: null,
        kind: 'rectification',
        audience: 'recipient',
        audienceId: 'partners',
        to: 'tietosuoja@kumppani.example',
        subject: 'Henkilötietojen oikaisu / Rectification of personal data',
        body: 'Sukunimi: Virtanen-Koski',
      }),
    );
    // A server that was there and is gone: its port refuses connections.
    const gone = await startTestSmtpServer();
    await gone.close();
    expect(await sendPendingNotifications(reg, smtpMailer(gone.url))).toEqual({
      sent: 0,
      failed: 1,
      undeliverable: 0,
    });
    let [n] = (await listNotifications(reg, TEST_ADMIN, { personId: p.id })).items;
    expect(n).toMatchObject({ id, state: 'queued', attempts: 1, sentAt: null });
    expect(n?.lastError).toMatch(/ECONNREFUSED|connect/i);
    const row = await reg.db
      .selectFrom('notifications')
      .select('body')
      .where('id', '=', id)
      .executeTakeFirst();
    expect(row?.body).toBe('Sukunimi: Virtanen-Koski');

    clock.set('2026-03-01T10:00:00Z');
    smtp = await startTestSmtpServer();
    expect(await sendPendingNotifications(reg, smtpMailer(smtp.url))).toEqual({
      sent: 1,
      failed: 0,
      undeliverable: 0,
    });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.to).toEqual(['tietosuoja@kumppani.example']);
    expect(decodeMail(smtp.messages[0]!.raw)).toContain('Sukunimi: Virtanen-Koski');
    [n] = (await listNotifications(reg, TEST_ADMIN, { personId: p.id })).items;
    expect(n).toMatchObject({ state: 'sent', attempts: 2, sentAt: '2026-03-01T10:00:00.000Z' });
    expect(n?.messageId).toBeTruthy();
    const after = await reg.db
      .selectFrom('notifications')
      .select('body')
      .where('id', '=', id)
      .executeTakeFirst();
    expect(after?.body).toBeNull();
    // Nothing is sent twice.
    expect(await sendPendingNotifications(reg, smtpMailer(smtp.url))).toEqual({
      sent: 0,
      failed: 0,
      undeliverable: 0,
    });
    expect(smtp.messages).toHaveLength(1);
  });

  it('R4.3 a notice with a bad address or a header injection is refused before it is queued', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    const r = reg;
    const base = {
      personId: null,
      requestId: null,
      kind: 'rectification',
      audience: 'recipient' as const,
      audienceId: null,
      to: 'a@example.fi',
      subject: 'S',
      body: 'B',
    };
    await expect(
      r.db.transaction().execute((tx) => enqueueNotificationIn(tx, r, { ...base, to: 'not an address' })),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ at: 'to' }] });
    await expect(
      r.db
        .transaction()
        .execute((tx) => enqueueNotificationIn(tx, r, { ...base, subject: 'S\r\nBcc: x@y.z' })),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ at: 'subject' }] });
    expect((await listNotifications(reg, TEST_ADMIN)).items).toEqual([]);
  });
});
