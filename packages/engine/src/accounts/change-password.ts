import { LupausError } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { ACCOUNTS_PURPOSE, countFailure, isUserId, requireUser, revokeSessions } from './account-store';
import { hashPassword, passwordProblems, verifyPassword } from './passwords';

/**
 * Changes the signed-in user's password (R6.1): the current password is required, the new one must pass the
 * password policy (at least 12 characters, not the username, not a common password). It clears the duty to
 * change a one-time password and revokes every other session of the user (`keepSession`, the one in use,
 * stays). Audited.
 *
 * @example
 * ```ts
 * await changePassword(reg, actor, { currentPassword: oneTime, newPassword: 'a long passphrase' }, sessionId);
 * ```
 */
export async function changePassword(
  reg: Register,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  keepSession?: string,
): Promise<{ revokedSessions: number }> {
  if (!isUserId(actor.id)) {
    throw new LupausError('NOT_FOUND', {}, [
      {
        at: 'actor',
        message:
          'this actor has no user account (the local operator or an embedding program) whose password to change',
      },
    ]);
  }
  if (actor.scopes) {
    throw new LupausError('FORBIDDEN', {}, [
      { at: 'actor', message: 'only a signed-in user changes their password, not an API token' },
    ]);
  }
  const user = await requireUser(reg.db, actor.id, 'actor');
  const problems = passwordProblems(input.newPassword, user.username, 'newPassword');
  if (problems.length === 0 && input.newPassword === input.currentPassword) {
    problems.push({ at: 'newPassword', message: 'the new password must differ from the current one' });
  }
  const ok = await verifyPassword(
    user.password_hash,
    typeof input.currentPassword === 'string' ? input.currentPassword : '',
  );
  if (!ok) {
    // A stolen session must not become a way to guess the password: wrong guesses count towards the lock.
    await reg.db.transaction().execute((tx) => countFailure(tx, reg, user));
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'currentPassword', message: 'the current password is wrong' },
      ...problems,
    ]);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const passwordHash = await hashPassword(input.newPassword);
  return reg.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_set_at: reg.clock.now(), must_change_password: false })
      .where('id', '=', user.id)
      .execute();
    const revokedSessions = await revokeSessions(tx, reg, user.id, keepSession);
    await audit(tx, reg, actor, {
      action: 'user.password-change',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { revokedSessions },
    });
    return { revokedSessions };
  });
}
