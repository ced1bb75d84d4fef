import { helsinkiDate, LupausError, type ProblemDetail } from '@lupaus/core';
import type { RequestState, RequestType } from '@lupaus/db';
import { sql } from 'kysely';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize, mayDo } from '../policy/authorize';
import { readableFields } from '../policy/field-access';
import { optionalCursor, requireId } from '../policy/ids';
import {
  LETTER_ENTITY,
  LETTER_FIELD,
  OPEN_REQUEST_STATES,
  REQUEST_STATES,
  REQUEST_TYPES,
  REQUESTS_PURPOSE,
} from './request-store';
import { type RequestView, requestViewOf } from './request-view';

export interface ListRequestsOptions {
  state?: RequestState | undefined;
  type?: RequestType | undefined;
  personId?: string | undefined;
  /** Only requests still open and past their deadline (`coalesce(extended_to, due_on)`) as of the clock. */
  overdue?: boolean | undefined;
  /** Only open requests (received, verified or blocked). */
  open?: boolean | undefined;
  limit?: number | undefined;
  /** The id of the last request of the previous page. */
  after?: string | undefined;
}

/** The name of a request's subject in the queue: only the parts the actor's roles may read (R6.2). */
export interface RequestSubjectName {
  firstName: string | null;
  lastName: string | null;
}

/** A request in the queue: the request and, for an actor who may read names, its subject's name. */
export interface RequestListItem extends RequestView {
  /**
   * The subject's first and last name as the actor's roles may read them (`persons.read` and each field's read
   * roles); null when the actor may read neither, or the person has been erased.
   */
  subject: RequestSubjectName | null;
}

/** The name fields the actor may read, if it may read persons at all. */
function readableNameFields(reg: Register, actor: Actor): { first: boolean; last: boolean } {
  if (!mayDo(reg, actor, 'persons.read')) return { first: false, last: false };
  const can = new Set(readableFields(reg, actor, 'person').map((f) => f.id));
  return { first: can.has('first_name'), last: can.has('last_name') };
}

function checkListOptions(opts: ListRequestsOptions): void {
  const problems: ProblemDetail[] = [];
  if (opts.state !== undefined && !(REQUEST_STATES as readonly string[]).includes(opts.state)) {
    problems.push({
      at: 'state',
      message: `"${String(opts.state).slice(0, 60)}" is not a request state; states: ${REQUEST_STATES.join(', ')}`,
    });
  }
  if (opts.type !== undefined && !(REQUEST_TYPES as readonly string[]).includes(opts.type)) {
    problems.push({
      at: 'type',
      message: `"${String(opts.type).slice(0, 60)}" is not a request type; types: ${REQUEST_TYPES.join(', ')}`,
    });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
}

/**
 * The data subject's requests (R4.1), earliest deadline first (the deadline in force: the extended one, else the
 * first due date), a page at a time; filtered by state, type, person, open, or `overdue` (open and past the
 * deadline as of the register's clock, in Helsinki calendar days). Each request carries its subject's name as the
 * actor's roles may read it (`subject`), so the queue needs no read per person. The view is audited in the same
 * transaction by ONE row naming the persons shown in `person_ids`, with the
 * requests' ids and the name fields shown in its details (ids and field names only), so that "who has looked at
 * my data" finds it.
 *
 * @example
 * ```ts
 * const { items } = await listRequests(reg, actor, { overdue: true });
 * ```
 */
export async function listRequests(
  reg: Register,
  actor: Actor,
  opts: ListRequestsOptions = {},
): Promise<{ items: RequestListItem[]; next: string | null }> {
  authorize(reg, actor, 'requests.manage');
  checkListOptions(opts);
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  const after = optionalCursor(opts.after, 'request');
  const personId = opts.personId === undefined ? undefined : requireId(opts.personId, 'person', 'personId');
  const now = reg.clock.now();
  const today = helsinkiDate(now);
  const names = readableNameFields(reg, actor);
  const nameFields = [...(names.first ? ['first_name'] : []), ...(names.last ? ['last_name'] : [])];
  return reg.db.transaction().execute(async (tx) => {
    let q = tx
      .selectFrom('requests as r')
      .selectAll('r')
      .select(sql<string>`coalesce(r.extended_to, r.due_on)`.as('deadline'))
      .select((eb) =>
        eb
          .selectFrom('files as f')
          .select(
            sql<string>`json_build_object('id', f.id, 'name', f.name, 'mediaType', f.media_type, 'size', f.size)::text`.as(
              'l',
            ),
          )
          .where('f.entity_type', '=', LETTER_ENTITY)
          .where('f.field', '=', LETTER_FIELD)
          .whereRef('f.entity_id', '=', 'r.id')
          .limit(1)
          .as('letter'),
      )
      .select(
        (names.first
          ? sql<string | null>`(select p.first_name from persons p where p.id = r.person_id)`
          : sql<string | null>`null::text`
        ).as('subject_first_name'),
      )
      .select(
        (names.last
          ? sql<string | null>`(select p.last_name from persons p where p.id = r.person_id)`
          : sql<string | null>`null::text`
        ).as('subject_last_name'),
      );
    if (opts.state !== undefined) q = q.where('r.state', '=', opts.state);
    if (opts.type !== undefined) q = q.where('r.type', '=', opts.type);
    if (personId !== undefined) q = q.where('r.person_id', '=', personId);
    if (opts.open || opts.overdue) q = q.where('r.state', 'in', [...OPEN_REQUEST_STATES]);
    if (opts.overdue) q = q.where(sql<boolean>`coalesce(r.extended_to, r.due_on) < ${today}::date`);
    if (after !== undefined) {
      q = q.where(
        sql<boolean>`(coalesce(r.extended_to, r.due_on), r.id) > (select coalesce(c.extended_to, c.due_on), c.id from requests c where c.id = ${after})`,
      );
    }
    const rows = await q
      .orderBy(sql`coalesce(r.extended_to, r.due_on)`)
      .orderBy('r.id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const items: RequestListItem[] = page.map((r) => {
      const letter = r.letter ? (JSON.parse(r.letter) as RequestView['letter']) : null;
      const view = requestViewOf(r, now, {
        letter: letter ? { ...letter, size: Number(letter.size) } : null,
      });
      const named = nameFields.length > 0 && view.personId !== null;
      const subject: RequestSubjectName | null = named
        ? { firstName: r.subject_first_name ?? null, lastName: r.subject_last_name ?? null }
        : null;
      return { ...view, subject };
    });
    if (items.length > 0) {
      // A page holds at most 200 requests, far below PERSONS_PER_AUDIT_ROW: one row names them all.
      const personIds = [...new Set(items.flatMap((i) => (i.personId === null ? [] : [i.personId])))];
      await audit(tx, reg, actor, {
        action: 'list',
        entityType: 'request',
        entityId: null,
        personId: null,
        personIds,
        purpose: REQUESTS_PURPOSE,
        details: { ids: items.map((i) => i.id), fields: personIds.length > 0 ? nameFields : [] },
      });
    }
    return { items, next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
  });
}
