import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { toUserView, type UserView } from './account-store';

/**
 * Every user account (R6.1), by username, as `users.manage` sees them: roles, second factor, lock, disabled.
 *
 * @example
 * ```ts
 * const { items } = await listUsers(reg, admin);
 * ```
 */
export async function listUsers(reg: Register, actor: Actor): Promise<{ items: UserView[] }> {
  authorize(reg, actor, 'users.manage');
  const rows = await reg.db.selectFrom('users').selectAll().orderBy('username').execute();
  return { items: rows.map((r) => toUserView(reg, r)) };
}
