import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { REQUESTS_PURPOSE, requireRequestRow } from './request-store';
import { type RequestView, toRequestView } from './request-view';

/**
 * One data subject's request (R4.1) with its letter and every event in order; audited as a read.
 *
 * @example
 * ```ts
 * const request = await getRequest(reg, actor, requestId);
 * request.events.map((e) => e.event); // ['received', 'letter_attached', 'identity_verified', 'completed']
 * ```
 */
export async function getRequest(
  reg: Register,
  actor: Actor,
  requestId: string,
): Promise<RequestView & { events: NonNullable<RequestView['events']> }> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(requestId, 'request', 'id');
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireRequestRow(tx, id);
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: 'request',
      entityId: id,
      personId: row.person_id,
      purpose: REQUESTS_PURPOSE,
    });
    const view = await toRequestView(tx, reg, row, { withEvents: true });
    return { ...view, events: view.events ?? [] };
  });
}
