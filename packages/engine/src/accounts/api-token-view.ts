import type { Database } from '@lupaus/db';
import type { Selectable } from 'kysely';

/** An API token as its owner sees it: never the token or its hash. */
export interface ApiTokenView {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The prefix of every API token, so that a leaked one is recognisable (and scanners can find it). */
export const API_TOKEN_PREFIX = 'lpt_';

export function toApiTokenView(r: Selectable<Database['api_tokens']>): ApiTokenView {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    scopes: [...r.scopes],
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: iso(r.expires_at),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}
