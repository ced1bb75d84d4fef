import i18next from 'i18next';

const LOCALES: Record<string, string> = { fi: 'fi-FI', en: 'en-GB', sv: 'sv-FI' };

/** The BCP 47 tag of a language of the app (fi-FI, en-GB, sv-FI); the language in use when none is given. */
export function locale(lang: string = i18next.language): string {
  return LOCALES[lang] ?? 'fi-FI';
}

/** A date and time in the language in use, in Helsinki time. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Helsinki',
  }).format(d);
}

/** A calendar day (YYYY-MM-DD or an ISO time) in the language in use. */
export function date(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'Europe/Helsinki' }).format(d);
}

/** Whole days from today (Helsinki) to a calendar day; negative when past. */
export function daysUntil(day: string): number {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(new Date());
  return Math.round(
    (Date.parse(`${day.slice(0, 10)}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
}

export interface Address {
  street?: string;
  postalCode?: string;
  city?: string;
  country?: string;
}

/** A stored value as text: lists joined, addresses on one line. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(valueText).join(', ');
  if (typeof v === 'object') {
    const a = v as Address;
    if ('street' in a || 'city' in a) {
      return [
        a.street,
        [a.postalCode, a.city].filter(Boolean).join(' '),
        a.country && a.country !== 'FI' ? a.country : '',
      ]
        .filter(Boolean)
        .join(', ');
    }
    return JSON.stringify(v);
  }
  if (typeof v === 'boolean') return i18next.t(v ? 'common.yes' : 'common.no');
  return String(v);
}

/** The initials of a name, for an avatar. */
export function initials(first: string | null | undefined, last: string | null | undefined): string {
  return `${(first ?? '').slice(0, 1)}${(last ?? '').slice(0, 1)}`.toUpperCase() || '?';
}
