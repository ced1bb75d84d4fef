import type { Actor, Register } from '../context';
import {
  actorOfUser,
  secondFactorRequired,
  sessionLifetimes,
  sha256Hex,
  TOUCH_EVERY_MS,
} from './account-store';

/** A live, complete session and who it belongs to. */
export interface AuthenticatedSession {
  actor: Actor;
  sessionId: string;
  csrfToken: string;
  /** The user must change the one-time password first (their actor has no roles until then). */
  mustChangePassword: boolean;
  /** The register requires a second factor the user has not set up (their actor has no roles until then). */
  mustEnrolSecondFactor: boolean;
  /** When the session ends at the latest. */
  expiresAt: string;
}

/**
 * Finds the session of a cookie token (R6.1): null when there is none, it is revoked, it waits for the second
 * factor, it has been unused longer than `security.sessionIdleMinutes` (default 30) or is older than
 * `security.sessionMaxHours` (default 12), or its user is disabled. `last_seen_at` is written at most once a
 * minute. The actor has the user's roles and whether they signed the current commitment (R6.3); while a
 * one-time password must be changed or a required second factor set up, the actor has no roles.
 *
 * @example
 * ```ts
 * const s = await authenticateSession(reg, cookieToken); // null → 401
 * ```
 */
export async function authenticateSession(
  reg: Register,
  token: string,
): Promise<AuthenticatedSession | null> {
  if (typeof token !== 'string' || token === '' || token.length > 200) return null;
  const row = await reg.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select([
      'sessions.id as session_id',
      'sessions.stage',
      'sessions.csrf_token',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.revoked_at',
    ])
    .where('sessions.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (row?.stage !== 'complete' || row.revoked_at !== null || row.disabled_at !== null) return null;
  const now = reg.clock.now();
  const lastSeen = new Date(row.last_seen_at);
  if (new Date(row.expires_at) <= now) return null;
  if (now.getTime() - lastSeen.getTime() > sessionLifetimes(reg).idleMs) return null;
  if (now.getTime() - lastSeen.getTime() >= TOUCH_EVERY_MS) {
    await reg.db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', row.session_id)
      .execute();
  }
  const mustChangePassword = row.must_change_password;
  const mustEnrolSecondFactor = secondFactorRequired(reg) && row.totp_enabled_at === null;
  const actor = await actorOfUser(reg.db, reg, row, {
    setupOwed: mustChangePassword || mustEnrolSecondFactor,
  });
  return {
    actor,
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    mustChangePassword,
    mustEnrolSecondFactor,
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}
