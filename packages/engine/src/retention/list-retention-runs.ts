import { listRetentionRuns as listRuns, type RetentionRunRow } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { optionalCursor } from '../policy/ids';
import type { RetentionReport } from './report';

/** A retention run in a list: when, as of when, how it ended, and its totals (R5.2). */
export interface RetentionRunSummary {
  id: string;
  asOf: string;
  dryRun: boolean;
  status: RetentionRunRow['status'];
  startedAt: string;
  finishedAt: string | null;
  actor: string;
  totals: RetentionReport['totals'] | null;
  error: string | null;
}

export function toRunSummary(row: RetentionRunRow): RetentionRunSummary {
  const report = row.report as Partial<RetentionReport>;
  return {
    id: row.id,
    asOf: new Date(row.as_of).toISOString(),
    dryRun: row.dry_run,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    actor: row.actor,
    totals: report.totals ?? null,
    error: row.error,
  };
}

/** Retention runs, newest first, a page at a time. */
export async function listRetentionRuns(
  reg: Register,
  actor: Actor,
  opts: { limit?: number | undefined; after?: string | undefined } = {},
): Promise<{ items: RetentionRunSummary[]; next: string | null }> {
  authorize(reg, actor, 'retention.manage');
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  const rows = await listRuns(reg.db, {
    limit: limit + 1,
    after: optionalCursor(opts.after, 'retention run'),
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(toRunSummary),
    next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
