import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

/** The access report, portable data and the disclosure log over HTTP (R4.2, R4.7, R6.5), on seed 002. */
describe('the access routes (002-vastuu-group)', () => {
  let t: TestApp;
  let maija: string;
  let other: string;
  const inject = (method: 'GET' | 'POST', url: string, payload?: Json) =>
    t.app.inject({ method, url, ...(payload ? { payload } : {}) });
  const request = async (type: string, personId: string, verify: boolean) => {
    const r = await inject('POST', '/api/v1/requests', { type, personId, receivedVia: 'electronic' });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id as string;
    if (verify) {
      const v = await inject('POST', `/api/v1/requests/${id}/verify`, {
        method: 'strong_electronic_identification',
      });
      expect(v.statusCode, v.body).toBe(200);
    }
    return id;
  };

  beforeAll(async () => {
    t = await testApp('002-vastuu-group');
    const p = await inject('POST', '/api/v1/persons', {
      source: 'subject',
      fields: {
        first_name: 'Maija',
        last_name: 'Meikäläinen',
        email: ['maija@rakennus.example'],
        job_title: 'Johtaja',
      },
    });
    maija = p.json().id;
    other = (
      await inject('POST', '/api/v1/persons', {
        source: 'subject',
        fields: { first_name: 'Olli', last_name: 'Toinenasiakas', email: ['olli@toinen.example'] },
      })
    ).json().id;
    for (const personId of [maija, other]) {
      const o = await inject('POST', `/api/v1/persons/${personId}/records`, {
        kind: 'orders',
        source: 'subject',
        fields: { service: `Palvelu ${personId === maija ? 'A' : 'B'}`, ordered_at: '2026-01-15' },
      });
      expect(o.statusCode, o.body).toBe(201);
    }
    const w = await inject('POST', `/api/v1/persons/${maija}/records`, {
      kind: 'web_visits',
      source: 'web_analytics',
      fields: { ip_address: '192.0.2.44', visited_at: '2026-02-02T12:00:00Z' },
    });
    expect(w.statusCode, w.body).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('R6.5 POST /persons/:id/disclosures records a disclosure (201); GET lists it; bad input is 422 naming the field', async () => {
    const res = await inject('POST', `/api/v1/persons/${maija}/disclosures`, {
      disclosure: 'authority_orders',
      recipientName: 'Keskusrikospoliisi',
      recipientEmail: 'kirjaamo@poliisi.example',
      categories: ['contact_details'],
      reason: 'Määräys 5/2026',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      recipient: 'authorities',
      basis: 'legal_obligation',
      recipientName: 'Keskusrikospoliisi',
    });
    const list = await inject('GET', `/api/v1/persons/${maija}/disclosures`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    const bad = await inject('POST', `/api/v1/persons/${maija}/disclosures`, {
      disclosure: 'partner_direct_marketing',
      recipientName: 'Kumppani Oy',
      categories: ['web_visits'],
    });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems[0]?.at).toBe('categories[0]');
    expect((await inject('GET', `/api/v1/persons/${maija}/disclosures`)).json().items).toHaveLength(1);
  });

  it('R4.2 GET /persons/:id/access-report gives JSON, HTML and PDF of this person only; a verified request is completed', async () => {
    const requestId = await request('access', maija, true);
    const json = await inject(
      'GET',
      `/api/v1/persons/${maija}/access-report?format=json&requestId=${requestId}`,
    );
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    const report = json.json();
    expect(report.kind).toBe('lupaus.access-report');
    expect(report.counts).toMatchObject({ orders: 1, interactions: 1, disclosures: 1, requests: 1 });
    expect(json.body).toContain('Keskusrikospoliisi');
    expect(json.headers['x-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const done = await inject('GET', `/api/v1/requests/${requestId}`);
    expect(done.json()).toMatchObject({ state: 'completed' });
    expect(done.json().outcome.accessReport.sha256).toBe(json.headers['x-content-sha256']);

    const html = await inject('GET', `/api/v1/persons/${maija}/access-report?format=html&lang=en`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const body of [json.body, html.body]) {
      for (const s of ['Olli', 'Toinenasiakas', 'olli@toinen.example', 'Palvelu B', other, 'test-admin']) {
        expect(body).not.toContain(s);
      }
    }
    const pdf = await inject('GET', `/api/v1/persons/${maija}/access-report?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    expect((await PDFDocument.load(pdf.rawPayload)).getPageCount()).toBeGreaterThan(0);
  });

  it('R4.2 an unverified access request blocks the report with 409; a bad format is 400', async () => {
    const requestId = await request('access', maija, false);
    const res = await inject(
      'GET',
      `/api/v1/persons/${maija}/access-report?format=json&requestId=${requestId}`,
    );
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('REQUEST_NOT_VERIFIED');
    expect(res.body).not.toContain('Meikäläinen');
    expect((await inject('GET', `/api/v1/persons/${maija}/access-report?format=docx`)).statusCode).toBe(400);
  });

  it('R4.7 GET /persons/:id/portable-data gives provided data under contract as JSON and CSV, not web visits', async () => {
    const requestId = await request('portability', maija, true);
    const json = await inject('GET', `/api/v1/persons/${maija}/portable-data?requestId=${requestId}`);
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json().person.fields).toMatchObject({ first_name: 'Maija', job_title: 'Johtaja' });
    expect(json.json().records.map((r: { kind: string }) => r.kind)).toEqual(['orders']);
    const csv = await inject('GET', `/api/v1/persons/${maija}/portable-data?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('holder,record_id,category,field,value,source,saved_at');
    expect(csv.body).toContain('Palvelu A');
    for (const body of [json.body, csv.body]) {
      expect(body).not.toContain('192.0.2.44');
      expect(body).not.toContain('Palvelu B');
    }
  });
});
