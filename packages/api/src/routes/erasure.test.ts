import { createRecord } from '@lupaus/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;
const ADMIN = { id: 't', roles: ['administrator'], commitmentSigned: true };

/** Example 001: invoices are accounting material; an open one blocks erasure. */
describe('the erasure and anonymisation routes (R4.4, R4.9)', () => {
  let t: TestApp;
  const post = (url: string, payload?: Json) =>
    t.app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  async function person(first: string): Promise<string> {
    const res = await post('/api/v1/persons', {
      source: 'registrations',
      fields: { first_name: first, last_name: 'Asiakas', email: `${first.toLowerCase()}@example.com` },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function verifiedRequest(type: string, personId: string): Promise<string> {
    const created = await post('/api/v1/requests', { type, personId, receivedVia: 'electronic' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const verified = await post(`/api/v1/requests/${id}/verify`, {
      method: 'strong_electronic_identification',
    });
    expect(verified.statusCode, verified.body).toBe(200);
    return id;
  }

  beforeAll(async () => {
    t = await testApp('001-vitec-katrina');
  });
  afterAll(async () => {
    await t.close();
  });

  it('R4.4 erasure on request over HTTP: the person is gone and the request completed', async () => {
    const id = await person('Eero');
    const requestId = await verifiedRequest('erasure', id);
    const res = await post(`/api/v1/persons/${id}/erasure`, { requestId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      personId: id,
      state: 'completed',
      blockers: [],
      erased: { person: 1 },
    });
    expect((await get(`/api/v1/persons/${id}`)).statusCode).toBe(404);
    const request = await get(`/api/v1/requests/${requestId}`);
    expect(request.json()).toMatchObject({ state: 'completed' });
    // Erased twice (a retry after a lost answer or a crash after the commit, issue 8): the earlier erasure's
    // result, nothing new; an id that was never a person is still not found.
    const again = await post(`/api/v1/persons/${id}/erasure`);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ personId: id, state: 'completed', erased: { person: 1 } });
    expect((await get(`/api/v1/persons/${id}`)).statusCode).toBe(404);
    expect((await post('/api/v1/persons/0193a000-0000-7000-8000-000000000000/erasure')).statusCode).toBe(404);
  });

  it('R4.4 a blocked erasure names its blocker and is listed until the invoice is paid and it is resumed', async () => {
    const id = await person('Aino');
    const invoice = await createRecord(t.register, ADMIN, id, {
      kind: 'invoices',
      source: 'purchases',
      fields: { number: 'API-1', issued_on: '2015-01-10', due_on: '2015-02-10', amount: 50, state: 'open' },
    });
    const res = await post(`/api/v1/persons/${id}/erasure`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      state: 'blocked',
      blockers: [{ kind: 'open_invoice', id: invoice.id, until: null }],
      keptFields: ['first_name', 'last_name', 'address'],
    });
    const listed = await get('/api/v1/erasures/blocked');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toEqual([
      expect.objectContaining({
        personId: id,
        mode: 'erase',
        blockers: [{ kind: 'open_invoice', id: invoice.id, until: null }],
      }),
    ]);
    const paid = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/records/${invoice.id}`,
      payload: { source: 'purchases', fields: { state: 'paid', paid_on: '2015-02-01' } },
    });
    expect(paid.statusCode, paid.body).toBe(200);
    const resumed = await post('/api/v1/erasures/resume');
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toEqual({ completed: [id], blocked: [], requests: [] });
    expect((await get('/api/v1/erasures/blocked')).json().items).toEqual([]);
  });

  it('R4.9 anonymisation on request over HTTP; a request of another type is a 422 naming requestId', async () => {
    const id = await person('Veikko');
    const erasureRequest = await verifiedRequest('erasure', id);
    const wrong = await post(`/api/v1/persons/${id}/anonymisation`, { requestId: erasureRequest });
    expect(wrong.statusCode).toBe(422);
    expect(errorOf(wrong).problems[0]).toMatchObject({ at: 'requestId' });
    const requestId = await verifiedRequest('anonymisation', id);
    const res = await post(`/api/v1/persons/${id}/anonymisation`, { requestId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ mode: 'anonymise', state: 'completed' });
    const bad = await post('/api/v1/persons/nobody/erasure');
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).problems[0]?.at).toMatch(/id/);
    const unknown = await post(`/api/v1/persons/${id}/erasure`, { requestId, extra: 1 });
    expect(unknown.statusCode).toBe(422);
  });
});
