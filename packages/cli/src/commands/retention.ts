import {
  type Actor,
  checkBatchSize,
  listRetentionRuns,
  parseAsOf,
  planRetention,
  type Register,
  type RetentionPlan,
  type RetentionProgress,
  type RetentionReport,
  runRetention,
} from '@lupaus/engine';
import { type Command, InvalidArgumentError } from 'commander';
import { print, withRegister } from '../context';

/**
 * `lupaus retention run [--dry-run] [--as-of DATE|DATETIME] [--batch-size N]` and `lupaus retention runs`: the
 * retention sweep of the register in the data directory (R5.2). A date means the end of that UTC day, so
 * everything due on that date goes. The dry run prints what would go as a table (rule, category, count, due
 * range), then what is held back and what a person should review; a real run shows its progress on stderr
 * when stderr is a terminal and prints its report.
 */
export function asOfOption(value: string): string {
  try {
    parseAsOf(value, new Date(), '--as-of');
  } catch {
    throw new InvalidArgumentError(
      'give a date YYYY-MM-DD (the end of that UTC day) or a date and time with its zone, e.g. 2026-03-01T12:00:00Z',
    );
  }
  return value;
}

export function batchSizeOption(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  try {
    return checkBatchSize(n, '--batch-size');
  } catch {
    throw new InvalidArgumentError('the batch size is a whole number from 1 to 100000');
  }
}

function limitOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 1000) throw new InvalidArgumentError('a limit is a whole number 0–1000');
  return n;
}

interface RunOpts {
  dryRun?: boolean;
  asOf?: string;
  batchSize?: number;
  limit?: number;
  dir?: string;
  json?: boolean;
}

export function retentionCommand(program: Command): void {
  const retention = program.command('retention').description('the retention sweep: what is due goes (R5.2)');

  retention
    .command('run')
    .description(
      'delete or anonymise what is due by the retention rules (or, with --dry-run, show what would go)',
    )
    .option('--dry-run', 'only show what would go, and why; change nothing')
    .option(
      '--as-of <date>',
      'as of a date (YYYY-MM-DD: the end of that UTC day) or a date and time (default now)',
      asOfOption,
    )
    .option('--batch-size <n>', 'items per transaction (default 1000)', batchSizeOption)
    .option('--limit <n>', 'dry run: items listed per category (default 20)', limitOption)
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the plan or the report as JSON')
    .action(async (opts: RunOpts) => {
      await withRegister(opts, async (reg, actor) => {
        if (opts.dryRun) {
          const plan = await planRetention(reg, actor, { asOf: opts.asOf, limit: opts.limit ?? 20 });
          if (opts.json) print(JSON.stringify(plan, null, 2));
          else printPlan(plan);
          return;
        }
        const bar = process.stderr.isTTY ? progressBar() : undefined;
        const report = await runRetention(reg, actor, {
          asOf: opts.asOf,
          batchSize: opts.batchSize,
          onProgress: bar?.update,
        });
        bar?.done();
        if (opts.json) print(JSON.stringify(report, null, 2));
        else printReport(report);
      });
    });

  retention
    .command('runs')
    .description('list the retention runs, newest first')
    .option('--limit <n>', 'at most this many (default 20)', limitOption)
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the runs as JSON')
    .action(async (opts: { limit?: number; dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listRetentionRuns(reg, actor, {
          limit: Math.max(opts.limit ?? 20, 1),
        });
        if (opts.json) {
          print(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          process.stderr.write('no retention runs yet\n');
          return;
        }
        print(
          table(
            ['id', 'started', 'as of', 'kind', 'status', 'deleted', 'anonymised', 'persons', 'blocked'],
            items.map((r) => [
              r.id,
              r.startedAt,
              r.asOf,
              r.dryRun ? 'dry run' : 'run',
              r.status,
              String(r.totals?.deleted ?? 0),
              String(r.totals?.anonymised ?? 0),
              String(r.totals?.persons ?? 0),
              String(r.totals?.blocked ?? 0),
            ]),
          ),
        );
      });
    });
}

