import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import {
  addTestUser,
  fixedClock,
  openTestRegister,
  rejection,
  TEST_ADMIN,
  TEST_PASSWORD,
  totpCode,
} from '../testing';
import { authenticateSession } from './authenticate-session';
import { changePassword } from './change-password';
import { completeSecondFactor } from './complete-second-factor';
import { confirmTotp } from './confirm-totp';
import { enrolTotp } from './enrol-totp';
import { resetUserCredentials } from './reset-user-credentials';
import { signIn } from './sign-in';

const START = '2026-03-02T08:00:00.000Z';
const NEW_PASSWORD = 'a fresh passphrase of mine';

describe('resetting a user’s credentials (R6.1)', () => {
  let reg: Register;
  const clock = fixedClock(START);
  /** Moves the clock on, so that each sign-in gets a TOTP step of its own. */
  const tick = (ms = 30_000) => clock.set(new Date(clock.now().getTime() + ms).toISOString());
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie', { clock });
  });
  afterAll(async () => {
    await reg.close();
  });

  /** A user with a confirmed second factor; returns its secret and recovery codes. */
  async function userWithFactor(username: string) {
    const u = await addTestUser(reg, { username });
    const actor = { id: u.id, roles: ['customer_service'], commitmentSigned: false };
    const { secret } = await enrolTotp(reg, actor);
    const { recoveryCodes } = await confirmTotp(reg, actor, totpCode(secret, clock.now()));
    return { ...u, secret, recoveryCodes };
  }

  /** Signs in with password and (when asked) a TOTP code of the next step; returns the complete session. */
  async function signInFully(username: string, password: string, secret?: string) {
    tick();
    const s = await signIn(reg, { username, password });
    if (s.stage === 'complete') return s;
    tick();
    return completeSecondFactor(reg, s.token, { code: totpCode(secret!, clock.now()) });
  }

  it('R6.1 after a reset the old password fails, the one-time password signs in and must be changed, old sessions are dead and the lock-out is cleared', async () => {
    clock.set(START);
    const u = await userWithFactor('forgot.password');
    const old = await signInFully('forgot.password', TEST_PASSWORD, u.secret);
    expect(await authenticateSession(reg, old.token)).not.toBeNull();
    for (let i = 0; i < 5; i++)
      await rejection(signIn(reg, { username: 'forgot.password', password: 'wrong!' }));
    expect(
      (await rejection(signIn(reg, { username: 'forgot.password', password: TEST_PASSWORD }))).code,
    ).toBe('ACCOUNT_LOCKED');

    const { user, oneTimePassword } = await resetUserCredentials(reg, TEST_ADMIN, u.id);
    expect(oneTimePassword).toMatch(/^[A-Za-z2-9]{24}$/);
    expect(user).toMatchObject({
      id: u.id,
      mustChangePassword: true,
      lockedUntil: null,
      failedSignIns: 0,
      secondFactor: true, // kept without secondFactor: true
    });
    expect(await authenticateSession(reg, old.token)).toBeNull();
    expect(
      (await rejection(signIn(reg, { username: 'forgot.password', password: TEST_PASSWORD }))).code,
    ).toBe('SIGN_IN_FAILED');

    const fresh = await signInFully('forgot.password', oneTimePassword, u.secret);
    expect(fresh.mustChangePassword).toBe(true);
    const session = await authenticateSession(reg, fresh.token);
    expect(session?.mustChangePassword).toBe(true);
    expect(session?.actor.roles).toEqual([]); // nothing but the change until it is made
    await changePassword(reg, session!.actor, {
      currentPassword: oneTimePassword,
      newPassword: NEW_PASSWORD,
    });
    const after = await signInFully('forgot.password', NEW_PASSWORD, u.secret);
    expect(after.mustChangePassword).toBe(false);
    expect((await authenticateSession(reg, after.token))?.actor.roles).toEqual(['customer_service']);
    const row = await reg.db.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(oneTimePassword);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('R6.1 a reset with secondFactor removes the authenticator and recovery codes: the user must enrol again and the old ones fail', async () => {
    clock.set('2026-03-03T08:00:00.000Z');
    const u = await userWithFactor('lost.phone');
    const old = await signInFully('lost.phone', TEST_PASSWORD, u.secret);

    const { user, oneTimePassword } = await resetUserCredentials(reg, TEST_ADMIN, u.id, {
      secondFactor: true,
    });
    expect(user).toMatchObject({ mustChangePassword: true, secondFactor: false });
    expect(await authenticateSession(reg, old.token)).toBeNull();
    const row = await reg.db
      .selectFrom('users')
      .select(['totp_secret', 'totp_enabled_at', 'totp_last_step'])
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null, totp_last_step: null });
    expect(
      await reg.db.selectFrom('recovery_codes').select('id').where('user_id', '=', u.id).execute(),
    ).toEqual([]);

    // The one-time password signs in without a code; the user must change it and enrol again.
    tick();
    const s = await signIn(reg, { username: 'lost.phone', password: oneTimePassword });
    expect(s).toMatchObject({ stage: 'complete', mustChangePassword: true, mustEnrolSecondFactor: true });
    const session = await authenticateSession(reg, s.token);
    await changePassword(
      reg,
      session!.actor,
      { currentPassword: oneTimePassword, newPassword: NEW_PASSWORD },
      session!.sessionId,
    );
    const enrolling = await authenticateSession(reg, s.token);
    expect(enrolling).toMatchObject({ mustChangePassword: false, mustEnrolSecondFactor: true });
    expect(enrolling?.actor.roles).toEqual([]);
    const { secret } = await enrolTotp(reg, enrolling!.actor);
    expect(secret).not.toBe(u.secret);
    await confirmTotp(reg, enrolling!.actor, totpCode(secret, clock.now()));

    // The lost authenticator and the old recovery codes no longer sign in.
    tick();
    const p1 = await signIn(reg, { username: 'lost.phone', password: NEW_PASSWORD });
    expect(p1.stage).toBe('second-factor');
    expect(
      (await rejection(completeSecondFactor(reg, p1.token, { code: totpCode(u.secret, clock.now()) }))).code,
    ).toBe('SIGN_IN_FAILED');
    expect(
      (await rejection(completeSecondFactor(reg, p1.token, { recoveryCode: u.recoveryCodes[0]! }))).code,
    ).toBe('SIGN_IN_FAILED');
    tick();
    const ok = await completeSecondFactor(reg, p1.token, { code: totpCode(secret, clock.now()) });
    expect((await authenticateSession(reg, ok.token))?.actor.roles).toEqual(['customer_service']);
  });

  it('R6.1 only an administrator resets, not their own credentials, and a bad or unknown id is named; nothing changes', async () => {
    clock.set('2026-03-04T08:00:00.000Z');
    const target = await addTestUser(reg, { username: 'reset.target' });
    const admin = await addTestUser(reg, { username: 'reset.admin', roles: ['administrator'] });
    const before = await reg.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();

    for (const roles of [['customer_service'], ['auditor'], ['marketing'], []]) {
      const e = await rejection(
        resetUserCredentials(reg, { id: target.id, roles, commitmentSigned: true }, admin.id),
      );
      expect(e.code).toBe('FORBIDDEN');
    }
    const token = await rejection(
      resetUserCredentials(
        reg,
        { id: admin.id, roles: ['administrator'], commitmentSigned: true, scopes: ['persons.read'] },
        target.id,
      ),
    );
    expect(token.code).toBe('FORBIDDEN');

    const self = await rejection(
      resetUserCredentials(
        reg,
        { id: admin.id, roles: ['administrator'], commitmentSigned: true },
        admin.id,
        {
          secondFactor: true,
        },
      ),
    );
    expect(self.code).toBe('VALIDATION_FAILED');
    expect(self.problems).toEqual([{ at: 'id', message: expect.stringContaining('change your password') }]);

    const bad = await rejection(resetUserCredentials(reg, TEST_ADMIN, 'not-an-id'));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.problems[0]!.at).toBe('id');
    const unknown = await rejection(
      resetUserCredentials(reg, TEST_ADMIN, '01900000-0000-7000-8000-000000000000'),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.problems[0]!.at).toBe('id');

    const after = await reg.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(before.password_hash);
    expect(
      (await signIn(reg, { username: 'reset.target', password: TEST_PASSWORD })).mustChangePassword,
    ).toBe(false);
    expect(
      await reg.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'user.reset-credentials')
        .where('entity_id', 'in', [target.id, admin.id])
        .execute(),
    ).toEqual([]);
  });

  it('R6.1 the reset is audited with ids and whether the second factor went, never the password', async () => {
    clock.set('2026-03-05T08:00:00.000Z');
    const u = await addTestUser(reg, { username: 'reset.audited' });
    const { oneTimePassword } = await resetUserCredentials(reg, TEST_ADMIN, u.id, { secondFactor: true });
    const rows = await reg.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.reset-credentials')
      .where('entity_id', '=', u.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      entity_type: 'user',
      person_id: null,
      purpose: 'access_control',
      details: { secondFactor: true },
    });
    expect(JSON.stringify(rows)).not.toContain(oneTimePassword);
    expect(JSON.stringify(rows)).not.toContain('argon2');
  });
});
