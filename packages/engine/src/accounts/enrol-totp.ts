import { LupausError } from '@lupaus/core';
import { Secret } from 'otpauth';
import QRCode from 'qrcode';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { ACCOUNTS_PURPOSE, isUserId, requireUser } from './account-store';
import { issuerOf, totpOf } from './totp';

export interface TotpEnrolment {
  /** The `otpauth://totp/…` URI an authenticator app reads. */
  otpauthUri: string;
  /** The same as a QR code (SVG). */
  qrSvg: string;
  /** The secret in base32, for typing it in by hand. */
  secret: string;
}

/**
 * Starts the enrolment of the signed-in user's second factor (R6.1): a new TOTP secret, stored encrypted with
 * the register's key, shown as an otpauth URI and a QR code. It takes effect once `confirmTotp` gets a valid
 * code from it. A user whose second factor is already confirmed is refused (CONFLICT).
 *
 * @example
 * ```ts
 * const { qrSvg } = await enrolTotp(reg, actor); // show qrSvg; then confirmTotp(reg, actor, code)
 * ```
 */
/**
 * Refuses an actor that cannot enrol a second factor: one without a user account (NOT_FOUND) or acting through
 * an API token (FORBIDDEN). Shared by `enrolTotp` and `confirmTotp`.
 *
 * @example
 * ```ts
 * requireTotpEnroller(actor); // throws for the local operator or an API token
 * ```
 */
export function requireTotpEnroller(actor: Actor): void {
  if (!isUserId(actor.id)) {
    throw new LupausError('NOT_FOUND', {}, [
      {
        at: 'actor',
        message:
          'this actor has no user account (the local operator or an embedding program) to set up a second factor for',
      },
    ]);
  }
  if (actor.scopes) {
    throw new LupausError('FORBIDDEN', {}, [
      { at: 'actor', message: 'only a signed-in user enrols a second factor, not an API token' },
    ]);
  }
}

export async function enrolTotp(reg: Register, actor: Actor): Promise<TotpEnrolment> {
  requireTotpEnroller(actor);
  const secret = new Secret({ size: 20 }).base32;
  return reg.db.transaction().execute(async (tx) => {
    const user = await requireUser(tx, actor.id, 'actor');
    if (user.totp_enabled_at !== null) {
      throw new LupausError('CONFLICT', {}, [{ at: 'totp', message: 'the second factor is already set up' }]);
    }
    await tx
      .updateTable('users')
      .set({ totp_secret: reg.vault.encrypt(secret), totp_last_step: null })
      .where('id', '=', user.id)
      .execute();
    await audit(tx, reg, actor, {
      action: 'user.totp-enrol',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
    });
    const otpauthUri = totpOf(secret, user.username, issuerOf(reg)).toString();
    const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { otpauthUri, qrSvg, secret };
  });
}
