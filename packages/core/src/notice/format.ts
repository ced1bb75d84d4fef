import type { Address } from '../definition/schema';
import type { Language } from '../definition/text';
import { DURATION_UNITS, NOTICE_LABELS } from './labels';

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * A date (YYYY-MM-DD) as a reader expects it: `30.1.2020` in Finnish and Swedish, `30 January 2020` in English.
 *
 * @example
 * ```ts
 * formatDate('2020-01-30', 'fi'); // '30.1.2020'
 * ```
 */
export function formatDate(iso: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (lang === 'en') return `${day} ${EN_MONTHS[month - 1] ?? month} ${year}`;
  return `${day}.${month}.${year}`;
}

/**
 * An ISO 8601 duration in words.
 *
 * @example
 * ```ts
 * formatDuration('P10Y', 'fi'); // '10 vuotta'
 * formatDuration('P1Y6M', 'en'); // '1 year and 6 months'
 * ```
 */
export function formatDuration(duration: string, lang: Language): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration);
  if (!m) return duration;
  const parts: string[] = [];
  const units = ['Y', 'M', 'W', 'D'] as const;
  units.forEach((unit, i) => {
    const value = m[i + 1];
    if (value === undefined) return;
    const n = Number(value);
    const [one, many] = DURATION_UNITS[unit][lang];
    parts.push(`${n} ${n === 1 ? one : many}`);
  });
  if (parts.length <= 1) return parts[0] ?? duration;
  return `${parts.slice(0, -1).join(', ')} ${NOTICE_LABELS.and[lang]} ${parts[parts.length - 1]}`;
}

/** A country's name in the reader's language (`US` is "Yhdysvallat" in Finnish). */
export function countryName(code: string, lang: Language): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** An address on one line; the country is named only when it is not Finland. */
export function formatAddress(address: Address, lang: Language): string {
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(' ');
  const parts = [address.street, address.poBox, cityLine].filter((p): p is string => Boolean(p));
  if (address.country && address.country !== 'FI') parts.push(countryName(address.country, lang));
  return parts.join(', ');
}

/** Joins names as a list: "a, b ja c". */
export function joinList(items: string[], lang: Language): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${NOTICE_LABELS.and[lang]} ${items[items.length - 1]}`;
}

/** A text on one line, for list items and table cells: paragraphs and list items run together. */
export function oneLine(s: string): string {
  return s
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*[-*]\s+/, '').trim())
    .filter((l) => l !== '')
    .join(' ');
}
