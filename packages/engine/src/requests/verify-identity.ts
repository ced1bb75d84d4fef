import { LupausError, type ProblemDetail } from '@lupaus/core';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { restrictWhilePendingIn } from '../restriction/restrict-while-pending';
import { checkRequestReason } from './complete-request';
import {
  findLetter,
  recordRequestEvent,
  requireOpen,
  requireRequestRow,
  updateRequestRow,
} from './request-store';
import { type RequestView, toRequestView } from './request-view';

/**
 * How a requester's identity can be verified (R4.1, art. 12(6)): strong electronic identification (bank
 * credentials, mobile certificate), an identity document seen by staff, a contact channel the register already
 * knows for the person (the reply goes there), or in person.
 */
export const IDENTITY_METHODS = [
  'strong_electronic_identification',
  'id_document',
  'known_contact_channel',
  'in_person',
] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/** Names of the personal identity code: never a verification on its own. */
const HETU_METHODS = new Set([
  'hetu',
  'henkilotunnus',
  'henkilötunnus',
  'personal_identity_code',
  'personal_identity_number',
  'ssn',
]);

export interface VerifyIdentityInput {
  method: string;
  /** What was checked (the document's kind, the channel), without the identifiers themselves. */
  note?: string | undefined;
}

function checkVerifyInput(input: VerifyIdentityInput): { method: IdentityMethod; note: string | null } {
  const problems: ProblemDetail[] = [];
  const method = typeof input?.method === 'string' ? input.method.trim().toLowerCase() : '';
  if (HETU_METHODS.has(method)) {
    problems.push({
      at: 'method',
      message:
        'the personal identity code (hetu) alone never verifies identity: anyone who knows it could ask for another person’s data. Verify with strong electronic identification, an identity document, a known contact channel or in person',
    });
  } else if (!(IDENTITY_METHODS as readonly string[]).includes(method)) {
    problems.push({
      at: 'method',
      message: `"${String(input?.method).slice(0, 60)}" is not a method of verifying identity; methods: ${IDENTITY_METHODS.join(', ')}`,
    });
  }
  const bad = checkRequestReason(input?.note, 'note', false);
  if (bad) problems.push(bad);
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { method: method as IdentityMethod, note: input.note?.trim() ?? null };
}

/**
 * Records that the requester's identity was verified (R4.1): how, by whom, when. Until then nothing is
 * disclosed or changed on the request (`requireVerifiedRequestIn`). The hetu alone is never accepted. A written
 * request is verified only once its signed letter is attached. Appends an `identity_verified` event and an
 * audit row. A verified rectification request restricts the person's processing until it is decided (R4.5).
 *
 * @example
 * ```ts
 * await verifyIdentity(reg, actor, requestId, { method: 'strong_electronic_identification' });
 * ```
 */
export async function verifyIdentity(
  reg: Register,
  actor: Actor,
  requestId: string,
  input: VerifyIdentityInput,
): Promise<RequestView> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(requestId, 'request', 'id');
  const { method, note } = checkVerifyInput(input);
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireRequestRow(tx, id, { forUpdate: true });
    requireOpen(row);
    if (row.identity_verified_at) {
      throw new LupausError('CONFLICT', { id }, [
        {
          at: 'id',
          message: `the identity of the requester of request ${id} was verified already, on ${new Date(row.identity_verified_at).toISOString()} by ${row.identity_verified_by} (${row.identity_method})`,
        },
      ]);
    }
    if (row.person_id === null) {
      throw new LupausError('REQUEST_CLOSED', { id }, [
        { at: 'id', message: `the person of request ${id} has been erased` },
      ]);
    }
    const letter = row.received_via === 'written' ? await findLetter(tx, id) : undefined;
    if (row.received_via === 'written' && !letter) {
      throw new LupausError('VALIDATION_FAILED', { id }, [
        {
          at: 'letter',
          message: `request ${id} was received in writing: attach the signed letter (PUT /requests/${id}/letter, lupaus request letter) before verifying it`,
        },
      ]);
    }
    await updateRequestRow(
      tx,
      actor,
      id,
      {
        state: row.state === 'received' ? 'verified' : row.state,
        identity_verified_at: now,
        identity_method: method,
        identity_verified_by: actor.id,
      },
      now,
    );
    await recordRequestEvent(
      tx,
      reg,
      actor,
      row,
      'identity_verified',
      { method, ...(note ? { note } : {}), ...(letter ? { letter: letter.id } : {}) },
      { method },
    );
    // Seed 003 §12.2, art. 18(1)(a): while a verified rectification is pending, the person's data is only stored.
    if (row.type === 'rectification') {
      await restrictWhilePendingIn(tx, reg, actor, {
        personId: row.person_id,
        ground: 'accuracy_contested',
        requestId: id,
      });
    }
    return toRequestView(tx, reg, (await requireRequestRow(tx, id))!);
  });
}
