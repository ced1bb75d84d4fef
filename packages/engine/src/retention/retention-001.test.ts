import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { addContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { endRelationship } from '../relationship/end-relationship';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { planRetention } from './plan-retention';
import { runRetention } from './run-retention';
import { recordIds, retentionAudit, tableCounts } from './testing';

/** Seed 001 (Vitec Katrina): customer data 10 years after the relationship ends (recorded by staff); business cards until no longer needed; invoices and debt collection as accounting material. */
let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

async function customer(r: Register, first: string) {
  return createPerson(r, TEST_ADMIN, {
    source: 'registrations',
    fields: {
      first_name: first,
      last_name: 'Asiakas',
      email: `${first.toLowerCase()}@example.com`,
      phone: '040 765 4321',
      address: { street: 'Katu 1', postalCode: '00100', city: 'Helsinki' },
    },
  });
}

async function order(r: Register, personId: string, date: string) {
  return createRecord(r, TEST_ADMIN, personId, {
    kind: 'orders',
    source: 'purchases',
    fields: { ordered_at: date, description: 'Ohjelmistolisenssi', amount: 120 },
  });
}

async function invoice(
  r: Register,
  personId: string,
  issued: string,
  state: 'open' | 'paid',
  number: string,
) {
  return createRecord(r, TEST_ADMIN, personId, {
    kind: 'invoices',
    source: 'purchases',
    fields: { number, issued_on: issued, due_on: issued, amount: 120, state },
  });
}

describe('seed 001 retention', () => {
  it('R5.1 customer data goes 10 years after an explicit end: not the day before, all of it the day after', async () => {
    const clock = fixedClock('2014-01-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const gone = await customer(r, 'Matti');
    const stays = await customer(r, 'Liisa');
    const o1 = await order(r, gone.id, '2014-02-01');
    const o2 = await order(r, stays.id, '2014-02-01');
    clock.set('2015-06-15T12:00:00Z');
    await endRelationship(r, TEST_ADMIN, gone.id, { endedAt: '2015-06-15', reason: 'Asiakkuus päättyi' });

    // A business card: the contact role and its organisation, kept until no longer needed.
    const org = await createOrganisation(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Yritys Oy' },
    });
    const card = await customer(r, 'Kalle');
    await addContactRole(r, TEST_ADMIN, {
      personId: card.id,
      organisationId: org.id,
      startsOn: '2015-01-01',
      source: 'registrations',
    });

    clock.set('2026-01-01T00:00:00Z');
    const before = await planRetention(r, TEST_ADMIN, { asOf: '2025-06-14' });
    expect(before.totals.due).toBe(0);
    const dayBefore = await runRetention(r, TEST_ADMIN, { asOf: '2025-06-14' });
    expect(dayBefore.totals).toMatchObject({ deleted: 0, erased: 0, persons: 0 });

    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2025-06-15' });
    expect(
      plan.groups.filter((g) => g.due > 0).map((g) => [g.category, g.rule, g.due, g.earliestDue]),
    ).toEqual([
      ['orders', 'customer', 1, '2025-06-15T00:00:00.000Z'],
      ['name', 'customer', 1, '2025-06-15T00:00:00.000Z'],
      ['email', 'customer', 1, '2025-06-15T00:00:00.000Z'],
      ['address', 'customer', 1, '2025-06-15T00:00:00.000Z'],
      ['phone', 'customer', 1, '2025-06-15T00:00:00.000Z'],
    ]);
    // The order goes in the same run, before the persons: so Matti goes whole.
    expect(plan.persons).toMatchObject({ due: 1, earliestDue: '2025-06-15T00:00:00.000Z' });
    expect(plan.review.find((g) => g.category === 'organisation')).toMatchObject({
      rule: 'business_cards',
      count: 1,
    });
    expect(plan.review.find((g) => g.category === 'organisations')).toMatchObject({
      rule: 'business_cards',
      count: 1,
    });

    const counts = await tableCounts(r);
    const report = await runRetention(r, TEST_ADMIN, { asOf: '2025-06-15' });
    expect(report.groups.find((g) => g.category === 'orders')).toMatchObject({ deleted: 1 });
    expect(report.totals.persons).toBe(1);
    // Matti is gone with everything of his; Liisa, her order and the business card are intact.
    expect(
      await r.db.selectFrom('persons').select('id').where('id', '=', gone.id).executeTakeFirst(),
    ).toBeUndefined();
    expect((await recordIds(r, 'orders')).map((x) => x.id)).toEqual([o2.id]);
    expect(o1.id).not.toBe(o2.id);
    expect((await getPerson(r, TEST_ADMIN, stays.id)).fields).toMatchObject({
      first_name: 'Liisa',
      email: ['liisa@example.com'],
    });
    expect((await getPerson(r, TEST_ADMIN, card.id)).contactRoles).toHaveLength(1);
    const after = await tableCounts(r);
    expect(after.persons).toBe(counts.persons - 1);
    expect(after.person_emails).toBe(counts.person_emails - 1);
    expect(after.person_addresses).toBe(counts.person_addresses - 1);
    expect(after.organisations).toBe(counts.organisations);
    const prov = await r.db
      .selectFrom('provenance')
      .select('entity_id')
      .where('person_id', '=', gone.id)
      .execute();
    expect(prov).toEqual([]);
    const audit = await retentionAudit(r);
    expect(audit.map((a) => [a.action, a.entity_type, a.person_id])).toEqual([
      ['retention_delete', 'order', gone.id],
      ['retention_delete', 'person', gone.id],
    ]);
    // Nothing more is due the day after.
    expect((await runRetention(r, TEST_ADMIN, { asOf: '2025-06-16' })).totals.deleted).toBe(0);
  });

  it('R5.1 invoices are kept until the end of the sixth calendar year after their accounting period, then go; the person’s own data goes earlier', async () => {
    const clock = fixedClock('2014-01-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const p = await customer(r, 'Ville');
    clock.set('2019-06-01T09:00:00Z');
    const inv = await invoice(r, p.id, '2019-05-10', 'paid', 'L-1');
    const inv2 = await invoice(r, p.id, '2020-01-01', 'paid', 'L-2');
    await r.db
      .updateTable('persons')
      .set({ relationship_ended_at: new Date('2010-01-01T00:00:00Z') })
      .where('id', '=', p.id)
      .execute();
    clock.set('2030-01-01T00:00:00Z');

    // 2019 ended on 2019-12-31: kept through 2025, due 2026-01-01.
    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2025-12-31' });
    expect(plan.groups.find((g) => g.category === 'invoices')).toMatchObject({ due: 0 });
    // The person's own data was due in 2020 but an invoice is left, so the person row stays with the invoices.
    const first = await runRetention(r, TEST_ADMIN, { asOf: '2025-12-31' });
    expect(first.totals).toMatchObject({ deleted: 0, erased: 4, persons: 0 });
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields).toEqual({});
    expect((await recordIds(r, 'invoices')).length).toBe(2);

    const due = await planRetention(r, TEST_ADMIN, { asOf: '2026-01-01' });
    expect(due.groups.find((g) => g.category === 'invoices')).toMatchObject({
      rule: 'accounting',
      kind: 'after_fiscal_year_end',
      due: 1,
      earliestDue: '2026-01-01T00:00:00.000Z',
      latestDue: '2026-01-01T00:00:00.000Z',
    });
    expect(due.items.find((i) => i.category === 'invoices')).toMatchObject({
      id: inv.id,
      dueAt: '2026-01-01T00:00:00.000Z',
    });
    const second = await runRetention(r, TEST_ADMIN, { asOf: '2026-01-01' });
    expect(second.groups.find((g) => g.category === 'invoices')).toMatchObject({ deleted: 1 });
    expect((await recordIds(r, 'invoices')).map((x) => x.id)).toEqual([inv2.id]);
    // The 2020 invoice goes on 2027-01-01, and with it the person, nothing else of whom is left.
    const third = await runRetention(r, TEST_ADMIN, { asOf: '2027-01-01' });
    expect(third.totals).toMatchObject({ deleted: 1, persons: 1 });
    expect((await tableCounts(r)).persons).toBe(0);
  });

  it('R5.1 with an accounting period ending 06-30, an invoice of August 2019 is kept through 2026', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { EXAMPLES_DIR } = await import('../register/open-register');
    const source = readFileSync(join(EXAMPLES_DIR, '001-vitec-katrina', 'register.yaml'), 'utf8').replace(
      /^retention:\n/m,
      'retention:\n  fiscalYearEnd: "06-30"\n',
    );
    const clock = fixedClock('2019-09-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock, definitionSource: source });
    expect(reg.definition.retention?.fiscalYearEnd).toBe('06-30');
    const p = await customer(reg, 'Ville');
    await invoice(reg, p.id, '2019-08-01', 'paid', 'L-9');
    await invoice(reg, p.id, '2019-06-30', 'paid', 'L-8');
    const plan2026 = await planRetention(reg, TEST_ADMIN, { asOf: '2026-12-31' });
    expect(plan2026.groups.find((g) => g.category === 'invoices')).toMatchObject({
      due: 1,
      earliestDue: '2026-01-01T00:00:00.000Z',
    });
    const plan2027 = await planRetention(reg, TEST_ADMIN, { asOf: '2027-01-01' });
    expect(plan2027.groups.find((g) => g.category === 'invoices')).toMatchObject({
      due: 2,
      latestDue: '2027-01-01T00:00:00.000Z',
    });
  });

  it('R5.2 an open invoice blocks the person’s own data, orders and invoices, and says so', async () => {
    const clock = fixedClock('2010-01-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const p = await customer(r, 'Olli');
    await order(r, p.id, '2010-02-01');
    await invoice(r, p.id, '2010-02-01', 'open', 'L-3');
    await invoice(r, p.id, '2010-01-15', 'paid', 'L-4');
    await r.db
      .updateTable('persons')
      .set({ relationship_ended_at: new Date('2011-01-01T00:00:00Z') })
      .where('id', '=', p.id)
      .execute();
    clock.set('2030-01-01T00:00:00Z');
    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2030-01-01' });
    const blocked = plan.groups.filter((g) => g.blocked > 0).map((g) => [g.category, g.blocked, g.blockedBy]);
    expect(blocked).toEqual([
      ['orders', 1, { open_invoice: 1 }],
      ['invoices', 2, { open_invoice: 2 }],
      ['name', 1, { open_invoice: 1 }],
      ['email', 1, { open_invoice: 1 }],
      ['address', 1, { open_invoice: 1 }],
      ['phone', 1, { open_invoice: 1 }],
    ]);
    expect(plan.blocked.find((i) => i.category === 'orders')).toMatchObject({
      blockers: [{ kind: 'open_invoice' }],
    });
    const report = await runRetention(r, TEST_ADMIN, { asOf: '2030-01-01' });
    expect(report.totals).toMatchObject({ deleted: 0, erased: 0, persons: 0 });
    expect(report.totals.blocked).toBe(7);
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields.first_name).toBe('Olli');
    // Paid, the invoice no longer blocks: everything goes.
    await r.db.updateTable('invoices').set({ state: 'paid' }).execute();
    const after = await runRetention(r, TEST_ADMIN, { asOf: '2030-01-01' });
    expect(after.totals).toMatchObject({ deleted: 3, persons: 1 });
  });

  it('R2.2 a contact person’s own data is not erased while the role lasts', async () => {
    const clock = fixedClock('2010-01-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const org = await createOrganisation(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Yritys Oy' },
    });
    const p = await customer(r, 'Kaisa');
    const role = await addContactRole(r, TEST_ADMIN, {
      personId: p.id,
      organisationId: org.id,
      startsOn: '2010-01-01',
      source: 'registrations',
    });
    await r.db
      .updateTable('persons')
      .set({ relationship_ended_at: new Date('2011-01-01T00:00:00Z') })
      .where('id', '=', p.id)
      .execute();
    clock.set('2030-01-01T00:00:00Z');
    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2030-01-01' });
    expect(plan.groups.find((g) => g.category === 'name')).toMatchObject({
      due: 0,
      blocked: 1,
      blockedBy: { contact_role: 1 },
    });
    expect(plan.blocked.find((i) => i.category === 'name')?.blockers).toEqual([
      { kind: 'contact_role', roleId: role.id, until: null },
    ]);
    await runRetention(r, TEST_ADMIN, { asOf: '2030-01-01' });
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields.first_name).toBe('Kaisa');
  });
});
