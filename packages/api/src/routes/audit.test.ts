import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

describe('the audit routes', () => {
  let t: TestApp;
  let personId: string;
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const verify = (payload?: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/audit/verify', ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await testApp('003-auntie');
    const person = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { source: 'subject', fields: { first_name: 'Pekka', last_name: 'Kivinen' } },
    });
    expect(person.statusCode, person.body).toBe(201);
    personId = person.json().id;
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { source: 'subject', fields: { first_name: 'Liisa', last_name: 'Muu' } },
    });
    expect(other.statusCode, other.body).toBe(201);
    expect((await get(`/api/v1/persons/${personId}`)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('R6.4 GET /audit by person: who has looked at the data, ids only, newest first', async () => {
    const res = await get(`/api/v1/audit?personId=${personId}`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { personId: string; actor: string; action: string; id: string }[];
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.every((i) => i.personId === personId && i.actor === 'test-admin')).toBe(true);
    expect(items[0]!.action).toBe('read');
    expect(Number(items[0]!.id)).toBeGreaterThan(Number(items[1]!.id));
    expect(res.body).not.toContain('Kivinen');
    const byUser = await get('/api/v1/audit?userId=nobody');
    expect(byUser.json()).toEqual({ items: [], next: null });
    const paged = await get(`/api/v1/audit?userId=test-admin&limit=1`);
    expect(paged.json().items).toHaveLength(1);
    const next = await get(`/api/v1/audit?userId=test-admin&limit=1&after=${paged.json().next}`);
    expect(Number(next.json().items[0].id)).toBeLessThan(Number(paged.json().items[0].id));
  });

  it('R6.4 GET /audit refuses a bad query, naming where', async () => {
    const res = await get('/api/v1/audit?personId=abc');
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).problems[0]!.at).toContain('personId');
    const bad = await get('/api/v1/audit?from=yesterday');
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems).toEqual([expect.objectContaining({ at: 'from' })]);
  });

  it('R6.4 POST /audit/verify: intact, then a changed row and a deleted last row are named', async () => {
    const ok = await verify();
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, legacy: 0, problems: [] });
    const head = ok.json().head as string;
    expect(head).toMatch(/^[0-9a-f]{64}$/);
    expect((await verify({ expectedHead: head })).json().ok).toBe(true);

    const rows = await t.register.db.selectFrom('audit_log').select('id').orderBy('id').execute();
    await t.register.db.transaction().execute(async (tx) => {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
      await sql`update audit_log set purpose = 'marketing' where id = ${rows[1]!.id}`.execute(tx);
      await sql`delete from audit_log where id = ${rows.at(-1)!.id}`.execute(tx);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
    });
    const res = await verify({ expectedHead: head });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ok).toBe(false);
    expect(res.json().problems.map((p: { id: string; kind: string }) => [p.id, p.kind])).toEqual([
      [String(rows[1]!.id), 'changed'],
      [String(rows.at(-2)!.id), 'truncated'],
    ]);
    const bad = await verify({ expectedHead: 'xyz' });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems[0]!.at).toContain('expectedHead');
  });
});

describe('the audit routes for a role without audit.read', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('003-auntie', { id: 'cs-1', roles: ['customer_service'], commitmentSigned: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('R6.4 customer service may not search or verify the audit trail', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit' });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify', payload: {} })).statusCode,
    ).toBe(403);
  });
});
