import { type Failure, quoted } from './failure';

/**
 * Finnish business id (y-tunnus): seven digits, a hyphen and a check digit.
 * Weights 7, 9, 10, 5, 8, 4, 2; r = sum mod 11; r = 0 gives 0, r = 1 is never issued, otherwise 11 − r.
 *
 * @example
 * ```ts
 * parseYTunnus('0245974-7'); // { ok: true, value: '0245974-7' }
 * parseYTunnus('245974-7'); // { ok: true, value: '0245974-7' } (legacy six digits get a leading zero)
 * parseYTunnus('1599535-3').ok; // false: the check digit should be 4
 * ```
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2];

export type YTunnusResult = { ok: true; value: string } | ({ ok: false } & Failure);

export function yTunnusCheckDigit(sevenDigits: string): number | null {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(sevenDigits[i]) * WEIGHTS[i]!;
  const r = sum % 11;
  if (r === 0) return 0;
  if (r === 1) return null;
  return 11 - r;
}

export function parseYTunnus(input: string): YTunnusResult {
  const trimmed = input.trim();
  const m = /^(\d{6,7})-(\d)$/.exec(trimmed);
  if (!m)
    return {
      ok: false,
      reason: `"${quoted(trimmed)}" is not a business id of the form 1234567-8`,
      code: 'business_id.format',
      params: { value: quoted(trimmed) },
    };
  const digits = m[1]!.padStart(7, '0');
  const expected = yTunnusCheckDigit(digits);
  if (expected === null)
    return {
      ok: false,
      reason: `${trimmed} cannot be a business id: no check digit exists`,
      code: 'business_id.no_check',
      params: { value: trimmed },
    };
  if (expected !== Number(m[2])) {
    return {
      ok: false,
      reason: `the check digit of business id ${trimmed} is wrong (expected ${digits}-${expected})`,
      code: 'business_id.check',
      params: { value: trimmed, expected: `${digits}-${expected}` },
    };
  }
  return { ok: true, value: `${digits}-${m[2]}` };
}
