import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { currentCommitment, LupausError, type Permission, permissionsOf } from '@lupaus/core';
import type { Database, Executor } from '@lupaus/db';
import type { Selectable } from 'kysely';
import type { Actor, Register } from '../context';
import { isId, requireId } from '../policy/ids';
import { commitmentContentHash } from './publish-commitment-version';

/**
 * What the account use cases share (R6.1, R6.3): token hashing, lifetimes, the lock-out rule, the view of a
 * user and the actor a user acts as. Secrets are never stored: tokens as their SHA-256, passwords as argon2id.
 */

export type UserRow = Selectable<Database['users']>;

/** The purpose recorded in the audit rows of account events. */
export const ACCOUNTS_PURPOSE = 'access_control';

/** Failed attempts allowed before the account locks; each further one doubles the lock, up to an hour. */
export const FAILURES_BEFORE_LOCK = 5;
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 60 * 60_000;
/** How long the second factor may be given after the password. */
export const PENDING_SESSION_MS = 5 * 60_000;
/** `last_seen_at` and `last_used_at` are written at most this often. */
export const TOUCH_EVERY_MS = 60_000;

/** The hex SHA-256 of a token, as stored. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** A random token of `bytes` bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two strings in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** How long a signed-in session lasts unused and at most (definition `security`, defaults 30 min and 12 h). */
export function sessionLifetimes(reg: Register): { idleMs: number; maxMs: number } {
  const s = reg.definition.security;
  return { idleMs: (s?.sessionIdleMinutes ?? 30) * 60_000, maxMs: (s?.sessionMaxHours ?? 12) * 3_600_000 };
}

/** Whether every user must sign in with a second factor (definition `security.requireSecondFactor`, default true). */
export function secondFactorRequired(reg: Register): boolean {
  return reg.definition.security?.requireSecondFactor !== false;
}

/**
 * The lock after the `failures`-th failed attempt in a row: none for the first four, then one minute, doubling
 * with each further failure, at most an hour.
 */
export function lockDurationMs(failures: number): number | null {
  if (failures < FAILURES_BEFORE_LOCK) return null;
  return Math.min(FIRST_LOCK_MS * 2 ** Math.min(failures - FAILURES_BEFORE_LOCK, 20), MAX_LOCK_MS);
}

/** Refuses with ACCOUNT_LOCKED, naming when the lock opens, while a user is locked. */
export function refuseIfLocked(reg: Register, user: UserRow): void {
  const until = user.locked_until ? new Date(user.locked_until) : null;
  if (until && until > reg.clock.now()) {
    throw new LupausError('ACCOUNT_LOCKED', { until: until.toISOString() }, [
      { at: 'username', message: `the account is locked until ${until.toISOString()}` },
    ]);
  }
}

/**
 * Counts a failed attempt (password or second factor) and locks the account when the count calls for it.
 * Returns when the lock opens, if it locked.
 */
export async function countFailure(tx: Executor, reg: Register, user: UserRow): Promise<Date | null> {
  const row = await tx
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', user.id)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  const ms = lockDurationMs(row.failed_logins);
  if (ms === null) return null;
  const until = new Date(reg.clock.now().getTime() + ms);
  await tx.updateTable('users').set({ locked_until: until }).where('id', '=', user.id).execute();
  return until;
}

/** Whether an actor id can be a user's (a UUID); the local operator (`cli:…`) and `system` are not users. */
export function isUserId(id: string): boolean {
  return isId(id);
}

/** The actor a user's own account events are recorded under. */
export function selfActor(userId: string): Actor {
  return { id: userId, roles: [], commitmentSigned: false };
}

/** The version number of the commitment in force, or null before it has been published. */
export async function currentCommitmentVersion(db: Executor, reg: Register): Promise<number | null> {
  const c = currentCommitment(reg.definition);
  const row = await db
    .selectFrom('commitment_versions')
    .select('version')
    .where('label', '=', c.version)
    .where('content_hash', '=', commitmentContentHash(c))
    .orderBy('version', 'desc')
    .executeTakeFirst();
  return row?.version ?? null;
}

/** Whether the user has signed the commitment in force (R6.3). */
export async function hasSignedCurrentCommitment(
  db: Executor,
  reg: Register,
  userId: string,
): Promise<boolean> {
  if (!isUserId(userId)) return false;
  // One statement (every authenticated request asks): a signature of the version in force, none before it exists.
  const c = currentCommitment(reg.definition);
  const row = await db
    .selectFrom('commitment_signatures')
    .select('id')
    .where('user_id', '=', userId)
    .where('version', '=', (eb) =>
      eb
        .selectFrom('commitment_versions')
        .select('version')
        .where('label', '=', c.version)
        .where('content_hash', '=', commitmentContentHash(c))
        .orderBy('version', 'desc')
        .limit(1),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** The actor a user acts as: their roles (none while setup is owed), and whether they signed the commitment. */
export async function actorOfUser(
  db: Executor,
  reg: Register,
  user: UserRow,
  opts: { setupOwed?: boolean; scopes?: readonly Permission[] } = {},
): Promise<Actor> {
  return {
    id: user.id,
    roles: opts.setupOwed ? [] : [...user.roles],
    commitmentSigned: await hasSignedCurrentCommitment(db, reg, user.id),
    ...(opts.scopes ? { scopes: opts.scopes } : {}),
  };
}

/** A user as the administrator sees them: never a hash or secret. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  mustChangePassword: boolean;
  secondFactor: boolean;
  /** When the lock of failed sign-ins opens, if the account is locked now. */
  lockedUntil: string | null;
  failedSignIns: number;
  disabled: boolean;
  createdAt: string;
}

export function toUserView(reg: Register, u: UserRow): UserView {
  const locked =
    u.locked_until && new Date(u.locked_until) > reg.clock.now() ? new Date(u.locked_until) : null;
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    roles: [...u.roles],
    mustChangePassword: u.must_change_password,
    secondFactor: u.totp_enabled_at !== null,
    lockedUntil: locked ? locked.toISOString() : null,
    failedSignIns: u.failed_logins,
    disabled: u.disabled_at !== null,
    createdAt: new Date(u.created_at).toISOString(),
  };
}

/** The user with this id, or NOT_FOUND naming `at`. */
export async function requireUser(db: Executor, id: string, at = 'id'): Promise<UserRow> {
  const userId = requireId(id, 'user', at);
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) throw new LupausError('NOT_FOUND', { id: userId }, [{ at, message: `no user ${userId}` }]);
  return row;
}

/** The permissions a user's roles grant. */
export function userPermissions(reg: Register, roles: readonly string[]): Set<Permission> {
  return permissionsOf(reg.definition, roles);
}

/** Revokes every session of a user not yet ended (except `keep`); returns how many. */
export async function revokeSessions(
  tx: Executor,
  reg: Register,
  userId: string,
  keep?: string,
): Promise<number> {
  let q = tx
    .updateTable('sessions')
    .set({ revoked_at: reg.clock.now() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', reg.clock.now());
  if (keep) q = q.where('id', '!=', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
