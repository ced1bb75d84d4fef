import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { addContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { createRecord } from '../records/create-record';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { erasePerson } from './erase-person';
import { planErasure } from './plan-erasure';

/** The dry run of an erasure (R4.4): the same decisions as the erasure, shown before it is made; nothing changes. */
let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

const TABLES = [
  'persons',
  'person_emails',
  'invoices',
  'contact_roles',
  'consents',
  'files',
  'provenance',
] as const;
async function counts(r: Register) {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const row = await r.db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}
const auditRows = async (r: Register, action: string) =>
  (await r.db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length;

describe('R4.4 erasure dry run (planErasure)', () => {
  it('R4.4 the plan names the blockers with their ends and what would go, changes nothing but its audit row, and the erasure then does what it said', async () => {
    const clock = fixedClock('2015-03-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'Matti', last_name: 'Asiakas', email: 'matti@example.com' },
    });
    const open = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'invoices',
      source: 'purchases',
      fields: { number: 'L-1', issued_on: '2015-03-01', due_on: '2015-03-01', amount: 120, state: 'open' },
    });
    await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'invoices',
      source: 'purchases',
      fields: { number: 'L-0', issued_on: '2015-02-01', due_on: '2015-02-01', amount: 50, state: 'paid' },
    });
    const org = await createOrganisation(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Oy Esimerkki Ab', business_id: '0245974-7' },
    });
    const role = await addContactRole(r, TEST_ADMIN, {
      personId: p.id,
      organisationId: org.id,
      startsOn: '2015-01-01',
      endsOn: '2027-06-30',
      source: 'registrations',
    });
    clock.set('2026-11-20T10:00:00Z');

    const before = await counts(r);
    const plans = await auditRows(r, 'erasure_plan');
    const plan = await planErasure(r, TEST_ADMIN, { personId: p.id });
    expect(await counts(r)).toEqual(before);
    expect(await auditRows(r, 'erasure_plan')).toBe(plans + 1);

    expect(plan.state).toBe('blocked');
    expect(plan.personGoes).toBe(false);
    expect(plan.blockers).toEqual([
      { kind: 'open_invoice', id: open.id, until: null },
      { kind: 'contact_role', id: role.id, until: '2027-06-30' },
    ]);
    expect(plan.keptFields).toEqual(expect.arrayContaining(['first_name', 'last_name', 'email', 'address']));
    expect(plan.erasedFields).not.toContain('first_name');
    const invoices = plan.records.filter((x) => x.holder === 'invoice');
    // The open invoice is kept; the paid one of 2015 is past its accounting retention and goes.
    expect(invoices.reduce((n, x) => n + x.keep, 0)).toBe(1);
    expect(invoices.reduce((n, x) => n + x.erase + x.anonymise, 0)).toBe(1);

    const done = await erasePerson(r, TEST_ADMIN, { personId: p.id });
    expect(done.state).toBe(plan.state);
    expect(done.blockers).toEqual(plan.blockers);
    expect(done.keptFields).toEqual(plan.keptFields);
    expect(done.erased.kept).toBe(plan.records.reduce((n, x) => n + x.keep, 0));
    expect(done.erased.deleted + done.erased.anonymised).toBe(
      plan.records.reduce((n, x) => n + x.erase + x.anonymise, 0),
    );
  }, 180_000);

  it('R4.4 with nothing blocking the plan says the person goes whole; an unknown person is NOT_FOUND and a bad mode a 422', async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock: fixedClock('2026-01-10T09:00:00Z') });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'Liisa', last_name: 'Lähtijä', email: 'liisa@example.com' },
    });
    const plan = await planErasure(r, TEST_ADMIN, { personId: p.id });
    expect(plan).toMatchObject({ state: 'completed', blockers: [], keptFields: [], personGoes: true });
    expect(plan.erasedFields).toEqual(expect.arrayContaining(['first_name', 'email']));
    expect((await erasePerson(r, TEST_ADMIN, { personId: p.id })).erased.person).toBe(1);
    await expect(planErasure(r, TEST_ADMIN, { personId: p.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      planErasure(r, TEST_ADMIN, { personId: p.id, mode: 'shred' as never }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  }, 180_000);
});
