/**
 * The deadline of a data subject's request (art. 12(3) GDPR, R4.1): one calendar month from receipt, by month
 * arithmetic (the same date next month, or that month's last day when it has no such date), extendable by two
 * further months the same way, which the subject must be told of within the first month. Dates are calendar
 * days in Finland (Europe/Helsinki): a request received 2024-01-31 23:30 UTC was received on 2024-02-01.
 *
 * Pure: no clock, no I/O. Dates are `YYYY-MM-DD` strings.
 *
 * @example
 * ```ts
 * requestDueOn('2024-01-31'); // '2024-02-29'
 * extendedDueOn('2024-02-29'); // '2024-04-29'
 * helsinkiDate(new Date('2024-01-31T23:30:00Z')); // '2024-02-01'
 * ```
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The time zone whose calendar days the deadlines count in. */
export const REQUEST_TIME_ZONE = 'Europe/Helsinki';

/** The longest extension, in months (art. 12(3)). */
export const MAX_EXTENSION_MONTHS = 2;

function parts(date: string): { y: number; m: number; d: number } {
  const match = DATE_RE.exec(date);
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return { y, m, d };
  }
  throw new Error(`"${String(date).slice(0, 40)}" is not a date YYYY-MM-DD`);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * `date` plus `months` calendar months: the same day of the month, or the last day of the target month when
 * it is shorter.
 *
 * @example
 * ```ts
 * addCalendarMonths('2023-01-31', 1); // '2023-02-28'
 * addCalendarMonths('2024-12-31', 1); // '2025-01-31'
 * ```
 */
export function addCalendarMonths(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new Error(`months must be a whole number, not ${months}`);
  const { y, m, d } = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, daysInMonth(year, month)))}`;
}

/**
 * The calendar date in Helsinki of an instant: the day a request was received, or "today" for a deadline.
 *
 * @example
 * ```ts
 * helsinkiDate(new Date('2024-01-31T23:30:00Z')); // '2024-02-01'
 * helsinkiDate(new Date('2024-07-01T20:59:59Z')); // '2024-07-01' (summer time, UTC+3)
 * ```
 */
export function helsinkiDate(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new Error('not a valid instant');
  const p = new Intl.DateTimeFormat('en-GB', {
    timeZone: REQUEST_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => p.find((x) => x.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The due date of a request received on `receivedOn` (a Helsinki date): one calendar month later.
 *
 * @example
 * ```ts
 * requestDueOn('2024-01-31'); // '2024-02-29' (leap year)
 * requestDueOn('2023-01-31'); // '2023-02-28'
 * requestDueOn('2024-03-31'); // '2024-04-30'
 * ```
 */
export function requestDueOn(receivedOn: string): string {
  return addCalendarMonths(receivedOn, 1);
}

/**
 * The due date after an extension by `months` (1 or 2, default 2) further months from the first due date.
 *
 * @example
 * ```ts
 * extendedDueOn('2024-02-29'); // '2024-04-29'
 * extendedDueOn('2024-03-31', 1); // '2024-04-30'
 * ```
 */
export function extendedDueOn(dueOn: string, months: number = MAX_EXTENSION_MONTHS): string {
  if (!Number.isInteger(months) || months < 1 || months > MAX_EXTENSION_MONTHS) {
    throw new Error(`an extension is 1–${MAX_EXTENSION_MONTHS} months, not ${months}`);
  }
  return addCalendarMonths(dueOn, months);
}

/**
 * Whether the deadline can still be extended on `today` (a Helsinki date): the subject must be told within the
 * first month, so only up to and including the first due date.
 *
 * @example
 * ```ts
 * extensionAllowed('2024-02-29', '2024-02-29'); // true
 * extensionAllowed('2024-02-29', '2024-03-01'); // false
 * ```
 */
export function extensionAllowed(dueOn: string, today: string): boolean {
  parts(dueOn);
  parts(today);
  return today <= dueOn;
}

/**
 * The deadline in force: the extended one if the request was extended, else the first due date.
 *
 * @example
 * ```ts
 * requestDeadline('2024-02-29', null); // '2024-02-29'
 * requestDeadline('2024-02-29', '2024-04-29'); // '2024-04-29'
 * ```
 */
export function requestDeadline(dueOn: string, extendedTo: string | null): string {
  return extendedTo ?? dueOn;
}

/**
 * Whether a request is overdue on `today` (a Helsinki date): still open and past its deadline (the whole
 * deadline day counts as in time).
 *
 * @example
 * ```ts
 * isRequestOverdue({ open: true, dueOn: '2024-02-29', extendedTo: null }, '2024-03-01'); // true
 * isRequestOverdue({ open: true, dueOn: '2024-02-29', extendedTo: '2024-04-29' }, '2024-03-01'); // false
 * ```
 */
export function isRequestOverdue(
  request: { open: boolean; dueOn: string; extendedTo: string | null },
  today: string,
): boolean {
  return request.open && today > requestDeadline(request.dueOn, request.extendedTo);
}
