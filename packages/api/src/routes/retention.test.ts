import { createRecord } from '@lupaus/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

/** Example 002: chats go 3 months from the conversation. */
describe('the retention and legal-hold routes', () => {
  let t: TestApp;
  const post = (url: string, payload: Json) => t.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  let personId: string;
  let chatId: string;

  beforeAll(async () => {
    t = await testApp('002-vastuu-group');
    const person = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Pekka', last_name: 'Kivinen' },
    });
    expect(person.statusCode, person.body).toBe(201);
    personId = person.json().id;
    const chat = await createRecord(
      t.register,
      { id: 't', roles: ['administrator'], commitmentSigned: true },
      personId,
      {
        kind: 'chats',
        source: 'subject',
        fields: { chat_transcript: 'Hei', chatted_at: '2020-01-31T10:00:00Z' },
      },
    );
    chatId = chat.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('R5.2 the dry run lists what would go and why; a bad date is a 422 naming asOf', async () => {
    const plan = await post('/api/v1/retention/plan', { asOf: '2020-04-30' });
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json().groups).toContainEqual(
      expect.objectContaining({
        category: 'chats',
        rule: 'chat_recordings',
        due: 1,
        earliestDue: '2020-04-30T10:00:00.000Z',
      }),
    );
    expect(plan.json().items).toEqual([expect.objectContaining({ id: chatId, personId, category: 'chats' })]);
    expect((await post('/api/v1/retention/plan', { asOf: '2020-04-29' })).json().totals.due).toBe(0);
    const bad = await post('/api/v1/retention/plan', { asOf: '30.4.2020' });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems).toEqual([expect.objectContaining({ at: 'asOf' })]);
    const unknown = await post('/api/v1/retention/plan', { asOf: '2020-04-30', when: 1 });
    expect(unknown.statusCode).toBe(422);
    expect(errorOf(unknown).problems[0]?.at).toBe('body.when');
  });

  it('R5.2 a legal hold stops a run; released, the next run deletes; runs are listed with their reports', async () => {
    const hold = await post('/api/v1/legal-holds', { personId, reason: 'Reklamaatio', endsOn: '2099-12-31' });
    expect(hold.statusCode, hold.body).toBe(201);
    expect(hold.json()).toMatchObject({ personId, category: null, active: true });
    const badHold = await post('/api/v1/legal-holds', {
      category: 'shoes',
      reason: 'x',
      endsOn: '2099-12-31',
    });
    expect(badHold.statusCode).toBe(422);
    expect(errorOf(badHold).problems).toEqual([expect.objectContaining({ at: 'category' })]);
    const listed = await get('/api/v1/legal-holds?current=true');
    expect(listed.json().items.map((h: Json) => h.id)).toEqual([hold.json().id]);

    const dry = await post('/api/v1/retention/runs', { dryRun: true });
    expect(dry.statusCode, dry.body).toBe(201);
    expect(dry.json()).toMatchObject({ dryRun: true, status: 'completed' });
    const held = await post('/api/v1/retention/runs', {});
    expect(held.statusCode, held.body).toBe(201);
    expect(held.json().groups.find((g: Json) => g.category === 'chats')).toMatchObject({
      deleted: 0,
      blocked: 1,
      blockedBy: { legal_hold: 1 },
    });

    const released = await post(`/api/v1/legal-holds/${hold.json().id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().active).toBe(false);
    const again = await post(`/api/v1/legal-holds/${hold.json().id}/release`, {});
    expect(again.statusCode).toBe(409);

    const run = await post('/api/v1/retention/runs', { batchSize: 10 });
    expect(run.json().groups.find((g: Json) => g.category === 'chats')).toMatchObject({ deleted: 1 });
    const runs = await get('/api/v1/retention/runs');
    expect(runs.statusCode).toBe(200);
    expect(runs.json().items.map((r: Json) => [r.dryRun, r.status])).toEqual([
      [false, 'completed'],
      [false, 'completed'],
      [true, 'completed'],
    ]);
    const one = await get(`/api/v1/retention/runs/${run.json().runId}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().report.totals.deleted).toBe(1);
    expect((await get('/api/v1/retention/runs/01990000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await post('/api/v1/retention/runs', { batchSize: 0 })).statusCode).toBe(422);
  });
});
