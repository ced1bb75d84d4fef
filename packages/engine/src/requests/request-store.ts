import { LupausError } from '@lupaus/core';
import type { Database, Executor, RequestState, RequestsTable, RequestType } from '@lupaus/db';
import type { Selectable, Updateable } from 'kysely';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';

/** The request types of R4.1 (+ anonymisation, R4.9), as the `requests` table accepts them. */
export const REQUEST_TYPES = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'portability',
  'withdrawal',
  'anonymisation',
] as const satisfies readonly RequestType[];

export const REQUEST_STATES = [
  'received',
  'verified',
  'blocked',
  'completed',
  'refused',
] as const satisfies readonly RequestState[];

/** The states in which a request is still open (its deadline runs). */
export const OPEN_REQUEST_STATES = [
  'received',
  'verified',
  'blocked',
] as const satisfies readonly RequestState[];

/** The purpose under which request handling is audited: the controller's duty to answer (art. 12). */
export const REQUESTS_PURPOSE = 'data_subject_rights';

/** The file entity type and field of a written request's signed letter. */
export const LETTER_ENTITY = 'request';
export const LETTER_FIELD = 'letter';

export type RequestRow = Selectable<Database['requests']>;
export type RequestEventRow = Selectable<Database['request_events']>;

export function isOpenState(state: RequestState): boolean {
  return (OPEN_REQUEST_STATES as readonly string[]).includes(state);
}

export async function findRequestRow(
  tx: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<RequestRow | undefined> {
  let q = tx.selectFrom('requests').selectAll().where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The request, or NOT_FOUND naming the id. */
export async function requireRequestRow(
  tx: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<RequestRow> {
  const row = await findRequestRow(tx, id, opts);
  if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no request ${id}` }]);
  return row;
}

/** REQUEST_CLOSED unless the request is open (received, verified or blocked). */
export function requireOpen(row: RequestRow): void {
  if (!isOpenState(row.state)) {
    throw new LupausError('REQUEST_CLOSED', { id: row.id, state: row.state }, [
      {
        at: 'id',
        message: `request ${row.id} was ${row.state}${row.closed_at ? ` on ${new Date(row.closed_at).toISOString()}` : ''}`,
      },
    ]);
  }
}

/** The letter attached to a written request, if any. */
export async function findLetter(
  tx: Executor,
  requestId: string,
): Promise<{ id: string; name: string; media_type: string; size: string; sha256: string } | undefined> {
  return tx
    .selectFrom('files')
    .select(['id', 'name', 'media_type', 'size', 'sha256'])
    .where('entity_type', '=', LETTER_ENTITY)
    .where('entity_id', '=', requestId)
    .where('field', '=', LETTER_FIELD)
    .executeTakeFirst();
}

/**
 * Writes `changes` to request `id`, stamped as updated by `actor` at `now`, in the caller's transaction: the
 * one way the request use cases (verify, letter, extend, fee, complete) change a request's row.
 */
export async function updateRequestRow(
  tx: Executor,
  actor: Actor,
  id: string,
  changes: Updateable<RequestsTable>,
  now: Date,
): Promise<void> {
  await tx
    .updateTable('requests')
    .set({ ...changes, updated_at: now, updated_by: actor.id })
    .where('id', '=', id)
    .execute();
}

/**
 * Appends what happened to a request (its `request_events` row, append-only) and the audit row of the change,
 * in the caller's transaction. The event's details may hold reasons and field names; the audit row holds the
 * event name and ids only.
 */
export async function recordRequestEvent(
  tx: Executor,
  reg: Register,
  actor: Actor,
  row: Pick<RequestRow, 'id' | 'person_id' | 'type'>,
  event: string,
  details: Record<string, unknown> = {},
  auditDetails: Record<string, unknown> = {},
): Promise<void> {
  await tx
    .insertInto('request_events')
    .values({
      request_id: row.id,
      at: reg.clock.now(),
      actor: actor.id,
      event,
      details: JSON.stringify(details),
    })
    .execute();
  await audit(tx, reg, actor, {
    action: `request_${event}`,
    entityType: 'request',
    entityId: row.id,
    personId: row.person_id,
    purpose: REQUESTS_PURPOSE,
    details: { type: row.type, ...auditDetails },
  });
}
