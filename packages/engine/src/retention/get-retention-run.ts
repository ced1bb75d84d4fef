import { LupausError } from '@lupaus/core';
import { findRetentionRun } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { type RetentionRunSummary, toRunSummary } from './list-retention-runs';
import type { RetentionReport } from './report';

/** One retention run with its whole report: counts per rule and category, blocked, review, duration (R5.2). */
export async function getRetentionRun(
  reg: Register,
  actor: Actor,
  id: string,
): Promise<RetentionRunSummary & { report: Partial<RetentionReport> }> {
  authorize(reg, actor, 'retention.manage');
  const runId = requireId(id, 'retention run', 'id');
  const row = await findRetentionRun(reg.db, runId);
  if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no retention run ${runId}` }]);
  return { ...toRunSummary(row), report: row.report as Partial<RetentionReport> };
}
