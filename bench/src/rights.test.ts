import { describe, expect, it } from 'vitest';
import type { Backend } from './persons';
import { parseOptions } from './report';
import { benchRights } from './rights';

// A small run of the real rights benchmark, so that it cannot rot. No timing is asserted.
const serverUrl = process.env.LUPAUS_TEST_DATABASE_URL;
const backend: Backend = serverUrl ? 'postgres' : 'pglite';

describe('the rights benchmark', () => {
  it(`R4.2 R4.4 reports the access report and the erasure against raw SQL (${backend})`, async () => {
    const r = await benchRights({ backend, interactions: 300, others: 20, runs: 2, databaseUrl: serverUrl });
    expect(r.measurements).toEqual([
      expect.objectContaining({ metric: 'access report', backend, unit: 'ms', value: expect.any(Number) }),
      expect.objectContaining({ metric: 'erasure', backend, unit: 'ms', raw: expect.any(Number) }),
    ]);
    // The raw read saw the person, their 300 visits, an order, a disclosure and the provenance of each fact.
    expect(r.access.rawRows).toBeGreaterThan(303);
    expect(r.access.useCase).toHaveLength(2);
    expect(r.erasure).toMatchObject({ state: 'completed' });
    expect(r.erasure.deleted).toBeGreaterThanOrEqual(301);
    expect(r.erasure.rawRows).toBeGreaterThan(303);
  });

  it('takes the rights sizes as options', () => {
    const o = parseOptions(['--suite', 'rights', '--rights-interactions', '500', '--rights-runs', '2']);
    expect(o).toMatchObject({ suites: ['rights'], rightsInteractions: 500, rightsRuns: 2 });
    expect(() => parseOptions(['--rights-interactions', '0'])).toThrow(/rights-interactions/);
  });
});
