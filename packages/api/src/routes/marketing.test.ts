import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, pdfText } from '../../../engine/src/marketing/testing';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

/** Example 004: post, phone, email; mailing labels (printed lists) among the purposes. */
describe('the marketing routes', () => {
  let t: TestApp;
  const post = (url: string, payload: Json) => t.app.inject({ method: 'POST', url, payload });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await testApp('004-jari-mensonen');
    for (const [key, first] of [
      ['stays', 'Åke'],
      ['prohibits', 'Kieltäjä'],
    ] as const) {
      const p = await post('/api/v1/persons', {
        source: 'registrations',
        fields: {
          first_name: first,
          last_name: 'Öhman',
          email: `${key}@example.fi`,
          address: [{ street: 'Väinämöisenkatu 3', postalCode: '40100', city: 'Jyväskylä' }],
        },
      });
      expect(p.statusCode, p.body).toBe(201);
      ids[key] = p.json().id;
    }
    const k = await post(`/api/v1/persons/${ids.prohibits}/consents`, {
      channel: 'post',
      purpose: 'mailing_labels',
      state: 'prohibited',
      source: 'registrations',
      evidenceText: 'Kielsi luettelot',
    });
    expect(k.statusCode, k.body).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('R3.3 the segment CSV leaves out the person who prohibited; consumers are out of email without consent', async () => {
    const res = await post('/api/v1/marketing/segment', { purpose: 'mailing_labels', channel: 'post' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['x-lupaus-count']).toBe('1');
    const rows = parseCsv(res.body);
    expect(rows.map((r) => r[1])).toEqual(['first_name', 'Åke']);
    const email = await post('/api/v1/marketing/segment', { purpose: 'direct_marketing', channel: 'email' });
    expect(parseCsv(email.body)).toHaveLength(1);
  });

  it('R3.3 labels as PDF and HTML leave out the person who prohibited', async () => {
    const pdf = await post('/api/v1/marketing/labels', { purpose: 'mailing_labels', format: 'pdf' });
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Åke Öhman');
    expect(text).toContain('40100 JYVÄSKYLÄ');
    expect(text.join('\n')).not.toContain('Kieltäjä');
    const html = await post('/api/v1/marketing/labels', { purpose: 'mailing_labels', format: 'html' });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('Åke Öhman');
    expect(html.body).not.toContain('Kieltäjä');
    // For direct marketing by post the person who prohibited only labels is still in.
    const dm = await post('/api/v1/marketing/labels', { purpose: 'direct_marketing', format: 'html' });
    expect(dm.body).toContain('Kieltäjä');
  });

  it('R3.2 a selection names every person it admits and is audited; an undeclared purpose is a 422', async () => {
    const res = await post('/api/v1/marketing/selections', {
      purpose: 'direct_marketing',
      channel: 'post',
      personIds: [ids.stays],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().contacts).toEqual([
      expect.objectContaining({
        personId: ids.stays,
        business: false,
        address: expect.objectContaining({ postalCode: '40100' }),
      }),
    ]);
    const bad = await post('/api/v1/marketing/selections', { purpose: 'spam', channel: 'post' });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems[0]).toMatchObject({ at: 'purpose' });
    expect(errorOf(bad).problems[0]?.message).toContain('declared: direct_marketing');
    // One row per page of persons selected, naming them in person_ids (R6.4).
    const audits = await t.register.db
      .selectFrom('audit_log')
      .select('person_ids')
      .where('action', '=', 'marketing_select')
      .where(sql<boolean>`person_ids @> array[${ids.stays!}]::uuid[]`)
      .execute();
    expect(audits.length).toBeGreaterThanOrEqual(3);
  });
});
