import { addPeriod, type Period, parsePeriod } from '../relationship/period';

/**
 * The calendar arithmetic of retention, exactly as PostgreSQL does `timestamp + interval` in UTC (the months
 * first, the day of the month clamped to the last day of a shorter month, then weeks and days), so that the same
 * due date comes out of this code and out of the sweep's SQL. Adding is `addPeriod` (core/relationship);
 * subtracting is adding the negated period, as PostgreSQL's `timestamp - interval` is.
 *
 * Every instant is UTC: a date `YYYY-MM-DD` means the UTC day. A thing is due at an instant and goes in a sweep
 * run as of that instant or later; a sweep "as of a date" runs as of the last millisecond of that day, so
 * everything due on that date goes and nothing due the next day.
 *
 * @example
 * ```ts
 * addDuration(new Date('2026-01-31T10:00:00Z'), 'P1M'); // 2026-02-28T10:00:00.000Z
 * addDuration(new Date('2024-02-29T00:00:00Z'), 'P1Y'); // 2025-02-28T00:00:00.000Z
 * subtractDuration(new Date('2026-03-31T00:00:00Z'), 'P1M'); // 2026-02-28T00:00:00.000Z
 * endOfDay('2026-03-31'); // 2026-03-31T23:59:59.999Z
 * ```
 */
export type Duration = Period;

export const DAY_MS = 86_400_000;

export function parseDuration(text: string): Duration {
  return parsePeriod(text);
}

export function isDuration(text: string): boolean {
  try {
    parsePeriod(text);
    return true;
  } catch {
    return false;
  }
}

/** `date + period`, as PostgreSQL computes `timestamp + interval` (month-end clamping, UTC). */
export function addDuration(date: Date, period: string | Duration): Date {
  return addPeriod(date, period);
}

/** `date - period`, as PostgreSQL computes `timestamp - interval` (months first, clamped, then days). */
export function subtractDuration(date: Date, period: string | Duration): Date {
  const p = typeof period === 'string' ? parsePeriod(period) : period;
  return addPeriod(date, { years: -p.years, months: -p.months, days: -p.days });
}

/** The first instant of the UTC day of a `YYYY-MM-DD` date; throws on anything else. */
export function startOfDay(date: string): Date {
  const d = new Date(`${date}T00:00:00.000Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== date
  ) {
    throw new Error(`"${date}" is not a date YYYY-MM-DD`);
  }
  return d;
}

/** The last millisecond of a UTC day: a sweep as of a date takes everything due on that date. */
export function endOfDay(date: string): Date {
  return new Date(startOfDay(date).getTime() + DAY_MS - 1);
}

/** The first instant after a UTC day, e.g. when a contact role or a legal hold that ends on that date is over. */
export function dayAfter(date: string): Date {
  return new Date(startOfDay(date).getTime() + DAY_MS);
}

/** The UTC date `YYYY-MM-DD` of an instant. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
