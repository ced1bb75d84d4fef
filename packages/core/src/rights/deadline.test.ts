import { describe, expect, it } from 'vitest';
import {
  addCalendarMonths,
  extendedDueOn,
  extensionAllowed,
  helsinkiDate,
  isRequestOverdue,
  requestDeadline,
  requestDueOn,
} from './deadline';

describe('R4.1 request deadline: one calendar month by month arithmetic', () => {
  it.each([
    ['2024-01-31', '2024-02-29'],
    ['2023-01-31', '2023-02-28'],
    ['2024-01-30', '2024-02-29'],
    ['2024-01-29', '2024-02-29'],
    ['2024-01-28', '2024-02-28'],
    ['2024-03-31', '2024-04-30'],
    ['2024-05-31', '2024-06-30'],
    ['2024-08-31', '2024-09-30'],
    ['2024-10-31', '2024-11-30'],
    ['2024-12-31', '2025-01-31'],
    ['2024-12-15', '2025-01-15'],
    ['2024-02-29', '2024-03-29'],
    ['2023-02-28', '2023-03-28'],
    ['2024-04-30', '2024-05-30'],
    ['2100-01-31', '2100-02-28'],
    ['2000-01-31', '2000-02-29'],
  ])('R4.1 received %s is due %s', (received, due) => {
    expect(requestDueOn(received)).toBe(due);
  });

  it('R4.1 the extension adds two further months the same way from the due date', () => {
    expect(extendedDueOn('2024-02-29')).toBe('2024-04-29');
    expect(extendedDueOn('2023-02-28')).toBe('2023-04-28');
    expect(extendedDueOn('2024-04-30')).toBe('2024-06-30');
    expect(extendedDueOn('2024-12-31')).toBe('2025-02-28');
    expect(extendedDueOn('2023-12-31')).toBe('2024-02-29');
    expect(extendedDueOn('2024-11-30')).toBe('2025-01-30');
    expect(extendedDueOn('2024-03-31', 1)).toBe('2024-04-30');
    expect(() => extendedDueOn('2024-03-31', 3)).toThrow(/1–2 months/);
    expect(() => extendedDueOn('2024-03-31', 0)).toThrow(/1–2 months/);
  });

  it('R4.1 an extension is allowed only within the first month (through the due date)', () => {
    expect(extensionAllowed('2024-02-29', '2024-02-01')).toBe(true);
    expect(extensionAllowed('2024-02-29', '2024-02-29')).toBe(true);
    expect(extensionAllowed('2024-02-29', '2024-03-01')).toBe(false);
    expect(extensionAllowed('2024-12-31', '2025-01-01')).toBe(false);
  });

  it('R4.1 overdue: open and past the deadline in force; the deadline day itself is in time', () => {
    const r = { open: true, dueOn: '2024-02-29', extendedTo: null };
    expect(isRequestOverdue(r, '2024-02-29')).toBe(false);
    expect(isRequestOverdue(r, '2024-03-01')).toBe(true);
    expect(isRequestOverdue({ ...r, open: false }, '2024-03-01')).toBe(false);
    const extended = { ...r, extendedTo: '2024-04-29' };
    expect(requestDeadline(extended.dueOn, extended.extendedTo)).toBe('2024-04-29');
    expect(isRequestOverdue(extended, '2024-04-29')).toBe(false);
    expect(isRequestOverdue(extended, '2024-04-30')).toBe(true);
  });

  it('R4.1 the day of receipt is the Helsinki calendar day', () => {
    // Winter time (UTC+2): 23:30 UTC on 31 January is 01:30 on 1 February in Helsinki.
    expect(helsinkiDate(new Date('2024-01-31T23:30:00Z'))).toBe('2024-02-01');
    expect(requestDueOn(helsinkiDate(new Date('2024-01-31T23:30:00Z')))).toBe('2024-03-01');
    expect(helsinkiDate(new Date('2024-01-31T21:59:59Z'))).toBe('2024-01-31');
    expect(helsinkiDate(new Date('2024-01-31T22:00:00Z'))).toBe('2024-02-01');
    // Summer time (UTC+3).
    expect(helsinkiDate(new Date('2024-07-01T20:59:59Z'))).toBe('2024-07-01');
    expect(helsinkiDate(new Date('2024-07-01T21:00:00Z'))).toBe('2024-07-02');
    // New year's eve.
    expect(helsinkiDate(new Date('2024-12-31T22:30:00Z'))).toBe('2025-01-01');
  });

  it('R4.1 month arithmetic refuses what is not a date', () => {
    expect(() => addCalendarMonths('2023-02-29', 1)).toThrow(/not a date/);
    expect(() => addCalendarMonths('2024-13-01', 1)).toThrow(/not a date/);
    expect(() => addCalendarMonths('31.1.2024', 1)).toThrow(/not a date/);
    expect(addCalendarMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addCalendarMonths('2024-01-15', 12)).toBe('2025-01-15');
  });

  it('R4.1 every day of four years: the due date is in the next month and keeps the day or the month end', () => {
    let d = new Date('2023-01-01T00:00:00Z');
    while (d < new Date('2027-01-01T00:00:00Z')) {
      const day = d.toISOString().slice(0, 10);
      const due = requestDueOn(day);
      const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
      const [dy, dm, ddd] = due.split('-').map(Number) as [number, number, number];
      expect(dy * 12 + dm - (y * 12 + m), day).toBe(1);
      const last = new Date(Date.UTC(dy, dm, 0)).getUTCDate();
      expect(ddd, day).toBe(Math.min(dd, last));
      d = new Date(d.getTime() + 86_400_000);
    }
  });
});
