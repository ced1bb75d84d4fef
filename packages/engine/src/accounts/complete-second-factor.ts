import { LupausError } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Register } from '../context';
import {
  ACCOUNTS_PURPOSE,
  countFailure,
  refuseIfLocked,
  sameSecret,
  selfActor,
  sha256Hex,
} from './account-store';
import { normaliseRecoveryCode } from './confirm-totp';
import {
  auditFailure,
  type ClientInfo,
  lockedError,
  type NewSession,
  openSession,
  signInFailed,
} from './sign-in';
import { matchTotp } from './totp';

/**
 * Finishes a sign-in with the second factor (R6.1): a TOTP code (this 30-second step, the one before or after;
 * a step is never accepted twice) or an unused recovery code (used up by this). The pending session is
 * revoked and a new `complete` session with a new token is opened (rotation at sign-in). Wrong codes count
 * towards the lock-out like wrong passwords. An unknown, expired or already used pending session is refused
 * with UNAUTHENTICATED.
 *
 * @example
 * ```ts
 * const s = await completeSecondFactor(reg, pending.token, { code: '123456' }); // s.token is new
 * ```
 */
export async function completeSecondFactor(
  reg: Register,
  pendingToken: string,
  input: {
    code?: string | undefined;
    recoveryCode?: string | undefined;
    /** The CSRF token of the pending session, when the caller is a browser (the API checks it). */
    csrfToken?: string | undefined;
  },
  client: ClientInfo = {},
): Promise<NewSession> {
  const now = reg.clock.now();
  const pending =
    typeof pendingToken === 'string' && pendingToken !== ''
      ? await reg.db
          .selectFrom('sessions')
          .selectAll()
          .where('token_hash', '=', sha256Hex(pendingToken))
          .executeTakeFirst()
      : undefined;
  if (pending?.stage !== 'password' || pending.revoked_at !== null || new Date(pending.expires_at) <= now) {
    throw new LupausError('UNAUTHENTICATED', {}, [
      { at: 'session', message: 'sign in with your password first (the code is due within five minutes)' },
    ]);
  }
  if (input.csrfToken !== undefined && !sameSecret(input.csrfToken, pending.csrf_token)) {
    throw new LupausError('CSRF_FAILED', {}, [
      { at: 'x-csrf-token', message: 'send the csrfToken given at sign-in in the x-csrf-token header' },
    ]);
  }
  if ((input.code === undefined) === (input.recoveryCode === undefined)) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'code', message: 'give either code or recoveryCode' },
    ]);
  }
  return reg.db
    .transaction()
    .execute(async (tx) => {
      const user = await tx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', pending.user_id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (user.disabled_at !== null) throw signInFailed();
      refuseIfLocked(reg, user);
      let accepted = false;
      let via: 'totp' | 'recovery-code' = 'totp';
      if (input.code !== undefined) {
        const step = matchTotp(reg, user, String(input.code).trim());
        if (step !== null) {
          await tx
            .updateTable('users')
            .set({ totp_last_step: String(step) })
            .where('id', '=', user.id)
            .execute();
          accepted = true;
        }
      } else {
        via = 'recovery-code';
        const used = await tx
          .updateTable('recovery_codes')
          .set({ used_at: now })
          .where('user_id', '=', user.id)
          .where('code_hash', '=', sha256Hex(normaliseRecoveryCode(String(input.recoveryCode))))
          .where('used_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        accepted = used !== undefined;
      }
      if (!accepted) {
        const until = await countFailure(tx, reg, user);
        await auditFailure(tx, reg, user, 'second-factor', until);
        // The failure must be counted even though the request is refused: return the error, throw after commit.
        return until ? lockedError(until) : signInFailed();
      }
      await tx
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('id', '=', user.id)
        .execute();
      await tx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', pending.id).execute();
      const session = await openSession(tx, reg, user, 'complete', client);
      await audit(tx, reg, selfActor(user.id), {
        action: 'user.sign-in',
        entityType: 'user',
        entityId: user.id,
        personId: null,
        purpose: ACCOUNTS_PURPOSE,
        details: { session: session.id, via },
      });
      return session.view;
    })
    .then((r) => {
      if (r instanceof LupausError) throw r;
      return r;
    });
}
