import { createHash } from 'node:crypto';
import { openTestRegister } from '@lupaus/engine/testing';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from './app';
import { installErrorHandling } from './errors';
import { DEFAULT_RATE_LIMITS, inlineStyleHashes, installHardening, rateLimitsOf } from './hardening';
import { errorOf, testApp } from './test-app';

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function expectHardened(res: LightMyRequestResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(res.headers[name], name).toBe(value);
  }
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers.server).toBeUndefined();
}

/** A bare app with the hardening and one public sign-in route and one public route inside a prefixed plugin. */
async function bareApp(signIn: number, pub: number): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorHandling(app);
  await installHardening(app, { rateLimits: { signIn, public: pub } });
  await app.register(
    async (scope) => {
      scope.post('/auth/sign-in', { config: { permission: 'public' } }, async () => ({ ok: true }));
      scope.get('/notice', { config: { permission: 'public' } }, async () => ({ ok: true }));
      scope.get('/register', { config: { permission: 'register.read' } }, async () => ({ ok: true }));
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  return app;
}

describe('hardening of the API (issue 5 item 7)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('R6.1 issue 5: every API response carries the security headers, a CSP and Cache-Control no-store', async () => {
    const t = await testApp();
    try {
      const ok = await t.app.inject({ method: 'GET', url: '/api/v1/register' });
      expect(ok.statusCode).toBe(200);
      expectHardened(ok);
      expect(ok.headers['cache-control']).toBe('no-store');

      // An error response (a LupausError, a validation failure, an unknown route) is hardened as well.
      const bad = await t.app.inject({ method: 'GET', url: '/api/v1/persons/not-an-id' });
      expect(bad.statusCode).toBeGreaterThanOrEqual(400);
      expect(bad.statusCode).toBeLessThan(500);
      expectHardened(bad);
      expect(bad.headers['cache-control']).toBe('no-store');
      const missing = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-route' });
      expect(missing.statusCode).toBe(404);
      expect(errorOf(missing).code).toBe('NOT_FOUND');
      expectHardened(missing);
      expect(missing.headers['cache-control']).toBe('no-store');
    } finally {
      await t.close();
    }
  });

  it("R6.1 issue 5: an HTML document's inline style is allowed by its hash, and nothing else inline", async () => {
    const t = await testApp();
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/notice' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1];
      expect(style).toBeDefined();
      const hash = createHash('sha256')
        .update(style ?? '')
        .digest('base64');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain(`style-src 'self' 'sha256-${hash}'`);
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe-inline');
      expect(inlineStyleHashes('<p>no style</p>')).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('R6.1 issue 5: the 11th sign-in attempt in a minute from one address gets 429 RATE_LIMITED with Retry-After', async () => {
    const app = await bareApp(10, 120);
    try {
      for (let i = 1; i <= 10; i++) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: {} });
        expect(res.statusCode, `attempt ${i}`).toBe(200);
      }
      const refused = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: {} });
      expect(refused.statusCode).toBe(429);
      expect(errorOf(refused)).toEqual({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/too many requests/i),
        problems: [],
      });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expectHardened(refused);
      // Another address is not held back, nor are the other public routes (their own, higher limit).
      const other = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: {},
        remoteAddress: '192.0.2.7',
      });
      expect(other.statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/notice' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('R6.1 issue 5: the real sign-in route, when present, is limited to 10 attempts a minute per address', async () => {
    const register = await openTestRegister('003-auntie');
    const app = await buildApp({ register });
    try {
      const route = { method: 'POST' as const, url: '/api/v1/auth/sign-in' };
      if (!app.hasRoute(route)) return; // accounts land in this same change; the bare app above covers the hook
      const codes: string[] = [];
      for (let i = 1; i <= 11; i++) {
        const res = await app.inject({
          ...route,
          payload: { username: `nobody-${i}`, password: 'not the password' },
        });
        codes.push(res.statusCode === 429 ? errorOf(res).code : String(res.statusCode));
      }
      expect(codes.slice(0, 10)).not.toContain('RATE_LIMITED');
      expect(codes[10]).toBe('RATE_LIMITED');
    } finally {
      await app.close();
      await register.close();
    }
  });

  it('R6.1 issue 5: public routes of the real app (the notice) are limited per address, as configured by the environment', async () => {
    vi.stubEnv('LUPAUS_RATE_LIMIT_PUBLIC', '3');
    const t = await testApp();
    try {
      for (let i = 1; i <= 3; i++) {
        expect((await t.app.inject({ method: 'GET', url: '/api/v1/notice' })).statusCode).toBe(200);
      }
      const refused = await t.app.inject({ method: 'GET', url: '/api/v1/notice' });
      expect(refused.statusCode).toBe(429);
      expect(errorOf(refused).code).toBe('RATE_LIMITED');
      expect(refused.headers['retry-after']).toBeDefined();
      // A route that needs a permission is not limited by the public limit.
      for (let i = 1; i <= 5; i++) {
        expect((await t.app.inject({ method: 'GET', url: '/api/v1/register' })).statusCode).toBe(200);
      }
    } finally {
      await t.close();
    }
  });

  it('R6.1 issue 5: behind a trusted proxy the limit counts each client, not the proxy; an untrusted one is one client', async () => {
    vi.stubEnv('LUPAUS_RATE_LIMIT_PUBLIC', '2');
    const register = await openTestRegister();
    const behind = await buildApp({ register, trustProxy: ['127.0.0.1'] });
    const direct = await buildApp({ register });
    const notice = (app: FastifyInstance, client: string) =>
      app.inject({ method: 'GET', url: '/api/v1/notice', headers: { 'x-forwarded-for': client } });
    try {
      for (const client of ['198.51.100.1', '198.51.100.2']) {
        expect((await notice(behind, client)).statusCode).toBe(200);
        expect((await notice(behind, client)).statusCode).toBe(200);
        expect((await notice(behind, client)).statusCode).toBe(429);
      }
      expect((await notice(direct, '198.51.100.1')).statusCode).toBe(200);
      expect((await notice(direct, '198.51.100.2')).statusCode).toBe(200);
      expect((await notice(direct, '198.51.100.3')).statusCode).toBe(429);
    } finally {
      await behind.close();
      await direct.close();
      await register.close();
    }
  });

  it('R6.1 issue 5: rate limits are on by default, configurable and can be turned off', async () => {
    vi.stubEnv('LUPAUS_RATE_LIMIT_SIGN_IN', '');
    vi.stubEnv('LUPAUS_RATE_LIMIT_PUBLIC', '');
    vi.stubEnv('LUPAUS_RATE_LIMIT_WINDOW_MS', '');
    expect(rateLimitsOf()).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS).toEqual({ signIn: 10, public: 120, windowMs: 60_000 });
    expect(rateLimitsOf({ rateLimits: { signIn: 3 } })).toEqual({ ...DEFAULT_RATE_LIMITS, signIn: 3 });
    expect(rateLimitsOf({ rateLimits: false })).toBe(false);
    vi.stubEnv('LUPAUS_RATE_LIMIT_SIGN_IN', 'off');
    vi.stubEnv('LUPAUS_RATE_LIMIT_PUBLIC', '500');
    expect(rateLimitsOf()).toEqual({ ...DEFAULT_RATE_LIMITS, signIn: false, public: 500 });
    vi.stubEnv('LUPAUS_RATE_LIMIT_PUBLIC', 'lots');
    expect(() => rateLimitsOf()).toThrow(/LUPAUS_RATE_LIMIT_PUBLIC/);

    const app = Fastify({ logger: false });
    await installHardening(app, { rateLimits: false });
    app.get('/api/v1/notice', { config: { permission: 'public' } }, async () => ({ ok: true }));
    await app.ready();
    try {
      for (let i = 1; i <= 30; i++) {
        expect((await app.inject({ method: 'GET', url: '/api/v1/notice' })).statusCode).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});
