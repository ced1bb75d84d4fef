import { LupausError } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { mayDo } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { ACCOUNTS_PURPOSE } from './account-store';
import { type ApiTokenView, toApiTokenView } from './api-token-view';

/**
 * Revokes an API token (R6.1): it stops working at once. A user revokes their own; `users.manage` revokes
 * anyone's. Another user's token is NOT_FOUND to someone who may not manage users. Audited.
 *
 * @example
 * ```ts
 * await revokeApiToken(reg, actor, tokenId);
 * ```
 */
export async function revokeApiToken(reg: Register, actor: Actor, tokenId: string): Promise<ApiTokenView> {
  const id = requireId(tokenId, 'token', 'id');
  return reg.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.user_id !== actor.id && !mayDo(reg, actor, 'users.manage'))) {
      throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no token ${id} of yours` }]);
    }
    if (row.revoked_at !== null) return toApiTokenView(row);
    const updated = await tx
      .updateTable('api_tokens')
      .set({ revoked_at: reg.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, reg, actor, {
      action: 'user.token-revoke',
      entityType: 'user',
      entityId: row.user_id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { token: id },
    });
    return toApiTokenView(updated);
  });
}
