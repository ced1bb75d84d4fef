import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

describe('POST /update-batches (R2.8, 003-auntie)', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await testApp('003-auntie');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: {
        source: 'subject',
        fields: {
          first_name: 'Maija',
          last_name: 'Meikäläinen',
          customer_number: 'A-1',
          address: { street: 'Vanhakatu 1', postalCode: '00100', city: 'Helsinki' },
        },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    id = res.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  const csv =
    'asiakasnumero;sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka\n' +
    'A-1;Virtanen;;Uusikatu 2;00500;Helsinki\n' +
    'A-2;Tuntematon;;;;\n';

  it('R2.8 a dry run of a text/csv body says what would change and writes nothing', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/update-batches?source=address_update&dryRun=true',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      dryRun: true,
      rows: 2,
      changed: 1,
      rejected: 1,
      problems: [{ line: 3, column: 'asiakasnumero', reason: 'no person has this customer number' }],
    });
    const p = await t.app.inject({ method: 'GET', url: `/api/v1/persons/${id}` });
    expect(p.json().fields.last_name).toBe('Meikäläinen');
  });

  it('R2.8 applies the batch with the update service as the provenance, the run kept in import_runs', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/update-batches?source=update_service&fileName=posti.csv',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ dryRun: false, source: 'address_update', changed: 1, rejected: 1 });
    const p = (await t.app.inject({ method: 'GET', url: `/api/v1/persons/${id}` })).json();
    expect(p.fields.last_name).toBe('Virtanen');
    expect(p.provenance.address.source).toBe('address_update');
    const run = await t.register.db
      .selectFrom('import_runs')
      .select(['kind', 'file_name', 'status', 'updated', 'rejected'])
      .where('id', '=', report.runId)
      .executeTakeFirstOrThrow();
    expect(run).toEqual({
      kind: 'update-batch',
      file_name: 'posti.csv',
      status: 'completed',
      updated: 1,
      rejected: 1,
    });
  });

  it('R2.8 a column that is not a name or an address is refused (422) naming it; a bad mapping too', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/update-batches?source=address_update',
      headers: { 'content-type': 'text/csv' },
      payload: 'asiakasnumero;puhelin\nA-1;0401234567\n',
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(errorOf(res).problems[0]).toMatchObject({ at: 'column puhelin' });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/update-batches?source=address_update&mapping=%7Bnot%20json',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(errorOf(bad).problems[0]?.at).toBe('mapping');
  });
});
