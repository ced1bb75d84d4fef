import { findControlCharacter, LupausError, type ProblemDetail } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { recordRequestEvent, requireOpen, requireRequestRow, updateRequestRow } from './request-store';
import { type RequestView, toRequestView } from './request-view';

/** How a request ends (or waits): completed, refused with a reason, or blocked (an erasure partly done). */
export interface RequestResult {
  state: 'completed' | 'refused' | 'blocked';
  /** What was done, for the record: counts, document ids, blockers with their end dates. No identifiers. */
  outcome: Record<string, unknown>;
  /** Required for a refusal (art. 12(4)); optional otherwise. */
  reason?: string;
}

export const MAX_REQUEST_REASON_LENGTH = 8000;

/** Checks a reason text: 1–8000 characters, no control characters but line breaks and tabs. */
export function checkRequestReason(value: unknown, at: string, required: boolean): ProblemDetail | undefined {
  if (value === undefined && !required) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || text.length > MAX_REQUEST_REASON_LENGTH) {
    return { at, message: `give the reason (1–${MAX_REQUEST_REASON_LENGTH} characters)` };
  }
  return findControlCharacter(text, at);
}

function checkResult(result: RequestResult): { reason: string | null } {
  const problems: ProblemDetail[] = [];
  if (!result || !['completed', 'refused', 'blocked'].includes(result.state)) {
    problems.push({ at: 'state', message: 'a request ends completed or refused, or waits blocked' });
  }
  if (!result?.outcome || typeof result.outcome !== 'object' || Array.isArray(result.outcome)) {
    problems.push({ at: 'outcome', message: 'the outcome is an object (what was done)' });
  }
  const bad = checkRequestReason(result?.reason, 'reason', result?.state === 'refused');
  if (bad) {
    problems.push(
      result?.state === 'refused' && result.reason === undefined
        ? { at: 'reason', message: 'a refusal records its reason (art. 12(4))' }
        : bad,
    );
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { reason: typeof result.reason === 'string' ? result.reason.trim() : null };
}

/**
 * Closes a data subject's request inside the caller's transaction (R4.1): `completed` (the right was honoured),
 * `refused` (with its reason, kept in the outcome and the event), or `blocked` (an erasure partly done, waiting for a
 * blocker's end: the request stays open and can later be completed). Completing or blocking needs the
 * requester's identity verified first (REQUEST_NOT_VERIFIED, 409); a refusal does not (a request whose identity
 * cannot be verified is refused). The charge is left alone: a refusal on the merits (the data was accurate)
 * is free; `refuseRequest` records the art. 12(5) charge `refused` or `fee` itself. A closed request cannot be closed again (REQUEST_CLOSED, 409). A written
 * request was verified only with its signed letter attached, so completion needs no second look at the letter
 * (which an erasure may since have removed with the person). Appends a request event and an audit row.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute(async (tx) => {
 *   await requireVerifiedRequestIn(tx, reg, requestId, { type: 'erasure', personId });
 *   // ... erase ...
 *   await completeRequestIn(tx, reg, actor, requestId, { state: 'completed', outcome: { erased: { persons: 1 } } });
 * });
 * ```
 */
export async function completeRequestIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  requestId: string,
  result: RequestResult,
): Promise<void> {
  const id = requireId(requestId, 'request', 'requestId');
  const { reason } = checkResult(result);
  const row = await requireRequestRow(tx, id, { forUpdate: true });
  requireOpen(row);
  if (result.state !== 'refused' && !row.identity_verified_at) {
    throw new LupausError('REQUEST_NOT_VERIFIED', { id }, [
      { at: 'requestId', message: `the identity of the requester of request ${id} has not been verified` },
    ]);
  }
  const now = reg.clock.now();
  const closes = result.state !== 'blocked';
  await updateRequestRow(
    tx,
    actor,
    id,
    {
      state: result.state,
      outcome: JSON.stringify(reason ? { ...result.outcome, reason } : result.outcome),
      closed_at: closes ? now : null,
    },
    now,
  );
  await recordRequestEvent(
    tx,
    reg,
    actor,
    row,
    result.state,
    { outcome: result.outcome, ...(reason ? { reason } : {}) },
    { from: row.state, to: result.state },
  );
}

/**
 * Completes (or refuses, or marks blocked) a request in a transaction of its own and returns it as it now
 * stands: for a request honoured by hand, such as a withdrawal recorded elsewhere.
 *
 * @example
 * ```ts
 * const view = await completeRequest(reg, actor, requestId, { state: 'completed', outcome: { note: 'done' } });
 * ```
 */
export async function completeRequest(
  reg: Register,
  actor: Actor,
  requestId: string,
  result: RequestResult,
): Promise<RequestView> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(requestId, 'request', 'id');
  checkResult(result);
  return reg.db.transaction().execute(async (tx) => {
    await completeRequestIn(tx, reg, actor, id, result);
    return toRequestView(tx, reg, (await requireRequestRow(tx, id))!);
  });
}
