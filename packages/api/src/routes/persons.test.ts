import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp, testHetu } from '../test-app';

type Json = Record<string, unknown>;

describe('the person routes', () => {
  let t: TestApp;
  const post = (url: string, payload: Json, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload, headers });
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  const hetuMaija = testHetu('131052', '-', 902);
  const hetuVeikko = testHetu('010594', 'Y', 913);
  let maija: { id: string; fields: Json };
  let veikko: { id: string; fields: Json };

  beforeAll(async () => {
    t = await testApp('003-auntie');
    const a = await post('/api/v1/persons', {
      source: 'subject',
      fields: {
        first_name: 'Maija',
        last_name: 'Virtanen',
        email: 'Maija.Virtanen@Example.fi',
        phone: '040 038 38 69',
        hetu: hetuMaija,
        customer_number: 'A-1001',
      },
    });
    expect(a.statusCode, a.body).toBe(201);
    maija = a.json();
    const b = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Veikko', last_name: 'Lahtinen', hetu: hetuVeikko, customer_number: 'A-1002' },
    });
    expect(b.statusCode, b.body).toBe(201);
    veikko = b.json();
  });
  afterAll(async () => {
    await t.close();
  });

  it('R2.1 a person is created (201) with normalised email and E.164 phone, and read back by id', async () => {
    expect(maija.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(maija.fields.first_name).toBe('Maija');
    expect(maija.fields.phone).toEqual(['+358400383869']);
    const res = await get(`/api/v1/persons/${maija.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.id).toBe(maija.id);
    expect(body.fields.last_name).toBe('Virtanen');
    expect(body.fields.customer_number).toBe('A-1001');
    expect(JSON.stringify(body.fields.email)).toContain('Virtanen@');
  });

  it('R2.6 every fact keeps its source, when it was saved and by whom', async () => {
    const res = await get(`/api/v1/persons/${maija.id}`);
    const provenance = res.json().provenance as Record<
      string,
      { source: string; savedBy: string; savedAt: string }
    >;
    expect(provenance.first_name?.source).toBe('subject');
    expect(provenance.first_name?.savedBy).toBe('test-admin');
    expect(Number.isNaN(Date.parse(provenance.first_name?.savedAt ?? ''))).toBe(false);

    const list = await get(`/api/v1/persons/${maija.id}/provenance`);
    expect(list.statusCode).toBe(200);
    const fields = (list.json().items as { field: string; source: string }[]).map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(['first_name', 'last_name', 'email', 'phone', 'customer_number']),
    );
  });

  it('R2.1 PATCH changes a field, null removes one, and the rest stays', async () => {
    const created = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Liisa', last_name: 'Koskinen', nickname: 'Lissu' },
    });
    const id = created.json().id as string;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/persons/${id}`,
      payload: { source: 'subject', fields: { last_name: 'Mäkinen', nickname: null } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.fields.last_name).toBe('Mäkinen');
    expect(body.fields.first_name).toBe('Liisa');
    expect(body.fields.nickname).toBeUndefined();
    expect((await get(`/api/v1/persons/${id}`)).json().fields.last_name).toBe('Mäkinen');
  });

  it('R2.1 persons are listed a page at a time', async () => {
    const first = await get('/api/v1/persons?limit=1');
    expect(first.statusCode).toBe(200);
    const page1 = first.json() as { items: { id: string }[]; next: string | null };
    expect(page1.items).toHaveLength(1);
    expect(page1.next).not.toBeNull();
    const second = await get(`/api/v1/persons?limit=1&after=${encodeURIComponent(page1.next!)}`);
    const page2 = second.json() as { items: { id: string }[] };
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0]?.id).not.toBe(page1.items[0]?.id);
    const all = (await get('/api/v1/persons?limit=200')).json().items as { id: string }[];
    expect(all.map((p) => p.id)).toEqual(expect.arrayContaining([maija.id, veikko.id]));
  });

  it('R1.5 an undeclared field gets 422 whose message names the field, and nothing is stored', async () => {
    const before = (await get('/api/v1/persons?limit=200')).json().items.length as number;
    const res = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Kalle', last_name: 'Kenkä', shoe_size: 44 },
    });
    expect(res.statusCode).toBe(422);
    const error = errorOf(res);
    expect(error.code).toBe('FIELD_NOT_DECLARED');
    expect(error.message).toContain('shoe_size');
    expect(error.problems.some((p) => p.at.includes('shoe_size'))).toBe(true);
    expect((await get('/api/v1/persons?limit=200')).json().items.length).toBe(before);

    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/persons/${maija.id}`,
      payload: { source: 'subject', fields: { shoe_size: 38 } },
    });
    expect(patch.statusCode).toBe(422);
    expect(errorOf(patch).message).toContain('shoe_size');
  });

  it('R1.5 an undeclared source gets 422 naming the source', async () => {
    const res = await post('/api/v1/persons', {
      source: 'rumour_mill',
      fields: { first_name: 'Kalle', last_name: 'Kuulopuhe' },
    });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('SOURCE_NOT_DECLARED');
    expect(JSON.stringify(errorOf(res))).toContain('rumour_mill');
  });

  it('R1.5 an undeclared purpose in x-lupaus-purpose gets 422', async () => {
    const res = await post(
      '/api/v1/persons',
      { source: 'subject', fields: { first_name: 'Kalle', last_name: 'Kaupittelu' } },
      { 'x-lupaus-purpose': 'selling_to_brokers' },
    );
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('PURPOSE_NOT_DECLARED');
    const ok = await t.app.inject({
      method: 'GET',
      url: `/api/v1/persons/${maija.id}`,
      headers: { 'x-lupaus-purpose': t.register.definition.purposes[0]!.id },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('R2.1 an invalid hetu, email or phone gets 422 naming each field', async () => {
    const wrongCheck = `${hetuMaija.slice(0, 10)}${hetuMaija.endsWith('A') ? 'B' : 'A'}`;
    const res = await post('/api/v1/persons', {
      source: 'subject',
      fields: {
        first_name: 'Vilma',
        last_name: 'Virhe',
        hetu: wrongCheck,
        email: 'not-an-email',
        phone: '12',
      },
    });
    expect(res.statusCode).toBe(422);
    const error = errorOf(res);
    expect(error.code).toBe('VALIDATION_FAILED');
    const where = error.problems.map((p) => p.at).join(' ');
    expect(where).toContain('hetu');
    expect(where).toContain('email');
    expect(where).toContain('phone');
    expect(JSON.stringify(error)).not.toContain(wrongCheck);
  });

  it('R2.1 an unknown id is 404', async () => {
    const id = '01900000-0000-7000-8000-000000000000';
    expect((await get(`/api/v1/persons/${id}`)).statusCode).toBe(404);
    expect(errorOf(await get(`/api/v1/persons/${id}`)).code).toBe('NOT_FOUND');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/persons/${id}`,
      payload: { source: 'subject', fields: { nickname: 'X' } },
    });
    expect(patch.statusCode).toBe(404);
    expect((await post(`/api/v1/persons/${id}/reveal-hetu`, {})).statusCode).toBe(404);
  });

  it('R2.1 the hetu is masked in every response and revealed only through reveal-hetu', async () => {
    const masked = `${hetuMaija.slice(0, 7)}****`;
    expect(maija.fields.hetu).toBe(masked);
    const responses = [
      await get(`/api/v1/persons/${maija.id}`),
      await get('/api/v1/persons?limit=200'),
      await get(`/api/v1/persons/${maija.id}/provenance`),
      await post('/api/v1/persons/search', { hetu: hetuMaija }),
      await post('/api/v1/persons/search', { q: 'Maija' }),
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/persons/${maija.id}`,
        payload: { source: 'subject', fields: { nickname: 'Mimmi' } },
      }),
    ];
    for (const res of responses) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain(hetuMaija);
      // No string shaped like a whole hetu at all (the digits after the sign are never sent).
      expect(res.body).not.toMatch(/\b\d{6}[-+YXWVUABCDEF]\d{3}[0-9A-Y]\b/i);
    }
    expect(responses[0]!.json().fields.hetu).toBe(masked);

    const reveal = await post(`/api/v1/persons/${maija.id}/reveal-hetu`, {});
    expect(reveal.statusCode).toBe(200);
    expect(reveal.json()).toEqual({ hetu: hetuMaija });
  });

  it('R2.7 search by name prefix and by a misspelt name', async () => {
    const prefix = await post('/api/v1/persons/search', { q: 'virt' });
    expect(prefix.statusCode).toBe(200);
    expect((prefix.json().items as { id: string }[]).map((p) => p.id)).toContain(maija.id);
    expect((prefix.json().items as { id: string }[]).map((p) => p.id)).not.toContain(veikko.id);

    const full = await post('/api/v1/persons/search', { q: 'Maija Virtanen' });
    expect((full.json().items as { id: string }[])[0]?.id).toBe(maija.id);

    const fuzzy = await post('/api/v1/persons/search', { q: 'Lahtinnen' });
    expect((fuzzy.json().items as { id: string }[]).map((p) => p.id)).toContain(veikko.id);
  });

  it('R2.7 search by email (any case), phone (any format), customer number and exact hetu', async () => {
    const ids = async (body: Json) => {
      const res = await post('/api/v1/persons/search', body);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { id: string }[]).map((p) => p.id);
    };
    expect(await ids({ email: 'maija.virtanen@example.fi' })).toEqual([maija.id]);
    expect(await ids({ phone: '+358 40 0383869' })).toEqual([maija.id]);
    expect(await ids({ customerNumber: 'A-1002' })).toEqual([veikko.id]);
    expect(await ids({ hetu: hetuVeikko })).toEqual([veikko.id]);
    expect(await ids({ hetu: testHetu('131052', '-', 903) })).toEqual([]);
    expect(await ids({ email: 'nobody@example.fi' })).toEqual([]);
  });

  it('R2.1 a bad paging cursor or a control character is a 422 naming where, never a 500', async () => {
    const cursor = await get('/api/v1/persons?after=zzz');
    expect(cursor.statusCode, cursor.body).toBe(422);
    expect(errorOf(cursor).problems[0]?.at).toBe('after');
    const nul = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'A\u0000', last_name: 'B' },
    });
    expect(nul.statusCode, nul.body).toBe(422);
    expect(errorOf(nul).problems[0]?.at).toBe('fields.first_name');
    const search = await post('/api/v1/persons/search', { q: 'a\u0000' });
    expect(search.statusCode, search.body).toBe(422);
    expect(errorOf(search).problems[0]?.at).toBe('q');
  });

  it('R2.7 a search with no criteria is a 422', async () => {
    const res = await post('/api/v1/persons/search', {});
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
  });
});
