/**
 * Email addresses: a practical check (one @, a dotted domain, no spaces, at most 254 characters), stored with
 * the domain in lower case. Lookups use the whole address in lower case.
 *
 * @example
 * ```ts
 * parseEmail('Jani@MVS.fi'); // { ok: true, value: 'Jani@mvs.fi', key: 'jani@mvs.fi' }
 * ```
 */
import { type Failure, quoted } from './failure';

export type EmailResult = { ok: true; value: string; key: string } | ({ ok: false } & Failure);

const EMAIL_RE =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function parseEmail(input: string): EmailResult {
  const trimmed = input.trim();
  if (trimmed.length > 254 || !EMAIL_RE.test(trimmed) || trimmed.includes('..')) {
    return {
      ok: false,
      reason: `"${quoted(trimmed)}" is not an email address`,
      code: 'email.invalid',
      params: { value: quoted(trimmed) },
    };
  }
  const at = trimmed.lastIndexOf('@');
  const value = `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
  return { ok: true, value, key: value.toLowerCase() };
}

export function emailKey(input: string): string {
  return input.trim().toLowerCase();
}
