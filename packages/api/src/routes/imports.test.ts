import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

describe('POST /imports/persons, GET /imports (R2.8, 003-auntie)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('003-auntie');
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  const csv =
    '\uFEFFasiakasnumero;etunimi;sukunimi;email\n' +
    'K-1;Kaisa;Koivu;kaisa@example.fi\n' +
    'K-2;Kalle;;kalle@example.fi\n' +
    'K-3;Kerttu;Kuusi;kerttu(at)example.fi\n';
  const mapping = encodeURIComponent(
    JSON.stringify({ asiakasnumero: 'customer_number', etunimi: 'first_name', sukunimi: 'last_name' }),
  );

  it('R2.8 imports a streamed text/csv body: bad rows reported by line and column, good ones imported; the run is listed', async () => {
    const dry = await t.app.inject({
      method: 'POST',
      url: `/api/v1/imports/persons?source=subject&dryRun=true&mapping=${mapping}`,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      payload: csv,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, rows: 3, created: 1, rejected: 2 });

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/imports/persons?source=subject&fileName=asiakkaat.csv&mapping=${mapping}`,
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ dryRun: false, rows: 3, created: 1, updated: 0, rejected: 2 });
    expect(report.problems).toEqual([
      { line: 3, column: 'sukunimi', reason: 'last_name is required' },
      { line: 4, column: 'email', reason: expect.stringMatching(/not an email address/) },
    ]);
    const found = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons/search',
      payload: { customerNumber: 'K-1' },
    });
    expect(found.statusCode, found.body).toBe(200);

    const runs = await t.app.inject({ method: 'GET', url: '/api/v1/imports?kind=persons' });
    expect(runs.statusCode, runs.body).toBe(200);
    expect(runs.json().items.map((r: { id: string; dryRun: boolean }) => [r.id, r.dryRun])).toEqual([
      [report.runId, false],
      [dry.json().runId, true],
    ]);
    const run = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${report.runId}` });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({
      kind: 'persons',
      fileName: 'asiakkaat.csv',
      status: 'completed',
      created: 1,
      rejected: 2,
      problems: [
        { line: 3, column: 'sukunimi' },
        { line: 4, column: 'email' },
      ],
    });
    // The stored report keeps no cell values.
    expect(run.body).not.toContain('kerttu(at)');
  });

  it('R2.8 an unknown column is refused with 422 naming it; a missing run is 404', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports/persons?source=subject',
      headers: { 'content-type': 'text/csv' },
      payload: 'first_name;shoe_size\nA;44\n',
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(errorOf(res).problems[0]).toMatchObject({ at: 'column "shoe_size"' });
    const none = await t.app.inject({
      method: 'GET',
      url: '/api/v1/imports/01900000-0000-7000-8000-000000000000',
    });
    expect(none.statusCode).toBe(404);
  });
});
