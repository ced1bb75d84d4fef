import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

describe('the duplicate and merge routes (R2.7)', () => {
  let t: TestApp;
  const post = (url: string, payload: Json) => t.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const person = async (fields: Json) => {
    const res = await post('/api/v1/persons', { source: 'subject', fields });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  let keep: string;
  let other: string;
  let third: string;

  beforeAll(async () => {
    t = await testApp('003-auntie');
    keep = await person({
      first_name: 'Matti',
      last_name: 'Virtanen',
      customer_number: 'A-1',
      email: 'matti@example.fi',
    });
    other = await person({
      first_name: 'Matti',
      last_name: 'Virtanen',
      nickname: 'Masa',
      customer_number: 'B-2',
      email: ['MATTI@example.fi', 'masa@example.fi'],
    });
    third = await person({ first_name: 'Liisa', last_name: 'Laine', email: 'masa@example.fi' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('R2.7 GET /duplicates lists the pairs strongest first, pages them, filters by sign and refuses bad input', async () => {
    const res = await get('/api/v1/duplicates');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { a: { id: string }; b: { id: string }; reasons: string[] }[] };
    expect(body.items).toHaveLength(2);
    for (const p of body.items) expect(p.reasons).toEqual(['email']);
    const page = await get('/api/v1/duplicates?limit=1&reasons=email,phone');
    expect(page.statusCode).toBe(200);
    expect(page.json().items).toHaveLength(1);
    const next = await get(`/api/v1/duplicates?limit=1&after=${encodeURIComponent(page.json().next)}`);
    expect(next.json().items).toHaveLength(1);
    expect(next.json().items[0]).not.toEqual(page.json().items[0]);
    const bad = await get('/api/v1/duplicates?reasons=shoe_size');
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems[0]?.at).toBe('reasons[0]');
    const badCursor = await get('/api/v1/duplicates?after=nope');
    expect(badCursor.statusCode).toBe(422);
  });

  it('R2.7 POST /duplicates/not-duplicate hides a pair from the list', async () => {
    const res = await post('/api/v1/duplicates/not-duplicate', { a: third, b: other });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ marked: true });
    const list = (await get('/api/v1/duplicates')).json() as {
      items: { a: { id: string }; b: { id: string } }[];
    };
    expect(list.items.some((p) => [p.a.id, p.b.id].includes(third))).toBe(false);
    const same = await post('/api/v1/duplicates/not-duplicate', { a: third, b: third });
    expect(same.statusCode).toBe(422);
  });

  it('R2.7 POST /persons/:id/merge merges, and the merged id answers 410 naming the kept person', async () => {
    const self = await post(`/api/v1/persons/${keep}/merge`, { other: keep });
    expect(self.statusCode).toBe(422);
    const res = await post(`/api/v1/persons/${keep}/merge`, { other, take: { customer_number: 'other' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      keptId: keep,
      mergedId: other,
      fieldsTaken: ['nickname', 'customer_number'],
    });
    expect(body.person.fields).toMatchObject({
      customer_number: 'B-2',
      email: ['matti@example.fi', 'masa@example.fi'],
    });
    const gone = await get(`/api/v1/persons/${other}`);
    expect(gone.statusCode).toBe(410);
    expect(errorOf(gone).code).toBe('PERSON_MERGED');
    expect(errorOf(gone).problems[0]?.message).toContain(keep);
    const again = await post(`/api/v1/persons/${keep}/merge`, { other });
    expect(again.statusCode).toBe(410);
    const unknown = await post(`/api/v1/persons/${keep}/merge`, {
      other: '01900000-0000-7000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
    const badTake = await post(`/api/v1/persons/${keep}/merge`, { other: third, take: { email: 'other' } });
    expect(badTake.statusCode).toBe(422);
    expect(errorOf(badTake).problems[0]?.at).toBe('take.email');
  });
});
