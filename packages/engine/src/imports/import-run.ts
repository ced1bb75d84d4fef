import { isLupausError } from '@lupaus/core';
import {
  addImportRunCounts,
  type Executor,
  finishImportRun,
  type ImportKind,
  insertImportRun,
} from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import type { Actor, Register } from '../context';
import { crashPoint } from '../faults/crash-point';
import { scrubReason } from './csv-fields';
import { markInterruptedImportRuns, withLiveImportRun } from './interrupted-runs';
import { type CsvRecord, readCsv, splitPoint } from './read-csv';

/** One rejected row's problem: the file's line, the column (null for the row as a whole) and why. */
export interface ImportProblem {
  line: number;
  column: string | null;
  reason: string;
}

/** What an import did (R2.8). */
export interface ImportReport {
  runId: string;
  dryRun: boolean;
  source: string;
  /** Data rows read. */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows not imported. */
  rejected: number;
  /** The first 1 000 problems; all of them go to `onProblem`. */
  problems: ImportProblem[];
}

/** What every import takes besides its rows. */
export interface ImportInputBase {
  /** CSV text, or its bytes as a stream (a file, an upload). */
  input: string | AsyncIterable<string | Buffer>;
  /** The source of the data: a source id of the definition (R2.6). */
  source: string;
  /** CSV column → catalogue field id (or "" to ignore it); default: a column named as a field id. */
  mapping?: Record<string, string> | undefined;
  /** Validate and match only: nothing is written but the run's record. */
  dryRun?: boolean | undefined;
  purpose?: string | undefined;
  fileName?: string | undefined;
  onProblem?: ((p: ImportProblem) => void) | undefined;
  onProgress?: ((p: { rows: number; bytes: number }) => void) | undefined;
  /** Rows per transaction (default 2 000). */
  batchSize?: number | undefined;
}

export const MAX_REPORTED_PROBLEMS = 1000;

/** Per-batch outcome counts. */
export interface BatchCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * The frame every import runs in: reads the CSV in batches, records the run (`import_runs`), hands each batch to
 * `processBatch` inside one transaction (with the run's counts moved forward in the same transaction, so that a
 * crash leaves whole batches and counts that match them), reports problems and progress. A malformed CSV fails
 * the run naming its line: the batches before it stay written, the unfinished batch is not.
 */
export async function runImport(
  reg: Register,
  actor: Actor,
  kind: ImportKind,
  input: ImportInputBase,
  source: string,
  hooks: {
    /** Called once with the header, before the run is recorded: throws for a column it cannot place. */
    plan(headers: string[]): void;
    processBatch(
      tx: Executor,
      records: CsvRecord[],
      problem: (p: ImportProblem) => void,
      runId: string,
    ): Promise<BatchCounts>;
  },
): Promise<ImportReport> {
  const dryRun = input.dryRun ?? false;
  const batchSize = input.batchSize ?? 2000;
  const runId = uuidv7();
  const report: ImportReport = {
    runId,
    dryRun,
    source,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    problems: [],
  };
  let started = false;
  let bytes = 0;
  const start = async () => {
    await markInterruptedImportRuns(reg);
    await insertImportRun(reg.db, {
      id: runId,
      kind,
      source,
      fileName: input.fileName ?? null,
      actor: actor.id,
      startedAt: reg.clock.now(),
      dryRun,
    });
    started = true;
    crashPoint('import.run.after-start');
  };
  const flush = async (records: CsvRecord[]) => {
    const fresh: ImportProblem[] = [];
    const rejectedLines = new Set<number>();
    const problem = (p: ImportProblem) => {
      rejectedLines.add(p.line);
      fresh.push(p);
    };
    const stored = report.problems.length;
    const counts = await reg.db.transaction().execute(async (tx) => {
      crashPoint('import.batch.before-process');
      const c = await hooks.processBatch(tx, records, problem, runId);
      fresh.sort((a, b) => a.line - b.line);
      const room = Math.max(0, MAX_REPORTED_PROBLEMS - stored);
      await addImportRunCounts(tx, runId, {
        rows: records.length,
        ...c,
        rejected: rejectedLines.size,
        problems: fresh.slice(0, room).map((p) => ({ ...p, reason: scrubReason(p.reason) })),
      });
      crashPoint('import.batch.after-counts');
      return c;
    });
    crashPoint('import.batch.after-commit');
    report.rows += records.length;
    report.created += counts.created;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
    report.rejected += rejectedLines.size;
    for (const p of fresh) {
      if (report.problems.length < MAX_REPORTED_PROBLEMS) report.problems.push(p);
      input.onProblem?.(p);
    }
    input.onProgress?.({ rows: report.rows, bytes });
  };
  await withLiveImportRun(reg, runId, () => importAll());
  return report;

  async function importAll(): Promise<void> {
    try {
      let batch: CsvRecord[] = [];
      for await (const rec of readCsv(countBytes(input.input, (n) => (bytes += n)))) {
        if (!started) {
          hooks.plan(Object.keys(rec.values));
          await start();
        }
        batch.push(rec);
        if (batch.length >= batchSize) {
          const full = batch;
          batch = [];
          await flush(full);
        }
      }
      if (!started) await start();
      if (batch.length > 0) await flush(batch);
      crashPoint('import.run.before-finish');
      await finishImportRun(reg.db, runId, { finishedAt: reg.clock.now(), status: 'completed' });
      crashPoint('import.run.after-finish');
    } catch (e) {
      if (started) {
        const message = isLupausError(e) ? e.message : 'the import stopped on an internal error';
        await finishImportRun(reg.db, runId, {
          finishedAt: reg.clock.now(),
          status: 'failed',
          error: scrubReason(message),
        }).catch(() => {});
      }
      throw e;
    }
  }
}

async function* countBytes(
  input: string | AsyncIterable<string | Buffer>,
  add: (n: number) => void,
): AsyncGenerator<Buffer> {
  if (typeof input === 'string') {
    const step = 1 << 20;
    for (let i = 0; i < input.length; ) {
      const end = splitPoint(input, i + step);
      const b = Buffer.from(input.slice(i, end), 'utf8');
      add(b.length);
      yield b;
      i = end;
    }
    return;
  }
  for await (const chunk of input) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    add(b.length);
    yield b;
  }
}

/** Line order and the first problems, for a batch's problems of one row. */
export function problemsOf(
  line: number,
  problems: readonly { at: string; message: string }[],
  column: (at: string) => string | null,
): ImportProblem[] {
  return problems.map((p) => ({ line, column: column(p.at), reason: p.message }));
}
