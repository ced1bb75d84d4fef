import { LupausError } from '@lupaus/core';
import type { Register } from '@lupaus/engine';
import { TEST_ADMIN } from '@lupaus/engine/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { installErrorHandling, problemPath } from './errors';
import { errorOf, type TestApp, testApp } from './test-app';

describe('the error handler', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('003-auntie');
  });
  afterAll(async () => {
    await t.close();
  });

  it('R7.3 a body that is not JSON is a 400 BAD_REQUEST', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      headers: { 'content-type': 'application/json' },
      payload: '{"source": "subject", "fields": {',
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({
      code: 'BAD_REQUEST',
      message: 'The request body is not valid JSON.',
      problems: [],
    });
  });

  it('R7.3 a body of the wrong shape is a 422 VALIDATION_FAILED naming each part', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { fields: 'no', extra: 1 },
    });
    expect(res.statusCode).toBe(422);
    const error = errorOf(res);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.problems.map((p) => p.at).sort()).toEqual(['body.extra', 'body.fields', 'body.source']);
  });

  it('R7.3 an id that is not a UUID is a 400 naming params.id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/persons/123' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).problems.map((p) => p.at)).toEqual(['params.id']);
  });

  it('R7.3 an unknown route is a 404 in the same error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
  });

  it('R7.3 an unexpected failure is a 500 INTERNAL that leaks no message, path or stack', async () => {
    const secret = 'password=hunter2 at /srv/lupaus/secret-host:5432';
    const broken = {
      ...t.register,
      db: new Proxy(t.register.db, {
        get() {
          throw new Error(secret);
        },
      }),
    } as Register;
    const app = await buildApp({ register: broken, actor: TEST_ADMIN });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/persons' });
      expect(res.statusCode).toBe(500);
      expect(errorOf(res)).toEqual({
        code: 'INTERNAL',
        message: 'Something went wrong on our side; nothing was changed.',
        problems: [],
      });
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('/srv/');
      expect(res.body).not.toMatch(/stack|at .*\.ts/);
    } finally {
      await app.close();
    }
  });

  it('R7.3 a LupausError keeps its status, code and problems', async () => {
    const app = Fastify();
    installErrorHandling(app);
    app.get('/x', async () => {
      throw new LupausError('FIELD_NOT_DECLARED', { field: 'shoe_size' }, [
        { at: 'fields.shoe_size', message: 'not declared' },
      ]);
    });
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('FIELD_NOT_DECLARED');
    expect(errorOf(res).problems).toEqual([{ at: 'fields.shoe_size', message: 'not declared' }]);
    await app.close();
  });

  it('R7.3 problem paths name the part of the request', () => {
    expect(problemPath('body', '/fields/email')).toBe('body.fields.email');
    expect(problemPath('querystring', '/limit')).toBe('query.limit');
    expect(problemPath('params', '')).toBe('params');
  });
});
