import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { createRecord } from '../records/create-record';
import { planRetention } from '../retention/plan-retention';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { forecastRetention } from './dashboard-figures';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

/**
 * The dashboard's retention forecast (R5.1, R7.1) is the retention dry run at each month's end: a customer of seed
 * 003 whose last service contact was on 31 Jan 2021 falls due three years later, so nothing is due before 2024.
 */
describe('the retention forecast of the dashboards (R5.1, R7.1)', () => {
  it('R5.1 what falls due shows in the month it falls due, and the months add up to the dry run at the last month end', async () => {
    const clock = fixedClock('2020-06-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const p = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Anna', last_name: 'Asiakas', email: 'anna@example.com' },
    });
    await createRecord(reg, TEST_ADMIN, p.id, {
      kind: 'staff_contacts',
      source: 'transactions',
      fields: { staff_member: 'Hoitaja', dealt_at: '2021-01-31T12:00:00Z' },
    });
    clock.set('2023-11-15T09:00:00Z');
    const f = await forecastRetention(reg, TEST_ADMIN, { months: 4 });
    expect(f.months.map((m) => m.month)).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(f.months[0]!.due).toBe(0);
    expect(f.months[1]!.due).toBe(0);
    const later = f.months[2]!.due + f.months[3]!.due;
    expect(later).toBeGreaterThan(0);
    const atEnd = await planRetention(reg, TEST_ADMIN, { asOf: '2024-02-29', limit: 0 });
    expect(f.months.reduce((n, m) => n + m.due, 0)).toBe(atEnd.totals.due);
  });
});
