import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit } from '../audit/search-audit';
import { verifyAudit } from '../audit/verify-audit';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { fixedClock, openTestRegister, rejection, TEST_ADMIN } from '../testing';
import {
  type InteractionEvent,
  ingestInteractions,
  MAX_INGEST_EVENTS,
  type PersonRef,
} from './ingest-interactions';
import { listTimeline } from './list-timeline';

async function count(reg: Register, table: 'interactions' | 'audit_log') {
  const r = await reg.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('ingestInteractions (003-auntie)', () => {
  let reg: Register;
  const persons: string[] = [];
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2024-06-01T12:00:00Z') });
    for (let i = 0; i < 3; i++) {
      const p = await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: {
          first_name: `Henkilö${i}`,
          last_name: 'Testi',
          customer_number: `C-${i}`,
          email: `henkilo${i}@example.fi`,
        },
      });
      persons.push(p.id);
    }
  });
  afterAll(async () => {
    await reg.close();
  });

  const visit = (
    person: Record<string, string | undefined>,
    at: string,
    extra: Record<string, unknown> = {},
  ): InteractionEvent => ({
    person: person as unknown as PersonRef,
    kind: 'web_usage',
    source: 'transactions',
    fields: {
      ip_address: '192.0.2.1',
      visited_at: at,
      pages: ['/', '/hinnasto'],
      browser: 'Firefox',
      ...extra,
    },
  });

  it('R2.4 takes in a batch of interactions for many persons, found by id, customer number or email', async () => {
    const audits = await count(reg, 'audit_log');
    const r = await ingestInteractions(reg, TEST_ADMIN, {
      events: [
        visit({ id: persons[0] }, '2024-05-01T10:00:00Z'),
        visit({ customerNumber: 'C-1' }, '2024-05-02T10:00:00Z'),
        visit({ email: 'HENKILO2@example.fi' }, '2024-05-03T10:00:00Z'),
        visit({ id: persons[0] }, '2024-05-04T10:00:00Z'),
        {
          person: { customerNumber: 'C-0' },
          kind: 'feedback',
          source: 'subject',
          fields: { feedback: 'Kiitos', satisfaction: 5 },
        },
      ],
    });
    expect(r.ids).toHaveLength(5);
    expect(r.persons).toBe(3);
    const timeline = await listTimeline(reg, TEST_ADMIN, persons[0]!);
    expect(timeline.items.map((x) => [x.kind, x.occurredAt])).toEqual([
      ['feedback', '2024-06-01T12:00:00.000Z'],
      ['web_usage', '2024-05-04T10:00:00.000Z'],
      ['web_usage', '2024-05-01T10:00:00.000Z'],
    ]);
    expect(timeline.items[1]?.fields).toEqual({
      ip_address: '192.0.2.1',
      visited_at: '2024-05-04T10:00:00.000Z',
      pages: ['/', '/hinnasto'],
      browser: 'Firefox',
    });
    expect(timeline.items[1]).toMatchObject({ source: 'transactions', recordedBy: TEST_ADMIN.id });
    // One audit row per kind and source of the batch, naming its persons and each one's records (R6.4), plus
    // the timeline view.
    const rows = await reg.db
      .selectFrom('audit_log')
      .select(['person_id', 'person_ids', 'action', 'entity_type', 'details'])
      .where('entity_type', '=', 'interaction')
      .orderBy('id')
      .execute();
    expect(await count(reg, 'audit_log')).toBe(audits + 2 + 1);
    expect(rows).toEqual([
      {
        person_id: null,
        person_ids: [persons[0], persons[1], persons[2]],
        action: 'create',
        entity_type: 'interaction',
        details: {
          batch: true,
          kind: 'web_usage',
          source: 'transactions',
          records: [[r.ids[0], r.ids[3]], [r.ids[1]], [r.ids[2]]],
        },
      },
      {
        person_id: persons[0],
        person_ids: null,
        action: 'create',
        entity_type: 'interaction',
        details: { batch: true, kind: 'feedback', source: 'subject', records: [[r.ids[4]]] },
      },
    ]);
    // A search of the trail by person finds the batch row for each of its persons (and the chain verifies).
    for (const p of [persons[1]!, persons[2]!]) {
      const found = await searchAudit(reg, TEST_ADMIN, { personId: p });
      expect(found.entries.filter((e) => e.entityType === 'interaction').map((e) => e.details.kind)).toEqual([
        'web_usage',
      ]);
    }
    expect((await verifyAudit(reg, TEST_ADMIN)).ok).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('192.0.2.1');
  });

  it("R2.4 a service contact in the batch moves the person's last contact forward; a web visit does not (003)", async () => {
    const rows = await reg.db
      .selectFrom('persons')
      .select(['id', 'last_contact_at'])
      .where('id', 'in', persons)
      .execute();
    const of = (id: string) => rows.find((x) => x.id === id)?.last_contact_at;
    expect(new Date(of(persons[0]!)!).toISOString()).toBe('2024-06-01T12:00:00.000Z'); // the feedback
    const contact = reg.definition.retention?.relationshipEnd?.contactCategories;
    if (contact && !contact.includes('web_usage')) expect(of(persons[1]!)).toBeNull();
  });

  it('R1.5 a batch with any bad event is refused whole, every problem named with its path, and nothing is written', async () => {
    const before = await count(reg, 'interactions');
    const audits = await count(reg, 'audit_log');
    const e = await rejection(
      ingestInteractions(reg, TEST_ADMIN, {
        events: [
          visit({ id: persons[0] }, '2024-05-01T10:00:00Z'),
          visit({ id: persons[1] }, '2024-05-01T10:00:00Z', { ip_address: '999.1.1.1' }),
          visit({ id: '01900000-0000-7000-8000-000000000000' }, '2024-05-01T10:00:00Z'),
          { ...visit({ id: persons[0] }, '2024-05-01T10:00:00Z'), kind: 'shoe_sizes' },
          { ...visit({ id: persons[0] }, '2024-05-01T10:00:00Z'), source: 'gossip' },
          visit({ id: persons[0] }, '2024-05-01T10:00:00Z', { shoe_size: 42 }),
          visit({ customerNumber: 'nobody' }, 'yesterday'),
          visit({ email: 'not an email' }, '2024-05-01T10:00:00Z'),
          visit({ name: 'Maija' }, '2024-05-01T10:00:00Z'),
          { ...visit({ id: persons[0] }, '2024-05-01T10:00:00Z'), fields: { call_recording: 'x' } },
        ],
      }),
    );
    expect(e.code).toBe('FIELD_NOT_DECLARED');
    expect(e.problems.map((p) => p.at)).toEqual([
      'events[1].fields.ip_address',
      'events[2].person.id',
      'events[3].kind',
      'events[4].source',
      'events[5].fields.shoe_size',
      'events[6].fields.visited_at',
      'events[6].person.customerNumber',
      'events[7].person.email',
      'events[8].person.name',
      'events[9].fields.call_recording',
    ]);
    expect(e.problems[1]?.message).toBe('no person 01900000-0000-7000-8000-000000000000');
    expect(e.problems[2]?.message).toMatch(
      /"shoe_sizes" is not a kind of interaction .*declared: .*web_usage/,
    );
    expect(e.problems[4]?.message).toMatch(/does not declare the field "shoe_size"/);
    expect(e.problems[6]?.message).toBe('no person has this customer number');
    expect(await count(reg, 'interactions')).toBe(before);
    expect(await count(reg, 'audit_log')).toBe(audits);
  });

  it('R1.5 a well-formed batch naming one person who does not exist is refused whole, that person named', async () => {
    const before = await count(reg, 'interactions');
    const audits = await count(reg, 'audit_log');
    const e = await rejection(
      ingestInteractions(reg, TEST_ADMIN, {
        events: [
          visit({ id: persons[0] }, '2024-05-01T10:00:00Z'),
          visit({ customerNumber: 'C-1' }, '2024-05-01T10:00:00Z'),
          visit({ customerNumber: 'C-404' }, '2024-05-01T10:00:00Z'),
        ],
      }),
    );
    expect(e.problems).toEqual([
      { at: 'events[2].person.customerNumber', message: 'no person has this customer number' },
    ]);
    expect(await count(reg, 'interactions')).toBe(before);
    expect(await count(reg, 'audit_log')).toBe(audits);
  });

  it('R2.4 a batch is 1–5000 events; an email two persons share must be resolved by id', async () => {
    expect((await rejection(ingestInteractions(reg, TEST_ADMIN, { events: [] }))).problems[0]?.at).toBe(
      'events',
    );
    const many = Array.from({ length: MAX_INGEST_EVENTS + 1 }, () =>
      visit({ id: persons[0] }, '2024-05-01T10:00:00Z'),
    );
    expect(
      (await rejection(ingestInteractions(reg, TEST_ADMIN, { events: many }))).problems[0]?.message,
    ).toMatch(/1–5000/);
    await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Kaksoset', last_name: 'Testi', email: 'henkilo0@example.fi' },
    });
    const shared = await rejection(
      ingestInteractions(reg, TEST_ADMIN, {
        events: [visit({ email: 'henkilo0@example.fi' }, '2024-05-01T10:00:00Z')],
      }),
    );
    expect(shared.problems).toEqual([
      { at: 'events[0].person.email', message: '2 persons have this email address; name the person by id' },
    ]);
  });

  it('R2.4 a batch of thousands of events goes in at once', async () => {
    const before = await count(reg, 'interactions');
    const events = Array.from({ length: 2500 }, (_, i) =>
      visit({ id: persons[i % 3] }, new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString()),
    );
    const r = await ingestInteractions(reg, TEST_ADMIN, { events });
    expect(r.ids).toHaveLength(2500);
    expect(new Set(r.ids).size).toBe(2500);
    expect(await count(reg, 'interactions')).toBe(before + 2500);
  });
});
