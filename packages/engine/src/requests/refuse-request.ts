import { helsinkiDate, LupausError, type ProblemDetail } from '@lupaus/core';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { checkRequestReason, completeRequestIn } from './complete-request';
import {
  enqueueFeeNotice,
  enqueueRefusalNotice,
  REFUSAL_GROUNDS,
  type RefusalGround,
} from './request-notices';
import { recordRequestEvent, requireOpen, requireRequestRow, updateRequestRow } from './request-store';
import { type RequestView, toRequestView } from './request-view';

export interface RefuseRequestInput {
  /** refused: the controller does not act on the request; fee: it acts, for a reasonable fee (art. 12(5)). */
  charge: 'refused' | 'fee';
  /** Why the request is manifestly unfounded or excessive (the controller bears the burden of showing it). */
  ground: RefusalGround;
  reason: string;
  /** The fee, as told to the subject (such as "25 EUR"); required with charge `fee`. */
  fee?: string | undefined;
}

function checkRefuseInput(input: RefuseRequestInput): {
  charge: 'refused' | 'fee';
  ground: RefusalGround;
  reason: string;
  fee: string | null;
} {
  const problems: ProblemDetail[] = [];
  if (input?.charge !== 'refused' && input?.charge !== 'fee') {
    problems.push({
      at: 'charge',
      message: 'charge is refused (the request is not acted on) or fee (acted on for a reasonable fee)',
    });
  }
  if (!(REFUSAL_GROUNDS as readonly string[]).includes(input?.ground)) {
    problems.push({
      at: 'ground',
      message: `a request is refused or charged for only when it is ${REFUSAL_GROUNDS.join(' or ')} (art. 12(5))`,
    });
  }
  const bad = checkRequestReason(input?.reason, 'reason', true);
  if (bad) problems.push(bad);
  let fee: string | null = null;
  if (input?.charge === 'fee') {
    const badFee = checkRequestReason(input.fee, 'fee', true);
    if (badFee || (input.fee ?? '').trim().length > 100) {
      problems.push({
        at: 'fee',
        message: 'give the fee as told to the subject, such as "25 EUR" (1–100 characters)',
      });
    } else {
      fee = input.fee!.trim();
    }
  } else if (input?.fee !== undefined) {
    problems.push({ at: 'fee', message: 'a fee goes with charge fee, not with a refusal' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { charge: input.charge, ground: input.ground, reason: input.reason.trim(), fee };
}

/**
 * Refuses a manifestly unfounded or excessive request, or charges a reasonable fee for it (R4.1, art. 12(5)),
 * with the reason recorded (`charge` becomes `refused` or `fee`, `charge_reason` the reason). A refusal closes
 * the request (state `refused`); a fee leaves it open. Either way the subject is told in the same transaction,
 * with the right to complain to the supervisory authority (the definition's `authority`) and to a court
 * (art. 12(4)). Appends a `refused` or `fee_charged` event and an audit row.
 *
 * @example
 * ```ts
 * await refuseRequest(reg, actor, requestId, {
 *   charge: 'refused', ground: 'excessive', reason: 'Kuudes samansisältöinen pyyntö kuukauden sisällä.',
 * });
 * ```
 */
export async function refuseRequest(
  reg: Register,
  actor: Actor,
  requestId: string,
  input: RefuseRequestInput,
): Promise<RequestView> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(requestId, 'request', 'id');
  const { charge, ground, reason, fee } = checkRefuseInput(input);
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireRequestRow(tx, id, { forUpdate: true });
    requireOpen(row);
    if (row.state === 'blocked') {
      throw new LupausError('VALIDATION_FAILED', { id }, [
        {
          at: 'id',
          message: `request ${id} is an erasure partly done, waiting for a blocker's end: it can no longer be refused or charged for`,
        },
      ]);
    }
    const receivedOn = helsinkiDate(new Date(row.received_at));
    if (charge === 'fee') {
      if (row.charge === 'fee') {
        throw new LupausError('CONFLICT', { id }, [
          { at: 'id', message: `a fee was charged for request ${id} already (${row.charge_reason})` },
        ]);
      }
      await updateRequestRow(tx, actor, id, { charge: 'fee', charge_reason: reason }, now);
      const notice = await enqueueFeeNotice(tx, reg, row, { receivedOn, ground, reason, fee: fee! });
      await recordRequestEvent(
        tx,
        reg,
        actor,
        row,
        'fee_charged',
        { ground, reason, fee, notification: notice.id },
        { ground, notification: notice.id },
      );
    } else {
      const notice = await enqueueRefusalNotice(tx, reg, row, { receivedOn, ground, reason });
      await tx
        .updateTable('requests')
        .set({ charge: 'refused', charge_reason: reason })
        .where('id', '=', id)
        .execute();
      await completeRequestIn(tx, reg, actor, id, {
        state: 'refused',
        outcome: { ground, notification: notice.id },
        reason,
      });
    }
    return toRequestView(tx, reg, (await requireRequestRow(tx, id))!, { withEvents: true });
  });
}
