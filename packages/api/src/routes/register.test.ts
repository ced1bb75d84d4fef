import { noticeTitle, renderRopa } from '@lupaus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

describe('the register routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('003-auntie');
  });
  afterAll(async () => {
    await t.close();
  });

  it('R7.3 GET /api/v1/register tells the controller, the register, its languages and current notice version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/register' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const def = t.register.definition;
    expect(body.id).toBe(def.id);
    expect(body.controller.name).toBe(def.controller.name);
    expect(body.controller.businessId).toBe(def.controller.businessId);
    expect(body.name.fi).toBe(def.register.name.fi);
    expect(body.languages).toEqual(def.languages);
    expect(body.notice.date).toBe(def.notice.date);
    expect(body.notice.version).toBe(1);
  });

  it('R7.3 GET /api/v1/catalogue lists every declared field with its category, purposes and retention', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/catalogue' });
    expect(res.statusCode).toBe(200);
    const fields = res.json().fields as {
      key: string;
      revealRoles: string[] | null;
      category: { id: string };
    }[];
    expect(fields.map((f) => f.key)).toEqual(t.register.catalogue.fields.map((f) => f.key));
    const hetu = fields.find((f) => f.key === 'person.hetu');
    expect(hetu?.revealRoles?.length).toBeGreaterThan(0);
    expect(fields.find((f) => f.key === 'person.email')?.category.id).toBe('basic_details');
  });

  it('R1.2 the notice is served as Markdown and HTML, in Finnish and English, with its version', async () => {
    const name = t.register.definition.controller.name;
    for (const lang of ['fi', 'en'] as const) {
      const md = await t.app.inject({ method: 'GET', url: `/api/v1/notice?lang=${lang}&format=md` });
      expect(md.statusCode).toBe(200);
      expect(md.headers['content-type']).toMatch(/^text\/markdown/);
      expect(md.body).toMatch(/^# /);
      expect(md.body).toContain(name);
      expect(md.body).not.toContain('<html');

      const html = await t.app.inject({ method: 'GET', url: `/api/v1/notice?lang=${lang}&format=html` });
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.body).toContain(`lang="${lang}"`);
      expect(html.body).toContain('<h1');
    }
    const fi = await t.app.inject({ method: 'GET', url: '/api/v1/notice?lang=fi&format=md' });
    const en = await t.app.inject({ method: 'GET', url: '/api/v1/notice?lang=en&format=md' });
    expect(fi.body).not.toBe(en.body);
    expect(fi.body).toContain(noticeTitle(t.register.definition, 'fi'));
    expect(en.body).toContain(noticeTitle(t.register.definition, 'en'));
  });

  it('R1.2 the published versions are listed and each one is retrievable by number; an unknown one is 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/notice/versions' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { version: number; noticeDate: string; contentHash: string }[];
    expect(items.map((v) => v.version)).toEqual([1]);
    expect(items[0]?.noticeDate).toBe(t.register.definition.notice.date);

    const v1 = await t.app.inject({ method: 'GET', url: '/api/v1/notice?version=1&lang=en&format=md' });
    const latest = await t.app.inject({ method: 'GET', url: '/api/v1/notice?lang=en&format=md' });
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toBe(latest.body);

    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/notice?version=99' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).code).toBe('NOT_FOUND');
  });

  it('R1.2 a language the notice is not written in is a 400 naming the query parameter', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/notice?lang=de' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
    expect(errorOf(res).problems.map((p) => p.at)).toEqual(['query.lang']);
  });

  it('R1.6 GET /api/v1/ropa serves the record of processing activities from the same definition', async () => {
    const md = await t.app.inject({ method: 'GET', url: '/api/v1/ropa?lang=fi&format=md' });
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.body).toBe(renderRopa(t.register.definition, { lang: 'fi', format: 'md' }));
    const html = await t.app.inject({ method: 'GET', url: '/api/v1/ropa?lang=en&format=html' });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('<table');
  });
});
