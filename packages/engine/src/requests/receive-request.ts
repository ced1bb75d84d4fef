import {
  findControlCharacter,
  helsinkiDate,
  LupausError,
  type ProblemDetail,
  requestDueOn,
} from '@lupaus/core';
import { findPersonRow, type RequestType } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { REQUEST_TYPES, recordRequestEvent, requireRequestRow } from './request-store';
import { type RequestView, toRequestView } from './request-view';

export interface ReceiveRequestInput {
  /** access | rectification | erasure | restriction | objection | portability | withdrawal | anonymisation. */
  type: RequestType;
  personId: string;
  /** written: a signed letter, recorded by staff (attach the letter before verifying); electronic. */
  receivedVia: 'written' | 'electronic';
  /** When the request reached the controller (ISO 8601 instant); now by default. Never in the future. */
  receivedAt?: string | undefined;
  /** What the subject asked: fields to correct, channel and purpose, the particular situation ... No identifiers. */
  details?: Record<string, unknown> | undefined;
}

/** The largest `details` the register keeps with a request, as JSON text. */
export const MAX_REQUEST_DETAILS_CHARS = 16_384;

const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks the input; the normalised person id, receipt instant and details. */
export function checkReceiveRequest(
  input: ReceiveRequestInput,
  now: Date,
): { personId: string; receivedAt: Date; details: Record<string, unknown> } {
  const problems: ProblemDetail[] = [];
  if (!(REQUEST_TYPES as readonly string[]).includes(input?.type)) {
    problems.push({
      at: 'type',
      message: `"${String(input?.type).slice(0, 60)}" is not a request type; types: ${REQUEST_TYPES.join(', ')}`,
    });
  }
  if (input?.receivedVia !== 'written' && input?.receivedVia !== 'electronic') {
    problems.push({
      at: 'receivedVia',
      message: 'receivedVia is written (a signed letter recorded by staff) or electronic',
    });
  }
  let receivedAt = now;
  if (input?.receivedAt !== undefined) {
    const d = new Date(String(input.receivedAt));
    if (!ISO_INSTANT_RE.test(String(input.receivedAt)) || Number.isNaN(d.getTime())) {
      problems.push({
        at: 'receivedAt',
        message: 'receivedAt is an instant such as 2026-03-01T09:30:00Z (with its time zone)',
      });
    } else if (d.getTime() > now.getTime()) {
      problems.push({
        at: 'receivedAt',
        message: `receivedAt ${d.toISOString()} is in the future (now is ${now.toISOString()})`,
      });
    } else {
      receivedAt = d;
    }
  }
  const details = input?.details ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    problems.push({ at: 'details', message: 'details is an object (what the subject asked)' });
  } else {
    const text = JSON.stringify(details);
    if (text.length > MAX_REQUEST_DETAILS_CHARS) {
      problems.push({
        at: 'details',
        message: `details is ${text.length} characters as JSON; at most ${MAX_REQUEST_DETAILS_CHARS}`,
      });
    }
    const bad = findControlCharacter(details, 'details');
    if (bad) problems.push(bad);
  }
  let personId = '';
  try {
    personId = requireId(input?.personId, 'person', 'personId');
  } catch (e) {
    if (e instanceof LupausError) problems.push(...e.problems);
    else throw e;
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { personId, receivedAt, details };
}

/**
 * Records a data subject's request (R4.1): its type, whose, how it came (in writing, recorded by staff with the
 * signed letter to be attached, or electronically) and when. The deadline is one calendar month from the day
 * of receipt in Helsinki (`requestDueOn`). The request starts `received`: nothing is disclosed or changed until
 * the requester's identity is verified (`verifyIdentity`). Appends the `received` event and an audit row.
 *
 * @example
 * ```ts
 * const request = await receiveRequest(reg, actor, {
 *   type: 'access', personId, receivedVia: 'electronic', receivedAt: '2024-01-31T23:30:00Z',
 * });
 * request.dueOn; // '2024-03-01' (received on 1 February in Helsinki)
 * ```
 */
export async function receiveRequest(
  reg: Register,
  actor: Actor,
  input: ReceiveRequestInput,
): Promise<RequestView> {
  authorize(reg, actor, 'requests.manage');
  const now = reg.clock.now();
  const { personId, receivedAt, details } = checkReceiveRequest(input, now);
  const receivedOn = helsinkiDate(receivedAt);
  const id = uuidv7();
  return reg.db.transaction().execute(async (tx) => {
    if (!(await findPersonRow(tx, personId))) {
      throw new LupausError('NOT_FOUND', { personId }, [
        { at: 'personId', message: `no person ${personId}` },
      ]);
    }
    await tx
      .insertInto('requests')
      .values({
        id,
        person_id: personId,
        type: input.type,
        state: 'received',
        received_via: input.receivedVia,
        received_at: receivedAt,
        due_on: requestDueOn(receivedOn),
        extended_to: null,
        extension_reason: null,
        identity_verified_at: null,
        identity_method: null,
        identity_verified_by: null,
        charge: 'free',
        charge_reason: null,
        details: JSON.stringify(details),
        outcome: JSON.stringify({}),
        closed_at: null,
        created_at: now,
        created_by: actor.id,
        updated_at: now,
        updated_by: actor.id,
      })
      .execute();
    const row = await requireRequestRow(tx, id);
    await recordRequestEvent(
      tx,
      reg,
      actor,
      row,
      'received',
      { receivedVia: input.receivedVia, receivedOn, dueOn: row.due_on, fields: Object.keys(details) },
      { receivedVia: input.receivedVia },
    );
    return toRequestView(tx, reg, row);
  });
}
