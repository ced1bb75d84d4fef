import { hetuCheckCharacter } from '@lupaus/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { addContactRole, endContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { planRetention } from './plan-retention';
import { runRetention } from './run-retention';
import { recordIds, retentionAudit, tableCounts } from './testing';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

describe('seed 003 retention (until the relationship is judged ended from the last service contact, P3Y)', () => {
  async function auntieCustomer(r: Register, first: string, contactAt: string) {
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: {
        first_name: first,
        last_name: 'Asiakas',
        email: `${first}@example.com`,
        next_of_kin: 'Äiti',
        wishes: 'Aamupäivät',
      },
    });
    await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'staff_contacts',
      source: 'transactions',
      fields: { staff_member: 'Hoitaja', dealt_at: contactAt },
    });
    await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'services',
      source: 'transactions',
      fields: { service: 'Kotisiivous', service_date: '2020-06-01', price: 89.5 },
    });
    await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'loyalty',
      source: 'transactions',
      fields: { level: 'Kulta', valid_from: '2020-06-01' },
    });
    return p;
  }

  it('R5.1 everything of a customer goes three years after the last service contact, and a later contact resets the clock', async () => {
    const clock = fixedClock('2020-01-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const r = reg;
    const a = await auntieCustomer(r, 'Anna', '2021-01-31T12:00:00Z');
    const b = await auntieCustomer(r, 'Bea', '2021-01-31T12:00:00Z');
    // Bea comes back: feedback given in 2022 is a service contact and restarts her three years.
    clock.set('2022-06-01T08:00:00Z');
    await createRecord(r, TEST_ADMIN, b.id, {
      kind: 'feedback',
      source: 'subject',
      fields: { feedback: 'Hyvä', satisfaction: 5 },
    });
    clock.set('2030-01-01T00:00:00Z');

    // 2021-01-31 12:00 + P3Y = 2024-01-31 12:00.
    const before = await runRetention(r, TEST_ADMIN, { asOf: '2024-01-31T11:59:59Z' });
    expect(before.totals).toMatchObject({ deleted: 0, erased: 0, persons: 0 });
    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2024-01-31T12:00:00Z' });
    expect(plan.groups.filter((g) => g.due > 0).map((g) => [g.category, g.due, g.earliestDue])).toEqual([
      ['services', 1, '2024-01-31T12:00:00.000Z'],
      ['loyalty', 1, '2024-01-31T12:00:00.000Z'],
      ['staff_contacts', 1, '2024-01-31T12:00:00.000Z'],
      ['basic_details', 1, '2024-01-31T12:00:00.000Z'],
      ['household', 1, '2024-01-31T12:00:00.000Z'],
      ['own_content', 1, '2024-01-31T12:00:00.000Z'],
    ]);
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        category: 'choices',
        holder: 'consent',
        reason: expect.stringContaining('not stored yet'),
      }),
    ]);
    // Her records go first in the same run, so the dry run counts Anna as a person who goes whole.
    expect(plan.persons).toMatchObject({ due: 1, earliestDue: '2024-01-31T12:00:00.000Z' });
    const report = await runRetention(r, TEST_ADMIN, { asOf: '2024-01-31T12:00:00Z' });
    expect(report.totals).toMatchObject({ deleted: 3, persons: 1 });
    expect(
      await r.db.selectFrom('persons').select('id').where('id', '=', a.id).executeTakeFirst(),
    ).toBeUndefined();
    for (const t of ['interactions', 'orders', 'loyalty_memberships'] as const) {
      expect(
        (await recordIds(r, t)).every((x) => x.person_id === b.id),
        t,
      ).toBe(true);
    }
    expect((await getPerson(r, TEST_ADMIN, b.id)).fields).toMatchObject({
      first_name: 'Bea',
      next_of_kin: 'Äiti',
    });
    // Bea's three years end on 2025-06-01 08:00.
    expect((await runRetention(r, TEST_ADMIN, { asOf: '2025-06-01T07:59:59Z' })).totals.persons).toBe(0);
    const later = await runRetention(r, TEST_ADMIN, { asOf: '2025-06-01' });
    expect(later.totals).toMatchObject({ deleted: 4, persons: 1 });
    const counts = await tableCounts(r);
    expect([
      counts.persons,
      counts.interactions,
      counts.orders,
      counts.loyalty_memberships,
      counts.person_emails,
    ]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('seed 004 retention (customer data P10Y after the end, contact roles while the person is one)', () => {
  it('R5.1 customer data with the hetu goes 10 years after the end; a contact role and then its organisation go when the role ends', async () => {
    const clock = fixedClock('2009-01-01T09:00:00Z');
    reg = await openTestRegister('004-jari-mensonen', { clock });
    const r = reg;
    const buyer = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: {
        first_name: 'Ostaja',
        last_name: 'Asunto',
        hetu: `131052-908${hetuCheckCharacter('131052908')}`,
      },
    });
    await r.db
      .updateTable('persons')
      .set({ relationship_ended_at: new Date('2010-03-31T00:00:00Z') })
      .where('id', '=', buyer.id)
      .execute();
    const org = await createOrganisation(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Isännöinti Oy' },
    });
    const contact = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'Yhteys', last_name: 'Henkilö' },
    });
    const role = await addContactRole(r, TEST_ADMIN, {
      personId: contact.id,
      organisationId: org.id,
      startsOn: '2009-01-01',
      source: 'registrations',
    });
    clock.set('2020-06-01T00:00:00Z');
    await endContactRole(r, TEST_ADMIN, role.id, { endsOn: '2020-05-31' });

    expect((await planRetention(r, TEST_ADMIN, { asOf: '2020-03-30' })).totals.due).toBe(0);
    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2020-03-31' });
    expect(plan.groups.filter((g) => g.due > 0).map((g) => g.category)).toEqual(['name', 'hetu']);
    const first = await runRetention(r, TEST_ADMIN, { asOf: '2020-03-31' });
    expect(first.totals.persons).toBe(1);
    expect(
      await r.db.selectFrom('persons').select('id').where('id', '=', buyer.id).executeTakeFirst(),
    ).toBeUndefined();

    // The role lasts through 2020-05-31; on 2020-06-01 it goes, and its organisation, which nobody represents any more.
    expect((await runRetention(r, TEST_ADMIN, { asOf: '2020-05-31' })).totals.deleted).toBe(0);
    const second = await runRetention(r, TEST_ADMIN, { asOf: '2020-06-01' });
    expect(second.groups.find((g) => g.category === 'organisation')).toMatchObject({ deleted: 1 });
    expect(second.groups.find((g) => g.category === 'organisations')).toMatchObject({ deleted: 1 });
    const counts = await tableCounts(r);
    expect([counts.contact_roles, counts.organisations]).toEqual([0, 0]);
    const audit = await retentionAudit(r);
    expect(
      audit.filter((a) => a.entity_type !== 'person').map((a) => [a.entity_type, a.entity_id, a.person_id]),
    ).toEqual([
      ['contact_role', null, contact.id],
      ['organisation', org.id, null],
    ]);
    // The contact person is still a customer (no recorded end): kept.
    expect((await getPerson(r, TEST_ADMIN, contact.id)).fields.first_name).toBe('Yhteys');
  });
});
