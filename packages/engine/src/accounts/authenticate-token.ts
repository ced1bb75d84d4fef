import { isPermission, type Permission } from '@lupaus/core';
import type { Actor, Register } from '../context';
import { actorOfUser, sha256Hex, TOUCH_EVERY_MS } from './account-store';
import { API_TOKEN_PREFIX } from './api-token-view';

/**
 * The actor of an API token (R6.1): its user, limited to its scopes (and to what the user's roles grant now),
 * or null when the token is unknown, revoked, expired or its user disabled. `last_used_at` is written at most
 * once a minute.
 *
 * @example
 * ```ts
 * const actor = await authenticateToken(reg, 'lpt_…'); // { id, roles, commitmentSigned, scopes: ['marketing.select'] }
 * ```
 */
export async function authenticateToken(reg: Register, token: string): Promise<Actor | null> {
  if (typeof token !== 'string' || !token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
  const row = await reg.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.scopes as token_scopes',
      'api_tokens.expires_at as token_expires_at',
      'api_tokens.revoked_at as token_revoked_at',
      'api_tokens.last_used_at as token_last_used_at',
    ])
    .where('api_tokens.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.token_revoked_at !== null || row.disabled_at !== null) return null;
  const now = reg.clock.now();
  if (row.token_expires_at && new Date(row.token_expires_at) <= now) return null;
  const lastUsed = row.token_last_used_at ? new Date(row.token_last_used_at).getTime() : 0;
  if (now.getTime() - lastUsed >= TOUCH_EVERY_MS) {
    await reg.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', row.token_id)
      .execute();
  }
  const scopes = row.token_scopes.filter(isPermission) as Permission[];
  return actorOfUser(reg.db, reg, row, { scopes });
}
