import { LupausError } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { ACCOUNTS_PURPOSE, requireUser, revokeSessions, toUserView, type UserView } from './account-store';
import { generateOneTimePassword, hashPassword } from './passwords';

export interface ResetUserCredentialsInput {
  /** true also removes the user's second factor and recovery codes: they must enrol again. */
  secondFactor?: boolean | undefined;
}

export interface ResetCredentials {
  user: UserView;
  /** The new one-time password, shown once; the user must change it at the next sign-in. */
  oneTimePassword: string;
}

/**
 * Resets another user's credentials when they forgot their password or lost their authenticator (R6.1). Needs
 * `users.manage`. The user gets a new one-time password (24 crypto-random characters, returned once, stored only
 * as its argon2id hash) that must be changed at the next sign-in; the lock of failed sign-ins is lifted and every
 * session of theirs is revoked. With `secondFactor: true` their TOTP secret and recovery codes are removed too,
 * so that they enrol again. An administrator cannot reset their own credentials this way (they change their
 * password). Audited with ids only, never the password.
 *
 * @example
 * ```ts
 * const { oneTimePassword } = await resetUserCredentials(reg, admin, userId, { secondFactor: true });
 * ```
 */
export async function resetUserCredentials(
  reg: Register,
  actor: Actor,
  userId: string,
  input: ResetUserCredentialsInput = {},
): Promise<ResetCredentials> {
  authorize(reg, actor, 'users.manage');
  const id = requireId(userId, 'user', 'id');
  const secondFactor = input?.secondFactor ?? false;
  if (typeof secondFactor !== 'boolean') {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'secondFactor', message: 'secondFactor is true or false' },
    ]);
  }
  if (id === actor.id.toLowerCase()) {
    throw new LupausError('VALIDATION_FAILED', { id }, [
      {
        at: 'id',
        message: 'you cannot reset your own credentials: change your password instead',
      },
    ]);
  }
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  return reg.db.transaction().execute(async (tx) => {
    const user = await requireUser(tx, id);
    const now = reg.clock.now();
    const row = await tx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        password_set_at: now,
        must_change_password: true,
        failed_logins: 0,
        locked_until: null,
        ...(secondFactor ? { totp_secret: null, totp_enabled_at: null, totp_last_step: null } : {}),
      })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (secondFactor) await tx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
    await revokeSessions(tx, reg, user.id);
    await audit(tx, reg, actor, {
      action: 'user.reset-credentials',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { secondFactor },
    });
    return { user: toUserView(reg, row), oneTimePassword };
  });
}
