import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { listNotifications } from '../notifications/list-notifications';
import { smtpMailer } from '../notifications/mailer';
import { registerMailer } from '../notifications/send-pending-notifications';
import { decodeMail, startTestSmtpServer } from '../notifications/smtp-test-server';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { updatePerson } from '../persons/update-person';
import { getRequest } from '../requests/get-request';
import { receiveRequest } from '../requests/receive-request';
import { verifyIdentity } from '../requests/verify-identity';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { rectifyPerson } from './rectify-person';
import { refuseRectification } from './refuse-rectification';

let reg: Register | undefined;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>> | undefined;
afterEach(async () => {
  await reg?.close();
  await smtp?.close();
  reg = undefined;
  smtp = undefined;
});

const PARTNER_EMAIL = 'tietosuoja@kumppani.example';

/** A person whose email came from a partner, disclosed to that partner (with its address) and to an authority. */
async function personWithDisclosures(r: Register) {
  const p = await createPerson(r, TEST_ADMIN, {
    source: 'subject',
    fields: { first_name: 'Maija', last_name: 'Virtanen' },
  });
  await updatePerson(r, TEST_ADMIN, p.id, { source: 'partners', fields: { email: 'maija.old@example.fi' } });
  await r.db
    .insertInto('disclosure_log')
    .values([
      {
        id: '0190a000-0000-7000-8000-000000000001',
        person_id: p.id,
        disclosure: 'contract_or_consent',
        recipient: 'partners',
        recipient_name: 'Kumppani Oy',
        recipient_email: PARTNER_EMAIL,
        basis: 'consent',
        categories: ['basic_details'],
        fields: ['first_name', 'last_name', 'email'],
        reason: null,
        at: '2026-02-01T10:00:00Z',
        recorded_by: TEST_ADMIN.id,
      },
      {
        id: '0190a000-0000-7000-8000-000000000002',
        person_id: p.id,
        disclosure: 'statutory',
        recipient: 'authorities',
        recipient_name: 'Verohallinto',
        recipient_email: null,
        basis: 'legal_obligation',
        categories: ['basic_details'],
        fields: ['last_name'],
        reason: null,
        at: '2026-02-02T10:00:00Z',
        recorded_by: TEST_ADMIN.id,
      },
    ])
    .execute();
  return p;
}

async function verifiedRequest(r: Register, personId: string, details: Record<string, unknown>) {
  const req = await receiveRequest(r, TEST_ADMIN, {
    type: 'rectification',
    personId,
    receivedVia: 'electronic',
    details,
  });
  await verifyIdentity(r, TEST_ADMIN, req.id, { method: 'strong_electronic_identification' });
  return req;
}

