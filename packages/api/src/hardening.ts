import { createHash } from 'node:crypto';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { LupausError } from '@lupaus/core';
import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * Hardening of the HTTP API (issue 5 item 7, R6.1): security headers with a Content-Security-Policy on every
 * response, `Cache-Control: no-store` on every API response (personal data must not stay in a cache), and rate
 * limits per client address on the routes anyone may call: signing in (10 a minute) and the other public
 * routes, such as the privacy notice (120 a minute).
 */
export interface HardeningOptions {
  /**
   * The rate limits of the public routes, per client address and time window; `false` turns them all off.
   * A number left out comes from the environment (`LUPAUS_RATE_LIMIT_SIGN_IN`, `LUPAUS_RATE_LIMIT_PUBLIC`,
   * `LUPAUS_RATE_LIMIT_WINDOW_MS`), else the default. A limit of `false` (or `off` / `0` in the environment)
   * turns that one limit off.
   */
  rateLimits?: false | Partial<RateLimits>;
}

/** How many requests one client address may make to a kind of public route in one time window. */
export interface RateLimits {
  /** Signing in: the public routes under `/auth/` (sign-in, second factor). Default 10. */
  signIn: number | false;
  /** Every other public route (the privacy notice). Default 120. */
  public: number | false;
  /** The time window in milliseconds. Default one minute. */
  windowMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { signIn: 10, public: 120, windowMs: 60_000 };

/**
 * The Content-Security-Policy of the API and of the web app served from the same origin: everything from the
 * origin itself, images also as data: URLs, no plugins, no framing, forms only to the origin.
 */
export const CSP_DIRECTIVES: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/**
 * Whether a route is one of signing in: a public route under `/auth/`, or one of the public page's that sends
 * an email or uses an emailed link (`/public/requests`, `/public/links/`): they get the stricter limit.
 */
export function isSignInRoute(url: string): boolean {
  return /\/auth\/|\/public\/requests$|\/public\/links\//.test(url);
}

/** The CSP source of every `<style>` element of an HTML document: `'sha256-…'` of its exact text. */
export function inlineStyleHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)) {
    hashes.add(
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '', 'utf8')
        .digest('base64')}'`,
    );
  }
  return [...hashes];
}

function withStyleHashes(csp: string, hashes: string[]): string {
  return csp
    .split(';')
    .map((d) => (d.trim().startsWith('style-src ') ? `${d.trim()} ${hashes.join(' ')}` : d))
    .join(';');
}

function limitFromEnv(name: string): number | false | undefined {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'off' || raw === '0') return false;
  if (!/^\d+$/.test(raw))
    throw new Error(`${name} must be a whole number of requests, or off (got "${raw}")`);
  return Number(raw);
}

/** The rate limits in force: the options, else the environment, else the defaults. `false`: none at all. */
export function rateLimitsOf(options: HardeningOptions = {}): RateLimits | false {
  if (options.rateLimits === false) return false;
  const given = options.rateLimits ?? {};
  const windowMs = given.windowMs ?? limitFromEnv('LUPAUS_RATE_LIMIT_WINDOW_MS');
  return {
    signIn: given.signIn ?? limitFromEnv('LUPAUS_RATE_LIMIT_SIGN_IN') ?? DEFAULT_RATE_LIMITS.signIn,
    public: given.public ?? limitFromEnv('LUPAUS_RATE_LIMIT_PUBLIC') ?? DEFAULT_RATE_LIMITS.public,
    windowMs: typeof windowMs === 'number' && windowMs > 0 ? windowMs : DEFAULT_RATE_LIMITS.windowMs,
  };
}

/**
 * Installs the security headers, `no-store` on API responses and the rate limits. Call it on the root app
 * before any route is registered: its `onRoute` hook gives every public route (`config.permission: 'public'`)
 * registered later, in any plugin, its rate limit. A request over the limit is refused with 429 `RATE_LIMITED`
 * (our error body) and a `Retry-After` header in seconds.
 */
export async function installHardening(app: FastifyInstance, options: HardeningOptions = {}): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    xContentTypeOptions: true,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xPoweredBy: true,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  // The HTML documents the API renders (the privacy notice, the access report) carry their style inline: the
  // policy allows exactly those style elements by their hash, nothing else inline.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      return payload;
    const hashes = inlineStyleHashes(payload);
    const csp = reply.getHeader('content-security-policy');
    if (hashes.length > 0 && typeof csp === 'string') {
      reply.header('content-security-policy', withStyleHashes(csp, hashes));
    }
    return payload;
  });

  const limits = rateLimitsOf(options);
  if (limits === false) return;
  // This hook runs before the rate-limit plugin's own onRoute hook (registered just below), so the plugin sees
  // the limit set here.
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config?.permission !== 'public' || route.config.rateLimit !== undefined) return;
    const max = isSignInRoute(route.url) ? limits.signIn : limits.public;
    if (max === false) return;
    route.config = { ...route.config, rateLimit: { max, timeWindow: limits.windowMs } };
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new LupausError('RATE_LIMITED', { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  });
}
