import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

describe('the dashboard figures and request completion (R7.1, R4.1)', () => {
  let t: TestApp;
  const post = (url: string, payload: Json) => t.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  let personId: string;

  beforeAll(async () => {
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
  });

  it('R4.1, R7.1 open requests are counted by deadline: overdue, this week, later, extended', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();
    const before = (await get('/api/v1/dashboards/requests')).json();
    // Received 40 days ago: a month has passed (overdue); 28 days ago: due within the week; today: later.
    for (const [type, at] of [
      ['access', day(-40)],
      ['erasure', day(-28)],
      ['rectification', day(0)],
    ] as const) {
      const r = await post('/api/v1/requests', { type, personId, receivedVia: 'electronic', receivedAt: at });
      expect(r.statusCode, r.body).toBe(201);
    }
    const r = await get('/api/v1/dashboards/requests');
    expect(r.statusCode, r.body).toBe(200);
    const f = r.json();
    expect(f.overdue - before.overdue).toBe(1);
    expect(f.thisWeek - before.thisWeek).toBe(1);
    expect(f.later - before.later).toBe(1);
    expect(f.byType.access).toBeGreaterThanOrEqual(1);
    expect(f.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The one received today, extended by two months, is counted as extended and still later.
    const list = (await get('/api/v1/requests?type=rectification&open=true')).json();
    const ext = await post(`/api/v1/requests/${list.items[0].id}/extend`, {
      months: 2,
      reason: 'monimutkainen',
    });
    expect(ext.statusCode, ext.body).toBe(200);
    const g = (await get('/api/v1/dashboards/requests')).json();
    expect(g.extended - f.extended).toBe(1);
    expect(g.later).toBe(f.later);
  });

  it('R3.1, R7.1 consents are counted per channel by the latest choice of each person and purpose', async () => {
    const before = (await get('/api/v1/dashboards/consents')).json();
    expect(before.items.map((i: Json) => i.channel)).toContain('email');
    type Figures = { channel: string; given: number; withdrawn: number; prohibited: number };
    const email = (b: { items: Figures[] }): Figures => {
      const f = b.items.find((i) => i.channel === 'email');
      if (!f) throw new Error('no email channel in the figures');
      return f;
    };
    const given = await post(`/api/v1/persons/${personId}/consents`, {
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'subject',
      evidenceText: 'lomake',
    });
    expect(given.statusCode, given.body).toBe(201);
    const mid = (await get('/api/v1/dashboards/consents')).json();
    expect(email(mid).given - email(before).given).toBe(1);
    const withdrawn = await post(`/api/v1/persons/${personId}/consents`, {
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'withdrawn',
      source: 'subject',
      evidenceText: 'puhelu',
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    const after = (await get('/api/v1/dashboards/consents')).json();
    // The newer record replaces the older one: given back to where it was, one more withdrawn.
    expect(email(after).given).toBe(email(before).given);
    expect(email(after).withdrawn - email(before).withdrawn).toBe(1);
  });

  it('R5.1, R7.1 the retention forecast gives one entry per coming month and refuses a bad count', async () => {
    const r = await get('/api/v1/dashboards/retention?months=3');
    expect(r.statusCode, r.body).toBe(200);
    const f = r.json();
    expect(f.months).toHaveLength(3);
    expect(f.months[0].month).toBe(f.asOf.slice(0, 7));
    for (const m of f.months) expect(m.due).toBeGreaterThanOrEqual(0);
    const bad = await get('/api/v1/dashboards/retention?months=40');
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).problems.some((p) => p.at.includes('months'))).toBe(true);
  });

  it('R4.1 a verified request is completed with a note; an unverified one is refused with 409', async () => {
    const created = await post('/api/v1/requests', {
      type: 'restriction',
      personId,
      receivedVia: 'electronic',
    });
    const id = created.json().id as string;
    const early = await post(`/api/v1/requests/${id}/complete`, { note: 'rajoitettu' });
    expect(early.statusCode).toBe(409);
    expect(errorOf(early).code).toBe('REQUEST_NOT_VERIFIED');
    expect((await get(`/api/v1/requests/${id}`)).json().state).toBe('received');
    const v = await post(`/api/v1/requests/${id}/verify`, { method: 'known_contact_channel' });
    expect(v.statusCode, v.body).toBe(200);
    const empty = await post(`/api/v1/requests/${id}/complete`, { note: '' });
    expect(empty.statusCode).toBe(422);
    expect(errorOf(empty).problems[0]?.at).toContain('note');
    const done = await post(`/api/v1/requests/${id}/complete`, { note: 'käsittely rajoitettu' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ state: 'completed', outcome: { note: 'käsittely rajoitettu' } });
    const again = await post(`/api/v1/requests/${id}/complete`, { note: 'uudestaan' });
    expect(again.statusCode).toBe(409);
  });

  it('R6.2 the figures need their permissions: customer service sees consents, not requests nor retention', async () => {
    const app = await buildApp({
      register: t.register,
      actor: { id: 'asiakas-palvelu', roles: ['customer_service'], commitmentSigned: true },
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/v1/dashboards/consents' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/dashboards/requests' })).statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/api/v1/dashboards/retention' })).statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
