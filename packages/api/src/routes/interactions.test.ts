import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

describe('POST /interactions/batch (002-vastuu-group)', () => {
  let t: TestApp;
  const persons: string[] = [];
  const count = async (table: 'interactions' | 'audit_log') =>
    Number(
      (
        await t.register.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const visit = (person: Record<string, string>, fields: Record<string, unknown> = {}) => ({
    person,
    kind: 'web_visits',
    source: 'web_analytics',
    fields: { ip_address: '192.0.2.7', visited_at: '2024-05-01T10:00:00Z', pages: ['/'], ...fields },
  });

  beforeAll(async () => {
    t = await testApp('002-vastuu-group');
    for (const [i, email] of ['anna@example.com', 'bert@example.com'].entries()) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/persons',
        payload: { source: 'subject', fields: { first_name: `N${i}`, last_name: 'Testi', email } },
      });
      expect(res.statusCode, res.body).toBe(201);
      persons.push(res.json().id);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('R2.4 takes in web visits and emails for several persons at once (201)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/interactions/batch',
      headers: { 'x-lupaus-purpose': 'web_analytics' },
      payload: {
        events: [
          visit({ id: persons[0]! }),
          visit({ email: 'Bert@Example.com' }, { browser: 'Firefox' }),
          {
            person: { id: persons[1] },
            kind: 'emails_sent',
            source: 'service_use',
            fields: {
              email_message: 'Uutiskirje 5/2024',
              email_sent_at: '2024-05-02T08:00:00Z',
              email_opened: true,
            },
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().ids).toHaveLength(3);
    expect(res.json().persons).toBe(2);
    const timeline = await t.app.inject({ method: 'GET', url: `/api/v1/persons/${persons[1]}/timeline` });
    expect(timeline.json().items.map((x: { kind: string }) => x.kind)).toEqual(['emails_sent', 'web_visits']);
    expect(timeline.json().items[0].fields).toMatchObject({ email_opened: true });
  });

  it('R1.5 a batch with a bad event is refused whole (422), each problem at its path, nothing written', async () => {
    const before = { rows: await count('interactions'), audit: await count('audit_log') };
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/interactions/batch',
      payload: {
        events: [
          visit({ id: persons[0]! }),
          visit({ id: persons[0]! }, { ip_address: 'localhost' }),
          visit({ id: '01900000-0000-7000-8000-000000000000' }),
          { ...visit({ id: persons[0]! }), kind: 'shoe_sizes' },
          visit({ id: persons[0]! }, { shoe_size: 42 }),
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    const e = errorOf(res);
    expect(e.code).toBe('FIELD_NOT_DECLARED');
    expect(e.problems.map((p) => p.at)).toEqual([
      'events[1].fields.ip_address',
      'events[2].person.id',
      'events[3].kind',
      'events[4].fields.shoe_size',
    ]);
    // In the register's language (Finnish) when the request names none; the code is the same in every language.
    expect(e.problems[0]?.code).toBe('ip.invalid');
    expect(e.problems[0]?.message).toMatch(/^IP-osoite.* on IPv4- tai IPv6-osoite\.$/);
    expect(await count('interactions')).toBe(before.rows);
    expect(await count('audit_log')).toBe(before.audit);
  });

  it('R2.4 a batch has 1–5000 events', async () => {
    const empty = await t.app.inject({
      method: 'POST',
      url: '/api/v1/interactions/batch',
      payload: { events: [] },
    });
    expect(empty.statusCode).toBe(422);
    expect(errorOf(empty).problems[0]?.at).toBe('body.events');
  });
});
