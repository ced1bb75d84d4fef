import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { type Failure, quoted } from './failure';

/**
 * Phone numbers are stored in E.164. Numbers without a country code are read as Finnish.
 *
 * @example
 * ```ts
 * parsePhone('040 038 38 69'); // { ok: true, value: '+358400383869' }
 * parsePhone('029 56 66700'); // { ok: true, value: '+358295666700' }
 * ```
 */
export type PhoneResult = { ok: true; value: string } | ({ ok: false } & Failure);

export function parsePhone(input: string, defaultCountry: 'FI' | 'SE' | 'EE' = 'FI'): PhoneResult {
  const trimmed = input.trim();
  if (!/^[+\d(][\d\s\-().]{4,30}$/.test(trimmed)) {
    return {
      ok: false,
      reason: `"${quoted(trimmed)}" is not a phone number`,
      code: 'phone.invalid',
      params: { value: quoted(trimmed) },
    };
  }
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed?.isValid()) {
    return {
      ok: false,
      reason: `"${trimmed}" is not a valid phone number`,
      code: 'phone.invalid',
      params: { value: trimmed },
    };
  }
  return { ok: true, value: parsed.number };
}
