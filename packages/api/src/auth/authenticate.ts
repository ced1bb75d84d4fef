import { LupausError } from '@lupaus/core';
import {
  authenticateSession,
  authenticateToken,
  type Register,
  sameSecret,
  sessionLifetimes,
} from '@lupaus/engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../app';

/** The name of the session cookie. */
export const SESSION_COOKIE = 'lupaus_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The cookie session a request was authenticated by (absent for an API token). */
    lupausSession?: { id: string; expiresAt: string; csrfToken: string };
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a user who must still change a one-time password may do. */
export const PASSWORD_CHANGE_ROUTES = new Set([
  '/api/v1/auth/me',
  '/api/v1/auth/password',
  '/api/v1/auth/sign-out',
  '/api/v1/auth/sign-out-everywhere',
]);

/** What a user who must still set up the required second factor may do. */
export const ENROLMENT_ROUTES = new Set([
  ...PASSWORD_CHANGE_ROUTES,
  '/api/v1/auth/totp',
  '/api/v1/auth/totp/confirm',
]);

/** The value of one cookie of a request, or undefined. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Sets the session cookie (R6.1): HttpOnly (no script reads it), Secure (HTTPS only; browsers allow it on
 * localhost too), SameSite=Strict (never sent by another site's request), the whole API as its path, and the
 * session's lifetime as Max-Age. `maxAgeSeconds` 0 clears it.
 */
export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  );
}

/** The absolute lifetime of a complete session, in seconds (the cookie's Max-Age). */
export function sessionMaxAgeSeconds(register: Register): number {
  return Math.floor(sessionLifetimes(register).maxMs / 1000);
}

/**
 * How the API finds who makes a request (R6.1):
 *
 * - `Authorization: Bearer lpt_…`: an API token; it acts as its user within its scopes. No cookie, so no CSRF.
 * - else the `lupaus_session` cookie: a complete, live session. An unsafe method (POST, PUT, PATCH, DELETE)
 *   must carry the session's CSRF token in `x-csrf-token`, else CSRF_FAILED (403).
 *
 * A user who must change a one-time password gets PASSWORD_CHANGE_REQUIRED on every route but the password
 * change, `me` and signing out; a user who must set up the required second factor gets
 * SECOND_FACTOR_ENROLMENT_REQUIRED on every route but those and the enrolment. Null (401) when neither
 * authenticates.
 */
export function authenticateRequest(register: () => Register): Authenticator {
  return async (request) => {
    const reg = register();
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string' && authorization !== '') {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization);
      return m ? authenticateToken(reg, m[1]!) : null;
    }
    const token = cookieOf(request, SESSION_COOKIE);
    if (!token) return null;
    const session = await authenticateSession(reg, token);
    if (!session) return null;
    if (UNSAFE.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !sameSecret(header, session.csrfToken)) {
        throw new LupausError('CSRF_FAILED', {}, [
          { at: 'x-csrf-token', message: 'send the csrfToken given at sign-in in the x-csrf-token header' },
        ]);
      }
    }
    const route = request.routeOptions.url ?? '';
    if (session.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(route)) {
      throw new LupausError('PASSWORD_CHANGE_REQUIRED', {}, [
        { at: 'password', message: 'change the one-time password first: POST /api/v1/auth/password' },
      ]);
    }
    if (session.mustEnrolSecondFactor && !ENROLMENT_ROUTES.has(route)) {
      throw new LupausError('SECOND_FACTOR_ENROLMENT_REQUIRED', {}, [
        {
          at: 'totp',
          message: 'set up the second factor first: POST /api/v1/auth/totp, then /auth/totp/confirm',
        },
      ]);
    }
    request.lupausSession = {
      id: session.sessionId,
      expiresAt: session.expiresAt,
      csrfToken: session.csrfToken,
    };
    return session.actor;
  };
}
