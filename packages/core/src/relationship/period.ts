/**
 * Adds an ISO 8601 period of years, months, weeks and days (P10Y, P7M, P3W, P30D, P1Y6M) to an instant, in UTC,
 * the way PostgreSQL adds an interval to a timestamp: years and months first, clamping the day to the end of a
 * shorter month, then weeks and days. So 2024-01-31 + P1M is 2024-02-29 and 2024-02-29 + P1Y is 2025-02-28.
 * Pure.
 *
 * @example
 * ```ts
 * addPeriod(new Date('2024-01-31T12:00:00Z'), 'P1M').toISOString(); // '2024-02-29T12:00:00.000Z'
 * ```
 */
export interface Period {
  years: number;
  months: number;
  days: number;
}

const PERIOD_RE = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

export function parsePeriod(period: string): Period {
  const m = PERIOD_RE.exec(period);
  if (!m) throw new Error(`"${period}" is not a period such as P10Y, P6M or P30D`);
  const n = (s: string | undefined) => (s ? Number(s) : 0);
  return { years: n(m[1]), months: n(m[2]), days: n(m[3]) * 7 + n(m[4]) };
}

export function addPeriod(at: Date, period: string | Period): Date {
  const p = typeof period === 'string' ? parsePeriod(period) : period;
  const totalMonths = at.getUTCFullYear() * 12 + at.getUTCMonth() + p.years * 12 + p.months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(at.getUTCDate(), lastDay);
  const shifted = new Date(at.getTime());
  shifted.setUTCFullYear(year, month, day);
  return new Date(shifted.getTime() + p.days * 86_400_000);
}