describe('rectification (R4.3)', () => {
  it('R4.3 a correction is applied with provenance, the old value is gone, and the recipient it was disclosed to gets a real email naming the field', async () => {
    const clock = fixedClock('2026-03-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    smtp = await startTestSmtpServer();
    const p = await personWithDisclosures(reg);
    const req = await verifiedRequest(reg, p.id, { fields: ['email'] });
    clock.set('2026-03-05T12:00:00Z');

    const mailer = registerMailer(reg, { LUPAUS_SMTP_URL: smtp.url });
    const r = await rectifyPerson(
      reg,
      TEST_ADMIN,
      { personId: p.id, fields: { email: 'maija.new@example.fi' }, requestId: req.id },
      { mailer },
    );
    expect(r.changed).toEqual(['email']);
    // The recipient got the notice; the source (the same partner, known by its address) too.
    expect(r.notified).toEqual([
      expect.objectContaining({
        audience: 'recipient',
        audienceId: 'partners',
        fields: ['email'],
        deliverable: true,
      }),
      expect.objectContaining({
        audience: 'source',
        audienceId: 'partners',
        fields: ['email'],
        deliverable: true,
      }),
    ]);
    // Two notices to the partner, and one to the subject: the restriction the verified request started is lifted
    // now that the rectification is decided (art. 18(3)).
    expect(r.sent).toEqual({ sent: 3, failed: 0, undeliverable: 0 });
    expect(smtp.messages.map((m) => m.to)).toEqual([
      [PARTNER_EMAIL],
      [PARTNER_EMAIL],
      ['maija.new@example.fi'],
    ]);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual([PARTNER_EMAIL]);
    expect(mail.from).toBe('oliver@auntie.fi');
    const text = decodeMail(mail.raw);
    expect(text).toContain('Sähköpostiosoite');
    expect(text).toContain('(email)');
    expect(text).toContain('maija.new@example.fi');
    expect(text).toContain('19 artiklan');
    expect(text).not.toContain('maija.old@example.fi');

    // Provenance of the new value: its source and time; the old value is nowhere.
    const view = await getPerson(reg, TEST_ADMIN, p.id);
    expect(view.fields.email).toEqual(['maija.new@example.fi']);
    expect(view.provenance.email).toEqual({
      source: 'subject',
      savedAt: '2026-03-05T12:00:00.000Z',
      savedBy: TEST_ADMIN.id,
    });
    const old = await reg.db
      .selectFrom('person_emails')
      .select('id')
      .where('value', '=', 'maija.old@example.fi')
      .execute();
    expect(old).toEqual([]);
    // The outbox no longer holds the message bodies.
    const bodies = await reg.db
      .selectFrom('notifications')
      .select(['body', 'sent_at', 'message_id'])
      .execute();
    expect(bodies.every((b) => b.body === null && b.sent_at !== null && b.message_id)).toBe(true);

    const done = await getRequest(reg, TEST_ADMIN, req.id);
    expect(done.state).toBe('completed');
    expect(done.outcome).toMatchObject({
      rectified: ['email'],
      notified: [
        { audience: 'recipient', audienceId: 'partners', name: 'Kumppani Oy', fields: ['email'] },
        { audience: 'source', audienceId: 'partners', fields: ['email'] },
      ],
    });
    expect(JSON.stringify(done.outcome)).not.toContain('maija');
  });

  it('R4.3 a field from the subject needs no notice to its source; a recipient without an address stays in the outbox', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    smtp = await startTestSmtpServer();
    const p = await personWithDisclosures(reg);
    const r = await rectifyPerson(
      reg,
      TEST_ADMIN,
      { personId: p.id, fields: { last_name: 'Virtanen-Koski', first_name: 'Maija' } },
      { mailer: smtpMailer(smtp.url) },
    );
    expect(r.changed).toEqual(['last_name']);
    expect(r.notNotified).toEqual([
      { field: 'last_name', source: 'subject', why: 'the data came from the subject' },
    ]);
    expect(r.notified.map((n) => [n.audienceId, n.fields, n.deliverable])).toEqual([
      ['partners', ['last_name'], true],
      ['authorities', ['last_name'], false],
    ]);
    expect(smtp.messages.map((m) => m.to)).toEqual([[PARTNER_EMAIL]]);
    expect(decodeMail(smtp.messages[0]!.raw)).toContain('Virtanen-Koski');
    const pending = await listNotifications(reg, TEST_ADMIN, { state: 'pending' });
    expect(pending.items).toEqual([
      expect.objectContaining({
        audience: 'recipient',
        audienceId: 'authorities',
        state: 'undeliverable',
        to: null,
      }),
    ]);
  });

  it('R4.3 a refusal produces a certificate with its reasons, the date and the right to complain, and completes the request as refused', async () => {
    const clock = fixedClock('2026-03-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    smtp = await startTestSmtpServer();
    const p = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
    });
    const req = await verifiedRequest(reg, p.id, { fields: ['last_name'] });
    clock.set('2026-03-20T08:00:00Z');
    const refusal = await refuseRectification(
      reg,
      TEST_ADMIN,
      { requestId: req.id, reasons: ['Sukunimi vastaa väestötietojärjestelmän tietoja <ja> asiakirjoja.'] },
      { mailer: smtpMailer(smtp.url) },
    );
    const html = refusal.html;
    expect(html).toContain('Todistus epäämisestä');
    expect(html).toContain('Sukunimi vastaa väestötietojärjestelmän tietoja &lt;ja&gt; asiakirjoja.');
    expect(html).toContain('20. maaliskuuta 2026');
    expect(html).toContain('Auntie Solutions Oy');
    expect(html).toContain('Tietosuojavaltuutetun toimisto');
    expect(html).toContain('oikeus tehdä valitus valvontaviranomaiselle');
    expect(html).toContain('tuomioistuimen');
    expect(html).toContain('Sukunimi / Last name');
    const done = await getRequest(reg, TEST_ADMIN, req.id);
    expect(done.state).toBe('refused');
    // The refusal, and the lifting of the restriction the verified request started (art. 18(3)).
    expect(smtp.messages.map((m) => m.to)).toEqual([['maija@example.fi'], ['maija@example.fi']]);
    const text = decodeMail(smtp.messages[0]!.raw);
    expect(text).toContain('Sukunimi vastaa väestötietojärjestelmän tietoja');
    expect(text).toContain('Tietosuojavaltuutetun toimisto');
    // The person's data is unchanged.
    expect((await getPerson(reg, TEST_ADMIN, p.id)).fields.last_name).toBe('Virtanen');
  });

  it('R4.3 bad input changes nothing: no reasons, an undeclared field, an unverified request', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    const p = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    await expect(
      rectifyPerson(reg, TEST_ADMIN, { personId: p.id, fields: { shoe_size: 42 } }),
    ).rejects.toMatchObject({ code: 'FIELD_NOT_DECLARED' });
    await expect(rectifyPerson(reg, TEST_ADMIN, { personId: p.id, fields: {} })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [{ at: 'fields' }],
    });
    const req = await receiveRequest(reg, TEST_ADMIN, {
      type: 'rectification',
      personId: p.id,
      receivedVia: 'electronic',
    });
    await expect(
      rectifyPerson(reg, TEST_ADMIN, { personId: p.id, fields: { last_name: 'X' }, requestId: req.id }),
    ).rejects.toMatchObject({ code: 'REQUEST_NOT_VERIFIED' });
    await expect(
      refuseRectification(reg, TEST_ADMIN, { requestId: req.id, reasons: [] }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [{ at: 'reasons' }],
    });
    expect((await getPerson(reg, TEST_ADMIN, p.id)).fields.last_name).toBe('Virtanen');
    expect((await getRequest(reg, TEST_ADMIN, req.id)).state).toBe('received');
  });
});
