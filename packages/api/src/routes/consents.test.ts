import { receiveRequest, verifyIdentity } from '@lupaus/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;
const OP = { id: 't', roles: ['administrator'], commitmentSigned: true };

/** Example 001: post, phone and email; every purpose opt-out. */
describe('the consent routes', () => {
  let t: TestApp;
  const post = (url: string, payload: Json) => t.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  let personId: string;

  beforeAll(async () => {
    t = await testApp('001-vitec-katrina');
    const p = await post('/api/v1/persons', {
      source: 'registrations',
      fields: {
        first_name: 'Maija',
        last_name: 'Meikäläinen',
        email: 'maija@example.fi',
        phone: '0401234567',
      },
    });
    expect(p.statusCode, p.body).toBe(201);
    personId = p.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('R3.1 POST records a consent with its evidence and notice version; GET shows history and current state', async () => {
    const res = await post(`/api/v1/persons/${personId}/consents`, {
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'registrations',
      evidenceText: 'Verkkolomake',
    });
    expect(res.statusCode, res.body).toBe(201);
    const list = await get(`/api/v1/persons/${personId}/consents`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().history).toEqual([
      expect.objectContaining({
        id: res.json().id,
        state: 'given',
        noticeVersion: 1,
        evidenceText: 'Verkkolomake',
      }),
    ]);
    expect(
      list.json().current.find((c: Json) => c.channel === 'email' && c.purpose === 'direct_marketing'),
    ).toMatchObject({ state: 'given', electronic: true, model: 'opt_out' });
  });

  it('R3.1 an undeclared channel is a 422 naming it and listing the declared; an unknown body key too', async () => {
    const bad = await post(`/api/v1/persons/${personId}/consents`, {
      channel: 'fax',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'registrations',
      evidenceText: 'x',
    });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems).toEqual([
      {
        at: 'channel',
        message: '"fax" is not a marketing channel of this register; declared: post, phone, email',
      },
    ]);
    const extra = await post(`/api/v1/persons/${personId}/consents`, {
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'registrations',
      evidenceText: 'x',
      colour: 'red',
    });
    expect(extra.statusCode).toBe(422);
    expect(errorOf(extra).problems[0]?.at).toBe('body.colour');
    const missing = await get('/api/v1/persons/0190a5d6-0000-7000-8000-000000000000/consents');
    expect(missing.statusCode).toBe(404);
  });

  it('R4.8 withdraw on a verified request withdraws every given consent and completes the request', async () => {
    const request = await receiveRequest(t.register, OP, {
      type: 'withdrawal',
      personId,
      receivedVia: 'electronic',
    });
    await verifyIdentity(t.register, OP, request.id, { method: 'known_contact_channel' });
    const res = await post(`/api/v1/persons/${personId}/consents/withdraw`, {
      source: 'registrations',
      evidenceText: 'Sähköposti',
      requestId: request.id,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      withdrawn: [expect.objectContaining({ channel: 'email', purpose: 'direct_marketing' })],
      requestCompleted: true,
    });
    const req = await get(`/api/v1/requests/${request.id}`);
    expect(req.statusCode, req.body).toBe(200);
    expect(req.json().state).toBe('completed');
  });

  it('R4.6 an objection to direct marketing by phone is upheld, and a later import of the phone stays out', async () => {
    const res = await post(`/api/v1/persons/${personId}/direct-marketing-objections`, {
      channel: 'phone',
      source: 'registrations',
      evidenceText: 'Puhelu',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ suppressed: 1, requestCompleted: false });
    expect(res.json().prohibited).toHaveLength(4);
    const again = await post('/api/v1/persons', {
      source: 'update_services',
      fields: { first_name: 'Maija', last_name: 'Uusi', phone: '+358 40 123 4567' },
    });
    expect(again.statusCode).toBe(201);
    const sel = await post('/api/v1/marketing/selections', { purpose: 'distance_selling', channel: 'phone' });
    expect(sel.statusCode, sel.body).toBe(200);
    expect(sel.json().contacts).toEqual([]);
  });

  it('R3.2 a suppression list imported as text keeps a person with that email out; a bad line is a 422 naming it', async () => {
    const bad = await post('/api/v1/suppression-lists', {
      channel: 'email',
      listName: 'Kielto',
      entries: ['ok@example.fi', 'nope'],
    });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems[0]?.at).toBe('entries[1]');
    const res = await post('/api/v1/suppression-lists', {
      channel: 'email',
      listName: 'Kieltolista',
      validUntil: '2099-12-31',
      text: 'email\nkielletty@example.fi\n',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'email', added: 1, skipped: 0 });
    const p = await post('/api/v1/persons', {
      source: 'registrations',
      fields: { first_name: 'Kielletty', last_name: 'K', email: 'Kielletty@example.fi' },
    });
    await post(`/api/v1/persons/${p.json().id}/consents`, {
      channel: 'email',
      purpose: 'market_research',
      state: 'given',
      source: 'registrations',
      evidenceText: 'x',
    });
    const sel = await post('/api/v1/marketing/selections', { purpose: 'market_research', channel: 'email' });
    expect(sel.json().contacts).toEqual([]);
  });
});
