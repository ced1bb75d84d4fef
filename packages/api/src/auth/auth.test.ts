import type { Register } from '@lupaus/engine';
import {
  addTestUser,
  fixedClock,
  openTestRegister,
  TEST_ADMIN,
  TEST_PASSWORD,
  totpCode,
} from '@lupaus/engine/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { errorOf } from '../test-app';

/** Accounts and the commitment through the HTTP API with the real authentication (R6.1, R6.3). */
const START = '2026-03-02T08:00:00.000Z';
const clock = fixedClock(START);
let reg: Register;
let app: FastifyInstance;
/** Moves the clock on, so that each sign-in gets a TOTP step of its own. */
const tick = (ms = 30_000) => clock.set(new Date(clock.now().getTime() + ms).toISOString());

beforeAll(async () => {
  reg = await openTestRegister('003-auntie', { clock });
});
afterAll(async () => {
  await reg.close();
});
/** A fresh app per test, so that the sign-in rate limit of one test does not reach the next. */
async function freshApp(): Promise<FastifyInstance> {
  app = await buildApp({ register: reg });
  return app;
}
afterEach(async () => {
  await app?.close();
});

function sessionCookie(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const line = Array.isArray(set) ? set[0]! : String(set);
  return line.split(';')[0]!;
}

interface Session {
  cookie: string;
  csrf: string;
}

/** Signs in through the API with password and, when the user has one, a TOTP code. */
async function signInApi(username: string, totpSecret?: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { username, password },
  });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { stage: string; csrfToken: string };
  if (body.stage === 'complete') return { cookie: sessionCookie(res), csrf: body.csrfToken };
  tick();
  const second = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/second-factor',
    headers: { cookie: sessionCookie(res), 'x-csrf-token': body.csrfToken },
    payload: { code: totpCode(totpSecret!, clock.now()) },
  });
  expect(second.statusCode, second.body).toBe(200);
  return { cookie: sessionCookie(second), csrf: (second.json() as { csrfToken: string }).csrfToken };
}

const as = (s: Session, csrf = true) => ({ cookie: s.cookie, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) });