/** An aligned text table; numbers (all digits) right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (/^\d+$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const day = (iso: string | null) => (iso ? iso.replace(/T00:00:00\.000Z$/, '').replace(/\.000Z$/, 'Z') : '');
const range = (a: string | null, b: string | null) =>
  a === null ? '' : a === b ? day(a) : `${day(a)} … ${day(b)}`;

function blockersText(item: RetentionPlan['blocked'][number]): string {
  return (item.blockers ?? [])
    .map((b) => {
      switch (b.kind) {
        case 'legal_hold':
          return `legal hold ${b.holdId} until ${b.until} (${b.reason})`;
        case 'open_invoice':
          return 'an open invoice';
        case 'open_collection':
          return 'an open debt collection case';
        case 'contact_role':
          return `contact role ${b.roleId}${b.until ? ` until ${b.until}` : ' (open)'}`;
        case 'linked_records':
          return 'orders or invoices point at it';
      }
      return '';
    })
    .join('; ');
}

export function printPlan(plan: RetentionPlan): void {
  print(`Dry run as of ${plan.asOf}: nothing was changed.`);
  print('');
  const due = plan.groups.filter((g) => g.due > 0);
  if (due.length === 0) print('Nothing is due.');
  else {
    print(
      table(
        ['rule', 'category', 'holder', 'action', 'count', 'due'],
        due.map((g) => [
          g.rule,
          g.category,
          g.holder,
          g.action,
          String(g.due),
          range(g.earliestDue, g.latestDue),
        ]),
      ),
    );
  }
  if (plan.persons.due > 0)
    print(`\n${plan.persons.due} persons would go whole (nothing else of them is left).`);
  if (plan.items.length > 0) {
    print(`\nWhat would go (at most ${plan.limit} per category):`);
    print(
      table(
        ['category', 'id', 'person', 'due', 'fields'],
        plan.items.map((i) => [
          i.category,
          i.id,
          i.personId ?? '',
          day(i.dueAt),
          (i.fields ?? []).join(', '),
        ]),
      ),
    );
  }
  const blocked = plan.groups.filter((g) => g.blocked > 0);
  if (blocked.length > 0) {
    print('\nDue but held back:');
    print(
      table(
        ['rule', 'category', 'count', 'by'],
        blocked.map((g) => [
          g.rule,
          g.category,
          String(g.blocked),
          Object.entries(g.blockedBy)
            .map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`)
            .join(', '),
        ]),
      ),
    );
    for (const i of plan.blocked)
      print(
        `  ${i.category} ${i.id}${i.personId && i.personId !== i.id ? ` (person ${i.personId})` : ''}: ${blockersText(i)}`,
      );
  }
  const review = plan.review.filter((r) => r.count > 0);
  if (review.length > 0) {
    print('\nKept until no longer needed, for a person to review:');
    print(
      table(
        ['rule', 'category', 'holder', 'count', 'oldest'],
        review.map((r) => [r.rule, r.category, r.holder, String(r.count), day(r.oldest)]),
      ),
    );
  }
  for (const s of plan.skipped) print(`\nnot swept: ${s.category} (${s.holder}): ${s.reason}`);
}

export function printReport(report: RetentionReport): void {
  print(
    `Retention run ${report.runId} as of ${report.asOf}: ${report.status}, ${report.durationMs ?? 0} ms.`,
  );
  if (report.interrupted.length > 0) {
    print(`Marked interrupted: ${report.interrupted.join(', ')} (left running by a process that died).`);
  }
  const rows = report.groups.filter((g) => g.deleted + g.anonymised + g.blocked > 0);
  if (rows.length > 0) {
    print('');
    print(
      table(
        ['rule', 'category', 'holder', 'deleted', 'anonymised', 'blocked'],
        rows.map((g) => [
          g.rule,
          g.category,
          g.holder,
          String(g.deleted),
          String(g.anonymised),
          String(g.blocked),
        ]),
      ),
    );
  }
  const t = report.totals;
  print('');
  print(
    `deleted ${t.deleted}, anonymised ${t.anonymised}, persons' data erased ${t.erased} (person × category), persons deleted ${t.persons}, files ${t.files}, blocked ${t.blocked}, to review ${t.review}`,
  );
}

/** A one-line progress bar on stderr (only when stderr is a terminal). */
function progressBar() {
  const width = 30;
  let last = '';
  return {
    update: (p: RetentionProgress) => {
      const share = p.total > 0 ? Math.min(p.done / p.total, 1) : 1;
      const filled = Math.round(share * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${p.category ?? ''}`;
      if (line === last) return;
      last = line;
      process.stderr.write(`\r${line.padEnd(width + 40)}`);
    },
    done: () => {
      if (last) process.stderr.write('\n');
    },
  };
}

/**
 * Runs `task` every `everyMs` (the first run after `firstAfterMs`), for `lupaus serve`. Timers are unref'd so they
 * never keep the process alive; a failed run is logged and the schedule goes on; `stop` cancels the next run and
 * signals one in progress to stop (the sweep stops between two batches).
 *
 * @example
 * ```ts
 * const job = scheduleEvery(60_000, 1_000, async () => 'ran', (line) => console.error(line), 'a job');
 * await job.stop();
 * ```
 */
export function scheduleEvery(
  everyMs: number,
  firstAfterMs: number,
  task: (signal: AbortSignal) => Promise<string | undefined>,
  log: (line: string) => void,
  what: string,
): { stop(): Promise<void> } {
  for (const [name, ms] of [
    ['everyMs', everyMs],
    ['firstAfterMs', firstAfterMs],
  ] as const)
    if (!Number.isInteger(ms) || ms < 0 || ms > 2 ** 31 - 1)
      throw new Error(`${what}: ${name} must be whole milliseconds up to 2^31 − 1, not ${String(ms)}`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const abort = new AbortController();
  const tick = () => {
    running = task(abort.signal)
      .then((line) => {
        if (line) log(line);
      })
      .catch((e: unknown) => {
        log(`${what} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      })
      .finally(() => {
        running = undefined;
        if (!stopped) schedule(everyMs);
      });
  };
  const schedule = (ms: number) => {
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  schedule(firstAfterMs);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await running;
    },
  };
}

