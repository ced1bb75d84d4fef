import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchIngest, type IngestBenchResult } from './ingest';
import { benchLoad, type LoadBenchResult } from './load';
import {
  type Backend,
  type BackendResult,
  benchPersons,
  type Measurement,
  postgresUnreachable,
} from './persons';
import { benchRights, type RightsBenchResult } from './rights';
import { benchScale, SCALE_SUITES, type ScaleBenchResult, type ScaleSuite } from './scale';
import { benchSweep, type SweepBenchResult } from './sweep';

/**
 * The benchmark run behind `npm run bench` (entry: run.ts): options, the machine's description, the table and
 * the results file `bench/results/<timestamp>.json`.
 *
 * @example
 * ```ts
 * const { report, file } = await run(parseOptions(['--persons', '500']) as RunOptions);
 * ```
 */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
/** The local server as the current user, as `psql` would connect (PGUSER, else the login name). */
export const DEFAULT_DATABASE_URL = `postgres://${encodeURIComponent(
  process.env.PGUSER || process.env.USER || os.userInfo().username,
)}@127.0.0.1:5432/postgres`;

/**
 * The benchmark suites: person insert and search, interaction ingestion, the retention sweep, the rights; and at
 * scale on one register per backend (scale.ts): the CSV import (P1), search (P2), marketing segment (P5), API
 * (P6) and the memory of `lupaus serve` (P7).
 */
export const SUITES = ['persons', 'ingest', 'sweep', 'rights', ...SCALE_SUITES, 'load'] as const;
export type Suite = (typeof SUITES)[number];

export interface RunOptions {
  suites: Suite[];
  persons: number;
  searches: number;
  /** Ingestion: persons first inserted, then web visits ingested in batches of 1 000. */
  ingestPersons: number;
  events: number;
  /** Retention sweep: interactions loaded, of them due, over how many persons. */
  sweepRows: number;
  sweepDue: number;
  sweepPersons: number;
  /** Rights: the person's interactions, and the interleaved runs of the access report. */
  rightsInteractions: number;
  rightsRuns: number;
  /** At scale: persons imported from the CSV (and then searched, segmented, served), broken rows added to it. */
  importPersons: number;
  importBroken: number | null;
  /** P6: seconds of load on each side and concurrent clients; P7: GET requests through `lupaus serve`. */
  apiSeconds: number;
  apiClients: number;
  memoryRequests: number;
  /** Load (issue 8): persons generated first, concurrent clients through `lupaus serve`, seconds of load. */
  loadPersons: number;
  loadClients: number;
  loadSeconds: number;
  backends: Backend[];
  databaseUrl: string;
  seed: number;
  out: string | null;
}

