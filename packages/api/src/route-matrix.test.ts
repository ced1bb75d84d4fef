import { randomUUID } from 'node:crypto';
import { PERMISSIONS, type Permission, permissionsOf, rolesOf } from '@lupaus/core';
import type { Actor, Register } from '@lupaus/engine';
import { openTestRegister } from '@lupaus/engine/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RouteRule, routeTable } from './app';
import { openApiDocument } from './openapi';

/**
 * The route × role matrix (R6.2, R6.3), generated from the app's own route table: every route is called as every
 * role of the register, as a user who has not signed the confidentiality commitment, and as nobody. A route the
 * role may not use must answer 403 FORBIDDEN (401 for nobody, COMMITMENT_REQUIRED without the commitment)
 * before anything else; a route it may use must never answer 401 or 403. The inputs are placeholders (an unknown
 * id, an empty body), so an allowed call ends in 404 or 422 and changes nothing. A new route is in the table the
 * moment it is registered, and a route without a permission stops the app from starting at all.
 */

type Who = { kind: 'role'; role: string } | { kind: 'unsigned' } | { kind: 'nobody' };

function pathOf(rule: RouteRule): string {
  return rule.url.replace(/:id\b/g, randomUUID()).replace(/:field\b/g, 'recording');
}

async function call(app: FastifyInstance, rule: RouteRule): Promise<LightMyRequestResponse> {
  const hasBody = rule.method === 'POST' || rule.method === 'PATCH' || rule.method === 'PUT';
  return app.inject({
    method: rule.method as 'GET',
    url: pathOf(rule),
    ...(hasBody ? { payload: {}, headers: { 'content-type': 'application/json' } } : {}),
  });
}

function codeOf(res: LightMyRequestResponse): string | undefined {
  try {
    return (res.json() as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

function expected(register: Register, who: Who, permission: RouteRule['permission']): string | 'allowed' {
  if (permission === 'public') return 'allowed';
  if (who.kind === 'nobody') return 'UNAUTHENTICATED';
  if (permission === 'signed-in') return 'allowed';
  if (who.kind === 'unsigned')
    return PERMISSIONS[permission].personalData ? 'COMMITMENT_REQUIRED' : 'allowed';
  return permissionsOf(register.definition, [who.role]).has(permission as Permission)
    ? 'allowed'
    : 'FORBIDDEN';
}

describe('the route × role matrix (R6.2, R6.3)', () => {
  let register: Register;
  const apps = new Map<string, { who: Who; app: FastifyInstance }>();

  beforeAll(async () => {
    register = await openTestRegister('003-auntie');
    const whos: Who[] = [
      ...rolesOf(register.definition).map((r) => ({ kind: 'role', role: r.id }) as Who),
      { kind: 'unsigned' },
      { kind: 'nobody' },
    ];
    for (const who of whos) {
      const actor: Actor | undefined =
        who.kind === 'role'
          ? { id: `matrix-${who.role}`, roles: [who.role], commitmentSigned: true }
          : who.kind === 'unsigned'
            ? { id: 'matrix-unsigned', roles: ['administrator'], commitmentSigned: false }
            : undefined;
      const app = await buildApp({ register, ...(actor ? { actor } : {}) });
      apps.set(who.kind === 'role' ? who.role : who.kind, { who, app });
    }
  });

  afterAll(async () => {
    for (const { app } of apps.values()) await app.close();
    await register.close();
  });

  it('R6.2 the route table holds every route of the OpenAPI description, each with a permission', async () => {
    const app = apps.get('administrator')?.app as FastifyInstance;
    const table = routeTable(app);
    const doc = JSON.parse(JSON.stringify(openApiDocument(app))) as { paths: Record<string, object> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const inTable = new Set(table.map((r) => `${r.method} ${r.url}`));
    expect(documented.length).toBeGreaterThan(60);
    for (const op of documented) expect(inTable, op).toContain(op);
    for (const rule of table) {
      expect(
        rule.permission === 'public' || rule.permission === 'signed-in' || rule.permission in PERMISSIONS,
      ).toBe(true);
    }
  });

  it('R6.2 R6.3 every route answers every role, the unsigned user and nobody as its permission says', async () => {
    const failures: string[] = [];
    let allowedSeen = 0;
    let refusedSeen = 0;
    for (const [name, { who, app }] of apps) {
      for (const rule of routeTable(app)) {
        // The data subject's session routes of the public page are public (no staff actor) but need the
        // subject's own session cookie, which no staff caller has.
        const want = rule.url.startsWith('/api/v1/public/session')
          ? 'UNAUTHENTICATED'
          : expected(register, who, rule.permission);
        const res = await call(app, rule);
        const code = codeOf(res);
        const line = `${name}: ${rule.method} ${rule.url} (${rule.permission}) → ${res.statusCode} ${code ?? ''}`;
        if (want === 'allowed') {
          allowedSeen++;
          if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode >= 500) failures.push(line);
        } else {
          refusedSeen++;
          const status = want === 'UNAUTHENTICATED' ? 401 : 403;
          if (res.statusCode !== status || code !== want)
            failures.push(`${line}, expected ${status} ${want}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The matrix exercises both outcomes, for every kind of caller.
    expect(allowedSeen).toBeGreaterThan(100);
    expect(refusedSeen).toBeGreaterThan(100);
  });

  it('R6.2 the marketing role reaches only the marketing gate and the register description', () => {
    const app = apps.get('marketing')?.app as FastifyInstance;
    const reachable = routeTable(app)
      .filter((r) => expected(register, { kind: 'role', role: 'marketing' }, r.permission) === 'allowed')
      .filter((r) => r.permission !== 'public' && r.permission !== 'signed-in')
      .map((r) => r.permission);
    expect(new Set(reachable)).toEqual(new Set(['register.read', 'marketing.select']));
  });
});
