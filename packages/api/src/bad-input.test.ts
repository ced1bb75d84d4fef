import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from './scripts/paths';
import { type TestApp, testApp } from './test-app';

/**
 * Every route of the API against bad input: ids that are not UUIDs, NUL characters, missing and wrongly typed
 * bodies, bad query values. None may answer with a 5xx; each refusal is the catalogue's error body saying what.
 */
describe('bad input on every route (R7.3)', () => {
  let t: TestApp;
  let personId: string;
  beforeAll(async () => {
    t = await testApp('001-vitec-katrina');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: {
        source: 'subject',
        fields: { first_name: 'Aino', last_name: 'Bad', email: 'aino@example.fi' },
      },
    });
    personId = (res.json() as { id: string }).id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('R7.3 no route answers bad input with a 5xx; every refusal names its error code', async () => {
    const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const ids = [personId, 'zzz', '0190a000-0000-7000-8000-00000000dead', 'a\u0000b'];
    const bodies: unknown[] = [
      undefined,
      {},
      null,
      [],
      'x',
      { personId: 'x', type: 'access', receivedVia: 'electronic' },
      { purpose: 'x\u0000', channel: 1 },
      { fields: 'x', reason: '\u0000', requestId: 'zz' },
      { entries: [{}], text: 5 },
      { months: 99, reason: 'x' },
    ];
    const query = '?format=zz&after=zz&limit=-1&overdue=maybe&lang=xx&requestId=zz&state=x';
    const failures: string[] = [];
    let requests = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        for (const id of ids) {
          const url = path.replace(/\{[a-z]+\}/g, encodeURIComponent(id));
          for (const body of method === 'get' || method === 'delete' ? [undefined] : bodies) {
            for (const q of ['', query]) {
              requests++;
              const res = await t.app.inject({
                method: method.toUpperCase() as 'GET',
                url: url + q,
                ...(body === undefined
                  ? {}
                  : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
              });
              const what = `${method.toUpperCase()} ${url}${q} ${JSON.stringify(body)}`;
              if (res.statusCode >= 500)
                failures.push(`${res.statusCode} ${what}: ${res.body.slice(0, 200)}`);
              else if (res.statusCode >= 400 && !(res.json() as { error?: { code?: string } }).error?.code)
                failures.push(`${res.statusCode} without an error code: ${what}`);
            }
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });
});
