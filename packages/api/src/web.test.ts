import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Register } from '@lupaus/engine';
import { addTestUser, openTestRegister, TEST_PASSWORD, totpCode } from '@lupaus/engine/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { errorOf } from './test-app';

/**
 * What the web application (issue 7) needs of the API: its files and page paths served under the strict CSP, the
 * session's CSRF token again after a reload (`/auth/me`), and the names of the users who saved a fact.
 */
let reg: Register;
let app: FastifyInstance;
let dir: string;

beforeAll(async () => {
  reg = await openTestRegister('003-auntie');
  dir = mkdtempSync(join(tmpdir(), 'lupaus-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>app</title><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  app = await buildApp({ register: reg, webDir: dir });
});
afterAll(async () => {
  await app.close();
  await reg.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Signs in with password and TOTP code; the session cookie and its CSRF token. */
async function signIn(username: string, totpSecret: string): Promise<{ cookie: string; csrf: string }> {
  const first = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { username, password: TEST_PASSWORD },
  });
  const pending = String(first.headers['set-cookie']).split(';')[0]!;
  const second = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/second-factor',
    headers: { cookie: pending, 'x-csrf-token': (first.json() as { csrfToken: string }).csrfToken },
    payload: { code: totpCode(totpSecret, new Date()) },
  });
  expect(second.statusCode, second.body).toBe(200);
  return {
    cookie: String(second.headers['set-cookie']).split(';')[0]!,
    csrf: (second.json() as { csrfToken: string }).csrfToken,
  };
}

describe('the web application through the API (R7.1)', () => {
  it('R7.1 page paths get index.html, files come from the build, the API keeps its 404, nothing outside the build is served', async () => {
    for (const url of ['/', '/persons', '/persons/01a203b5-fcf1-7998-99fe-d23278c6b9c6']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
      expect(res.body).toContain('/assets/app.js');
    }
    const js = await app.inject({ url: '/assets/app.js' });
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log(1)');
    expect((await app.inject({ url: '/assets/none.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/..%2F..%2Fetc%2Fpasswd' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/..%2F..%2Fpackage.json' })).statusCode).toBe(404);
    const api = await app.inject({ url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(errorOf(api).code).toBe('NOT_FOUND');
    expect((await app.inject({ url: '/openapi.json' })).headers['content-type']).toContain(
      'application/json',
    );
  });

  it('R6.1 /auth/me gives the session its CSRF token again, so that a reloaded page can write; R2.6 /users/names names the authors of facts; R3.1 /register names the consent channels and purposes', async () => {
    const u = await addTestUser(reg, { username: 'web.clerk', totp: true, signCommitment: true });
    const { cookie, csrf } = await signIn('web.clerk', u.totpSecret!);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    expect((me.json() as { csrfToken: string }).csrfToken).toBe(csrf);

    // The names of the consent channels and purposes come from the definition, for the consents of a person (R3.1).
    const register = (await app.inject({ url: '/api/v1/register', headers: { cookie } })).json() as {
      marketing: {
        channels: { id: string; name: { fi: string } }[];
        purposes: { id: string; model: string }[];
      };
    };
    expect(register.marketing.channels.map((c) => c.id)).toEqual(['email', 'sms', 'phone', 'post']);
    expect(register.marketing.channels[0]!.name.fi).toBe('Sähköposti');
    expect(register.marketing.purposes[0]).toMatchObject({ id: 'direct_marketing', model: 'opt_out' });

    const names = await app.inject({ url: '/api/v1/users/names', headers: { cookie } });
    expect(names.statusCode, names.body).toBe(200);
    const items = (names.json() as { items: Record<string, unknown>[] }).items;
    expect(items).toContainEqual({ id: u.id, displayName: 'web.clerk' });
    for (const i of items) expect(Object.keys(i).sort()).toEqual(['displayName', 'id']);

    const m = await addTestUser(reg, {
      username: 'web.marketing',
      roles: ['marketing'],
      totp: true,
      signCommitment: true,
    });
    const marketer = await signIn('web.marketing', m.totpSecret!);
    const refused = await app.inject({ url: '/api/v1/users/names', headers: { cookie: marketer.cookie } });
    expect(errorOf(refused).code).toBe('FORBIDDEN');
  });
});
