import fc from 'fast-check';
import { hetuCheckCharacter } from './validators/hetu';
import { yTunnusCheckDigit } from './validators/ytunnus';

/**
 * Shared fast-check arbitraries for the fuzz tests of issue 8 ("bad input"): odd Unicode, huge strings, valid
 * Finnish identifiers. Test-only and pure (no I/O); imported as `@lupaus/core/testing-fuzz`, never from the
 * package index.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(oddString(), (s) => parseEmail(s).ok === false || s.includes('@')));
 * ```
 */

/** Characters that break naive text handling: controls, NUL, lone surrogates, bidi marks, zero-width, emoji. */
export const ODD_CHARACTERS: readonly string[] = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000B',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u00A0',
  '\u00AD',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\u200B',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202E',
  '\u2028',
  '\u2029',
  '\u2066',
  '\uFEFF',
  '\uFFFD',
  '\uFFFF',
  '\u0301',
  '\u0663', // ARABIC-INDIC DIGIT THREE
  '\uFF11', // FULLWIDTH DIGIT ONE
  '\uFF0D', // FULLWIDTH HYPHEN-MINUS
  '\u2212', // MINUS SIGN
  '\u2010', // HYPHEN
  'ß',
  'İ',
  'ı',
  'ǅ',
  'Å',
  '😀',
  '👩‍👩‍👧',
  '🇫🇮',
  '\t',
  '\n',
  '\r',
  ' ',
  '"',
  "'",
  '\\',
  ';',
  ',',
  '@',
  '.',
  '-',
  '+',
  '%',
  '$',
  '{',
  '}',
  '<',
  '>',
  '&',
];

/** Any one code point (the astral planes and the surrogate range included). */
export const anyCodePoint = (): fc.Arbitrary<string> =>
  fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));

/** One odd character. */
export const oddCharacter = (): fc.Arbitrary<string> => fc.constantFrom(...ODD_CHARACTERS);

/**
 * Any string, biased towards trouble: plain ASCII, any code point (astral planes included), lone surrogates and
 * the odd characters above, mixed.
 */
export function oddString(maxLength = 40): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 3, arbitrary: oddCharacter() },
    { weight: 1, arbitrary: anyCodePoint() },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  );
  return fc.array(unit, { maxLength }).map((parts) => parts.join(''));
}

/** A long string (up to `max` characters) of one repeated piece, odd or not. */
export function hugeString(min = 1_000, max = 100_000): fc.Arbitrary<string> {
  return fc
    .tuple(fc.oneof(fc.constantFrom('x', 'ä', '0', ' ', '😀'), oddCharacter()), fc.integer({ min, max }))
    .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n));
}

/** Inserts `insert` into `s` at a position chosen by `at` (0..1). */
export function insertAt(s: string, insert: string, at: number): string {
  const i = Math.min(s.length, Math.floor(at * (s.length + 1)));
  return s.slice(0, i) + insert + s.slice(i);
}

const SIGNS_BY_CENTURY: Record<number, string[]> = {
  1800: ['+'],
  1900: ['-', 'Y', 'X', 'W', 'V', 'U'],
  2000: ['A', 'B', 'C', 'D', 'E', 'F'],
};

/** A valid hetu's parts: a real date 1800–2099, a century sign of its century, an individual number. */
export interface HetuParts {
  hetu: string;
  birthDate: string;
  individual: number;
}

/** A valid personal identity code; `temporary` restricts the individual number to the test range 900–999. */
export function validHetu(opts: { temporary?: boolean } = {}): fc.Arbitrary<HetuParts> {
  return fc
    .record({
      date: fc.date({
        min: new Date(Date.UTC(1800, 0, 1)),
        max: new Date(Date.UTC(2099, 11, 31)),
        noInvalidDate: true,
      }),
      individual: opts.temporary ? fc.integer({ min: 900, max: 999 }) : fc.integer({ min: 2, max: 999 }),
      signIndex: fc.nat(5),
    })
    .map(({ date, individual, signIndex }) => {
      const year = date.getUTCFullYear();
      const century = Math.floor(year / 100) * 100;
      const signs = SIGNS_BY_CENTURY[century] as string[];
      const sign = signs[signIndex % signs.length] as string;
      const dd = String(date.getUTCDate()).padStart(2, '0');
      const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
      const yy = String(year % 100).padStart(2, '0');
      const nnn = String(individual).padStart(3, '0');
      return {
        hetu: `${dd}${mm}${yy}${sign}${nnn}${hetuCheckCharacter(`${dd}${mm}${yy}${nnn}`)}`,
        birthDate: `${year}-${mm}-${dd}`,
        individual,
      };
    });
}

/** A valid business id (y-tunnus) `NNNNNNN-C`: seven digits whose check digit exists. */
export function validYTunnus(): fc.Arbitrary<string> {
  return fc
    .integer({ min: 0, max: 9_999_999 })
    .map((n) => String(n).padStart(7, '0'))
    .filter((d) => yTunnusCheckDigit(d) !== null)
    .map((d) => `${d}-${yTunnusCheckDigit(d)}`);
}

/** A valid Finnish mobile number as people write it (`040 123 4567`, `+358 50 1234567`, `0451234567`). */
export function finnishMobile(): fc.Arbitrary<{ written: string; e164: string }> {
  return fc
    .record({
      prefix: fc.constantFrom('40', '41', '44', '45', '46', '50'),
      rest: fc.integer({ min: 0, max: 9_999_999 }).map((n) => String(n).padStart(7, '0')),
      style: fc.nat(3),
    })
    .map(({ prefix, rest, style }) => {
      const e164 = `+358${prefix}${rest}`;
      const written = [
        `0${prefix} ${rest.slice(0, 3)} ${rest.slice(3)}`,
        `+358 ${prefix} ${rest}`,
        `0${prefix}${rest}`,
        `(0${prefix}) ${rest.slice(0, 3)}-${rest.slice(3)}`,
      ][style] as string;
      return { written, e164 };
    });
}

/** A syntactically plain email address (ASCII local part, dotted domain of mixed case). */
export function plainEmail(): fc.Arbitrary<string> {
  const label = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,10}[A-Za-z0-9])?$/);
  const local = fc.stringMatching(/^[A-Za-z0-9_+-]{1,12}(?:\.[A-Za-z0-9_+-]{1,8}){0,2}$/);
  return fc
    .tuple(local, fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('fi', 'COM', 'Org', 'se'))
    .map(([l, labels, tld]) => `${l}@${labels.join('.')}.${tld}`);
}

/** Counts generated cases for a fuzz file and logs the total at the end (`[fuzz] <file>: N cases`). */
export function caseCounter(file: string): { add(n: number): void; total(): number; log(): void } {
  let n = 0;
  return {
    add: (k) => {
      n += k;
    },
    total: () => n,
    log: () => {
      console.log(`[fuzz] ${file}: ${n} cases`);
    },
  };
}
