import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { addContactRole, endContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { listLegalHolds } from './list-legal-holds';
import { placeLegalHold } from './place-legal-hold';
import { planRetention } from './plan-retention';
import { releaseLegalHold } from './release-legal-hold';
import { runRetention } from './run-retention';
import { recordIds, tableCounts } from './testing';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

const ASOF = '2030-01-01';

/** Holds a person's data of the kind, checks that nothing goes and that the plan names the hold, releases it, and sees it go. */
async function holdStopsThenReleaseLets(
  r: Register,
  hold: { personId?: string; category?: string },
  category: string,
  gone: () => Promise<boolean>,
) {
  (r.clock as ReturnType<typeof fixedClock>).set('2030-01-01T00:00:00Z');
  const placed = await placeLegalHold(r, TEST_ADMIN, {
    ...hold,
    reason: 'Riita-asia käräjäoikeudessa',
    endsOn: '2031-12-31',
  });
  expect(placed.active).toBe(true);
  const plan = await planRetention(r, TEST_ADMIN, { asOf: ASOF });
  const group = plan.groups.find((g) => g.category === category)!;
  expect(group, category).toMatchObject({ due: 0, blockedBy: { legal_hold: 1 } });
  expect(plan.blocked.find((i) => i.category === category)?.blockers).toEqual([
    { kind: 'legal_hold', holdId: placed.id, reason: 'Riita-asia käräjäoikeudessa', until: '2031-12-31' },
  ]);
  const held = await runRetention(r, TEST_ADMIN, { asOf: ASOF });
  expect(held.groups.find((g) => g.category === category)).toMatchObject({ deleted: 0, blocked: 1 });
  expect(await gone()).toBe(false);
  const released = await releaseLegalHold(r, TEST_ADMIN, placed.id);
  expect(released).toMatchObject({ active: false, releasedBy: TEST_ADMIN.id });
  const after = await runRetention(r, TEST_ADMIN, { asOf: ASOF });
  expect(after.groups.find((g) => g.category === category)).toMatchObject({ deleted: 1, blocked: 0 });
  expect(await gone()).toBe(true);
}

describe('legal holds stop the sweep of every kind of rule (R5.2)', () => {
  it('R5.2 from_creation (002 chats), held by category', async () => {
    reg = await openTestRegister('002-vastuu-group', { clock: fixedClock('2025-01-01T00:00:00Z') });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const chat = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'chats',
      source: 'subject',
      fields: { chat_transcript: 'x', chatted_at: '2025-01-01T00:00:00Z' },
    });
    await holdStopsThenReleaseLets(r, { category: 'chats' }, 'chats', async () =>
      (await recordIds(r, 'interactions')).every((x) => x.id !== chat.id),
    );
  });

  it('R5.2 while_contact_person (002 contact details and the role), held by person', async () => {
    reg = await openTestRegister('002-vastuu-group', { clock: fixedClock('2025-01-01T00:00:00Z') });
    const r = reg;
    const org = await createOrganisation(r, TEST_ADMIN, { source: 'subject', fields: { name: 'X Oy' } });
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const role = await addContactRole(r, TEST_ADMIN, {
      personId: p.id,
      organisationId: org.id,
      startsOn: '2024-01-01',
      source: 'subject',
    });
    await endContactRole(r, TEST_ADMIN, role.id, { endsOn: '2024-12-31' });
    await holdStopsThenReleaseLets(
      r,
      { personId: p.id },
      'contact_details',
      async () => (await getPerson(r, TEST_ADMIN, p.id)).fields.first_name === undefined,
    );
    expect((await tableCounts(r)).contact_roles).toBe(0);
  });

  it('R5.2 after_relationship_end (001), held on one person’s category', async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock: fixedClock('2010-01-01T00:00:00Z') });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const other = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'C', last_name: 'D' },
    });
    await r.db
      .updateTable('persons')
      .set({ relationship_ended_at: new Date('2011-01-01T00:00:00Z') })
      .execute();
    (r.clock as ReturnType<typeof fixedClock>).set('2030-01-01T00:00:00Z');
    // A hold on the name of one person: the other person goes whole, this one keeps the name (and so the row).
    const placed = await placeLegalHold(r, TEST_ADMIN, {
      personId: p.id,
      category: 'name',
      reason: 'Kanne',
      endsOn: '2031-01-01',
    });
    const report = await runRetention(r, TEST_ADMIN, { asOf: ASOF });
    expect(report.totals.persons).toBe(1);
    expect(
      await r.db.selectFrom('persons').select('id').where('id', '=', other.id).executeTakeFirst(),
    ).toBeUndefined();
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields).toEqual({ first_name: 'A', last_name: 'B' });
    await releaseLegalHold(r, TEST_ADMIN, placed.id);
    expect((await runRetention(r, TEST_ADMIN, { asOf: ASOF })).totals.persons).toBe(1);
    expect((await tableCounts(r)).persons).toBe(0);
  });

  it('R5.2 until_relationship_ended (003), held by person', async () => {
    const clock = fixedClock('2020-01-01T00:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const service = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'services',
      source: 'transactions',
      fields: { service: 'Siivous', service_date: '2020-01-02' },
    });
    await holdStopsThenReleaseLets(r, { personId: p.id }, 'services', async () =>
      (await recordIds(r, 'orders')).every((x) => x.id !== service.id),
    );
  });

  it('R5.2 a hold holds through the day it ends on, and a run as of a past date is stopped by a hold in force now', async () => {
    const clock = fixedClock('2020-01-01T00:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const r = reg;
    const q = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'C', last_name: 'D' },
    });
    clock.set('2029-06-01T00:00:00Z');
    await placeLegalHold(r, TEST_ADMIN, { personId: q.id, reason: 'Tarkastus', endsOn: '2029-12-31' });
    expect((await planRetention(r, TEST_ADMIN, { asOf: '2029-12-31' })).persons).toMatchObject({
      due: 0,
      blocked: 1,
    });
    expect((await planRetention(r, TEST_ADMIN, { asOf: '2030-01-01' })).persons).toMatchObject({
      due: 1,
      blocked: 0,
    });
    // A run as of a past date is still stopped by a hold in force now.
    clock.set('2029-07-01T00:00:00Z');
    expect((await runRetention(r, TEST_ADMIN, { asOf: '2029-06-30' })).persons).toMatchObject({
      deleted: 0,
      blocked: 1,
    });
  });

  it('R5.2 after_fiscal_year_end (001 invoices), held by category', async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock: fixedClock('2015-01-01T00:00:00Z') });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const inv = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'invoices',
      source: 'purchases',
      fields: { number: '1', issued_on: '2015-01-01', due_on: '2015-01-15', amount: 10, state: 'paid' },
    });
    await holdStopsThenReleaseLets(r, { category: 'invoices' }, 'invoices', async () =>
      (await recordIds(r, 'invoices')).every((x) => x.id !== inv.id),
    );
  });
});

