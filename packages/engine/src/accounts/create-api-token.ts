import {
  findControlCharacter,
  isPermission,
  LupausError,
  type Permission,
  type ProblemDetail,
} from '@lupaus/core';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  ACCOUNTS_PURPOSE,
  isUserId,
  randomToken,
  requireUser,
  sha256Hex,
  userPermissions,
} from './account-store';
import { API_TOKEN_PREFIX, type ApiTokenView, toApiTokenView } from './api-token-view';

export interface CreateApiTokenInput {
  name: string;
  /** What the token may do: permissions the user's roles grant. */
  scopes: string[];
  /** When it stops working (ISO 8601); never when omitted. */
  expiresAt?: string | undefined;
  /** Whose token; the actor's own when omitted. Another user's needs `users.manage`. */
  userId?: string | undefined;
}

/**
 * Creates an API token for an integration (R6.1): `lpt_` and 43 random characters, shown once and stored only
 * as its SHA-256. It acts as its user, limited to its scopes, which must be permissions the user's roles grant
 * (least privilege, R6.2). A token cannot make tokens. Audited.
 *
 * @example
 * ```ts
 * const { token } = await createApiToken(reg, actor, { name: 'newsletter', scopes: ['marketing.select'] });
 * // Authorization: Bearer lpt_…
 * ```
 */
export async function createApiToken(
  reg: Register,
  actor: Actor,
  input: CreateApiTokenInput,
): Promise<ApiTokenView & { token: string }> {
  if (actor.scopes) {
    throw new LupausError('FORBIDDEN', {}, [{ at: 'actor', message: 'an API token cannot create tokens' }]);
  }
  const forOther = input.userId !== undefined && input.userId !== actor.id;
  if (forOther || !isUserId(actor.id)) authorize(reg, actor, 'users.manage');
  const targetId = input.userId ?? actor.id;
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const user = await requireUser(tx, targetId, input.userId === undefined ? 'actor' : 'userId');
    const problems: ProblemDetail[] = [];
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name === '' || name.length > 100)
      problems.push({ at: 'name', message: 'a token name is 1–100 characters' });
    else {
      const bad = findControlCharacter(name, 'name');
      if (bad) problems.push(bad);
    }
    const granted = userPermissions(reg, user.roles);
    if (!Array.isArray(input.scopes) || input.scopes.length === 0) {
      problems.push({ at: 'scopes', message: `give at least one scope: ${[...granted].join(', ')}` });
    } else {
      input.scopes.forEach((s, i) => {
        if (typeof s !== 'string' || !isPermission(s)) {
          problems.push({ at: `scopes[${i}]`, message: `"${String(s).slice(0, 60)}" is not a permission` });
        } else if (!granted.has(s)) {
          problems.push({
            at: `scopes[${i}]`,
            message: `${s} is not granted to the roles ${user.roles.join(', ')} of ${user.username}`,
          });
        }
      });
    }
    let expiresAt: Date | null = null;
    if (input.expiresAt !== undefined) {
      const d = new Date(input.expiresAt);
      if (Number.isNaN(d.getTime()))
        problems.push({ at: 'expiresAt', message: 'expiresAt is a date and time (ISO 8601)' });
      else if (d <= now) problems.push({ at: 'expiresAt', message: 'expiresAt is in the past' });
      else expiresAt = d;
    }
    if (user.disabled_at !== null) problems.push({ at: 'userId', message: `${user.username} is disabled` });
    if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
    const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
    const row = await tx
      .insertInto('api_tokens')
      .values({
        id: uuidv7(),
        user_id: user.id,
        name,
        token_hash: sha256Hex(token),
        scopes: [...new Set(input.scopes as Permission[])],
        created_at: now,
        expires_at: expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, reg, actor, {
      action: 'user.token-create',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { token: row.id, scopes: row.scopes },
    });
    return { ...toApiTokenView(row), token };
  });
}