describe('accounts through the API (R6.1, R6.3)', () => {
  it('R6.1 sign-in with a second factor: the cookie is HttpOnly, Secure and SameSite=Strict, and is rotated; the pending token is dead', async () => {
    await freshApp();
    tick();
    const u = await addTestUser(reg, { username: 'api.totp', totp: true, signCommitment: true });
    const first = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'API.TOTP', password: TEST_PASSWORD },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ stage: 'second-factor', user: { username: 'api.totp' } });
    expect(first.body).not.toContain('argon2');
    const pending = sessionCookie(first);
    const me0 = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: pending } });
    expect(me0.statusCode).toBe(401); // the second factor is still owed
    tick();
    const csrf = (first.json() as { csrfToken: string }).csrfToken;
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/second-factor',
      headers: { cookie: pending },
      payload: { code: totpCode(u.totpSecret!, clock.now()) },
    });
    expect(errorOf(noCsrf).code).toBe('CSRF_FAILED');
    const second = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/second-factor',
      headers: { cookie: pending, 'x-csrf-token': csrf },
      payload: { code: totpCode(u.totpSecret!, clock.now()) },
    });
    expect(second.statusCode, second.body).toBe(200);
    const setCookie = String(second.headers['set-cookie']);
    expect(setCookie).toMatch(/^lupaus_session=[A-Za-z0-9_%-]{40,};/);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', `Max-Age=${12 * 3600}`]) {
      expect(setCookie).toContain(attr);
    }
    const complete = sessionCookie(second);
    expect(complete).not.toBe(pending);
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: complete } });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: u.id }, commitment: { signed: true } });
    const replay = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/second-factor',
      headers: { cookie: pending, 'x-csrf-token': csrf },
      payload: { code: totpCode(u.totpSecret!, clock.now()) },
    });
    expect(errorOf(replay).code).toBe('UNAUTHENTICATED');
  });

  it('R6.1 an unsafe request with the session cookie but without its CSRF token is refused', async () => {
    await freshApp();
    const u = await addTestUser(reg, { username: 'api.csrf', totp: true, signCommitment: true });
    const s = await signInApi('api.csrf', u.totpSecret);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      headers: as(s, false),
      payload: { source: 'subject', fields: { first_name: 'Eeva', last_name: 'Esimerkki' } },
    });
    expect(refused.statusCode).toBe(403);
    expect(errorOf(refused).code).toBe('CSRF_FAILED');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      headers: { cookie: s.cookie, 'x-csrf-token': `${s.csrf}x` },
      payload: { source: 'subject', fields: { first_name: 'Eeva', last_name: 'Esimerkki' } },
    });
    expect(errorOf(wrong).code).toBe('CSRF_FAILED');
    expect(
      await reg.db.selectFrom('persons').select('id').where('first_name', '=', 'Eeva').execute(),
    ).toEqual([]);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      headers: as(s),
      payload: { source: 'subject', fields: { first_name: 'Eeva', last_name: 'Esimerkki' } },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/persons', headers: as(s, false) })).statusCode,
    ).toBe(200);
  });

  it('R6.3 a user who has not signed the commitment gets COMMITMENT_REQUIRED on GET /persons, can sign, and then reads', async () => {
    await freshApp();
    const u = await addTestUser(reg, { username: 'api.unsigned', totp: true });
    const s = await signInApi('api.unsigned', u.totpSecret);
    const before = await app.inject({ method: 'GET', url: '/api/v1/persons', headers: as(s, false) });
    expect(before.statusCode).toBe(403);
    expect(errorOf(before).code).toBe('COMMITMENT_REQUIRED');
    const c = await app.inject({ method: 'GET', url: '/api/v1/commitment', headers: as(s, false) });
    expect(c.json()).toMatchObject({ signed: false, label: 'lupaus-default-1' });
    expect((c.json() as { text: { fi: string } }).text.fi).toContain('salassa');
    const sign = await app.inject({ method: 'POST', url: '/api/v1/commitment/sign', headers: as(s) });
    expect(sign.statusCode, sign.body).toBe(200);
    expect(sign.json()).toMatchObject({ signed: true, signedAt: clock.now().toISOString() });
    const after = await app.inject({ method: 'GET', url: '/api/v1/persons', headers: as(s, false) });
    expect(after.statusCode, after.body).toBe(200);
  });

  it('R6.1 a one-time password must be changed before anything else, and a required second factor set up before reading', async () => {
    await freshApp();
    const admin = await addTestUser(reg, {
      username: 'api.admin',
      roles: ['administrator'],
      totp: true,
      signCommitment: true,
    });
    const a = await signInApi('api.admin', admin.totpSecret);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: as(a),
      payload: { username: 'New.Person', displayName: 'Uusi Käyttäjä', roles: ['customer_service'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { oneTimePassword, user } = created.json() as {
      oneTimePassword: string;
      user: { id: string; username: string };
    };
    expect(user.username).toBe('new.person');
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(20);

    const s = await signInApi('new.person', undefined, oneTimePassword);
    const blocked = await app.inject({ method: 'GET', url: '/api/v1/persons', headers: as(s, false) });
    expect(errorOf(blocked).code).toBe('PASSWORD_CHANGE_REQUIRED');
    const enrolFirst = await app.inject({ method: 'POST', url: '/api/v1/auth/totp', headers: as(s) });
    expect(errorOf(enrolFirst).code).toBe('PASSWORD_CHANGE_REQUIRED');
    const weak = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: as(s),
      payload: { currentPassword: oneTimePassword, newPassword: 'password1234' },
    });
    expect(errorOf(weak).problems[0]!.at).toBe('newPassword');
    const changed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: as(s),
      payload: { currentPassword: oneTimePassword, newPassword: 'a much better passphrase' },
    });
    expect(changed.statusCode, changed.body).toBe(200);

    const noFactor = await app.inject({ method: 'GET', url: '/api/v1/persons', headers: as(s, false) });
    expect(errorOf(noFactor).code).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    const enrol = await app.inject({ method: 'POST', url: '/api/v1/auth/totp', headers: as(s) });
    expect(enrol.statusCode, enrol.body).toBe(200);
    const e = enrol.json() as { otpauthUri: string; qrSvg: string; secret: string };
    expect(e.qrSvg).toContain('<svg');
    expect(e.otpauthUri).toContain('otpauth://totp/');
    const confirm = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/confirm',
      headers: as(s),
      payload: { code: totpCode(e.secret, clock.now()) },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect((confirm.json() as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    const now = await app.inject({ method: 'GET', url: '/api/v1/persons', headers: as(s, false) });
    expect(errorOf(now).code).toBe('COMMITMENT_REQUIRED'); // the roles work now; the commitment is next

    // A customer service user may not manage users.
    const users = await app.inject({ method: 'GET', url: '/api/v1/users', headers: as(s, false) });
    expect(errorOf(users).code).toBe('FORBIDDEN');
    const list = await app.inject({ method: 'GET', url: '/api/v1/users', headers: as(a, false) });
    expect((list.json() as { items: { username: string }[] }).items.map((i) => i.username)).toContain(
      'new.person',
    );
  });

  it('R6.1 API tokens act within their scopes, need no CSRF token, and stop when revoked', async () => {
    await freshApp();
    const u = await addTestUser(reg, {
      username: 'api.tokens',
      roles: ['administrator'],
      totp: true,
      signCommitment: true,
    });
    const s = await signInApi('api.tokens', u.totpSecret);
    const tooWide = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: as(s),
      payload: { name: 'x', scopes: ['no.such'] },
    });
    expect(errorOf(tooWide).problems[0]!.at).toBe('scopes[0]');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: as(s),
      payload: { name: 'newsletter', scopes: ['marketing.select', 'register.read'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const t = created.json() as { id: string; token: string };
    const bearer = { authorization: `Bearer ${t.token}` };
    expect((await app.inject({ method: 'GET', url: '/api/v1/register', headers: bearer })).statusCode).toBe(
      200,
    );
    const persons = await app.inject({ method: 'GET', url: '/api/v1/persons', headers: bearer });
    expect(errorOf(persons).code).toBe('FORBIDDEN');
    const users = await app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer });
    expect(errorOf(users).code).toBe('FORBIDDEN');
    // A token makes no tokens, even though the user could.
    const nested = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer,
      payload: { name: 'y', scopes: ['register.read'] },
    });
    expect(errorOf(nested).code).toBe('FORBIDDEN');
    const listed = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: as(s, false) });
    expect(listed.body).not.toContain(t.token);
    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${t.id}`, headers: as(s) });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/register', headers: bearer })).statusCode).toBe(
      401,
    );
  });

  it('R6.1 sign-out ends the session; sign-out everywhere ends the other sessions too', async () => {
    await freshApp();
    const u = await addTestUser(reg, { username: 'api.everywhere', totp: true, signCommitment: true });
    const a = await signInApi('api.everywhere', u.totpSecret);
    const b = await signInApi('api.everywhere', u.totpSecret);
    const c = await signInApi('api.everywhere', u.totpSecret);
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: as(a) });
    expect(out.statusCode, out.body).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(a, false) })).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(b, false) })).statusCode,
    ).toBe(200);
    const all = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out-everywhere', headers: as(c) });
    expect(all.json()).toEqual({ revoked: 2 });
    for (const s of [b, c]) {
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(s, false) })).statusCode,
      ).toBe(401);
    }
  });

  it('R6.1 five wrong passwords lock the account (429 naming when it opens), a wrong username gets the same 401 as a wrong password', async () => {
    await freshApp();
    await addTestUser(reg, { username: 'api.lock' });
    const attempt = (username: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username, password } });
    const unknown = await attempt('no.such.user', TEST_PASSWORD);
    const wrong = await attempt('api.lock', 'not the password');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    for (let i = 0; i < 3; i++) expect((await attempt('api.lock', 'not the password')).statusCode).toBe(401);
    const locked = await attempt('api.lock', 'not the password');
    expect(locked.statusCode).toBe(429);
    expect(errorOf(locked).code).toBe('ACCOUNT_LOCKED');
    const until = new Date(clock.now().getTime() + 60_000).toISOString();
    expect(errorOf(locked).problems[0]!.message).toContain(until);
    expect(errorOf(await attempt('api.lock', TEST_PASSWORD)).code).toBe('ACCOUNT_LOCKED');
  });

  it('R6.1 an administrator resets a user who lost their authenticator: the sessions end, the one-time password signs in and the user enrols again', async () => {
    await freshApp();
    const admin = await addTestUser(reg, {
      username: 'api.reset.admin',
      roles: ['administrator'],
      totp: true,
      signCommitment: true,
    });
    const u = await addTestUser(reg, { username: 'api.lost.phone', totp: true, signCommitment: true });
    const a = await signInApi('api.reset.admin', admin.totpSecret);
    const s = await signInApi('api.lost.phone', u.totpSecret);
    const reset = (id: string, who: Session, payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `/api/v1/users/${id}/reset`, headers: as(who), payload });

    expect(errorOf(await reset(admin.id, s, {})).code).toBe('FORBIDDEN');
    const self = await reset(admin.id, a, {});
    expect(errorOf(self)).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ at: 'id' }] });
    expect(errorOf(await reset(u.id, a, { secondFactor: 'yes' })).code).toBe('VALIDATION_FAILED');
    expect(errorOf(await reset(u.id, a, { secondFactor: true, password: 'x' })).code).toBe(
      'VALIDATION_FAILED',
    );

    const res = await reset(u.id, a, { secondFactor: true });
    expect(res.statusCode, res.body).toBe(200);
    const { user, oneTimePassword } = res.json() as {
      user: { id: string; mustChangePassword: boolean; secondFactor: boolean };
      oneTimePassword: string;
    };
    expect(user).toMatchObject({ id: u.id, mustChangePassword: true, secondFactor: false });
    expect(oneTimePassword).toMatch(/^[A-Za-z2-9]{24}$/);
    expect(res.body).not.toContain('argon2');
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(s, false) })).statusCode,
    ).toBe(401); // the old session is dead
    const old = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'api.lost.phone', password: TEST_PASSWORD },
    });
    expect(errorOf(old).code).toBe('SIGN_IN_FAILED');
    const fresh = await signInApi('api.lost.phone', undefined, oneTimePassword); // no code asked
    const blocked = await app.inject({ method: 'GET', url: '/api/v1/persons', headers: as(fresh, false) });
    expect(errorOf(blocked).code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('R6.1 nobody is signed in without a cookie or token; an administrator acting in-process is not affected', async () => {
    await freshApp();
    expect((await app.inject({ method: 'GET', url: '/api/v1/register' })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/register',
          headers: { cookie: 'lupaus_session=forged' },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/register',
          headers: { authorization: 'Bearer lpt_forged' },
        })
      ).statusCode,
    ).toBe(401);
    const trusted = await buildApp({ register: reg, actor: TEST_ADMIN });
    try {
      expect((await trusted.inject({ method: 'GET', url: '/api/v1/register' })).statusCode).toBe(200);
    } finally {
      await trusted.close();
    }
  });
});
