import { describe, expect, it } from 'vitest';
import type { Backend } from './persons';
import { parseOptions } from './report';
import { benchSweep } from './sweep';

// A small run of the real sweep benchmark, so that it cannot rot. No timing is asserted.
const serverUrl = process.env.LUPAUS_TEST_DATABASE_URL;
const backend: Backend = serverUrl ? 'postgres' : 'pglite';

describe('the sweep benchmark', () => {
  it(`R5.2 sweeps exactly the due rows through runRetention and by a raw DELETE (${backend})`, async () => {
    const r = await benchSweep({
      backend,
      rows: 3000,
      due: 300,
      persons: 150,
      batchSize: 100,
      databaseUrl: serverUrl,
    });
    expect(r.measurements).toEqual([
      expect.objectContaining({
        metric: 'sweep',
        backend,
        unit: 'rows/s',
        value: expect.any(Number),
        raw: expect.any(Number),
      }),
    ]);
    expect(r.useCase.batches).toBe(3);
    // One audit row per person per batch.
    expect(r.useCase.auditRows).toBeGreaterThanOrEqual(150);
    expect(r.useCase.auditRows).toBeLessThanOrEqual(300);
  });

  it('takes the sweep sizes as options', () => {
    const o = parseOptions([
      '--suite',
      'sweep',
      '--sweep-rows',
      '5000',
      '--sweep-due',
      '500',
      '--sweep-persons',
      '100',
    ]);
    expect(o).toMatchObject({ suites: ['sweep'], sweepRows: 5000, sweepDue: 500, sweepPersons: 100 });
    expect(() => parseOptions(['--sweep-rows', '0'])).toThrow(/sweep-rows/);
  });
});
