import { Secret, TOTP } from 'otpauth';
import type { Register } from '../context';
import type { UserRow } from './account-store';

/** TOTP as authenticator apps do it (RFC 6238): SHA-1, six digits, 30-second steps. */
export const TOTP_PERIOD = 30;

export function totpOf(secretBase32: string, label: string, issuer: string): TOTP {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
  });
}

/** The issuer an authenticator app shows next to the account: the register's name. */
export function issuerOf(reg: Register): string {
  const name = reg.definition.register.name;
  return `Lupaus ${name.en ?? name.fi}`.slice(0, 80);
}

/**
 * The time step a code matches (this one, the one before or the one after), or null. A step at or before
 * `totp_last_step` is refused, so that a code is never accepted twice.
 */
export function matchTotp(reg: Register, user: UserRow, code: string): number | null {
  if (!user.totp_secret || !/^\d{6}$/.test(code)) return null;
  const secret = reg.vault.decrypt(user.totp_secret);
  const timestamp = reg.clock.now().getTime();
  const delta = totpOf(secret, user.username, issuerOf(reg)).validate({ token: code, timestamp, window: 1 });
  if (delta === null) return null;
  const step = TOTP.counter({ period: TOTP_PERIOD, timestamp }) + delta;
  const last = user.totp_last_step === null ? null : Number(user.totp_last_step);
  if (last !== null && step <= last) return null;
  return step;
}
