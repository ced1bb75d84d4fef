import { parseOptions, type RunOptions, run, USAGE } from './report';

/**
 * `npm run bench`: the person insert and search benchmarks, the interaction ingestion benchmark, the
 * retention sweep benchmark and the data subject's rights benchmark (`--suite persons|ingest|sweep|rights|all`), the
 * scale suites and the mixed load through `lupaus serve` (`--suite load`, issue 8) on PGlite and PostgreSQL, printed as a table
 * (metric, backend, use case, raw SQL, ratio) and written to `bench/results/<timestamp>.json`.
 *
 * @example
 * ```sh
 * npm run bench -- --persons 5000 --searches 1000 --backend both --database-url postgres://localhost/postgres
 * ```
 */
let opts: RunOptions | 'help';
try {
  opts = parseOptions(process.argv.slice(2));
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  console.error(USAGE);
  process.exit(2);
}
if (opts === 'help') {
  console.log(USAGE);
} else {
  run(opts).catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  });
}
