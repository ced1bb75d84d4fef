import { LupausError } from '@lupaus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Register } from '../context';
import { createPerson } from '../persons/create-person';
import { fixedClock, openTestRegister, rejection, TEST_ADMIN } from '../testing';
import { createRecord } from './create-record';
import { deleteRecord } from './delete-record';
import { getRecord } from './get-record';
import { decodeTimelineCursor, listTimeline } from './list-timeline';
import { linesTotal } from './record-store';
import { updateRecord } from './update-record';

const MARKETING: Actor = { id: 'mkt-1', roles: ['marketing'], commitmentSigned: true };

async function count(
  reg: Register,
  table: 'orders' | 'invoices' | 'interactions' | 'audit_log' | 'provenance',
) {
  const r = await reg.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('records of 003-auntie: services, loyalty, interactions', () => {
  let reg: Register;
  let person: string;
  let other: string;
  const clock = fixedClock('2024-06-01T12:00:00Z');
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie', { clock });
    person = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Maija', last_name: 'Virtanen', customer_number: 'C-1' },
      })
    ).id;
    other = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Pekka', last_name: 'Puu' },
      })
    ).id;
  });
  afterAll(async () => {
    await reg.close();
  });

  it('R2.3 an order (a service used) is stored with its declared fields, dated by its date field, and read back', async () => {
    const r = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'services',
      source: 'transactions',
      fields: { service: ' Kotisiivous ', status: 'used', service_date: '2024-03-01', price: 89.5 },
    });
    expect(r).toMatchObject({
      personId: person,
      holder: 'order',
      kind: 'services',
      occurredAt: '2024-03-01T00:00:00.000Z',
      fields: { service: 'Kotisiivous', status: 'used', service_date: '2024-03-01', price: 89.5 },
      files: [],
      source: 'transactions',
      recordedAt: '2024-06-01T12:00:00.000Z',
      recordedBy: TEST_ADMIN.id,
      anonymisedAt: null,
    });
    const again = await getRecord(reg, TEST_ADMIN, r.id);
    expect(again.fields).toEqual(r.fields);
    // R2.6: the record's source, time and author are the provenance of each of its fields.
    expect(again.provenance?.service).toEqual({
      source: 'transactions',
      savedAt: '2024-06-01T12:00:00.000Z',
      savedBy: TEST_ADMIN.id,
    });
  });

  it('R2.5 a loyalty level with its validity is kept and a change of level gets its own provenance', async () => {
    const r = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'loyalty',
      source: 'transactions',
      fields: { level: 'Kulta', valid_from: '2024-01-01', valid_until: '2024-12-31' },
    });
    expect(r.holder).toBe('loyalty');
    expect(r.fields).toEqual({ level: 'Kulta', valid_from: '2024-01-01', valid_until: '2024-12-31' });
    clock.set('2024-06-02T08:00:00Z');
    const changed = await updateRecord(reg, TEST_ADMIN, r.id, {
      source: 'transactions',
      fields: { level: 'Platina', valid_until: null },
    });
    clock.set('2024-06-01T12:00:00Z');
    expect(changed.fields).toEqual({ level: 'Platina', valid_from: '2024-01-01' });
    expect(changed.provenance?.level?.savedAt).toBe('2024-06-02T08:00:00.000Z');
    expect(changed.provenance?.valid_from?.savedAt).toBe('2024-06-01T12:00:00.000Z');
    const rows = await reg.db
      .selectFrom('provenance')
      .select(['field', 'entity_type'])
      .where('entity_id', '=', r.id)
      .execute();
    expect(rows).toEqual([{ field: 'level', entity_type: 'loyalty' }]);
  });

  it('R2.4 an interaction keeps its fields; a service contact moves the last contact forward, never back', async () => {
    const call = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'feedback',
      source: 'subject',
      fields: { feedback: 'Hyvää palvelua', satisfaction: 5 },
    });
    expect(call.holder).toBe('interaction');
    expect(call.occurredAt).toBe('2024-06-01T12:00:00.000Z'); // no dating field: the clock
    const lastContact = async () =>
      (
        await reg.db
          .selectFrom('persons')
          .select('last_contact_at')
          .where('id', '=', person)
          .executeTakeFirstOrThrow()
      ).last_contact_at;
    expect(new Date((await lastContact())!).toISOString()).toBe('2024-06-01T12:00:00.000Z');
    await createRecord(reg, TEST_ADMIN, person, {
      kind: 'staff_contacts',
      source: 'transactions',
      fields: { staff_member: 'Anna', dealt_at: '2023-01-01T10:00:00Z' },
    });
    expect(new Date((await lastContact())!).toISOString()).toBe('2024-06-01T12:00:00.000Z');
  });

  it('R2.4 web visits are not a service contact in 003 (contactCategories) and leave the last contact alone', async () => {
    const fresh = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Ville', last_name: 'V' },
      })
    ).id;
    await createRecord(reg, TEST_ADMIN, fresh, {
      kind: 'web_usage',
      source: 'transactions',
      fields: { ip_address: '192.0.2.10', visited_at: '2024-05-01T10:00:00Z', pages: ['/'] },
    });
    const row = await reg.db
      .selectFrom('persons')
      .select('last_contact_at')
      .where('id', '=', fresh)
      .executeTakeFirstOrThrow();
    const contactCategories = reg.definition.retention?.relationshipEnd?.contactCategories;
    if (contactCategories && !contactCategories.includes('web_usage')) expect(row.last_contact_at).toBeNull();
    else expect(row.last_contact_at).not.toBeNull();
  });

  it('R1.5 an undeclared kind, an undeclared field, a wrong type or a missing required field is refused and nothing is written', async () => {
    const before = await count(reg, 'orders');
    const audits = await count(reg, 'audit_log');
    const undeclaredKind = await rejection(
      createRecord(reg, TEST_ADMIN, person, { kind: 'shoe_sizes', source: 'subject', fields: {} }),
    );
    expect(undeclaredKind.code).toBe('VALIDATION_FAILED');
    expect(undeclaredKind.problems[0]).toMatchObject({ at: 'kind' });
    expect(undeclaredKind.problems[0]?.message).toMatch(/shoe_sizes.*declared: .*services/);
    // A person category is not a record kind.
    expect(
      (
        await rejection(
          createRecord(reg, TEST_ADMIN, person, { kind: 'household', source: 'subject', fields: {} }),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
    const undeclaredField = await rejection(
      createRecord(reg, TEST_ADMIN, person, {
        kind: 'services',
        source: 'subject',
        fields: { service: 'Siivous', shoe_size: 42 },
      }),
    );
    expect(undeclaredField.code).toBe('FIELD_NOT_DECLARED');
    expect(undeclaredField.problems[0]).toMatchObject({ at: 'fields.shoe_size' });
    const wrongType = await rejection(
      createRecord(reg, TEST_ADMIN, person, {
        kind: 'services',
        source: 'subject',
        fields: { service: 'Siivous', price: 'lots', service_date: '2024-02-30' },
      }),
    );
    expect(wrongType.code).toBe('VALIDATION_FAILED');
    expect(wrongType.problems.map((p) => p.at)).toEqual(['fields.price', 'fields.service_date']);
    const missing = await rejection(
      createRecord(reg, TEST_ADMIN, person, { kind: 'services', source: 'subject', fields: { price: 1 } }),
    );
    expect(missing.problems).toMatchObject([{ at: 'fields.service', message: 'service is required' }]);
    const source = await rejection(
      createRecord(reg, TEST_ADMIN, person, { kind: 'services', source: 'gossip', fields: { service: 'x' } }),
    );
    expect(source.code).toBe('SOURCE_NOT_DECLARED');
    const file = await rejection(
      createRecord(reg, TEST_ADMIN, person, {
        kind: 'call_recordings',
        source: 'transactions',
        fields: { call_recording: 'abc' },
      }),
    );
    expect(file.problems[0]?.message).toMatch(/attached through their own endpoint/);
    expect(await count(reg, 'orders')).toBe(before);
    expect(await count(reg, 'audit_log')).toBe(audits);
  });

  it('R2.3 a record of an unknown person is refused (404) and a bad id named', async () => {
    const e = await rejection(
      createRecord(reg, TEST_ADMIN, '01900000-0000-7000-8000-000000000000', {
        kind: 'services',
        source: 'subject',
        fields: { service: 'x' },
      }),
    );
    expect(e.code).toBe('NOT_FOUND');
    expect(e.problems[0]?.at).toBe('personId');
    const bad = await rejection(
      createRecord(reg, TEST_ADMIN, 'abc', { kind: 'services', source: 'subject', fields: { service: 'x' } }),
    );
    expect(bad.problems[0]).toMatchObject({ at: 'personId' });
    expect((await rejection(getRecord(reg, TEST_ADMIN, '01900000-0000-7000-8000-000000000000'))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('R6.4 creating and reading a record are audited with ids and field names, never values', async () => {
    const r = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'services',
      source: 'subject',
      fields: { service: 'Salainen palvelu' },
    });
    await getRecord(reg, TEST_ADMIN, r.id, { purpose: 'customer_relationship' });
    const rows = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'person_id', 'purpose', 'details'])
      .where('entity_id', '=', r.id)
      .orderBy('id')
      .execute();
    expect(rows.map((x) => [x.action, x.entity_type, x.person_id])).toEqual([
      ['create', 'order', person],
      ['read', 'order', person],
    ]);
    expect(JSON.stringify(rows)).not.toContain('Salainen');
    expect(rows[0]?.details).toMatchObject({ kind: 'services', fields: ['service'], source: 'subject' });
  });

  it('R6.2 a role that may not read persons (marketing) gets no record at all; fields by role: policy/field-permissions.test.ts', async () => {
    const r = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'services',
      source: 'subject',
      fields: { service: 'Siivous' },
    });
    expect(r.fields).toEqual({ service: 'Siivous' });
    expect((await rejection(getRecord(reg, MARKETING, r.id))).code).toBe('FORBIDDEN');
    expect((await rejection(listTimeline(reg, MARKETING, person))).code).toBe('FORBIDDEN');
  });

  it('R2.3 a record is deleted with the provenance of its fields, audited', async () => {
    const r = await createRecord(reg, TEST_ADMIN, other, {
      kind: 'loyalty',
      source: 'transactions',
      fields: { level: 'Hopea' },
    });
    await updateRecord(reg, TEST_ADMIN, r.id, { source: 'transactions', fields: { level: 'Kulta' } });
    expect(await deleteRecord(reg, TEST_ADMIN, r.id)).toEqual({ id: r.id, files: 0 });
    expect((await rejection(getRecord(reg, TEST_ADMIN, r.id))).code).toBe('NOT_FOUND');
    const prov = await reg.db
      .selectFrom('provenance')
      .select('field')
      .where('entity_id', '=', r.id)
      .execute();
    expect(prov).toEqual([]);
    const audit = await reg.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', r.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.action).toBe('delete');
    expect((await rejection(deleteRecord(reg, TEST_ADMIN, r.id))).code).toBe('NOT_FOUND');
  });

  it('R2.4 an anonymised record cannot be changed', async () => {
    const r = await createRecord(reg, TEST_ADMIN, other, {
      kind: 'feedback',
      source: 'subject',
      fields: { satisfaction: 3 },
    });
    await reg.db
      .updateTable('interactions')
      .set({ person_id: null, anonymised_at: new Date() })
      .where('id', '=', r.id)
      .execute();
    const e = await rejection(
      updateRecord(reg, TEST_ADMIN, r.id, { source: 'subject', fields: { satisfaction: 4 } }),
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.problems[0]?.message).toMatch(/anonymised/);
    const seen = await getRecord(reg, TEST_ADMIN, r.id);
    expect(seen.personId).toBeNull();
    expect(seen.anonymisedAt).not.toBeNull();
  });

  it("R2.4 the timeline shows a person's records across tables newest first, paged by an opaque cursor, filtered by kind and holder", async () => {
    const p = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Timo', last_name: 'T' },
      })
    ).id;
    const made: { id: string; at: string }[] = [];
    const add = async (kind: string, fields: Record<string, unknown>) => {
      const r = await createRecord(reg, TEST_ADMIN, p, { kind, source: 'transactions', fields });
      made.push({ id: r.id, at: r.occurredAt });
      return r;
    };
    await add('services', { service: 'A', service_date: '2024-01-10' });
    await add('web_usage', { visited_at: '2024-02-01T10:00:00Z', pages: ['/a'] });
    await add('loyalty', { level: 'Kulta', valid_from: '2024-01-20' });
    await add('web_usage', { visited_at: '2024-02-01T10:00:00Z', pages: ['/b'] }); // same time: id decides
    await add('staff_contacts', { staff_member: 'Anna', dealt_at: '2023-12-24T09:00:00Z' });
    const expected = [...made]
      .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
      .map((m) => m.id);

    const all = await listTimeline(reg, TEST_ADMIN, p);
    expect(all.items.map((r) => r.id)).toEqual(expected);
    expect(all.next).toBeNull();

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await listTimeline(reg, TEST_ADMIN, p, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => r.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(expected);

    const web = await listTimeline(reg, TEST_ADMIN, p, { kinds: ['web_usage'] });
    expect(web.items.map((r) => r.kind)).toEqual(['web_usage', 'web_usage']);
    const orders = await listTimeline(reg, TEST_ADMIN, p, { holders: ['order', 'loyalty'] });
    expect(orders.items.map((r) => r.holder)).toEqual(['loyalty', 'order']);
    const none = await listTimeline(reg, TEST_ADMIN, p, { kinds: ['web_usage'], holders: ['order'] });
    expect(none.items).toEqual([]);

    const audit = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'details'])
      .where('person_id', '=', p)
      .where('entity_type', '=', 'timeline')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(audit.action).toBe('list');
    expect((audit.details as { records: string[] }).records).toEqual(expected);

    const bad = await rejection(
      listTimeline(reg, TEST_ADMIN, p, { kinds: ['nope'], holders: ['person'], cursor: 'xx!', limit: 0 }),
    );
    expect(bad.problems.map((x) => x.at)).toEqual(['limit', 'kind[0]', 'holder[0]', 'cursor']);
    expect(() => decodeTimelineCursor(Buffer.from('2024|x').toString('base64url'))).toThrow(LupausError);
    expect(
      (await rejection(listTimeline(reg, TEST_ADMIN, '01900000-0000-7000-8000-000000000000'))).code,
    ).toBe('NOT_FOUND');
  });
});

