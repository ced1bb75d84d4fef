import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

describe('the record routes (003-auntie)', () => {
  let t: TestApp;
  let person: string;
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json) =>
    t.app.inject({ method, url, ...(payload ? { payload } : {}) });
  const count = async (table: 'orders' | 'interactions' | 'loyalty_memberships' | 'audit_log') =>
    Number(
      (
        await t.register.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await testApp('003-auntie');
    const p = await inject('POST', '/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    person = p.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('R2.3 POST /persons/:id/records adds an order (201) that GET /records/:id reads back with provenance', async () => {
    const res = await inject('POST', `/api/v1/persons/${person}/records`, {
      kind: 'services',
      source: 'transactions',
      fields: { service: 'Kotisiivous', service_date: '2024-03-01', price: 89.5, status: 'used' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({
      personId: person,
      holder: 'order',
      kind: 'services',
      occurredAt: '2024-03-01T00:00:00.000Z',
      fields: { service: 'Kotisiivous', price: 89.5 },
      files: [],
      links: {},
      anonymisedAt: null,
    });
    const got = await inject('GET', `/api/v1/records/${r.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json().provenance.service).toMatchObject({
      source: 'transactions',
      savedBy: 'test-admin',
    });
  });

  it('R2.5 PATCH /records/:id changes a loyalty level; DELETE removes the record', async () => {
    const created = await inject('POST', `/api/v1/persons/${person}/records`, {
      kind: 'loyalty',
      source: 'transactions',
      fields: { level: 'Hopea', valid_from: '2024-01-01' },
    });
    const id = created.json().id as string;
    const patched = await inject('PATCH', `/api/v1/records/${id}`, {
      source: 'transactions',
      fields: { level: 'Kulta', valid_until: '2024-12-31' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().fields).toEqual({
      level: 'Kulta',
      valid_from: '2024-01-01',
      valid_until: '2024-12-31',
    });
    const deleted = await inject('DELETE', `/api/v1/records/${id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ id, files: 0 });
    expect((await inject('GET', `/api/v1/records/${id}`)).statusCode).toBe(404);
  });

  it('R1.5 an undeclared kind, an undeclared field, a wrong type or an unknown person is refused with where and why, and nothing is written', async () => {
    const before = { orders: await count('orders'), audit: await count('audit_log') };
    const kind = await inject('POST', `/api/v1/persons/${person}/records`, {
      kind: 'shoe_sizes',
      source: 'subject',
      fields: {},
    });
    expect(kind.statusCode).toBe(422);
    expect(errorOf(kind).problems[0]).toMatchObject({ at: 'kind' });
    expect(errorOf(kind).problems[0]?.message).toMatch(/"shoe_sizes" is not a kind of record/);

    const field = await inject('POST', `/api/v1/persons/${person}/records`, {
      kind: 'services',
      source: 'subject',
      fields: { service: 'x', shoe_size: 42 },
    });
    expect(field.statusCode).toBe(422);
    expect(errorOf(field).code).toBe('FIELD_NOT_DECLARED');
    expect(errorOf(field).problems[0]?.at).toBe('fields.shoe_size');

    const type = await inject('POST', `/api/v1/persons/${person}/records`, {
      kind: 'services',
      source: 'subject',
      fields: { service: 'x', price: 'kallis' },
    });
    expect(type.statusCode).toBe(422);
    // Without Accept-Language the message is in the register's first language (Finnish), the code is for machines.
    expect(errorOf(type).problems).toEqual([
      { at: 'fields.price', code: 'number.type', message: 'Hinta on luku.', params: { field: 'price' } },
    ]);

    const nobody = await inject('POST', '/api/v1/persons/01900000-0000-7000-8000-000000000000/records', {
      kind: 'services',
      source: 'subject',
      fields: { service: 'x' },
    });
    expect(nobody.statusCode).toBe(404);
    expect(errorOf(nobody).problems[0]?.message).toMatch(/no person/);

    const extra = await inject('POST', `/api/v1/persons/${person}/records`, {
      kind: 'services',
      source: 'subject',
      fields: {},
      colour: 'red',
    });
    expect(extra.statusCode).toBe(422);
    expect(errorOf(extra).problems[0]?.at).toBe('body.colour');

    expect(await count('orders')).toBe(before.orders);
    expect(await count('audit_log')).toBe(before.audit);
  });

  it("R2.4 GET /persons/:id/timeline pages a person's records newest first, filtered by kind (repeated or comma list) and holder", async () => {
    const p = (
      await inject('POST', '/api/v1/persons', {
        source: 'subject',
        fields: { first_name: 'Timo', last_name: 'T' },
      })
    ).json().id as string;
    const add = (kind: string, fields: Json) =>
      inject('POST', `/api/v1/persons/${p}/records`, { kind, source: 'transactions', fields });
    await add('services', { service: 'A', service_date: '2024-01-10' });
    await add('web_usage', { visited_at: '2024-02-01T10:00:00Z', pages: ['/'] });
    await add('loyalty', { level: 'Kulta', valid_from: '2024-01-20' });
    await add('feedback', { satisfaction: 4 });

    const all = await inject('GET', `/api/v1/persons/${p}/timeline`);
    expect(all.statusCode, all.body).toBe(200);
    const items = all.json().items as { kind: string; occurredAt: string }[];
    expect(items.map((x) => x.kind)).toEqual(['feedback', 'web_usage', 'loyalty', 'services']);

    const first = await inject('GET', `/api/v1/persons/${p}/timeline?limit=3`);
    expect(first.json().items).toHaveLength(3);
    const next = first.json().next as string;
    const second = await inject('GET', `/api/v1/persons/${p}/timeline?limit=3&cursor=${next}`);
    expect(second.json().items.map((x: { kind: string }) => x.kind)).toEqual(['services']);
    expect(second.json().next).toBeNull();

    const repeated = await inject('GET', `/api/v1/persons/${p}/timeline?kind=web_usage&kind=loyalty`);
    expect(repeated.json().items.map((x: { kind: string }) => x.kind)).toEqual(['web_usage', 'loyalty']);
    const comma = await inject('GET', `/api/v1/persons/${p}/timeline?kind=web_usage,services&holder=order`);
    expect(comma.json().items.map((x: { kind: string }) => x.kind)).toEqual(['services']);

    const bad = await inject('GET', `/api/v1/persons/${p}/timeline?kind=nope&cursor=zz`);
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems.map((x) => x.at)).toEqual(['kind[0]', 'cursor']);
    expect(
      (await inject('GET', '/api/v1/persons/01900000-0000-7000-8000-000000000000/timeline')).statusCode,
    ).toBe(404);
  });

  it('R2.4 a timeline cursor the timeline did not give (a year past 9999, a bare number, an id that is no UUID) is refused (422), never a 500', async () => {
    const cursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const c of [
      cursor('+275760-09-13T00:00:00.000Z|01900000-0000-7000-8000-000000000000'),
      cursor('1|01900000-0000-7000-8000-000000000000'),
      cursor('2024-01-01T00:00:00.000Z|not-an-id'),
    ]) {
      const res = await inject('GET', `/api/v1/persons/${person}/timeline?cursor=${c}`);
      expect(res.statusCode, res.body).toBe(422);
      expect(errorOf(res).problems.map((x) => x.at)).toEqual(['cursor']);
    }
  });
});

describe('the relationship routes (001-vitec-katrina)', () => {
  let t: TestApp;
  let person: string;
  beforeAll(async () => {
    t = await testApp('001-vitec-katrina');
    const p = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { source: 'registrations', fields: { first_name: 'Aino', last_name: 'A' } },
    });
    person = p.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('R5.1 the end of a relationship is recorded, read and removed', async () => {
    const url = `/api/v1/persons/${person}/relationship`;
    const active = await t.app.inject({ method: 'GET', url });
    expect(active.statusCode, active.body).toBe(200);
    expect(active.json()).toMatchObject({ rule: 'explicit', state: 'active', endedAt: null });
    const ended = await t.app.inject({
      method: 'POST',
      url: `${url}/end`,
      payload: { reason: 'Sopimus päättyi' },
    });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ state: 'ended', basis: 'explicit', endReason: 'Sopimus päättyi' });
    const future = await t.app.inject({
      method: 'POST',
      url: `${url}/end`,
      payload: { endedAt: '2999-01-01' },
    });
    expect(future.statusCode).toBe(422);
    expect(errorOf(future).problems[0]).toEqual({
      at: 'endedAt',
      message: 'the relationship cannot end after today',
    });
    const reopened = await t.app.inject({ method: 'DELETE', url: `${url}/end` });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ state: 'active', endedAt: null });
  });
});