export const USAGE = `usage: npm run bench -- [--persons N] [--searches M] [--backend pglite|postgres|both]
                        [--database-url URL] [--seed S] [--no-write]
  --persons N       persons to insert (default 2000)
  --searches M      searches of each kind: name prefix, email, phone, hetu (default 500)
  --suite S         persons, ingest, sweep, rights, import, search, segment, api, memory, scale (these
                    five), load or all (default all); several as a list: --suite import,search
  --import-persons N  persons in the CSV the import (P1) reads; search, segment, api and memory then run on
                    the register it filled (default 1000000)
  --import-broken K deliberately broken rows added to that CSV (default 0.3 % of N)
  --api-seconds S   seconds of load on the app and on the bare route (P6, default 15)
  --api-clients C   concurrent keep-alive clients (P6, default 50)
  --memory-requests R  GET /persons/:id requests through lupaus serve (P7, default 2000)
  --load-persons N  load (issue 8): persons generated into its register first (default 10000)
  --load-clients C  load: concurrent clients through lupaus serve (default 50)
  --load-seconds S  load: seconds of the mixed load, and of the raw mix (default 60)
  --ingest-persons  persons the ingestion benchmark inserts first (default 10000)
  --events E        web visits it ingests, 1 000 a batch (default 100000)
  --sweep-rows R    interactions the retention sweep benchmark loads (default 1000000)
  --sweep-due D     of them due, swept by runRetention and by one raw DELETE (default 100000)
  --sweep-persons P persons they belong to (default 50000)
  --rights-interactions N  interactions of the person whose access report and erasure are measured (default 10000)
  --rights-runs R   access reports measured, interleaved with raw reads; the median counts (default 3)
  --backend B       pglite, postgres or both (default both; postgres is skipped when unreachable)
  --database-url    the PostgreSQL server; a fresh database is created on it for each run and dropped after
                    (default $LUPAUS_BENCH_DATABASE_URL, $LUPAUS_TEST_DATABASE_URL or ${DEFAULT_DATABASE_URL})
  --no-write        print only; write no results file`;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a whole number of at least 1, not "${raw}"`);
  return n;
}

export function parseOptions(argv: string[]): RunOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      persons: { type: 'string' },
      searches: { type: 'string' },
      suite: { type: 'string' },
      'ingest-persons': { type: 'string' },
      events: { type: 'string' },
      'sweep-rows': { type: 'string' },
      'sweep-due': { type: 'string' },
      'sweep-persons': { type: 'string' },
      'rights-interactions': { type: 'string' },
      'rights-runs': { type: 'string' },
      'import-persons': { type: 'string' },
      'import-broken': { type: 'string' },
      'api-seconds': { type: 'string' },
      'api-clients': { type: 'string' },
      'memory-requests': { type: 'string' },
      'load-persons': { type: 'string' },
      'load-clients': { type: 'string' },
      'load-seconds': { type: 'string' },
      backend: { type: 'string' },
      'database-url': { type: 'string' },
      seed: { type: 'string' },
      'no-write': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const backend = values.backend ?? 'both';
  if (!['pglite', 'postgres', 'both'].includes(backend)) {
    throw new Error(`--backend must be pglite, postgres or both, not "${backend}"`);
  }
  // One suite, `all`, `scale` (import, search, segment, api, memory on one register), or a list: a,b,c.
  const suites = new Set<Suite>();
  for (const name of (values.suite ?? 'all').split(',').map((x) => x.trim())) {
    if (name === 'all') for (const s of SUITES) suites.add(s);
    else if (name === 'scale') for (const s of SCALE_SUITES) suites.add(s);
    else if ((SUITES as readonly string[]).includes(name)) suites.add(name as Suite);
    else
      throw new Error(`--suite must be ${SUITES.join(', ')}, scale or all (or a list: a,b), not "${name}"`);
  }
  return {
    suites: SUITES.filter((s) => suites.has(s)),
    persons: positiveInt('persons', values.persons, 2000),
    searches: positiveInt('searches', values.searches, 500),
    ingestPersons: positiveInt('ingest-persons', values['ingest-persons'], 10_000),
    events: positiveInt('events', values.events, 100_000),
    sweepRows: positiveInt('sweep-rows', values['sweep-rows'], 1_000_000),
    sweepDue: positiveInt('sweep-due', values['sweep-due'], 100_000),
    sweepPersons: positiveInt('sweep-persons', values['sweep-persons'], 50_000),
    rightsInteractions: positiveInt('rights-interactions', values['rights-interactions'], 10_000),
    rightsRuns: positiveInt('rights-runs', values['rights-runs'], 3),
    importPersons: positiveInt('import-persons', values['import-persons'], 1_000_000),
    importBroken:
      values['import-broken'] === undefined
        ? null
        : values['import-broken'] === '0'
          ? 0
          : positiveInt('import-broken', values['import-broken'], 0),
    apiSeconds: positiveInt('api-seconds', values['api-seconds'], 15),
    apiClients: positiveInt('api-clients', values['api-clients'], 50),
    memoryRequests: positiveInt('memory-requests', values['memory-requests'], 2000),
    loadPersons: positiveInt('load-persons', values['load-persons'], 10_000),
    loadClients: positiveInt('load-clients', values['load-clients'], 50),
    loadSeconds: positiveInt('load-seconds', values['load-seconds'], 60),
    backends: backend === 'both' ? ['pglite', 'postgres'] : [backend as Backend],
    databaseUrl:
      values['database-url'] ??
      process.env.LUPAUS_BENCH_DATABASE_URL ??
      process.env.LUPAUS_TEST_DATABASE_URL ??
      DEFAULT_DATABASE_URL,
    seed: positiveInt('seed', values.seed, 20240601),
    out: values['no-write'] ? null : RESULTS_DIR,
  };
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    totalMemory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

function formatNumber(n: number, unit: Measurement['unit']): string {
  if (!Number.isFinite(n)) return '-';
  if (unit === 'ms' || unit === 's') return n.toFixed(2);
  if (unit === 'MiB') return n.toFixed(1);
  return Math.round(n).toLocaleString('en-US');
}

/** The results as an aligned text table. */
export function formatTable(measurements: Measurement[]): string {
  const header = ['metric', 'backend', 'unit', 'use case', 'raw SQL', 'ratio'];
  const rows = measurements.map((m) => [
    m.metric,
    m.backend,
    m.unit,
    formatNumber(m.value, m.unit),
    formatNumber(m.raw, m.unit),
    Number.isFinite(m.ratio) ? m.ratio.toFixed(2) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([3, 4, 5]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export async function run(opts: RunOptions, log: (line: string) => void = console.log) {
  const startedAt = new Date();
  const machine = describeMachine();
  log(
    `Lupaus benchmark (${opts.suites.join(', ')}): ${opts.persons} persons, ${opts.searches} searches of each kind; ingestion of ${opts.events} web visits for ${opts.ingestPersons} persons${opts.suites.some((s) => (SCALE_SUITES as readonly string[]).includes(s)) ? `; at scale ${opts.importPersons} persons imported` : ''}${opts.suites.includes('load') ? `; load: ${opts.loadClients} clients for ${opts.loadSeconds} s on ${opts.loadPersons} persons` : ''}`,
  );
  log(
    `${machine.cpu}, ${machine.cores} cores, ${machine.totalMemory}, ${machine.platform}, node ${machine.node}`,
  );
  const results: BackendResult[] = [];
  const ingest: IngestBenchResult[] = [];
  const sweep: SweepBenchResult[] = [];
  const rights: RightsBenchResult[] = [];
  const scale: ScaleBenchResult[] = [];
  const load: LoadBenchResult[] = [];
  const scaleSuites = opts.suites.filter((s): s is ScaleSuite =>
    (SCALE_SUITES as readonly string[]).includes(s),
  );
  const skipped: { backend: Backend; reason: string }[] = [];
  for (const backend of opts.backends) {
    if (backend === 'postgres') {
      const reason = await postgresUnreachable(opts.databaseUrl);
      if (reason) {
        log(
          `postgres: skipped, no server at ${redactUrl(opts.databaseUrl)} (${reason}); pass --database-url`,
        );
        skipped.push({ backend, reason });
        continue;
      }
    }
    if (opts.suites.includes('persons')) {
      results.push(
        await benchPersons({
          backend,
          persons: opts.persons,
          searches: opts.searches,
          databaseUrl: backend === 'postgres' ? opts.databaseUrl : undefined,
          seed: opts.seed,
          log,
        }),
      );
    }
    if (opts.suites.includes('ingest')) {
      ingest.push(
        await benchIngest({
          backend,
          persons: opts.ingestPersons,
          events: opts.events,
          databaseUrl: backend === 'postgres' ? opts.databaseUrl : undefined,
          seed: opts.seed,
          log,
        }),
      );
    }
    if (opts.suites.includes('sweep')) {
      sweep.push(
        await benchSweep({
          backend,
          rows: opts.sweepRows,
          due: Math.min(opts.sweepDue, opts.sweepRows),
          persons: opts.sweepPersons,
          databaseUrl: backend === 'postgres' ? opts.databaseUrl : undefined,
          log,
        }),
      );
    }
    if (opts.suites.includes('rights')) {
      rights.push(
        await benchRights({
          backend,
          interactions: opts.rightsInteractions,
          runs: opts.rightsRuns,
          databaseUrl: backend === 'postgres' ? opts.databaseUrl : undefined,
          log,
        }),
      );
    }
    if (scaleSuites.length > 0) {
      scale.push(
        await benchScale({
          backend,
          suites: scaleSuites,
          persons: opts.importPersons,
          broken: opts.importBroken ?? undefined,
          searches: opts.searches,
          apiSeconds: opts.apiSeconds,
          apiClients: opts.apiClients,
          memoryRequests: opts.memoryRequests,
          databaseUrl: backend === 'postgres' ? opts.databaseUrl : undefined,
          seed: opts.seed,
          log,
        }),
      );
    }
    if (opts.suites.includes('load')) {
      load.push(
        await benchLoad({
          backend,
          persons: opts.loadPersons,
          clients: opts.loadClients,
          seconds: opts.loadSeconds,
          databaseUrl: backend === 'postgres' ? opts.databaseUrl : undefined,
          seed: opts.seed,
          log,
        }),
      );
    }
  }
  const measurements = [
    ...results.flatMap((r) => r.measurements),
    ...ingest.flatMap((r) => r.measurements),
    ...sweep.flatMap((r) => r.measurements),
    ...rights.flatMap((r) => r.measurements),
    ...scale.flatMap((r) => r.measurements),
    ...load.flatMap((r) => r.measurements),
  ];
  log('');
  log(formatTable(measurements));
  log('');
  log(
    'ratio = use case / raw: for persons/s, events/s, rows/s and req/s below 1 means slower; for ms and s above 1 means slower, for MiB above 1 means more memory.',
  );
  const report = {
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine,
    options: {
      suites: opts.suites,
      persons: opts.persons,
      searches: opts.searches,
      ingestPersons: opts.ingestPersons,
      events: opts.events,
      sweepRows: opts.sweepRows,
      sweepDue: opts.sweepDue,
      sweepPersons: opts.sweepPersons,
      rightsInteractions: opts.rightsInteractions,
      rightsRuns: opts.rightsRuns,
      importPersons: opts.importPersons,
      importBroken: opts.importBroken,
      apiSeconds: opts.apiSeconds,
      apiClients: opts.apiClients,
      memoryRequests: opts.memoryRequests,
      loadPersons: opts.loadPersons,
      loadClients: opts.loadClients,
      loadSeconds: opts.loadSeconds,
      backends: opts.backends,
      seed: opts.seed,
    },
    skipped,
    measurements,
    results,
    ingest,
    sweep,
    rights,
    scale,
    load,
  };
  let file: string | null = null;
  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    file = join(opts.out, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`written ${relative(process.cwd(), file)}`);
  }
  return { report, file };
}