describe('records of 001-vitec-katrina: orders, invoices, debt collection', () => {
  let reg: Register;
  let person: string;
  let other: string;
  beforeAll(async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock: fixedClock('2024-06-01T12:00:00Z') });
    person = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'registrations',
        fields: { first_name: 'Aino', last_name: 'A' },
      })
    ).id;
    other = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'registrations',
        fields: { first_name: 'Eino', last_name: 'E' },
      })
    ).id;
  });
  afterAll(async () => {
    await reg.close();
  });

  it("R2.3 an invoice with open/paid state links to the same person's order and is marked paid", async () => {
    const order = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'orders',
      source: 'purchases',
      fields: { ordered_at: '2024-05-02', description: 'Kirjapaketti', amount: 120 },
    });
    expect(order.fields.amount).toBe(120);
    const invoice = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'invoices',
      source: 'purchases',
      orderId: order.id,
      fields: { number: 'L-1', issued_on: '2024-05-03', due_on: '2024-05-17', amount: 120, state: 'open' },
    });
    expect(invoice).toMatchObject({
      holder: 'invoice',
      occurredAt: '2024-05-03T00:00:00.000Z',
      links: { orderId: order.id },
      fields: { number: 'L-1', state: 'open', amount: 120, due_on: '2024-05-17' },
    });
    const paid = await updateRecord(reg, TEST_ADMIN, invoice.id, {
      source: 'purchases',
      fields: { state: 'paid', paid_on: '2024-05-10' },
    });
    expect(paid.fields).toMatchObject({ state: 'paid', paid_on: '2024-05-10' });
    expect(paid.provenance?.paid_on?.source).toBe('purchases');
    // A changed dating field moves the record on the timeline.
    const moved = await updateRecord(reg, TEST_ADMIN, invoice.id, {
      source: 'purchases',
      fields: { issued_on: '2024-05-04' },
    });
    expect(moved.occurredAt).toBe('2024-05-04T00:00:00.000Z');
    const row = await reg.db
      .selectFrom('invoices')
      .select(['state', 'paid_on', 'amount', 'order_id'])
      .where('id', '=', invoice.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'paid', paid_on: '2024-05-10', amount: '120.00', order_id: order.id });
    // The state cannot be removed, an unknown state is refused.
    expect(
      (
        await rejection(
          updateRecord(reg, TEST_ADMIN, invoice.id, { source: 'purchases', fields: { state: null } }),
        )
      ).problems[0]?.at,
    ).toBe('fields.state');
    expect(
      (
        await rejection(
          updateRecord(reg, TEST_ADMIN, invoice.id, { source: 'purchases', fields: { state: 'lost' } }),
        )
      ).problems[0]?.message,
    ).toMatch(/open, paid, credited/);
  });

  it("R2.3 an invoice needs its state; a number is unique; a link must exist and be the same person's", async () => {
    const base = { issued_on: '2024-05-03', due_on: '2024-05-17', amount: 10 };
    const noState = await rejection(
      createRecord(reg, TEST_ADMIN, person, { kind: 'invoices', source: 'purchases', fields: base }),
    );
    expect(noState.problems).toMatchObject([
      { at: 'fields.state', message: 'state is required', code: 'field.required' },
    ]);
    await createRecord(reg, TEST_ADMIN, person, {
      kind: 'invoices',
      source: 'purchases',
      fields: { ...base, number: 'L-2', state: 'open' },
    });
    const dup = await rejection(
      createRecord(reg, TEST_ADMIN, other, {
        kind: 'invoices',
        source: 'purchases',
        fields: { ...base, number: 'L-2', state: 'open' },
      }),
    );
    expect(dup.code).toBe('CONFLICT');
    const othersOrder = await createRecord(reg, TEST_ADMIN, other, {
      kind: 'orders',
      source: 'purchases',
      fields: { ordered_at: '2024-05-02', description: 'x' },
    });
    const foreign = await rejection(
      createRecord(reg, TEST_ADMIN, person, {
        kind: 'invoices',
        source: 'purchases',
        orderId: othersOrder.id,
        fields: { ...base, state: 'open' },
      }),
    );
    expect(foreign.problems[0]).toMatchObject({ at: 'orderId' });
    expect(foreign.problems[0]?.message).toMatch(/not this person's/);
    const missing = await rejection(
      createRecord(reg, TEST_ADMIN, person, {
        kind: 'invoices',
        source: 'purchases',
        orderId: '01900000-0000-7000-8000-000000000000',
        fields: { ...base, state: 'open' },
      }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    const wrongLink = await rejection(
      createRecord(reg, TEST_ADMIN, person, {
        kind: 'orders',
        source: 'purchases',
        invoiceId: othersOrder.id,
        fields: { ordered_at: '2024-05-02', description: 'x' },
      }),
    );
    expect(wrongLink.problems[0]?.message).toMatch(
      /order record has no invoiceId; it may have organisationId/,
    );
  });

  it('R2.3 a debt collection case is opened on an invoice and closed', async () => {
    const invoice = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'invoices',
      source: 'purchases',
      fields: { issued_on: '2024-01-03', due_on: '2024-01-17', amount: 50, state: 'open' },
    });
    const c = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'debt_collection',
      source: 'purchases',
      invoiceId: invoice.id,
      fields: { state: 'open', opened_on: '2024-03-01', amount: 55.5 },
    });
    expect(c).toMatchObject({
      holder: 'collection',
      links: { invoiceId: invoice.id },
      fields: { amount: 55.5 },
    });
    const closed = await updateRecord(reg, TEST_ADMIN, c.id, {
      source: 'purchases',
      fields: { state: 'closed', closed_on: '2024-04-01' },
    });
    expect(closed.fields).toMatchObject({
      state: 'closed',
      closed_on: '2024-04-01',
      opened_on: '2024-03-01',
    });
  });
});

