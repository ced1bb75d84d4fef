/**
 * Finds unfilled template placeholders in a text of a register definition (R1.4), such as seed 004's
 * "sähköpostitse (s-postiosoite)", while staying quiet on ordinary prose such as "(linkki)",
 * "(esim. Internet Explorer, Chrome)" or "(jani@mvs.fi)".
 *
 * A placeholder is one of:
 * - a word of placeholder vocabulary (what a template asks to be filled in: an email address, a name, a date…)
 *   standing alone in parentheses, square or angle brackets: `(s-postiosoite)`, `[Yrityksen nimi]`, `<email>`;
 *   several such words joined by `/`, `,`, `tai`, `ja` or `or` count too: `(nimi/osoite)`;
 * - an elided value: `[...]`, `(...)`, `<...>`, `[…]`;
 * - a template variable: `{{ anything }}`;
 * - a marker: `TODO`, `TBD`, `FIXME`, `XXX` (upper case, as a word), `lorem ipsum`, a blank line `____`,
 *   a date mask such as `pp.kk.vvvv` or `dd.mm.yyyy`.
 *
 * @example
 * ```ts
 * findPlaceholders('sähköpostitse (s-postiosoite) tai'); // ['(s-postiosoite)']
 * findPlaceholders('sähköpostitse (jani@mvs.fi)'); // []
 * ```
 */

/** What templates ask to be filled in, in Finnish, Swedish and English (lower case, single spaces). */
export const PLACEHOLDER_VOCABULARY: ReadonlySet<string> = new Set([
  // Finnish
  's-postiosoite',
  's-posti',
  'sähköpostiosoite',
  'sähköposti',
  'puhelinnumero',
  'puhelin',
  'puh',
  'puh.',
  'gsm',
  'osoite',
  'postiosoite',
  'katuosoite',
  'käyntiosoite',
  'postinumero',
  'postitoimipaikka',
  'paikkakunta',
  'kaupunki',
  'nimi',
  'etunimi',
  'sukunimi',
  'yritys',
  'yrityksen nimi',
  'yrityksen osoite',
  'yrityksen y-tunnus',
  'rekisterinpitäjä',
  'rekisterinpitäjän nimi',
  'yhteyshenkilö',
  'yhteyshenkilön nimi',
  'yhteystiedot',
  'y-tunnus',
  'ytunnus',
  'pvm',
  'pvm.',
  'päivämäärä',
  'päiväys',
  'verkkosivu',
  'verkkosivusto',
  'www-osoite',
  'kotisivu',
  // Swedish
  'e-post',
  'e-postadress',
  'telefon',
  'telefonnummer',
  'adress',
  'namn',
  'företagets namn',
  'fo-nummer',
  'datum',
  // English
  'email',
  'e-mail',
  'email address',
  'e-mail address',
  'address',
  'postal address',
  'street address',
  'name',
  'full name',
  'first name',
  'last name',
  'company',
  'company name',
  'your company',
  'controller',
  'controller name',
  'contact person',
  'contact details',
  'phone',
  'phone number',
  'telephone',
  'telephone number',
  'business id',
  'vat number',
  'date',
  'website',
  'url',
  'city',
  'postal code',
  'zip code',
]);

const JOINERS = /\s*(?:\/|,|;|\s\|\s|\stai\s|\sja\s|\sor\s|\sand\s|\seller\s|\soch\s)\s*/;

function isVocabulary(inner: string): boolean {
  const normal = inner
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[:!?]+$/, '');
  if (normal === '') return false;
  if (PLACEHOLDER_VOCABULARY.has(normal)) return true;
  const parts = normal.split(JOINERS).filter((p) => p !== '');
  return parts.length > 1 && parts.every((p) => PLACEHOLDER_VOCABULARY.has(p));
}

/** Bracketed text: `(…)`, `[…]`, `<…>` with no nested brackets, short enough to be a slot rather than prose. */
const BRACKETED = /\(([^()[\]<>\n]{1,60})\)|\[([^()[\]<>\n]{1,60})\]|<([^()[\]<>\n]{1,60})>/g;
const ELIDED = /^\s*(?:\.{2,}|…+)\s*$/;
const OTHER_PATTERNS: RegExp[] = [
  /\{\{[^{}\n]*\}\}/g,
  /\b(?:TODO|TBD|FIXME)\b/g,
  /(?<![\p{L}\p{N}])X{3,}(?![\p{L}\p{N}])/gu,
  /\blorem ipsum\b/gi,
  /_{3,}/g,
  /\b(?:pp|dd)\.(?:kk|mm)\.(?:vvvv|vv|yyyy|yy)\b/gi,
];

/** The placeholders in `text`, in order of appearance, each as it is written. */
export function findPlaceholders(text: string): string[] {
  const found: { at: number; text: string }[] = [];
  for (const m of text.matchAll(BRACKETED)) {
    const inner = m[1] ?? m[2] ?? m[3] ?? '';
    if (ELIDED.test(inner) || isVocabulary(inner)) found.push({ at: m.index, text: m[0] });
  }
  for (const pattern of OTHER_PATTERNS) {
    for (const m of text.matchAll(pattern)) found.push({ at: m.index, text: m[0] });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.text);
}
