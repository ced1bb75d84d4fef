import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { ACCOUNTS_PURPOSE, requireUser, toUserView, type UserView } from './account-store';

/**
 * Lifts the lock of failed sign-ins from a user and resets the count (R6.1). Needs `users.manage`. Audited.
 *
 * @example
 * ```ts
 * await unlockUser(reg, admin, userId);
 * ```
 */
export async function unlockUser(reg: Register, actor: Actor, userId: string): Promise<UserView> {
  authorize(reg, actor, 'users.manage');
  return reg.db.transaction().execute(async (tx) => {
    const user = await requireUser(tx, userId);
    const row = await tx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, reg, actor, {
      action: 'user.unlock',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
    });
    return toUserView(reg, row);
  });
}
