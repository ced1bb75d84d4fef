import type { Failure } from './failure';

/**
 * Finnish personal identity code (henkilötunnus, hetu): `DDMMYY` + century sign + `NNN` + check character.
 *
 * Century signs since 1.1.2023 (VN asetus 128/2010 as amended by 690/2022): `+` 1800s; `-`, `Y`, `X`, `W`,
 * `V`, `U` 1900s; `A`–`F` 2000s. The check character indexes `DDMMYYNNN mod 31` into
 * `0123456789ABCDEFHJKLMNPRSTUVWXY`; the sign is not part of the calculation. All 11 characters are stored
 * and compared, because since 2023 the sign distinguishes codes.
 *
 * @example
 * ```ts
 * parseHetu('131052-308T'); // { ok: true, value: '131052-308T', birthDate: '1952-10-13', temporary: false }
 * parseHetu('010594Y9021').ok; // true: a temporary/test code (individual number 900–999)
 * ```
 */
const CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const CENTURY: Record<string, number> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};
const HETU_RE = /^(\d{2})(\d{2})(\d{2})([-+YXWVUABCDEF])(\d{3})([0-9A-Y])$/;

export type HetuResult =
  | { ok: true; value: string; birthDate: string; temporary: boolean }
  | ({ ok: false } & Failure);

export function hetuCheckCharacter(nineDigits: string): string {
  return CHECK_CHARS[Number(nineDigits) % 31]!;
}

export function parseHetu(input: string): HetuResult {
  const value = input.trim().toUpperCase();
  const m = HETU_RE.exec(value);
  if (!m) {
    return {
      ok: false,
      reason: 'a personal identity code has the form DDMMYYCNNNQ, e.g. 131052-308T (C is the century sign)',
      code: 'hetu.format',
      params: {},
    };
  }
  const [, dd, mm, yy, sign, nnn, check] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const year = CENTURY[sign]! + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return {
      ok: false,
      reason: `the date ${dd}.${mm}.${year} in the personal identity code does not exist`,
      code: 'hetu.date',
      params: { date: `${dd}.${mm}.${year}` },
    };
  }
  const individual = Number(nnn);
  if (individual < 2) {
    return {
      ok: false,
      reason: `the individual number ${nnn} is not issued (002–999)`,
      code: 'hetu.individual',
      params: { number: nnn },
    };
  }
  const expected = hetuCheckCharacter(`${dd}${mm}${yy}${nnn}`);
  if (expected !== check) {
    return {
      ok: false,
      reason: `the check character is wrong (expected ${expected}, got ${check})`,
      code: 'hetu.check',
      params: { expected, got: check },
    };
  }
  return {
    ok: true,
    value,
    birthDate: `${String(year).padStart(4, '0')}-${mm}-${dd}`,
    temporary: individual >= 900,
  };
}

/** A hetu shown to a role that may not reveal it: the date part stays, the rest is masked (`131052-****`). */
export function maskHetu(hetu: string): string {
  return `${hetu.slice(0, 7)}****`;
}

/** Finds strings shaped like a hetu (valid check character) inside free text, e.g. to keep them out of logs. */
export const HETU_IN_TEXT_RE = /\b\d{6}[-+YXWVUABCDEF]\d{3}[0-9A-Y]\b/gi;
