import { parseHetu, parsePhone } from '@lupaus/core';
import { describe, expect, it } from 'vitest';
import { generatePersons, testHetu } from './generate';
import { type Backend, benchPersons, percentile, SEARCH_KINDS } from './persons';
import { formatTable, parseOptions } from './report';

// A small run of the real benchmark code, so that it cannot rot. No timing is asserted.
// On PGlite, or on the server of LUPAUS_TEST_DATABASE_URL when the suite runs against PostgreSQL.
const serverUrl = process.env.LUPAUS_TEST_DATABASE_URL;
const backend: Backend = serverUrl ? 'postgres' : 'pglite';

describe('generatePersons', () => {
  it('is deterministic and yields valid, distinct test-range data', () => {
    const a = generatePersons(300, 7);
    expect(generatePersons(300, 7)).toEqual(a);
    expect(generatePersons(300, 8)).not.toEqual(a);
    for (const p of a) {
      const hetu = parseHetu(p.fields.hetu);
      expect(hetu.ok && hetu.temporary).toBe(true);
      expect(Number(p.fields.hetu.slice(7, 10))).toBeGreaterThanOrEqual(900);
      expect(parsePhone(p.fields.phone[0]!)).toEqual({ ok: true, value: p.stored.phoneE164 });
      expect(p.fields.phone[0]).toMatch(/^0(40|41|44|45|46|50) \d{3} \d{4}$/);
      expect(p.fields.address[0]!.postalCode).toMatch(/^\d{5}$/);
      expect(p.fields.email[0]).toMatch(/^[a-z]+\.[a-z]+\d*@example\.(com|net|org)$/);
    }
    for (const key of ['hetu', 'customer_number'] as const) {
      expect(new Set(a.map((p) => p.fields[key])).size).toBe(a.length);
    }
    expect(new Set(a.map((p) => p.stored.emailKey)).size).toBe(a.length);
    expect(new Set(a.map((p) => p.stored.phoneE164)).size).toBe(a.length);
  });

  it('computes the check character and century sign', () => {
    expect(testHetu(1994, 5, 1, 902, 'Y')).toBe('010594Y9021');
    expect(testHetu(2004, 2, 29, 950, 'A')).toMatch(/^290204A950.$/);
    expect(() => testHetu(1994, 5, 1, 308, '-')).toThrow();
  });
});

describe('the benchmark', () => {
  it(`runs end to end on ${backend} and reports positive rates`, async () => {
    const r = await benchPersons({
      backend,
      persons: 50,
      searches: 20,
      databaseUrl: serverUrl,
      batchSize: 20,
    });
    expect(r.backend).toBe(backend);
    expect(r.persons).toBe(50);
    expect(r.measurements.map((m) => m.metric)).toEqual([
      'insert',
      ...SEARCH_KINDS.flatMap((k) => [`search ${k} p50`, `search ${k} p95`]),
    ]);
    for (const m of r.measurements) {
      expect(m.backend).toBe(backend);
      for (const n of [m.value, m.raw, m.ratio]) {
        expect(Number.isFinite(n)).toBe(true);
        expect(n).toBeGreaterThan(0);
      }
    }
    expect(r.insert.useCase.rate).toBeGreaterThan(0);
    expect(r.insert.raw.rate).toBeGreaterThan(0);
    for (const k of SEARCH_KINDS) {
      expect(r.search[k].useCase.count).toBe(20);
      expect(r.search[k].raw.count).toBe(20);
      expect(r.search[k].useCase.p95).toBeGreaterThanOrEqual(r.search[k].useCase.p50);
    }
    // Exact lookups find exactly the person looked for, through the use case and the raw SQL alike.
    for (const k of ['email', 'phone', 'hetu'] as const) {
      expect(r.search[k].useCase.hits).toBe(1);
      expect(r.search[k].raw.hits).toBe(1);
    }
    expect(formatTable(r.measurements).split('\n')).toHaveLength(2 + r.measurements.length);
  });
});

describe('options and statistics', () => {
  it('parses the command line', () => {
    const o = parseOptions(['--persons', '10', '--searches', '3', '--backend', 'pglite', '--no-write']);
    expect(o).toMatchObject({ persons: 10, searches: 3, backends: ['pglite'], out: null });
    expect(parseOptions([])).toMatchObject({
      persons: 2000,
      searches: 500,
      backends: ['pglite', 'postgres'],
    });
    expect(() => parseOptions(['--backend', 'mysql'])).toThrow(/backend/);
    expect(() => parseOptions(['--persons', '0'])).toThrow(/persons/);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([3], 95)).toBe(3);
  });
});
