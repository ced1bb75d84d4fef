import { LupausError } from '@lupaus/core';
import { findImportRun, type ImportKind, type ImportRunRow, listImportRunRows } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { optionalCursor, requireId } from '../policy/ids';
import type { ImportProblem } from './import-run';

/** An import run as the API and the CLI show it: counts and problems (line, column, reason), no cell values. */
export interface ImportRunView {
  id: string;
  kind: ImportKind;
  source: string;
  fileName: string | null;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  dryRun: boolean;
  status: 'running' | 'completed' | 'failed';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
}

export interface ImportRunReport extends ImportRunView {
  /** The first 1 000 problems, their reasons without the cells' values. */
  problems: ImportProblem[];
}

function toView(row: ImportRunRow): ImportRunView {
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    fileName: row.file_name,
    actor: row.actor,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    dryRun: row.dry_run,
    status: row.status,
    rows: row.rows,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    rejected: row.rejected,
    error: row.error,
  };
}

/**
 * Import runs (R2.8: persons, consents, organisations, update-service batches), newest first, a page at a time.
 *
 * @example
 * ```ts
 * const { items, next } = await listImportRuns(reg, actor, { limit: 20, kind: 'persons' });
 * ```
 */
export async function listImportRuns(
  reg: Register,
  actor: Actor,
  opts: { limit?: number | undefined; after?: string | undefined; kind?: ImportKind | undefined } = {},
): Promise<{ items: ImportRunView[]; next: string | null }> {
  authorize(reg, actor, 'persons.read');
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  const rows = await listImportRunRows(reg.db, {
    limit: limit + 1,
    after: optionalCursor(opts.after, 'import run'),
    kind: opts.kind,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(toView),
    next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/**
 * One import run with its report: the counts and the first 1 000 problems (line, column, reason).
 *
 * @example
 * ```ts
 * const run = await getImportRun(reg, actor, report.runId);
 * run.problems[0]; // { line: 4, column: 'hetu', reason: 'invalid personal identity code: ...' }
 * ```
 */
export async function getImportRun(reg: Register, actor: Actor, id: string): Promise<ImportRunReport> {
  authorize(reg, actor, 'persons.read');
  const row = await findImportRun(reg.db, requireId(id, 'import run', 'id'));
  if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no import run ${id}` }]);
  return { ...toView(row), problems: row.problems };
}
