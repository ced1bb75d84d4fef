import { TEST_DATABASE_URL } from '@lupaus/db/testing';
import { describe, expect, it } from 'vitest';
import { benchLoad, LOAD_KINDS } from './load';
import { parseOptions } from './report';

/**
 * Issue 8, load: a small run of the load benchmark (10 clients, 3 s, 300 persons) through `lupaus serve`, so that it
 * cannot rot: no errors, every acknowledged write found in the database, the counts grown by exactly as many.
 */
describe('load benchmark (issue 8)', () => {
  it('issue 8 R2.1 R3.1 R4.1: 10 clients for 3 s through lupaus serve lose no acknowledged write and get no error', async () => {
    const r = await benchLoad({
      backend: TEST_DATABASE_URL ? 'postgres' : 'pglite',
      databaseUrl: TEST_DATABASE_URL,
      persons: 300,
      clients: 10,
      seconds: 3,
      raw: false,
    });
    expect(r.app.errors).toBe(0);
    expect(r.verification.lost).toBe(0);
    for (const k of LOAD_KINDS) expect(r.app.kinds[k].count, k).toBeGreaterThan(0);
    const v = r.verification;
    expect(v.found).toEqual(v.acknowledged);
    expect(v.grown).toEqual({
      persons: v.acknowledged.creates,
      consents: v.acknowledged.consents,
      requests: v.acknowledged.requests,
      updateAuditRows: v.acknowledged.updates,
    });
    expect(r.measurements.find((m) => m.metric === 'load throughput')?.value).toBeGreaterThan(0);
  }, 120_000);

  it('issue 8: is chosen on the command line, with its clients, seconds and persons', () => {
    expect(parseOptions(['--suite', 'load', '--load-clients', '10', '--load-seconds', '3'])).toMatchObject({
      suites: ['load'],
      loadClients: 10,
      loadSeconds: 3,
      loadPersons: 10_000,
    });
    expect(parseOptions([])).toMatchObject({ loadClients: 50, loadSeconds: 60 });
    expect(() => parseOptions(['--load-clients', '0'])).toThrow(/load-clients/);
  });
});
