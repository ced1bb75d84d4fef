import { type Permission, permissionsOf } from '@lupaus/core';
import type { Actor, Register } from '../context';
import { isUserId, requireUser, secondFactorRequired, toUserView, type UserView } from './account-store';
import { type CommitmentView, getCommitment } from './get-commitment';

/** The signed-in user's own account: who they are, what they may do now, what they still owe. */
export interface OwnAccount {
  user: UserView | null;
  /** The actor's id (a user's id, or `cli:…` for the local operator). */
  actorId: string;
  /** What the actor may do now (none while a one-time password or a second factor is owed). */
  permissions: Permission[];
  scopes: Permission[] | null;
  secondFactorRequired: boolean;
  commitment: CommitmentView;
}

/**
 * The actor's own account (R6.1, R6.3): the user, their permissions now, and the commitment in force with
 * whether they signed it.
 *
 * @example
 * ```ts
 * const me = await getOwnAccount(reg, actor); // me.commitment.signed === false → sign it first
 * ```
 */
export async function getOwnAccount(reg: Register, actor: Actor): Promise<OwnAccount> {
  const user = isUserId(actor.id) ? toUserView(reg, await requireUser(reg.db, actor.id, 'actor')) : null;
  let permissions = [...permissionsOf(reg.definition, actor.roles)];
  if (actor.scopes) permissions = permissions.filter((p) => actor.scopes?.includes(p));
  return {
    user,
    actorId: actor.id,
    permissions,
    scopes: actor.scopes ? [...actor.scopes] : null,
    secondFactorRequired: secondFactorRequired(reg),
    commitment: await getCommitment(reg, actor),
  };
}
