import { fixedClock } from '@lupaus/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

const BREACH = {
  title: 'Varmuuskopio julkisessa tallennustilassa',
  description: 'Asiakasrekisterin varmuuskopio oli kaksi päivää julkisesti luettavissa.',
  categories: ['basic_details', 'loyalty'],
  consequences: 'Identiteettivarkauden ja tietojenkalastelun riski.',
  measures: 'Tallennustila suljettiin ja pääsylokit tarkistettiin.',
  risk: 'high',
};

/** Example 003, the register's clock fixed so that the test crosses the 72-hour line. */
describe('the breach routes (GDPR art. 33–34)', () => {
  let t: TestApp;
  const clock = fixedClock('2026-03-02T09:00:00Z');
  const post = (url: string, payload?: Json) =>
    t.app.inject({ method: 'POST', url, ...(payload !== undefined ? { payload } : {}) });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  let maija: string;
  let liisa: string;

  beforeAll(async () => {
    t = await testApp('003-auntie');
    (t.register as { clock: unknown }).clock = clock;
    const a = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
    });
    expect(a.statusCode, a.body).toBe(201);
    maija = a.json().id;
    const b = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Liisa', last_name: 'Laine' },
    });
    liisa = b.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('art. 33 a breach is recorded with its 72-hour clock; undeclared categories are a 422 naming each, nothing written', async () => {
    const bad = await post('/api/v1/breaches', { ...BREACH, categories: ['basic_details', 'dna'] });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems).toEqual([
      expect.objectContaining({ at: 'categories[1]', message: expect.stringContaining('"dna"') }),
    ]);
    expect((await get('/api/v1/breaches')).json().items).toEqual([]);
    const extra = await post('/api/v1/breaches', { ...BREACH, severity: 9 });
    expect(extra.statusCode).toBe(422);
    expect(errorOf(extra).problems[0]?.at).toBe('body.severity');

    const made = await post('/api/v1/breaches', BREACH);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({
      discoveredAt: '2026-03-02T09:00:00.000Z',
      authorityDeadline: '2026-03-05T09:00:00.000Z',
      hoursLeft: 72,
      overdue: false,
      categories: ['basic_details', 'loyalty'],
    });
  });

  it('art. 33 past 72 hours the listing flags the breach overdue; a late notification without delayReason is a 422 naming delayReason', async () => {
    const id = (await get('/api/v1/breaches')).json().items[0].id as string;
    clock.set('2026-03-05T10:00:00Z');
    const list = await get('/api/v1/breaches?overdue=true');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id, overdue: true, hoursLeft: -1 })]);

    const late = await post(`/api/v1/breaches/${id}/authority-notification`, { reference: 'TSV/55/2026' });
    expect(late.statusCode).toBe(422);
    expect(errorOf(late).problems).toEqual([expect.objectContaining({ at: 'delayReason' })]);
    expect((await get(`/api/v1/breaches/${id}`)).json().authorityNotifiedAt).toBeNull();

    const ok = await post(`/api/v1/breaches/${id}/authority-notification`, {
      reference: 'TSV/55/2026',
      delayReason: 'The backup was found by an outside researcher who told us only later.',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ authorityReference: 'TSV/55/2026', overdue: false, hoursLeft: null });
    expect((await get('/api/v1/breaches?overdue=true')).json().items).toEqual([]);
  });

  it('art. 34 R6.4 persons are added by id (unknown refused) and shown by name, audited; a high risk needs notify or an exemption, notices go to the outbox per person', async () => {
    const id = (await get('/api/v1/breaches')).json().items[0].id as string;
    const ghost = '01900000-0000-7000-8000-0000000000aa';
    const unknown = await post(`/api/v1/breaches/${id}/persons`, { personIds: [maija, ghost] });
    expect(unknown.statusCode).toBe(422);
    expect(errorOf(unknown).problems).toEqual([
      expect.objectContaining({ at: 'personIds[1]', message: expect.stringContaining(ghost) }),
    ]);
    expect((await get(`/api/v1/breaches/${id}`)).json().persons).toEqual({ total: 0, notified: 0 });
    const added = await post(`/api/v1/breaches/${id}/persons`, { personIds: [maija, liisa] });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ added: 2, alreadyListed: 0 });

    const early = await post(`/api/v1/breaches/${id}/notify-subjects`);
    expect(early.statusCode).toBe(422);
    expect(errorOf(early).problems[0]?.at).toBe('subjectsDecision');
    const refused = await post(`/api/v1/breaches/${id}/subject-decision`, {
      decision: 'not_required',
      reason: 'We would rather not.',
    });
    expect(refused.statusCode).toBe(422);
    expect(errorOf(refused).problems[0]?.at).toBe('exemption');
    const decided = await post(`/api/v1/breaches/${id}/subject-decision`, { decision: 'notify' });
    expect(decided.statusCode, decided.body).toBe(200);

    const sent = await post(`/api/v1/breaches/${id}/notify-subjects`);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({
      queued: [{ personId: maija }],
      notReachableByEmail: [liisa],
      breach: { persons: { total: 2, notified: 1 } },
    });
    const outbox = await t.register.db
      .selectFrom('notifications')
      .select(['person_id', 'kind', 'to_address', 'body'])
      .execute();
    expect(outbox).toEqual([
      expect.objectContaining({ person_id: maija, kind: 'breach', to_address: 'maija@example.fi' }),
    ]);
    expect(outbox[0]!.body).toContain(BREACH.measures);

    const detail = await get(`/api/v1/breaches/${id}`);
    // The affected persons by name (the administrator may read names), and no other data of theirs.
    expect(detail.json().affected).toEqual([
      expect.objectContaining({
        personId: maija,
        firstName: 'Maija',
        lastName: 'Virtanen',
        notifiedAt: '2026-03-05T10:00:00.000Z',
      }),
      expect.objectContaining({ personId: liisa, firstName: 'Liisa', lastName: 'Laine', notifiedAt: null }),
    ]);
    expect(detail.body).not.toContain('maija@example.fi');
    // The read is audited by one row naming both persons (ids only).
    const reads = await t.register.db
      .selectFrom('audit_log')
      .select(['person_ids', 'details'])
      .where('action', '=', 'breach_read')
      .where('entity_id', '=', id)
      .orderBy('id', 'desc')
      .execute();
    expect([...(reads[0]!.person_ids ?? [])].sort()).toEqual([maija, liisa].sort());
    expect(reads[0]!.details).toEqual({ fields: ['first_name', 'last_name'] });
    expect(JSON.stringify(reads)).not.toContain('Virtanen');

    const closed = await post(`/api/v1/breaches/${id}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().closedAt).toBe('2026-03-05T10:00:00.000Z');
    const after = await post(`/api/v1/breaches/${id}/persons`, { personIds: [maija] });
    expect(after.statusCode).toBe(409);
    expect(errorOf(after).code).toBe('BREACH_CLOSED');
    expect((await get('/api/v1/breaches?open=true')).json().items).toEqual([]);
  });

  it('art. 33 a role without breaches.manage gets 403 on every breach route', async () => {
    const m = await testApp('003-auntie', { id: 'm', roles: ['marketing'], commitmentSigned: true });
    try {
      const id = '01900000-0000-7000-8000-0000000000bb';
      for (const [method, url] of [
        ['GET', '/api/v1/breaches'],
        ['GET', `/api/v1/breaches/${id}`],
        ['POST', `/api/v1/breaches/${id}/close`],
      ] as const) {
        const res = await m.app.inject({ method, url });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
      const res = await m.app.inject({ method: 'POST', url: '/api/v1/breaches', payload: BREACH });
      expect(res.statusCode).toBe(403);
    } finally {
      await m.close();
    }
  });
});
