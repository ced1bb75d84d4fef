import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHetu, parseYTunnus } from '@lupaus/core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateInteractions, generateOrganisations, personStream } from './generate';
import { assertImportOutcome } from './import';
import type { Backend } from './persons';
import { BROKEN_KINDS, CSV_COLUMNS, writePersonsCsv } from './persons-csv';
import { parseOptions } from './report';
import { benchScale, defaultBroken } from './scale';

// Small runs of the benchmarks at scale (P1, P2, P5, P6, P7), so that they cannot rot: the outcome checks are
// asserted (every broken row reported, every good row a person, the gate and raw SQL selecting the same set),
// never the speed. On PGlite, or on the server of LUPAUS_TEST_DATABASE_URL.
const serverUrl = process.env.LUPAUS_TEST_DATABASE_URL;
const backend: Backend = serverUrl ? 'postgres' : 'pglite';
const work = mkdtempSync(join(tmpdir(), 'lupaus-bench-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the generator at scale', () => {
  it('streams distinct, valid persons, the same for a seed', () => {
    const a = [...personStream(3000, 11)];
    expect([...personStream(3000, 11)]).toEqual(a);
    for (const key of ['hetu', 'customer_number'] as const) {
      expect(new Set(a.map((p) => p.fields[key])).size).toBe(a.length);
    }
    expect(new Set(a.map((p) => p.stored.emailKey)).size).toBe(a.length);
    expect(new Set(a.map((p) => p.stored.phoneE164)).size).toBe(a.length);
    for (const p of a.slice(0, 500)) {
      const h = parseHetu(p.fields.hetu);
      expect(h.ok && h.temporary).toBe(true);
      expect(p.stored.phoneE164).toMatch(/^\+3584[0-6]\d{7}$|^\+35850\d{7}$/);
    }
    expect(a.some((p) => /[äö]/.test(p.fields.last_name))).toBe(true);
  });

  it('makes organisations with valid business ids and interactions of 003', () => {
    const orgs = generateOrganisations(200, 3);
    expect(new Set(orgs.map((o) => o.businessId)).size).toBe(200);
    for (const o of orgs) expect(parseYTunnus(o.businessId)).toEqual({ ok: true, value: o.businessId });
    expect(orgs[0]!.name).toMatch(/ (Oy|Oy Ab|Ky|Tmi|Osk)$/);
    const xs = generateInteractions(5, 10, 3);
    expect(generateInteractions(5, 10, 3)).toEqual(xs);
    expect(new Set(xs.map((x) => x.kind))).toEqual(new Set(['feedback', 'web_usage']));
  });

  it('R2.8 writes the CSV with the broken rows at the lines it returns', async () => {
    const csv = await writePersonsCsv(join(work, 'small.csv'), { persons: 200, broken: 10, seed: 5 });
    const lines = readFileSync(csv.file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 210);
    expect(csv).toMatchObject({ rows: 210, persons: 200 });
    expect(csv.broken.map((b) => b.kind)).toEqual([...BROKEN_KINDS, ...BROKEN_KINDS]);
    const col = (c: string) => CSV_COLUMNS.indexOf(c as (typeof CSV_COLUMNS)[number]);
    for (const b of csv.broken) {
      const cells = lines[b.line - 1]!.split(',');
      expect(cells[0]).toMatch(/^X/);
      if (b.kind === 'hetu') expect(parseHetu(cells[col('hetu')]!).ok).toBe(false);
      if (b.kind === 'email') expect(cells[col('email')]).not.toContain('@');
      if (b.kind === 'missing') expect(cells[col('last_name')]).toBe('');
      if (b.kind === 'undeclared') expect(cells[col('gender')]).toBe('tuntematon');
      if (b.kind === 'postal') expect(cells[col('address.postalCode')]).toMatch(/^\d{4}$/);
    }
    const good = lines.slice(1).filter((l) => !l.startsWith('X'));
    expect(good).toHaveLength(200);
    expect(good.every((l) => l.split(',').length === CSV_COLUMNS.length)).toBe(true);
  });

  it('R2.8 the import benchmark fails loudly when a broken line is not reported or a good row is missing', () => {
    const csv = {
      file: '',
      rows: 11,
      persons: 10,
      bytes: 0,
      broken: [{ line: 5, kind: 'hetu' as const, column: 'hetu' }],
    };
    const ok = { rows: 11, created: 10, rejected: 1, missedLines: [], wrongLines: [], persons: 10 };
    expect(() => assertImportOutcome(csv, ok)).not.toThrow();
    expect(() => assertImportOutcome(csv, { ...ok, missedLines: [5] })).toThrow(/broken lines not reported/);
    expect(() => assertImportOutcome(csv, { ...ok, persons: 9 })).toThrow(/9 persons in the register/);
  });
});

describe(`the benchmarks at scale on ${backend}`, () => {
  it('R2.8 P1 import, P2 search and P5 segment run on one register and check their outcome', async () => {
    const r = await benchScale({
      backend,
      suites: ['import', 'search', 'segment'],
      persons: 500,
      broken: 10,
      searches: 5,
      segmentRuns: 1,
      databaseUrl: serverUrl,
    });
    expect(r.import.measured).toBe(true);
    expect(r.import.check).toMatchObject({
      rows: 510,
      created: 500,
      rejected: 10,
      missedLines: [],
      wrongLines: [],
      persons: 500,
    });
    expect(r.import.raw?.rate).toBeGreaterThan(0);
    expect(r.search?.email.useCase.hits).toBe(1);
    expect(r.search?.hetu.raw.hits).toBe(1);
    const [email, post] = r.segment!.segments;
    // The gate had work: consents (email) and prohibitions and suppressions (post) kept some out.
    expect(email!.count).toBeGreaterThan(0);
    expect(email!.count).toBeLessThan(500 * 0.5);
    expect(post!.count).toBeGreaterThan(email!.count);
    expect(post!.count).toBeLessThan(500);
    expect(r.measurements.map((m) => m.metric)).toEqual(
      expect.arrayContaining(['import', 'search name p95', 'segment email s', 'segment post s']),
    );
    for (const m of r.measurements) expect(Number.isFinite(m.ratio) && m.ratio > 0).toBe(true);
  });

  it('P6 api and P7 memory run through the real app and lupaus serve', async () => {
    const r = await benchScale({
      backend,
      suites: ['api', 'memory'],
      persons: 200,
      broken: 0,
      apiSeconds: 1,
      apiClients: 5,
      memoryRequests: 50,
      databaseUrl: serverUrl,
    });
    expect(r.import.measured).toBe(false);
    expect(r.api!.app.requests).toBeGreaterThan(0);
    expect(r.api!.bare.requests).toBeGreaterThan(0);
    expect(r.api!.app.errors + r.api!.bare.errors).toBe(0);
    expect(r.memory!.serve.peakMiB).toBeGreaterThan(30);
    expect(r.memory!.bare.peakMiB).toBeGreaterThan(10);
    expect(r.measurements.map((m) => m.metric)).toEqual([
      'api GET person',
      'api GET person p50',
      'api GET person p99',
      'serve peak memory',
      'serve RSS after requests',
    ]);
  });

  it('is chosen on the command line', () => {
    expect(
      parseOptions([
        '--suite',
        'import',
        '--import-persons',
        '5000',
        '--import-broken',
        '0',
        '--api-seconds',
        '3',
      ]),
    ).toMatchObject({ suites: ['import'], importPersons: 5000, importBroken: 0, apiSeconds: 3 });
    const defaults = parseOptions([]);
    expect(defaults).toMatchObject({
      importPersons: 1_000_000,
      importBroken: null,
      apiSeconds: 15,
      apiClients: 50,
    });
    expect(defaults !== 'help' && defaults.suites).toEqual(
      expect.arrayContaining(['import', 'search', 'segment', 'api', 'memory']),
    );
    expect(defaultBroken(1_000_000)).toBe(3000);
    expect(parseOptions(['--suite', 'search,import'])).toMatchObject({ suites: ['import', 'search'] });
    expect(parseOptions(['--suite', 'scale'])).toMatchObject({
      suites: ['import', 'search', 'segment', 'api', 'memory'],
    });
    expect(() => parseOptions(['--suite', 'import,nothing'])).toThrow(/nothing/);
  });
});
