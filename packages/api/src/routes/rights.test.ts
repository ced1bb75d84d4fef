import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

/** A real SMTP server on a random local port, collecting what it is sent. */
async function smtpServer() {
  const messages: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the rectification, restriction, objection and notification routes', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const savedUrl = process.env.LUPAUS_SMTP_URL;
  const post = (url: string, payload: Json) => t.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  let personId: string;

  beforeAll(async () => {
    smtp = await smtpServer();
    t = await testApp('003-auntie');
    const person = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
    });
    expect(person.statusCode, person.body).toBe(201);
    personId = person.json().id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    if (savedUrl === undefined) delete process.env.LUPAUS_SMTP_URL;
    else process.env.LUPAUS_SMTP_URL = savedUrl;
  });

  it('R4.3 POST /persons/{id}/rectification corrects with provenance and emails the recipient the data was disclosed to', async () => {
    process.env.LUPAUS_SMTP_URL = smtp.url;
    await t.register.db
      .insertInto('disclosure_log')
      .values({
        id: '0190a000-0000-7000-8000-0000000000a1',
        person_id: personId,
        disclosure: 'contract_or_consent',
        recipient: 'partners',
        recipient_name: 'Kumppani Oy',
        recipient_email: 'tietosuoja@kumppani.example',
        basis: 'consent',
        categories: ['basic_details'],
        fields: [],
        reason: null,
        at: new Date('2026-01-01T00:00:00Z'),
        recorded_by: 'test',
      })
      .execute();
    const res = await post(`/api/v1/persons/${personId}/rectification`, { fields: { last_name: 'Koski' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.changed).toEqual(['last_name']);
    expect(body.person.fields.last_name).toBe('Koski');
    expect(body.person.provenance.last_name.source).toBe('subject');
    expect(body.notified).toEqual([
      expect.objectContaining({ audience: 'recipient', audienceId: 'partners', deliverable: true }),
    ]);
    expect(body.sent).toEqual({ sent: 1, failed: 0, undeliverable: 0 });
    expect(smtp.messages.at(-1)?.to).toEqual(['tietosuoja@kumppani.example']);
    expect(smtp.messages.at(-1)?.raw).toContain('Koski');

    const bad = await post(`/api/v1/persons/${personId}/rectification`, { fields: { shoe_size: 1 } });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).code).toBe('FIELD_NOT_DECLARED');
  });

  it('R4.3 POST /requests/{id}/refuse-rectification returns the certificate of refusal', async () => {
    const req = await post('/api/v1/requests', {
      type: 'rectification',
      personId,
      receivedVia: 'electronic',
      details: { fields: ['first_name'] },
    });
    expect(req.statusCode, req.body).toBe(201);
    const res = await post(`/api/v1/requests/${req.json().id}/refuse-rectification`, {
      reasons: ['Etunimi vastaa väestötietojärjestelmää.'],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().html).toContain('Etunimi vastaa väestötietojärjestelmää.');
    expect(res.json().html).toContain('Tietosuojavaltuutetun toimisto');
    const again = await post(`/api/v1/requests/${req.json().id}/refuse-rectification`, { reasons: ['x'] });
    expect(again.statusCode).toBe(409);
    const none = await post(`/api/v1/requests/${req.json().id}/refuse-rectification`, { reasons: [] });
    expect(none.statusCode).toBe(422);
  });

  it('R4.5 restrictions: started, lifting refused before the notice, notify-lift emails the subject, then lift', async () => {
    process.env.LUPAUS_SMTP_URL = smtp.url;
    const started = await post(`/api/v1/persons/${personId}/restrictions`, {
      ground: 'legal_claims',
      reason: 'Oikeusvaade',
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json().id;
    const early = await post(`/api/v1/restrictions/${id}/lift`, {});
    expect(early.statusCode).toBe(409);
    expect(errorOf(early).code).toBe('RESTRICTION_NOT_NOTIFIED');
    const before = smtp.messages.length;
    const notified = await post(`/api/v1/restrictions/${id}/notify-lift`, {});
    expect(notified.statusCode, notified.body).toBe(200);
    expect(notified.json()).toMatchObject({ to: 'maija@example.fi', sent: { sent: 1 } });
    expect(smtp.messages.length).toBe(before + 1);
    expect(smtp.messages.at(-1)?.to).toEqual(['maija@example.fi']);
    const lifted = await post(`/api/v1/restrictions/${id}/lift`, {});
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json().active).toBe(false);
    const listed = await get(`/api/v1/persons/${personId}/restrictions`);
    expect(listed.json().items.map((r: Json) => r.id)).toContain(id);
    const bad = await post(`/api/v1/persons/${personId}/restrictions`, { ground: 'whim' });
    expect(bad.statusCode).toBe(422);
  });

  it('R4.6 an objection restricts the person until the decision; the decision lifts it after telling them', async () => {
    process.env.LUPAUS_SMTP_URL = smtp.url;
    const o = await post(`/api/v1/persons/${personId}/objections`, {
      kind: 'profiling',
      situation: 'Erityinen tilanne',
    });
    expect(o.statusCode, o.body).toBe(201);
    const active = await get(`/api/v1/persons/${personId}/restrictions?active=true`);
    expect(active.json().items).toEqual([expect.objectContaining({ ground: 'objection_pending' })]);
    const d = await post(`/api/v1/objections/${o.json().id}/decision`, {
      outcome: 'upheld',
      reasoning: 'Profilointi lopetetaan.',
    });
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json()).toMatchObject({ objection: { state: 'upheld' }, stopped: { profiling: true } });
    expect((await get(`/api/v1/persons/${personId}/restrictions?active=true`)).json().items).toEqual([]);
    const listed = await get(`/api/v1/persons/${personId}/objections`);
    expect(listed.json().items).toEqual([expect.objectContaining({ state: 'upheld' })]);
  });

  it('R4.3 GET /notifications lists the outbox; POST /notifications/send without SMTP is a 422 naming LUPAUS_SMTP_URL', async () => {
    const listed = await get('/api/v1/notifications?state=sent');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.length).toBeGreaterThan(0);
    expect(listed.json().items.every((n: Json) => n.state === 'sent')).toBe(true);
    delete process.env.LUPAUS_SMTP_URL;
    const res = await post('/api/v1/notifications/send', {});
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).problems[0]?.at).toBe('LUPAUS_SMTP_URL');
    process.env.LUPAUS_SMTP_URL = smtp.url;
    const sent = await post('/api/v1/notifications/send', {});
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ failed: 0 });
  });
});
