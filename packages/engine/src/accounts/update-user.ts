import { LupausError, rolePermissions } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { ACCOUNTS_PURPOSE, requireUser, revokeSessions, toUserView, type UserView } from './account-store';
import { userInputProblems } from './create-user';

export interface UpdateUserInput {
  displayName?: string | undefined;
  /** The user's roles: roles of the definition. */
  roles?: string[] | undefined;
  /** true disables the account (its sessions and tokens stop at once); false enables it again. */
  disabled?: boolean | undefined;
}

/**
 * Changes a user's display name, roles or whether the account is disabled (R6.1, R6.2). Needs `users.manage`.
 * Disabling revokes every session. An administrator cannot take away their own last means of managing users
 * (disable themselves or drop their own users.manage). Role changes and disabling are audited.
 *
 * @example
 * ```ts
 * await updateUser(reg, admin, userId, { roles: ['marketing'] });
 * ```
 */
export async function updateUser(
  reg: Register,
  actor: Actor,
  userId: string,
  input: UpdateUserInput,
): Promise<UserView> {
  authorize(reg, actor, 'users.manage');
  const problems = userInputProblems(reg, {
    ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    ...(input.roles !== undefined ? { roles: input.roles } : {}),
  });
  if (input.disabled !== undefined && typeof input.disabled !== 'boolean') {
    problems.push({ at: 'disabled', message: 'disabled is true or false' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return reg.db.transaction().execute(async (tx) => {
    const user = await requireUser(tx, userId);
    if (user.id === actor.id) {
      const keepsManage =
        input.roles === undefined ||
        input.roles.some((r) => rolePermissions(reg.definition, r).includes('users.manage'));
      if (input.disabled === true || !keepsManage) {
        throw new LupausError('VALIDATION_FAILED', {}, [
          {
            at: input.disabled === true ? 'disabled' : 'roles',
            message: 'you cannot lock yourself out of managing users',
          },
        ]);
      }
    }
    const now = reg.clock.now();
    const set: { display_name?: string; roles?: string[]; disabled_at?: Date | null } = {};
    if (input.displayName !== undefined) set.display_name = input.displayName.trim();
    if (input.roles !== undefined) set.roles = [...new Set(input.roles)];
    if (input.disabled !== undefined) set.disabled_at = input.disabled ? (user.disabled_at ?? now) : null;
    const row =
      Object.keys(set).length === 0
        ? user
        : await tx
            .updateTable('users')
            .set(set)
            .where('id', '=', user.id)
            .returningAll()
            .executeTakeFirstOrThrow();
    const base = { entityType: 'user', entityId: user.id, personId: null, purpose: ACCOUNTS_PURPOSE };
    if (input.roles !== undefined && row.roles.join(',') !== user.roles.join(',')) {
      await audit(tx, reg, actor, {
        ...base,
        action: 'user.roles',
        details: { from: user.roles, to: row.roles },
      });
    }
    if (input.disabled !== undefined && (user.disabled_at !== null) !== input.disabled) {
      if (input.disabled) await revokeSessions(tx, reg, user.id);
      await audit(tx, reg, actor, { ...base, action: input.disabled ? 'user.disable' : 'user.enable' });
    }
    if (input.displayName !== undefined && row.display_name !== user.display_name) {
      await audit(tx, reg, actor, { ...base, action: 'user.update', details: { fields: ['displayName'] } });
    }
    return toUserView(reg, row);
  });
}
