import { controlCharacterIn, LupausError } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Register } from '../context';
import {
  ACCOUNTS_PURPOSE,
  countFailure,
  PENDING_SESSION_MS,
  randomToken,
  refuseIfLocked,
  secondFactorRequired,
  selfActor,
  sessionLifetimes,
  sha256Hex,
  toUserView,
  type UserRow,
  type UserView,
} from './account-store';
import { verifyDummy, verifyPassword } from './passwords';

/** Where a client is (kept with the session, for the user's list of sessions). */
export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * A new session (R6.1). `token` goes into the cookie and is stored only as its SHA-256; `csrfToken` must come
 * back in the `x-csrf-token` header of every unsafe request.
 */
export interface NewSession {
  /** `second-factor`: give the TOTP code (or a recovery code) next; `complete`: signed in. */
  stage: 'second-factor' | 'complete';
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: UserView;
  /** The user must change the one-time password before doing anything else. */
  mustChangePassword: boolean;
  /** The register requires a second factor and the user has none yet: they may only enrol one. */
  mustEnrolSecondFactor: boolean;
}

/**
 * Signs a user in with username and password (R6.1). The password is checked against its argon2id hash; a
 * wrong username costs the same time (a dummy hash is checked) and gets the same SIGN_IN_FAILED. Five failures
 * in a row lock the account for a minute, each further failure doubles the lock (at most an hour); a locked
 * account is refused with ACCOUNT_LOCKED, naming when it opens, even with the right password. Success resets
 * the count and opens a session: `complete`, or `second-factor` (five minutes to give the code) when the user
 * has TOTP. A disabled user cannot sign in. Audited (sign-in, failure, lock).
 *
 * @example
 * ```ts
 * const s = await signIn(reg, { username: 'maija', password: '…' });
 * if (s.stage === 'second-factor') await completeSecondFactor(reg, s.token, { code: '123456' });
 * ```
 */
export async function signIn(
  reg: Register,
  input: { username: string; password: string },
  client: ClientInfo = {},
): Promise<NewSession> {
  const username = typeof input.username === 'string' ? input.username.trim().toLowerCase() : '';
  const password = typeof input.password === 'string' ? input.password : '';
  const user =
    username === '' || username.length > 64 || controlCharacterIn(username) !== undefined
      ? undefined
      : await reg.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!user || user.disabled_at !== null) {
    await verifyDummy(password);
    await reg.db.transaction().execute((tx) =>
      audit(tx, reg, selfActor(user?.id ?? 'anonymous'), {
        action: 'user.sign-in-failed',
        entityType: 'user',
        entityId: user?.id ?? null,
        personId: null,
        purpose: ACCOUNTS_PURPOSE,
        details: { reason: user ? 'disabled' : 'unknown-user' },
      }),
    );
    throw signInFailed();
  }
  refuseIfLocked(reg, user);
  const ok = await verifyPassword(user.password_hash, password);
  if (!ok) {
    const until = await reg.db.transaction().execute(async (tx) => {
      const lockedUntil = await countFailure(tx, reg, user);
      await auditFailure(tx, reg, user, 'password', lockedUntil);
      return lockedUntil;
    });
    if (until) throw lockedError(until);
    throw signInFailed();
  }
  const twoStep = user.totp_enabled_at !== null;
  return reg.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    const session = await openSession(tx, reg, user, twoStep ? 'password' : 'complete', client);
    await audit(tx, reg, selfActor(user.id), {
      action: twoStep ? 'user.sign-in-password' : 'user.sign-in',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { session: session.id },
    });
    return session.view;
  });
}

/** Opens a session for a user: a `password` session waits five minutes for the second factor. */
export async function openSession(
  tx: Executor,
  reg: Register,
  user: UserRow,
  stage: 'password' | 'complete',
  client: ClientInfo,
): Promise<{ id: string; view: NewSession }> {
  const now = reg.clock.now();
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(
    now.getTime() + (stage === 'password' ? PENDING_SESSION_MS : sessionLifetimes(reg).maxMs),
  );
  const id = uuidv7();
  await tx
    .insertInto('sessions')
    .values({
      id,
      token_hash: sha256Hex(token),
      user_id: user.id,
      stage,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: client.ip?.slice(0, 100) ?? null,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  const fresh = { ...user, failed_logins: 0, locked_until: null };
  return {
    id,
    view: {
      stage: stage === 'password' ? 'second-factor' : 'complete',
      token,
      csrfToken,
      expiresAt: expiresAt.toISOString(),
      user: toUserView(reg, fresh),
      mustChangePassword: user.must_change_password,
      mustEnrolSecondFactor: secondFactorRequired(reg) && user.totp_enabled_at === null,
    },
  };
}

export function signInFailed(): LupausError {
  return new LupausError('SIGN_IN_FAILED', {}, [
    { at: 'credentials', message: 'the username, password or code is wrong' },
  ]);
}

export function lockedError(until: Date): LupausError {
  return new LupausError('ACCOUNT_LOCKED', { until: until.toISOString() }, [
    { at: 'username', message: `the account is locked until ${until.toISOString()}` },
  ]);
}

export async function auditFailure(
  tx: Executor,
  reg: Register,
  user: UserRow,
  step: 'password' | 'second-factor',
  lockedUntil: Date | null,
): Promise<void> {
  await audit(tx, reg, selfActor(user.id), {
    action: 'user.sign-in-failed',
    entityType: 'user',
    entityId: user.id,
    personId: null,
    purpose: ACCOUNTS_PURPOSE,
    details: { step },
  });
  if (lockedUntil) {
    await audit(tx, reg, selfActor(user.id), {
      action: 'user.lock',
      entityType: 'user',
      entityId: user.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { until: lockedUntil.toISOString() },
    });
  }
}
