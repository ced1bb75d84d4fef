import { LupausError } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { ACCOUNTS_PURPOSE, requireUser, sha256Hex } from './account-store';
import { requireTotpEnroller } from './enrol-totp';
import { randomReadable } from './passwords';
import { matchTotp } from './totp';

export const RECOVERY_CODES = 10;

/**
 * Confirms the second factor being enrolled (R6.1): the first valid code from the authenticator app switches
 * it on and returns ten recovery codes, shown this once and stored only as their SHA-256. Each recovery code
 * signs in once when the app is lost. A wrong code is refused with VALIDATION_FAILED at `code`.
 *
 * @example
 * ```ts
 * const { recoveryCodes } = await confirmTotp(reg, actor, '123456');
 * ```
 */
export async function confirmTotp(
  reg: Register,
  actor: Actor,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  requireTotpEnroller(actor);
  return reg.db.transaction().execute(async (tx) => {
    const user = await requireUser(tx, actor.id, 'actor');
    if (user.totp_enabled_at !== null) {
      throw new LupausError('CONFLICT', {}, [{ at: 'totp', message: 'the second factor is already set up' }]);
    }
    if (!user.totp_secret) {
      throw new LupausError('VALIDATION_FAILED', {}, [
        { at: 'totp', message: 'start the enrolment first (POST /auth/totp, or enrolTotp)' },
      ]);
    }
    const step = matchTotp(reg, user, typeof code === 'string' ? code.trim() : '');
    if (step === null) {
      throw new LupausError('VALIDATION_FAILED', {}, [
        {
          at: 'code',
          message: 'the code does not match: check the clock of the device and try the next code',
        },
      ]);
    }
    const now = reg.clock.now();
    await tx
      .updateTable('users')
      .set({ totp_enabled_at: now, totp_last_step: String(step) })
      .where('id', '=', user.id)
      .execute();
    const recoveryCodes = await replaceRecoveryCodes(tx, reg, user.id);
    await audit(tx, reg, actor, {
      action: 'user.totp-confirm',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
    });
    return { recoveryCodes };
  });
}

/** A recovery code as typed: two groups of five readable characters; compared without case or hyphens. */
export function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

async function replaceRecoveryCodes(tx: Executor, reg: Register, userId: string): Promise<string[]> {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  const now = reg.clock.now();
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const c = randomReadable(10).toLowerCase();
    return `${c.slice(0, 5)}-${c.slice(5)}`;
  });
  await tx
    .insertInto('recovery_codes')
    .values(
      codes.map((c) => ({
        id: uuidv7(),
        user_id: userId,
        code_hash: sha256Hex(normaliseRecoveryCode(c)),
        created_at: now,
      })),
    )
    .execute();
  return codes;
}
