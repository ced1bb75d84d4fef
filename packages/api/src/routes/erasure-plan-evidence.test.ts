import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

/** Example 001: an open invoice blocks erasure; consents by channel and purpose of its marketing section. */
describe('the erasure dry run and consent evidence files over HTTP (R4.4, R3.1)', () => {
  let t: TestApp;
  const post = (url: string, payload?: Json) =>
    t.app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  async function person(first: string): Promise<string> {
    const res = await post('/api/v1/persons', {
      source: 'registrations',
      fields: { first_name: first, last_name: 'Asiakas', email: `${first.toLowerCase()}@example.com` },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  beforeAll(async () => {
    t = await testApp('001-vitec-katrina');
  }, 180_000);
  afterAll(async () => {
    await t.close();
  });

  it('R4.4 GET /persons/{id}/erasure-plan names an open invoice as the blocker and changes nothing', async () => {
    const id = await person('Olli');
    const inv = await post(`/api/v1/persons/${id}/records`, {
      kind: 'invoices',
      source: 'purchases',
      fields: { number: 'L-9', issued_on: '2026-01-02', due_on: '2026-02-01', amount: 80, state: 'open' },
    });
    expect(inv.statusCode, inv.body).toBe(201);
    const res = await get(`/api/v1/persons/${id}/erasure-plan`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      personId: id,
      mode: 'erase',
      state: 'blocked',
      blockers: [{ kind: 'open_invoice', id: inv.json().id, until: null }],
      personGoes: false,
    });
    expect(res.json().keptFields).toEqual(expect.arrayContaining(['first_name', 'last_name']));
    expect((await get(`/api/v1/persons/${id}`)).json().fields.email).toEqual(['olli@example.com']);
    const anon = await get(`/api/v1/persons/${id}/erasure-plan?mode=anonymise`);
    expect(anon.json()).toMatchObject({ mode: 'anonymise', state: 'blocked' });
    const bad = await get(`/api/v1/persons/${id}/erasure-plan?mode=shred`);
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).problems[0]).toMatchObject({ at: 'query.mode' });
    expect((await get('/api/v1/persons/0193a000-0000-7000-8000-000000000000/erasure-plan')).statusCode).toBe(
      404,
    );
  }, 120_000);

  it('R3.1 a PDF stored as evidence is linked from the consent, listed with its name and downloaded back; other types are refused', async () => {
    const id = await person('Pirjo');
    const pdf = Buffer.from('%PDF-1.4\n% allekirjoitettu lomake\n%%EOF\n');
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/persons/${id}/consent-evidence`,
      headers: { 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent('lomake ä.pdf') },
      payload: pdf,
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({ personId: id, name: 'lomake ä.pdf', mediaType: 'application/pdf' });
    const reg = t.register.definition.marketing!;
    const consent = await post(`/api/v1/persons/${id}/consents`, {
      channel: reg.channels[0]!.id,
      purpose: reg.purposes[0]!.id,
      state: 'given',
      source: 'registrations',
      evidenceFileId: up.json().id,
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const list = await get(`/api/v1/persons/${id}/consents`);
    expect(list.json().history[0]).toMatchObject({
      evidenceFileId: up.json().id,
      evidenceFile: {
        id: up.json().id,
        name: 'lomake ä.pdf',
        mediaType: 'application/pdf',
        size: pdf.length,
      },
    });
    const down = await get(`/api/v1/consents/${list.json().history[0].id}/evidence`);
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.rawPayload.equals(pdf)).toBe(true);

    const exe = await t.app.inject({
      method: 'POST',
      url: `/api/v1/persons/${id}/consent-evidence`,
      headers: { 'content-type': 'application/x-msdownload', 'x-file-name': 'x.exe' },
      payload: pdf,
    });
    expect(exe.statusCode).toBe(422);
    expect(errorOf(exe).problems[0]).toMatchObject({ at: 'mediaType' });
  }, 120_000);
});
