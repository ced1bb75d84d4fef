import { addDuration, DAY_MS, type Duration, parseDuration, utcDate } from './duration';

/**
 * Accounting periods and the bookkeeping retention of Kirjanpitolaki 1336/1997, 2 luku 10 § (LEGAL.md B3):
 * vouchers such as invoices are kept at least six years **from the end of the calendar year in which the
 * accounting period ended**. The period ends each year on the definition's `retention.fiscalYearEnd` (MM-DD,
 * default 12-31); a day that a month lacks (02-29 in a common year, 04-31) means the month's last day.
 *
 * @example
 * ```ts
 * fiscalPeriodEnd('2020-08-01', '06-30'); // '2021-06-30'
 * afterFiscalYearEndDue('2020-08-01', '06-30', 'P6Y'); // 2028-01-01T00:00:00.000Z (kept through 2027)
 * ```
 */
const FISCAL_RE = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function periodEndIn(year: number, fiscalYearEnd: string): string {
  const m = FISCAL_RE.exec(fiscalYearEnd);
  if (!m) throw new Error(`"${fiscalYearEnd}" is not the end of an accounting period written MM-DD`);
  const month0 = Number(m[1]) - 1;
  const last = new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
  const day = Math.min(Number(m[2]), last);
  return `${String(year).padStart(4, '0')}-${m[1]}-${String(day).padStart(2, '0')}`;
}

/** The last day (YYYY-MM-DD) of the accounting period that contains a date (a date or an instant, UTC). */
export function fiscalPeriodEnd(date: string | Date, fiscalYearEnd = '12-31'): string {
  const day = typeof date === 'string' ? date : utcDate(date);
  const year = Number(day.slice(0, 4));
  const thisYear = periodEndIn(year, fiscalYearEnd);
  return day <= thisYear ? thisYear : periodEndIn(year + 1, fiscalYearEnd);
}

function firstInstantOfYear(year: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return d;
}

/**
 * When a record dated `date` may go under a rule of kind after_fiscal_year_end: the end of the calendar year in
 * which its accounting period ended (the first instant of the next year), plus the period.
 */
export function afterFiscalYearEndDue(
  date: string | Date,
  fiscalYearEnd: string,
  period: string | Duration,
): Date {
  const end = fiscalPeriodEnd(date, fiscalYearEnd);
  return addDuration(firstInstantOfYear(Number(end.slice(0, 4)) + 1), period);
}

/**
 * The set-based form of `afterFiscalYearEndDue` for the sweep: a record is due as of `asOf` exactly when its
 * date (UTC) is before the returned instant (the first instant after the last accounting period whose records
 * are due). Due dates grow with the record's date, so one cutoff serves a whole category.
 */
export function afterFiscalYearEndCutoff(asOf: Date, fiscalYearEnd: string, period: string | Duration): Date {
  const p = typeof period === 'string' ? parseDuration(period) : period;
  // The latest calendar year Y whose periods are due: first instant of Y+1, plus the period, is not after asOf.
  let year = asOf.getUTCFullYear();
  while (addDuration(firstInstantOfYear(year + 1), p).getTime() > asOf.getTime()) year -= 1;
  const lastDueEnd = periodEndIn(year, fiscalYearEnd);
  return new Date(new Date(`${lastDueEnd}T00:00:00.000Z`).getTime() + DAY_MS);
}