describe('legal hold use cases', () => {
  it('R5.2 a hold names a person that exists and a category of the definition, a reason and a future end; audited', async () => {
    const clock = fixedClock('2026-03-01T10:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const before = await tableCounts(r);
    const problems = async (input: Parameters<typeof placeLegalHold>[2]) => {
      try {
        await placeLegalHold(r, TEST_ADMIN, input);
        return [];
      } catch (e) {
        return (e as { problems: { at: string; message: string }[] }).problems;
      }
    };
    expect(await problems({ reason: 'x', endsOn: '2027-01-01' })).toEqual([
      expect.objectContaining({ at: 'personId', message: expect.stringContaining('at least one') }),
    ]);
    expect(await problems({ category: 'shoes', reason: 'x', endsOn: '2027-01-01' })).toEqual([
      expect.objectContaining({
        at: 'category',
        message: expect.stringContaining('"shoes" is not a category'),
      }),
    ]);
    expect(
      (await problems({ category: 'services', reason: ' ', endsOn: '2026-02-28' })).map((x) => x.at),
    ).toEqual(['reason', 'endsOn']);
    expect(await problems({ category: 'services', reason: 'x', endsOn: '2026-02-30' })).toEqual([
      expect.objectContaining({ at: 'endsOn' }),
    ]);
    expect(await problems({ personId: 'nope', reason: 'x', endsOn: '2027-01-01' })).toEqual([
      expect.objectContaining({ at: 'personId', message: expect.stringContaining('not a valid person id') }),
    ]);
    expect(
      await problems({ personId: '01990000-0000-7000-8000-000000000000', reason: 'x', endsOn: '2027-01-01' }),
    ).toEqual([expect.objectContaining({ at: 'personId', message: expect.stringContaining('no person') })]);
    expect(await tableCounts(r)).toEqual(before);

    const hold = await placeLegalHold(r, TEST_ADMIN, {
      personId: p.id,
      category: 'services',
      reason: 'Valitus',
      endsOn: '2026-03-01',
    });
    expect(hold).toMatchObject({
      personId: p.id,
      category: 'services',
      endsOn: '2026-03-01',
      active: true,
      releasedAt: null,
    });
    const listed = await listLegalHolds(r, TEST_ADMIN, { current: true });
    expect(listed.items.map((h) => h.id)).toEqual([hold.id]);
    clock.set('2026-03-02T00:00:00Z');
    expect((await listLegalHolds(r, TEST_ADMIN, { current: true })).items).toEqual([]);
    expect((await listLegalHolds(r, TEST_ADMIN)).items[0]).toMatchObject({ id: hold.id, active: false });
    await releaseLegalHold(r, TEST_ADMIN, hold.id);
    await expect(releaseLegalHold(r, TEST_ADMIN, hold.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      releaseLegalHold(r, TEST_ADMIN, '01990000-0000-7000-8000-000000000000'),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const audit = await r.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'person_id'])
      .where('entity_type', '=', 'legal_hold')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'legal_hold_place', entity_id: hold.id, person_id: p.id },
      { action: 'legal_hold_release', entity_id: hold.id, person_id: p.id },
    ]);
  });
});
