import { type ApiBenchResult, benchApi, benchApiHeaders, samplePersonIds } from './api';
import { createRandom, personsAt } from './generate';
import { benchImport, type ImportBenchResult, openDataDirRegister } from './import';
import { benchMemory, type MemoryBenchResult } from './memory';
import {
  assertSearchesFound,
  type Backend,
  type Measurement,
  type SearchKind,
  type SearchStats,
  searchBoth,
  searchCases,
  searchMeasurements,
} from './persons';
import { benchSegment, loadMarketingFacts, type SegmentBenchResult } from './segment';

/**
 * The benchmarks at scale (issue 6: P1, P2, P5, P6, P7) on one backend, in this order on ONE register per
 * backend: the import (P1) fills a register of 003-auntie in a data directory from a CSV of N persons; the search
 * (P2), the marketing segment (P5, after marketing facts are loaded), the API (P6) and the memory of
 * `lupaus serve` (P7, last: on PGlite the register is closed here first) run on what the import left. A suite not
 * asked for is skipped, but the register is always filled (through `importPersons`, unmeasured, when P1 is not
 * asked for).
 *
 * @example
 * ```ts
 * const r = await benchScale({ backend: 'pglite', suites: ['import', 'search'], persons: 100_000 });
 * ```
 */
export const SCALE_SUITES = ['import', 'search', 'segment', 'api', 'memory'] as const;
export type ScaleSuite = (typeof SCALE_SUITES)[number];

export interface ScaleBenchOptions {
  backend: Backend;
  suites: ScaleSuite[];
  persons: number;
  /** Broken rows added to the CSV (default 0.3 % of `persons`). */
  broken?: number | undefined;
  /** Searches of each kind (P2). */
  searches?: number | undefined;
  /** Seconds of load for each side of P6. */
  apiSeconds?: number | undefined;
  apiClients?: number | undefined;
  /** GET /persons/:id requests through `lupaus serve` in P7 (default 2000). */
  memoryRequests?: number | undefined;
  /** Runs of each segment (P5), the median counts. */
  segmentRuns?: number | undefined;
  databaseUrl?: string | undefined;
  seed?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface ScaleBenchResult {
  backend: Backend;
  persons: number;
  import: ImportBenchResult;
  search: Record<SearchKind, { useCase: SearchStats; raw: SearchStats }> | null;
  segment: SegmentBenchResult | null;
  api: ApiBenchResult | null;
  memory: MemoryBenchResult | null;
  measurements: Measurement[];
}

export const defaultBroken = (persons: number) => Math.max(1, Math.round(persons * 0.003));

/**
 * Logs each figure as soon as its suite is done, so that a run stopped or failed later (an hour into a million
 * persons) still leaves the figures it measured in its output.
 */
function logFigures(log: (line: string) => void, ms: readonly Measurement[]): void {
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  for (const m of ms) {
    log(`  = ${m.backend} ${m.metric}: ${n(m.value)} ${m.unit}, raw ${n(m.raw)}, ratio ${n(m.ratio)}`);
  }
}

export async function benchScale(opts: ScaleBenchOptions): Promise<ScaleBenchResult> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 20240601;
  const want = (s: ScaleSuite) => opts.suites.includes(s);
  const target = await openDataDirRegister({ backend: opts.backend, databaseUrl: opts.databaseUrl });
  try {
    const imported = await benchImport(target, {
      persons: opts.persons,
      broken: opts.broken ?? defaultBroken(opts.persons),
      seed,
      databaseUrl: opts.databaseUrl,
      baseline: want('import'),
      log,
    });
    const result: ScaleBenchResult = {
      backend: opts.backend,
      persons: opts.persons,
      import: imported,
      search: null,
      segment: null,
      api: null,
      memory: null,
      measurements: [...imported.measurements],
    };
    logFigures(log, imported.measurements);

    if (want('search')) {
      const searches = opts.searches ?? 500;
      // The persons searched for: a seeded sample of the generated ones, found by streaming the generator again.
      const rand = createRandom(seed ^ 0x5ea7c4);
      const indices = Array.from({ length: Math.min(opts.persons, 2000) }, () =>
        Math.floor(rand() * opts.persons),
      );
      const sample = [...personsAt(opts.persons, seed, indices).values()];
      log(`${opts.backend}: ${searches} searches of each kind over ${opts.persons} persons`);
      result.search = await searchBoth(target.reg, searchCases(sample, searches, seed));
      assertSearchesFound(result.search);
      const found = searchMeasurements(opts.backend, result.search);
      result.measurements.push(...found);
      logFigures(log, found);
    }

    if (want('segment') || want('memory')) {
      log(`${opts.backend}: consents, prohibitions, objections, restrictions and suppressions (setup)`);
      const facts = await loadMarketingFacts(target.reg, seed);
      log(
        `${opts.backend}: ${facts.consents} consent rows, ${facts.objections} objections, ${facts.restrictions} restrictions, ${facts.suppressions} suppressed contact points`,
      );
      if (want('segment')) {
        result.segment = await benchSegment(target.reg, {
          backend: opts.backend,
          persons: opts.persons,
          runs: opts.segmentRuns,
          facts,
        });
        result.measurements.push(...result.segment.measurements);
        logFigures(log, result.segment.measurements);
      }
    }

    if (want('api')) {
      result.api = await benchApi(target.reg, {
        backend: opts.backend,
        seconds: opts.apiSeconds ?? 15,
        clients: opts.apiClients,
        log,
      });
      result.measurements.push(...result.api.measurements);
      logFigures(log, result.api.measurements);
    }

    if (want('memory')) {
      const headers = await benchApiHeaders(target.reg);
      const ids = await samplePersonIds(target.reg, 2000);
      await target.closeRegister();
      result.memory = await benchMemory(target, {
        persons: opts.persons,
        headers,
        ids,
        requests: opts.memoryRequests ?? 2000,
        log,
      });
      result.measurements.push(...result.memory.measurements);
      logFigures(log, result.memory.measurements);
    }
    return result;
  } finally {
    await target.dispose();
  }
}