describe('order lines (an inline definition)', () => {
  const definitionSource = `
lupaus: 1
id: shop
notice: { date: '2024-01-01' }
controller: { kind: company, name: Kauppa Oy, businessId: '0112038-9' }
register: { name: { fi: Asiakasrekisteri, en: Customer register } }
purposes:
  - { id: sales, name: { fi: Myynti, en: Sales }, basis: contract }
sources:
  - { id: shop, kind: transactions, name: { fi: Kauppa, en: Shop } }
categories:
  - id: basic
    name: { fi: Perustiedot, en: Basic }
    holder: person
    purposes: [sales]
    fields:
      - { id: first_name, label: { fi: Etunimi, en: First name } }
  - id: purchases
    name: { fi: Ostot, en: Purchases }
    holder: order
    purposes: [sales]
    dateField: bought_at
    fields:
      - { id: bought_at, label: { fi: Aika, en: Time }, type: datetime }
      - { id: lines, label: { fi: Rivit, en: Lines }, type: order_lines }
      - { id: amount, label: { fi: Summa, en: Amount }, type: money }
`;

  it("R2.3 an order's amount is the sum of its lines unless given, and a datetime dates it", async () => {
    const reg = await openTestRegister('', { definitionSource });
    try {
      const p = (await createPerson(reg, TEST_ADMIN, { source: 'shop', fields: { first_name: 'Olli' } })).id;
      const o = await createRecord(reg, TEST_ADMIN, p, {
        kind: 'purchases',
        source: 'shop',
        fields: {
          bought_at: '2024-04-01T09:30:00+03:00',
          lines: [
            { product: 'Kahvi', quantity: 3, unitPrice: 4.1 },
            { product: 'Pulla', quantity: 2, unitPrice: 2.35, vatRate: 14 },
          ],
        },
      });
      expect(o.occurredAt).toBe('2024-04-01T06:30:00.000Z');
      expect(o.fields.amount).toBe(17);
      expect(o.fields.lines).toHaveLength(2);
      const given = await createRecord(reg, TEST_ADMIN, p, {
        kind: 'purchases',
        source: 'shop',
        fields: { lines: [{ product: 'Kahvi', quantity: 1, unitPrice: 4.1 }], amount: 3.5 },
      });
      expect(given.fields.amount).toBe(3.5);
      const changed = await updateRecord(reg, TEST_ADMIN, o.id, {
        source: 'shop',
        fields: { lines: [{ product: 'Tee', quantity: 2, unitPrice: 3 }] },
      });
      expect(changed.fields.amount).toBe(6);
      const big = await rejection(
        createRecord(reg, TEST_ADMIN, p, { kind: 'purchases', source: 'shop', fields: { amount: 1e13 } }),
      );
      expect(big.problems[0]?.at).toBe('fields.amount');
    } finally {
      await reg.close();
    }
    expect(linesTotal([{ product: 'a', quantity: 3, unitPrice: 0.1 }])).toBe(0.3);
  });
});
