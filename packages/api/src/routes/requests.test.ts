import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

describe('the request routes (R4.1)', () => {
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

  it('R4.1 R6.4 a written request end to end: letter, verification, listing with the subject named, events', async () => {
    const created = await post('/api/v1/requests', {
      type: 'access',
      personId,
      receivedVia: 'written',
      receivedAt: '2024-01-31T23:30:00Z',
      details: { note: 'kopio kaikista tiedoista' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({
      state: 'received',
      receivedOn: '2024-02-01',
      dueOn: '2024-03-01',
    });

    const early = await post(`/api/v1/requests/${id}/verify`, { method: 'id_document' });
    expect(early.statusCode).toBe(422);
    expect(errorOf(early).problems[0]).toMatchObject({ at: 'letter' });

    const bytes = Buffer.from('%PDF-1.4 kirje');
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/requests/${id}/letter`,
      headers: { 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent('pyyntö.pdf') },
      payload: bytes,
    });
    expect(put.statusCode, put.body).toBe(201);
    expect(put.json()).toMatchObject({ requestId: id, name: 'pyyntö.pdf', size: bytes.length });
    const letter = await get(`/api/v1/requests/${id}/letter`);
    expect(letter.statusCode).toBe(200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    expect(letter.rawPayload.equals(bytes)).toBe(true);

    const hetu = await post(`/api/v1/requests/${id}/verify`, { method: 'hetu' });
    expect(hetu.statusCode).toBe(422);
    expect(errorOf(hetu).problems[0]!.message).toMatch(/hetu\) alone never verifies identity/);

    const verified = await post(`/api/v1/requests/${id}/verify`, {
      method: 'known_contact_channel',
      note: 'reply to the email address on file',
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({
      state: 'verified',
      identity: { method: 'known_contact_channel' },
    });

    // Received in 2024, never answered: overdue now.
    const overdue = await get('/api/v1/requests?overdue=true');
    expect(overdue.statusCode, overdue.body).toBe(200);
    expect(overdue.json().items.map((i: Json) => i.id)).toContain(id);
    expect(overdue.json().items.find((i: Json) => i.id === id)).toMatchObject({
      overdue: true,
      letter: { name: 'pyyntö.pdf' },
      subject: { firstName: 'Maija', lastName: 'Virtanen' },
    });
    // The queue names the subject (R6.4: one audit row names the persons shown, ids only).
    const listed = await t.register.db
      .selectFrom('audit_log')
      .select(['person_ids', 'details'])
      .where('action', '=', 'list')
      .where('entity_type', '=', 'request')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(listed.person_ids).toEqual([personId]);
    expect(listed.details).toMatchObject({ ids: [id], fields: ['first_name', 'last_name'] });
    expect((await get(`/api/v1/requests?state=verified&personId=${personId}`)).json().items).toHaveLength(1);
    expect((await get('/api/v1/requests?state=completed')).json().items).toHaveLength(0);
    const badState = await get('/api/v1/requests?state=lost');
    expect(badState.statusCode).toBe(400);
    expect(errorOf(badState).problems[0]).toMatchObject({ at: 'query.state' });

    // Too late to extend: the first month ended in 2024.
    const late = await post(`/api/v1/requests/${id}/extend`, { reason: 'Laaja pyyntö.' });
    expect(late.statusCode).toBe(422);
    expect(errorOf(late).problems[0]!.message).toMatch(/within the first month/);

    const one = await get(`/api/v1/requests/${id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().events.map((e: Json) => e.event)).toEqual([
      'received',
      'letter_attached',
      'identity_verified',
    ]);
    expect((await get('/api/v1/requests/01900000-0000-7000-8000-000000000000')).statusCode).toBe(404);
  });

  it('R4.1 an electronic request is extended within its first month and refused with its reason', async () => {
    const created = await post('/api/v1/requests', { type: 'erasure', personId, receivedVia: 'electronic' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    // The deadlines an extension would give, as the register computes them (the app shows them, never computes).
    const offered = created.json().extensions as { months: number; deadline: string }[];
    expect(offered.map((x) => x.months)).toEqual([1, 2]);
    const extended = await post(`/api/v1/requests/${id}/extend`, {
      months: 2,
      reason: 'Useita järjestelmiä.',
    });
    expect(extended.statusCode, extended.body).toBe(200);
    const { dueOn, extendedTo } = extended.json();
    expect(extendedTo > dueOn).toBe(true);
    expect(extendedTo).toBe(offered[1]!.deadline);
    expect(offered[0]!.deadline > dueOn && offered[0]!.deadline < extendedTo).toBe(true);
    expect(extended.json().extensions).toEqual([]); // extended once
    expect(extended.json()).toMatchObject({ deadline: extendedTo, extensionReason: 'Useita järjestelmiä.' });
    const badMonths = await post(`/api/v1/requests/${id}/extend`, { months: 3, reason: 'x' });
    expect(badMonths.statusCode).toBe(422);

    const refused = await post(`/api/v1/requests/${id}/refuse`, {
      charge: 'refused',
      ground: 'manifestly_unfounded',
      reason: 'Pyyntö koskee toisen henkilön tietoja.',
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({
      state: 'refused',
      charge: 'refused',
      chargeReason: 'Pyyntö koskee toisen henkilön tietoja.',
    });
    const again = await post(`/api/v1/requests/${id}/verify`, { method: 'id_document' });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('REQUEST_CLOSED');
    const notices = await t.register.db
      .selectFrom('notifications')
      .select(['kind', 'body'])
      .where('request_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(notices.map((n) => n.kind)).toEqual(['extension', 'refusal']);
    expect(notices[1]!.body).toContain('Tietosuojavaltuutetun toimisto');
  });

  it('R4.1 bad input: a 422 naming each field', async () => {
    const bad = await post('/api/v1/requests', { type: 'complaint', personId: 'x', receivedVia: 'fax' });
    expect(bad.statusCode).toBe(422);
    expect(
      errorOf(bad)
        .problems.map((p) => p.at)
        .sort(),
    ).toEqual(['body.personId', 'body.receivedVia', 'body.type']);
    const future = await post('/api/v1/requests', {
      type: 'access',
      personId,
      receivedVia: 'electronic',
      receivedAt: '2999-01-01T00:00:00Z',
    });
    expect(future.statusCode).toBe(422);
    expect(errorOf(future).problems[0]).toMatchObject({ at: 'receivedAt' });
  });
});
