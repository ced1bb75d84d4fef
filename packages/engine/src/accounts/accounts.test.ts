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
import { authenticateToken } from './authenticate-token';
import { changePassword } from './change-password';
import { completeSecondFactor } from './complete-second-factor';
import { confirmTotp } from './confirm-totp';
import { createApiToken } from './create-api-token';
import { createFirstAdministrator } from './create-first-administrator';
import { createUser } from './create-user';
import { enrolTotp } from './enrol-totp';
import { listApiTokens } from './list-api-tokens';
import { listUsers } from './list-users';
import { revokeApiToken } from './revoke-api-token';
import { signIn } from './sign-in';
import { signOut, signOutEverywhere } from './sign-out';
import { unlockUser } from './unlock-user';
import { updateUser } from './update-user';

const START = '2026-03-02T08:00:00.000Z';
const at = (ms: number) => new Date(new Date(START).getTime() + ms).toISOString();

describe('accounts (R6.1)', () => {
  let reg: Register;
  const clock = fixedClock(START);
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie', { clock });
  });
  afterAll(async () => {
    await reg.close();
  });

  it('R6.1 the first administrator is made only while there are no users, with a one-time password that must be changed', async () => {
    clock.set(START);
    const first = await createFirstAdministrator(reg, { username: 'Admin' });
    expect(first.user.username).toBe('admin');
    expect(first.user.roles).toEqual(['administrator']);
    expect(first.oneTimePassword).toMatch(/^[A-Za-z2-9]{24}$/);
    expect(first.user.mustChangePassword).toBe(true);
    const again = await rejection(createFirstAdministrator(reg, { username: 'second' }));
    expect(again.code).toBe('CONFLICT');

    const s = await signIn(reg, { username: 'admin', password: first.oneTimePassword! });
    expect(s.mustChangePassword).toBe(true);
    const session = await authenticateSession(reg, s.token);
    // Until the password is changed the actor has no roles: nothing but the change is possible.
    expect(session?.actor.roles).toEqual([]);
    await changePassword(reg, session!.actor, {
      currentPassword: first.oneTimePassword!,
      newPassword: TEST_PASSWORD,
    });
    const after = await signIn(reg, { username: 'admin', password: TEST_PASSWORD });
    expect(after.mustChangePassword).toBe(false);
    expect(
      await rejection(signIn(reg, { username: 'admin', password: first.oneTimePassword! })),
    ).toMatchObject({
      code: 'SIGN_IN_FAILED',
    });
  });

  it('R6.1 stores the password only as an argon2id hash', async () => {
    const u = await addTestUser(reg, { username: 'hash.check' });
    const row = await reg.db.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(JSON.stringify(row)).not.toContain(TEST_PASSWORD);
    const { oneTimePassword } = await createUser(reg, TEST_ADMIN, {
      username: 'otp.user',
      displayName: 'One Time',
      roles: ['marketing'],
    });
    const otpRow = await reg.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'otp.user')
      .executeTakeFirstOrThrow();
    expect(otpRow.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(otpRow)).not.toContain(oneTimePassword);
    expect(otpRow.must_change_password).toBe(true);
  });

  it('R6.1 refuses a weak password, a bad username and a role the definition lacks, naming each, and stores nothing', async () => {
    const e = await rejection(
      createUser(reg, TEST_ADMIN, { username: 'x', displayName: 'X', roles: ['janitor'], password: 'short' }),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.problems.map((p) => p.at).sort()).toEqual(['password', 'roles[0]', 'username']);
    for (const password of ['password1234', 'weak.person1', 'Salasana1234']) {
      const w = await rejection(
        createUser(reg, TEST_ADMIN, {
          username: 'weak.person1',
          displayName: 'W',
          roles: ['marketing'],
          password,
        }),
      );
      expect(w.problems).toEqual([{ at: 'password', message: expect.any(String) }]);
    }
    expect(
      await reg.db.selectFrom('users').select('id').where('username', 'in', ['x', 'weak.person1']).execute(),
    ).toEqual([]);
    const forbidden = await rejection(
      createUser(
        reg,
        { id: 'm', roles: ['marketing'], commitmentSigned: true },
        { username: 'abc', displayName: 'A', roles: ['marketing'] },
      ),
    );
    expect(forbidden.code).toBe('FORBIDDEN');
  });

  it('R6.1 locks out after five failures with a growing delay; a locked account is refused even with the right password', async () => {
    clock.set(START);
    const u = await addTestUser(reg, { username: 'lock.me' });
    const wrong = () => rejection(signIn(reg, { username: 'lock.me', password: 'wrong password!' }));
    for (let i = 0; i < 4; i++) expect((await wrong()).code).toBe('SIGN_IN_FAILED');
    const fifth = await wrong();
    expect(fifth.code).toBe('ACCOUNT_LOCKED');
    expect(fifth.details.until).toBe(at(60_000));
    const right = await rejection(signIn(reg, { username: 'lock.me', password: TEST_PASSWORD }));
    expect(right.code).toBe('ACCOUNT_LOCKED');
    expect(right.problems[0]!.message).toContain(at(60_000));

    clock.set(at(61_000));
    const sixth = await wrong();
    expect(sixth.code).toBe('ACCOUNT_LOCKED');
    expect(sixth.details.until).toBe(at(61_000 + 120_000)); // doubled
    clock.set(at(61_000 + 121_000));
    expect((await wrong()).details.until).toBe(at(182_000 + 240_000));

    // An unknown username is refused the same way as a wrong password.
    const unknown = await rejection(signIn(reg, { username: 'nobody.here', password: TEST_PASSWORD }));
    expect(unknown.code).toBe('SIGN_IN_FAILED');
    // A username with a NUL never reaches the database (which refuses NUL): the same refusal.
    expect(
      (await rejection(signIn(reg, { username: 'hash\u0000check', password: TEST_PASSWORD }))).code,
    ).toBe('SIGN_IN_FAILED');
    expect(unknown.message).toBe(
      (await rejection(signIn(reg, { username: 'hash.check', password: 'nope nope nope' }))).message,
    );

    // An administrator unlocks; success resets the count.
    await unlockUser(reg, TEST_ADMIN, u.id);
    expect((await signIn(reg, { username: 'lock.me', password: TEST_PASSWORD })).stage).toBe('complete');
    const row = await reg.db.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.failed_logins).toBe(0);
    expect(row.locked_until).toBeNull();
    const actions = await reg.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', u.id)
      .execute();
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['user.sign-in-failed', 'user.lock', 'user.unlock', 'user.sign-in']),
    );
  });

  it('R6.1 TOTP: enrolment with a QR code, sign-in with a code, a replayed code refused, rotation, recovery codes used once', async () => {
    clock.set(START);
    const u = await addTestUser(reg, { username: 'two.factor' });
    const actor = { id: u.id, roles: ['customer_service'], commitmentSigned: false };
    const enrol = await enrolTotp(reg, actor);
    expect(enrol.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*two\.factor.*secret=/);
    expect(enrol.qrSvg).toContain('<svg');
    const secretRow = await reg.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(secretRow.totp_secret!.toString('latin1')).not.toContain(enrol.secret); // encrypted
    const wrongConfirm = await rejection(confirmTotp(reg, actor, '000000'));
    expect(wrongConfirm.problems[0]!.at).toBe('code');
    const { recoveryCodes } = await confirmTotp(reg, actor, totpCode(enrol.secret, clock.now()));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    clock.set(at(60_000));
    const pending = await signIn(reg, { username: 'two.factor', password: TEST_PASSWORD });
    expect(pending.stage).toBe('second-factor');
    expect(await authenticateSession(reg, pending.token)).toBeNull(); // not signed in yet
    const code = totpCode(enrol.secret, clock.now());
    const done = await completeSecondFactor(reg, pending.token, { code });
    expect(done.stage).toBe('complete');
    expect(done.token).not.toBe(pending.token);
    expect((await authenticateSession(reg, done.token))?.actor.id).toBe(u.id);
    // The pending token is dead, and the same code is never accepted twice.
    expect((await rejection(completeSecondFactor(reg, pending.token, { code }))).code).toBe(
      'UNAUTHENTICATED',
    );
    const again = await signIn(reg, { username: 'two.factor', password: TEST_PASSWORD });
    expect((await rejection(completeSecondFactor(reg, again.token, { code }))).code).toBe('SIGN_IN_FAILED');

    const rc = recoveryCodes[3]!;
    const viaRecovery = await completeSecondFactor(reg, again.token, { recoveryCode: rc.toUpperCase() });
    expect(viaRecovery.stage).toBe('complete');
    const third = await signIn(reg, { username: 'two.factor', password: TEST_PASSWORD });
    expect((await rejection(completeSecondFactor(reg, third.token, { recoveryCode: rc }))).code).toBe(
      'SIGN_IN_FAILED',
    );
    const stored = await reg.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', u.id)
      .execute();
    expect(JSON.stringify(stored)).not.toContain(rc.replace('-', ''));

    // A pending session lasts five minutes.
    clock.set(at(60_000 + 6 * 60_000));
    const late = totpCode(enrol.secret, clock.now());
    expect((await rejection(completeSecondFactor(reg, third.token, { code: late }))).code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('R6.1 a user without the required second factor can only enrol; after enrolment they act with their roles', async () => {
    clock.set(START);
    await addTestUser(reg, { username: 'no.factor' });
    const s = await signIn(reg, { username: 'no.factor', password: TEST_PASSWORD });
    expect(s.mustEnrolSecondFactor).toBe(true);
    const auth = await authenticateSession(reg, s.token);
    expect(auth?.mustEnrolSecondFactor).toBe(true);
    expect(auth?.actor.roles).toEqual([]);
    const enrol = await enrolTotp(reg, auth!.actor);
    await confirmTotp(reg, auth!.actor, totpCode(enrol.secret, clock.now()));
    const later = await authenticateSession(reg, s.token);
    expect(later?.actor.roles).toEqual(['customer_service']);
  });

  it('R6.1 sessions expire when idle (30 min) and at most after 12 h, and sign-out everywhere revokes the others', async () => {
    clock.set(START);
    await addTestUser(reg, { username: 'session.user', totp: true });
    const u = await reg.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'session.user')
      .executeTakeFirstOrThrow();
    const open = async () => {
      const p = await signIn(reg, { username: 'session.user', password: TEST_PASSWORD });
      const secret = await totpSecretOf(u.id);
      // Each sign-in uses the next step's code, as a code is never accepted twice.
      return completeSecondFactor(reg, p.token, {
        code: totpCode(secret, new Date(clock.now().getTime() + 30_000)),
      });
    };
    const totpSecretOf = async (id: string) => {
      const row = await reg.db
        .selectFrom('users')
        .select('totp_secret')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return reg.vault.decrypt(row.totp_secret!);
    };
    const idle = await open();
    clock.set(at(29 * 60_000));
    expect(await authenticateSession(reg, idle.token)).not.toBeNull(); // seen: idle time restarts
    clock.set(at(29 * 60_000 + 31 * 60_000));
    expect(await authenticateSession(reg, idle.token)).toBeNull();

    clock.set(at(2 * 3_600_000));
    const long = await open();
    for (let h = 0.4; h < 12; h += 0.4) {
      clock.set(at(2 * 3_600_000 + h * 3_600_000));
      expect(await authenticateSession(reg, long.token)).not.toBeNull();
    }
    clock.set(at(14 * 3_600_000 + 1000));
    expect(await authenticateSession(reg, long.token)).toBeNull();

    clock.set(at(20 * 3_600_000));
    const a = await open();
    clock.set(at(20 * 3_600_000 + 60_000));
    const b = await open();
    const sa = await authenticateSession(reg, a.token);
    await signOut(reg, sa!.actor, sa!.sessionId);
    expect(await authenticateSession(reg, a.token)).toBeNull();
    expect(await authenticateSession(reg, b.token)).not.toBeNull();
    clock.set(at(20 * 3_600_000 + 120_000));
    const c = await open();
    const sc = await authenticateSession(reg, c.token);
    expect((await signOutEverywhere(reg, sc!.actor)).revoked).toBe(2);
    expect(await authenticateSession(reg, b.token)).toBeNull();
    expect(await authenticateSession(reg, c.token)).toBeNull();
  });

  it('R6.1 API tokens: shown once, stored hashed, scopes limited to what the roles grant, revocable and expiring', async () => {
    clock.set(START);
    const u = await addTestUser(reg, { username: 'token.user', roles: ['marketing'] });
    const actor = { id: u.id, roles: ['marketing'], commitmentSigned: true };
    const tooMuch = await rejection(
      createApiToken(reg, actor, { name: 'x', scopes: ['marketing.select', 'persons.read'] }),
    );
    expect(tooMuch.problems).toEqual([{ at: 'scopes[1]', message: expect.stringContaining('persons.read') }]);
    const t = await createApiToken(reg, actor, {
      name: 'newsletter',
      scopes: ['marketing.select'],
      expiresAt: at(24 * 3_600_000),
    });
    expect(t.token).toMatch(/^lpt_[A-Za-z0-9_-]{43}$/);
    const rows = await reg.db.selectFrom('api_tokens').selectAll().where('user_id', '=', u.id).execute();
    expect(JSON.stringify(rows)).not.toContain(t.token);
    const tokenActor = await authenticateToken(reg, t.token);
    expect(tokenActor).toMatchObject({ id: u.id, roles: ['marketing'], scopes: ['marketing.select'] });
    expect(
      (await rejection(createApiToken(reg, tokenActor!, { name: 'y', scopes: ['marketing.select'] }))).code,
    ).toBe('FORBIDDEN');
    expect((await listApiTokens(reg, actor)).items.map((i) => i.name)).toEqual(['newsletter']);
    expect(await authenticateToken(reg, `${t.token}x`)).toBeNull();
    clock.set(at(24 * 3_600_000 + 1));
    expect(await authenticateToken(reg, t.token)).toBeNull();
    clock.set(START);
    const other = await addTestUser(reg, { username: 'other.user', roles: ['marketing'] });
    const notMine = await rejection(
      revokeApiToken(reg, { id: other.id, roles: ['marketing'], commitmentSigned: true }, t.id),
    );
    expect(notMine.code).toBe('NOT_FOUND');
    await revokeApiToken(reg, actor, t.id);
    expect(await authenticateToken(reg, t.token)).toBeNull();
  });

  it('R6.1 an administrator changes roles and disables a user, which ends their sessions; both are audited', async () => {
    clock.set(START);
    const u = await addTestUser(reg, { username: 'role.change', totp: true });
    const s = await signIn(reg, { username: 'role.change', password: TEST_PASSWORD });
    const row = await reg.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    const done = await completeSecondFactor(reg, s.token, {
      code: totpCode(reg.vault.decrypt(row.totp_secret!), new Date(clock.now().getTime() + 30_000)),
    });
    const updated = await updateUser(reg, TEST_ADMIN, u.id, { roles: ['auditor'] });
    expect(updated.roles).toEqual(['auditor']);
    expect((await authenticateSession(reg, done.token))?.actor.roles).toEqual(['auditor']);
    await updateUser(reg, TEST_ADMIN, u.id, { disabled: true });
    expect(await authenticateSession(reg, done.token)).toBeNull();
    expect((await rejection(signIn(reg, { username: 'role.change', password: TEST_PASSWORD }))).code).toBe(
      'SIGN_IN_FAILED',
    );
    const bad = await rejection(updateUser(reg, TEST_ADMIN, u.id, { roles: ['nope'] }));
    expect(bad.problems[0]!.at).toBe('roles[0]');
    const audit = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_id', '=', u.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user.roles', 'user.disable']));
    expect(JSON.stringify(audit)).not.toContain(TEST_PASSWORD);
    const list = await listUsers(reg, TEST_ADMIN);
    expect(list.items.find((i) => i.id === u.id)).toMatchObject({ disabled: true, secondFactor: true });
    expect(JSON.stringify(list)).not.toContain('argon2');
  });
});
