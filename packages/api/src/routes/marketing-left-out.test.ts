import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../test-app';

/** The marketing selection says why persons were left out, by the first rule of the gate that kept each (R3.2). */
describe('POST /marketing/selections: who was left out and why', () => {
  let t: TestApp;
  const ids: string[] = [];
  const post = (url: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url, payload });
  const select = async () => {
    const r = await post('/api/v1/marketing/selections', { purpose: 'direct_marketing', channel: 'post' });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      contacts: { personId: string }[];
      leftOut: Record<string, number>;
      suppressedBy: Record<string, number>;
    };
  };

  beforeAll(async () => {
    t = await testApp('001-vitec-katrina');
    const address = [{ street: 'Aleksanterinkatu 1', postalCode: '00100', city: 'Helsinki' }];
    for (const [first, withAddress] of [
      ['Ossi', true],
      ['Pirjo', true],
      ['Raili', true],
      ['Saku', false],
    ] as const) {
      const r = await post('/api/v1/persons', {
        source: 'registrations',
        fields: { first_name: first, last_name: 'Testi', ...(withAddress ? { address } : {}) },
      });
      expect(r.statusCode, r.body).toBe(201);
      ids.push(r.json().id);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('R3.2 an objection, a prohibition and a missing address are each counted once under their reason, and those persons are not selected', async () => {
    const before = await select();
    expect(before.leftOut).toEqual({
      restricted: 0,
      objection: 0,
      noContact: 1,
      prohibited: 0,
      withdrawn: 0,
      noConsent: 0,
    });
    const evidence = { source: 'registrations', evidenceText: 'Puhelu 4.3.' };
    expect(
      (await post(`/api/v1/persons/${ids[0]}/direct-marketing-objections`, { ...evidence, channel: 'post' }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await post(`/api/v1/persons/${ids[1]}/consents`, {
          ...evidence,
          channel: 'post',
          purpose: 'direct_marketing',
          state: 'prohibited',
        })
      ).statusCode,
    ).toBe(201);
    const after = await select();
    expect(after.leftOut).toMatchObject({ objection: 1, prohibited: 1, noContact: 1, restricted: 0 });
    const selected = new Set(after.contacts.map((c) => c.personId));
    expect(selected.has(ids[0]!)).toBe(false);
    expect(selected.has(ids[1]!)).toBe(false);
    expect(selected.has(ids[2]!)).toBe(true);
    expect(after.contacts.length).toBe(before.contacts.length - 2);
  });

  it('R3.2 a bad purpose is refused before anything is counted', async () => {
    const r = await post('/api/v1/marketing/selections', { purpose: 'nope', channel: 'post' });
    expect(r.statusCode).toBe(422);
  });
});
