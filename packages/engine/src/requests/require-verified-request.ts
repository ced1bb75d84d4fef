import { LupausError } from '@lupaus/core';
import type { Executor, RequestType } from '@lupaus/db';
import type { Register } from '../context';
import { requireId } from '../policy/ids';
import { requireOpen, requireRequestRow } from './request-store';

/**
 * The gate before anything is disclosed or changed on a data subject's request (R4.1): passes only if the
 * request exists (else NOT_FOUND), is of the expected type and about the expected person (else
 * VALIDATION_FAILED), is open (else REQUEST_CLOSED) and the requester's identity has been verified (else
 * REQUEST_NOT_VERIFIED, 409). Locks the request row until the caller's transaction ends, so that it cannot be
 * closed meanwhile.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute(async (tx) => {
 *   await requireVerifiedRequestIn(tx, reg, requestId, { type: 'access', personId });
 *   // ... build the access report ...
 * });
 * ```
 */
export async function requireVerifiedRequestIn(
  tx: Executor,
  reg: Register,
  requestId: string,
  expect: { type: RequestType; personId: string },
): Promise<void> {
  void reg;
  const id = requireId(requestId, 'request', 'requestId');
  const row = await requireRequestRow(tx, id, { forUpdate: true });
  if (row.type !== expect.type) {
    throw new LupausError('VALIDATION_FAILED', { requestId: id }, [
      {
        at: 'requestId',
        message: `request ${id} is a request of type ${row.type}, not ${expect.type}`,
      },
    ]);
  }
  if (row.person_id === null || row.person_id !== String(expect.personId).toLowerCase()) {
    throw new LupausError('VALIDATION_FAILED', { requestId: id }, [
      {
        at: 'requestId',
        message: `request ${id} is not about person ${String(expect.personId).slice(0, 60)}`,
      },
    ]);
  }
  requireOpen(row);
  if (!row.identity_verified_at) {
    throw new LupausError('REQUEST_NOT_VERIFIED', { requestId: id }, [
      {
        at: 'requestId',
        message: `the identity of the requester of request ${id} has not been verified: record the verification (lupaus request verify) first`,
      },
    ]);
  }
}