/** The sweep run by `lupaus serve` every `everyMs` (the first run shortly after start); see `scheduleEvery`. */
export function scheduleRetention(
  register: Register,
  actor: Actor,
  everyMs: number,
  log: (line: string) => void,
  firstAfterMs = Math.min(everyMs, FIRST_RUN_AFTER_MS),
): { stop(): Promise<void> } {
  return scheduleEvery(
    everyMs,
    firstAfterMs,
    async (signal) => {
      const r = await runRetention(register, actor, { signal });
      return r.totals.deleted + r.totals.anonymised + r.totals.erased + r.totals.persons > 0 ||
        r.status !== 'completed'
        ? `retention run ${r.runId}: ${r.status}; deleted ${r.totals.deleted}, anonymised ${r.totals.anonymised}, persons ${r.totals.persons}, blocked ${r.totals.blocked}`
        : undefined;
    },
    log,
    'retention run',
  );
}

export const FIRST_RUN_AFTER_MS = 10_000;
export const DEFAULT_RETENTION_EVERY = '24h';

/**
 * A command-line option's duration: milliseconds, or `'off'`. (Not null: commander stores a parser's null as an
 * empty string, which once made `--retention-every off` run the sweep back to back.)
 */
export function parseEveryOption(value: string): number | 'off' {
  return parseEvery(value) ?? 'off';
}

/** `24h`, `30m`, `1d`, `90s`, `500ms`, or `off`: milliseconds, or null for off. */
export function parseEvery(value: string): number | null {
  const v = value.trim().toLowerCase();
  if (v === 'off' || v === 'never' || v === '0') return null;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const ms = m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : Number.NaN;
  if (!Number.isFinite(ms) || ms < 1000 || ms > 2 ** 31 - 1) {
    throw new InvalidArgumentError(
      'give a duration such as 24h, 6h, 30m or 1d (at least 1s, at most 24 days), or off',
    );
  }
  return ms;
}
