import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiOnlyApp } from './app';
import { openApiText } from './openapi';
import { OPENAPI_PATH } from './scripts/paths';
import { type TestApp, testApp } from './test-app';

describe('the OpenAPI description (R7.3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('R7.3 docs/openapi.json is what the app generates (run packages/api/src/scripts/emit-openapi.ts)', async () => {
    const app = await openApiOnlyApp();
    try {
      expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(openApiText(app));
    } finally {
      await app.close();
    }
  });

  it('R7.3 GET /openapi.json serves the same description, listing every route under /api/v1', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc).toEqual(JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')));
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'GET /api/v1/register',
        'GET /api/v1/catalogue',
        'GET /api/v1/notice',
        'GET /api/v1/notice/versions',
        'GET /api/v1/public/notice',
        'POST /api/v1/public/requests',
        'POST /api/v1/public/links/check',
        'POST /api/v1/public/links/use',
        'GET /api/v1/public/session',
        'GET /api/v1/public/session/access-report',
        'GET /api/v1/public/session/portable-data',
        'PUT /api/v1/public/session/consents',
        'POST /api/v1/public/session/objection',
        'POST /api/v1/public/session/sign-out',
        'GET /api/v1/ropa',
        'POST /api/v1/persons',
        'GET /api/v1/persons',
        'POST /api/v1/persons/search',
        'GET /api/v1/persons/{id}',
        'PATCH /api/v1/persons/{id}',
        'POST /api/v1/persons/{id}/reveal-hetu',
        'GET /api/v1/persons/{id}/provenance',
        'POST /api/v1/organisations',
        'GET /api/v1/organisations',
        'GET /api/v1/organisations/{id}',
        'PATCH /api/v1/organisations/{id}',
        'POST /api/v1/organisations/{id}/contacts',
        'POST /api/v1/contact-roles/{id}/end',
        'POST /api/v1/persons/{id}/records',
        'GET /api/v1/persons/{id}/timeline',
        'GET /api/v1/records/{id}',
        'PATCH /api/v1/records/{id}',
        'DELETE /api/v1/records/{id}',
        'PUT /api/v1/records/{id}/files/{field}',
        'GET /api/v1/files/{id}',
        'POST /api/v1/interactions/batch',
        'GET /api/v1/persons/{id}/relationship',
        'POST /api/v1/persons/{id}/relationship/end',
        'DELETE /api/v1/persons/{id}/relationship/end',
        'POST /api/v1/retention/plan',
        'POST /api/v1/retention/runs',
        'GET /api/v1/retention/runs',
        'GET /api/v1/retention/runs/{id}',
        'GET /api/v1/legal-holds',
        'POST /api/v1/legal-holds',
        'POST /api/v1/legal-holds/{id}/release',
        'POST /api/v1/persons/{id}/consents',
        'GET /api/v1/persons/{id}/consents',
        'POST /api/v1/persons/{id}/consents/withdraw',
        'POST /api/v1/persons/{id}/consent-evidence',
        'GET /api/v1/consents/{id}/evidence',
        'POST /api/v1/persons/{id}/direct-marketing-objections',
        'POST /api/v1/suppression-lists',
        'POST /api/v1/marketing/selections',
        'POST /api/v1/marketing/segment',
        'POST /api/v1/marketing/labels',
        'POST /api/v1/requests',
        'GET /api/v1/requests',
        'GET /api/v1/requests/{id}',
        'POST /api/v1/requests/{id}/verify',
        'POST /api/v1/requests/{id}/extend',
        'POST /api/v1/requests/{id}/refuse',
        'GET /api/v1/requests/{id}/letter',
        'PUT /api/v1/requests/{id}/letter',
        'POST /api/v1/requests/{id}/complete',
        'GET /api/v1/dashboards/requests',
        'GET /api/v1/dashboards/consents',
        'GET /api/v1/dashboards/retention',
        'GET /api/v1/persons/{id}/access-report',
        'GET /api/v1/persons/{id}/portable-data',
        'POST /api/v1/persons/{id}/disclosures',
        'GET /api/v1/persons/{id}/disclosures',
        'POST /api/v1/persons/{id}/rectification',
        'POST /api/v1/requests/{id}/refuse-rectification',
        'GET /api/v1/persons/{id}/restrictions',
        'POST /api/v1/persons/{id}/restrictions',
        'POST /api/v1/restrictions/{id}/notify-lift',
        'POST /api/v1/restrictions/{id}/lift',
        'GET /api/v1/persons/{id}/objections',
        'POST /api/v1/persons/{id}/objections',
        'POST /api/v1/objections/{id}/decision',
        'GET /api/v1/notifications',
        'POST /api/v1/notifications/send',
        'POST /api/v1/persons/{id}/erasure',
        'POST /api/v1/persons/{id}/anonymisation',
        'GET /api/v1/persons/{id}/erasure-plan',
        'GET /api/v1/erasures/blocked',
        'POST /api/v1/erasures/resume',
        'POST /api/v1/auth/sign-in',
        'POST /api/v1/auth/second-factor',
        'POST /api/v1/auth/sign-out',
        'POST /api/v1/auth/sign-out-everywhere',
        'GET /api/v1/auth/me',
        'POST /api/v1/auth/password',
        'POST /api/v1/auth/totp',
        'POST /api/v1/auth/totp/confirm',
        'GET /api/v1/commitment',
        'POST /api/v1/commitment/sign',
        'GET /api/v1/users',
        'POST /api/v1/users',
        'PATCH /api/v1/users/{id}',
        'POST /api/v1/users/{id}/unlock',
        'POST /api/v1/users/{id}/reset',
        'GET /api/v1/tokens',
        'POST /api/v1/tokens',
        'DELETE /api/v1/tokens/{id}',
        'GET /api/v1/audit',
        'POST /api/v1/audit/verify',
        'POST /api/v1/breaches',
        'GET /api/v1/breaches',
        'GET /api/v1/breaches/{id}',
        'POST /api/v1/breaches/{id}/persons',
        'POST /api/v1/breaches/{id}/authority-notification',
        'POST /api/v1/breaches/{id}/subject-decision',
        'POST /api/v1/breaches/{id}/notify-subjects',
        'POST /api/v1/breaches/{id}/close',
        'GET /api/v1/admin/users',
        'GET /api/v1/admin/roles',
        'GET /api/v1/admin/commitments',
        'GET /api/v1/admin/definition',
        'GET /api/v1/duplicates',
        'GET /api/v1/imports',
        'GET /api/v1/imports/{id}',
        'GET /api/v1/users/names',
        'POST /api/v1/duplicates/not-duplicate',
        'POST /api/v1/imports/consents',
        'POST /api/v1/imports/organisations',
        'POST /api/v1/imports/persons',
        'POST /api/v1/persons/{id}/merge',
        'POST /api/v1/update-batches',
      ].sort(),
    );
  });

  it('R7.3 a document route answers Markdown or HTML, and its errors are JSON', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content: Record<string, unknown> }> }>
      >;
    };
    const notice = doc.paths['/api/v1/notice']!.get!;
    expect(Object.keys(notice.responses['200']!.content).sort()).toEqual([
      'text/html; charset=utf-8',
      'text/markdown; charset=utf-8',
    ]);
    expect(Object.keys(notice.responses['404']!.content)).toEqual(['application/json']);
  });
});
