import {
  extendedDueOn,
  extensionAllowed,
  helsinkiDate,
  LupausError,
  MAX_EXTENSION_MONTHS,
  type ProblemDetail,
} from '@lupaus/core';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { checkRequestReason } from './complete-request';
import { enqueueExtensionNotice } from './request-notices';
import { recordRequestEvent, requireOpen, requireRequestRow, updateRequestRow } from './request-store';
import { dateOnly, type RequestView, toRequestView } from './request-view';

export interface ExtendRequestInput {
  /** By how many further months: 1 or 2 (default 2). */
  months?: number | undefined;
  /** Why (art. 12(3): the complexity and number of requests); told to the subject. */
  reason: string;
}

function checkExtendInput(input: ExtendRequestInput): { months: number; reason: string } {
  const problems: ProblemDetail[] = [];
  const months = input?.months ?? MAX_EXTENSION_MONTHS;
  if (!Number.isInteger(months) || months < 1 || months > MAX_EXTENSION_MONTHS) {
    problems.push({
      at: 'months',
      message: `a deadline is extended by 1 or ${MAX_EXTENSION_MONTHS} further months (art. 12(3)), not ${String(months).slice(0, 20)}`,
    });
  }
  const bad = checkRequestReason(input?.reason, 'reason', true);
  if (bad) problems.push(bad);
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { months, reason: input.reason.trim() };
}

/**
 * Extends a request's deadline by up to two further months from its first due date (R4.1, art. 12(3)), with
 * the reason, only while the first month runs (up to and including the due date, Helsinki time), and once.
 * The subject is told in the same transaction: an `extension` notice goes to the outbox. Appends an `extended`
 * event and an audit row.
 *
 * @example
 * ```ts
 * await extendRequest(reg, actor, requestId, { months: 2, reason: 'Pyyntö koskee 10 vuoden tietoja useasta järjestelmästä.' });
 * ```
 */
export async function extendRequest(
  reg: Register,
  actor: Actor,
  requestId: string,
  input: ExtendRequestInput,
): Promise<RequestView> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(requestId, 'request', 'id');
  const { months, reason } = checkExtendInput(input);
  const now = reg.clock.now();
  const today = helsinkiDate(now);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireRequestRow(tx, id, { forUpdate: true });
    requireOpen(row);
    const dueOn = dateOnly(row.due_on)!;
    if (row.extended_to) {
      throw new LupausError('CONFLICT', { id }, [
        {
          at: 'id',
          message: `request ${id} was extended already, to ${dateOnly(row.extended_to)}: a deadline is extended once, by at most ${MAX_EXTENSION_MONTHS} months`,
        },
      ]);
    }
    if (!extensionAllowed(dueOn, today)) {
      throw new LupausError('VALIDATION_FAILED', { id }, [
        {
          at: 'id',
          message: `the first month of request ${id} ended on ${dueOn} (today is ${today}): an extension must be told to the subject within the first month (art. 12(3))`,
        },
      ]);
    }
    const extendedTo = extendedDueOn(dueOn, months);
    await updateRequestRow(tx, actor, id, { extended_to: extendedTo, extension_reason: reason }, now);
    const notice = await enqueueExtensionNotice(tx, reg, row, {
      receivedOn: helsinkiDate(new Date(row.received_at)),
      months,
      extendedTo,
      reason,
    });
    await recordRequestEvent(
      tx,
      reg,
      actor,
      row,
      'extended',
      { months, from: dueOn, to: extendedTo, reason, notification: notice.id },
      { months, notification: notice.id },
    );
    return toRequestView(tx, reg, (await requireRequestRow(tx, id))!);
  });
}
