import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requireId } from '../policy/ids';
import { ACCOUNTS_PURPOSE, isUserId, revokeSessions } from './account-store';

/**
 * Ends one session (R6.1): it is revoked and its cookie token no longer signs anyone in. Audited.
 *
 * @example
 * ```ts
 * await signOut(reg, actor, session.sessionId);
 * ```
 */
export async function signOut(reg: Register, actor: Actor, sessionId: string): Promise<void> {
  const id = requireId(sessionId, 'session', 'session');
  await reg.db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('sessions')
      .set({ revoked_at: reg.clock.now() })
      .where('id', '=', id)
      .where('user_id', '=', isUserId(actor.id) ? actor.id : '00000000-0000-0000-0000-000000000000')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return;
    await audit(tx, reg, actor, {
      action: 'user.sign-out',
      entityType: 'user',
      entityId: actor.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { session: id },
    });
  });
}

/**
 * Signs the user out everywhere (R6.1): every session of theirs is revoked, this one too. Returns how many.
 *
 * @example
 * ```ts
 * const { revoked } = await signOutEverywhere(reg, actor); // a stolen cookie is dead now
 * ```
 */
export async function signOutEverywhere(reg: Register, actor: Actor): Promise<{ revoked: number }> {
  if (!isUserId(actor.id)) return { revoked: 0 };
  return reg.db.transaction().execute(async (tx) => {
    const revoked = await revokeSessions(tx, reg, actor.id);
    await audit(tx, reg, actor, {
      action: 'user.sign-out-everywhere',
      entityType: 'user',
      entityId: actor.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { revoked },
    });
    return { revoked };
  });
}
