import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { isUserId } from './account-store';
import { type ApiTokenView, toApiTokenView } from './api-token-view';

/**
 * The API tokens of a user (R6.1), newest first, without the tokens themselves: the actor's own, or with
 * `users.manage` another user's.
 *
 * @example
 * ```ts
 * const { items } = await listApiTokens(reg, actor);
 * ```
 */
export async function listApiTokens(
  reg: Register,
  actor: Actor,
  opts: { userId?: string | undefined } = {},
): Promise<{ items: ApiTokenView[] }> {
  let userId = actor.id;
  if (opts.userId !== undefined && opts.userId !== actor.id) {
    authorize(reg, actor, 'users.manage');
    userId = requireId(opts.userId, 'user', 'userId');
  }
  if (!isUserId(userId)) return { items: [] };
  const rows = await reg.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return { items: rows.map(toApiTokenView) };
}
