import { describe, expect, it } from 'vitest';
import { benchIngest, generateVisits, INGEST_EXAMPLES } from './ingest';
import type { Backend } from './persons';
import { formatTable, parseOptions } from './report';

// A small run of the real ingestion benchmark, so that it cannot rot. No timing is asserted.
// On PGlite, or on the server of LUPAUS_TEST_DATABASE_URL when the suite runs against PostgreSQL.
const serverUrl = process.env.LUPAUS_TEST_DATABASE_URL;
const backend: Backend = serverUrl ? 'postgres' : 'pglite';

describe('the ingestion benchmark', () => {
  it('generates the same web visits for a seed, half by id and half by customer number', () => {
    const persons = [
      { id: '01900000-0000-7000-8000-000000000001', customerNumber: 'B-1' },
      { id: '01900000-0000-7000-8000-000000000002', customerNumber: 'B-2' },
    ];
    const a = generateVisits(persons, 20, 7);
    expect(generateVisits(persons, 20, 7)).toEqual(a);
    expect(a[0]?.person).toHaveProperty('id');
    expect(a[1]?.person).toHaveProperty('customerNumber');
    expect(a.every((e) => e.kind === INGEST_EXAMPLES['002-vastuu-group'].kind)).toBe(true);
    expect(generateVisits(persons, 3, 7, '003-auntie')[0]?.kind).toBe('web_usage');
  });

  it(`R2.4 runs end to end on ${backend} and reports positive rates`, async () => {
    const r = await benchIngest({
      backend,
      persons: 40,
      events: 250,
      batchSize: 100,
      databaseUrl: serverUrl,
    });
    expect(r).toMatchObject({ backend, persons: 40, events: 250, batchSize: 100, contacts: false });
    expect(r.measurements.map((m) => [m.metric, m.unit])).toEqual([['ingest', 'events/s']]);
    for (const n of [r.measurements[0]!.value, r.measurements[0]!.raw, r.measurements[0]!.ratio]) {
      expect(Number.isFinite(n) && n > 0).toBe(true);
    }
    expect(formatTable(r.measurements).split('\n')).toHaveLength(3);
  });

  it('is chosen on the command line', () => {
    expect(parseOptions(['--suite', 'ingest', '--events', '5000', '--ingest-persons', '100'])).toMatchObject({
      suites: ['ingest'],
      events: 5000,
      ingestPersons: 100,
    });
    const defaults = parseOptions([]);
    expect(defaults).toMatchObject({ events: 100_000, ingestPersons: 10_000 });
    expect(defaults !== 'help' && defaults.suites).toEqual(expect.arrayContaining(['persons', 'ingest']));
    expect(() => parseOptions(['--suite', 'sweep-all'])).toThrow(/suite/);
  });
});
