import { LupausError, type ProblemDetail, RECORD_HOLDERS, type RecordHolder } from '@lupaus/core';
import { listTimelineRows } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import { isRecordHolder, type RecordView, recordCategories, recordViews } from './record-store';

export interface TimelineInput {
  purpose?: string | undefined;
  /** Only these kinds (category ids of records). */
  kinds?: readonly string[] | undefined;
  /** Only records of these holders (order, invoice, collection, interaction, loyalty). */
  holders?: readonly string[] | undefined;
  /** `next` of the previous page. */
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface TimelinePage {
  items: RecordView[];
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}

const MAX_LIMIT = 200;
/** The instant as `encodeTimelineCursor` writes it (toISOString of a four-digit year, which PostgreSQL takes). */
const CURSOR_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An opaque keyset cursor: the position (occurred_at, id) of the last record shown. */
export function encodeTimelineCursor(occurredAt: string, id: string): string {
  return Buffer.from(`${occurredAt}|${id}`, 'utf8').toString('base64url');
}

export function decodeTimelineCursor(cursor: string): { occurredAt: Date; id: string } {
  const bad = () =>
    new LupausError('VALIDATION_FAILED', {}, [
      { at: 'cursor', message: 'not a cursor of this timeline: pass `next` of the previous page as it is' },
    ]);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const occurredAt = new Date(at ?? '');
  if (
    rest.length > 0 ||
    !CURSOR_INSTANT_RE.test(at ?? '') ||
    Number.isNaN(occurredAt.getTime()) ||
    occurredAt.toISOString() !== at
  ) {
    throw bad();
  }
  try {
    return { occurredAt, id: requireId(id ?? '', 'record', 'cursor') };
  } catch {
    throw bad();
  }
}

/**
 * A person's records across orders, invoices, debt collection cases, loyalty levels and interactions, newest
 * first (by when they happened, then id), a page at a time (keyset: pass `next` as `cursor`). Filter by kind
 * (category ids) and holder. The page is audited as one view naming the records shown.
 *
 * @example
 * ```ts
 * const page = await listTimeline(reg, actor, personId, { kinds: ['web_usage'], limit: 20 });
 * const more = page.next ? await listTimeline(reg, actor, personId, { cursor: page.next }) : undefined;
 * ```
 */
export async function listTimeline(
  reg: Register,
  actor: Actor,
  personId: string,
  input: TimelineInput = {},
): Promise<TimelinePage> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, input.purpose);
  const problems: ProblemDetail[] = [];
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    problems.push({ at: 'limit', message: `limit must be 1–${MAX_LIMIT}` });
  }
  const categories = recordCategories(reg);
  const byId = new Map(categories.map((c) => [c.id, c]));
  const kinds = input.kinds && input.kinds.length > 0 ? [...new Set(input.kinds)] : undefined;
  kinds?.forEach((k, i) => {
    if (!byId.has(k)) {
      problems.push({
        at: `kind[${i}]`,
        message: `"${k.slice(0, 60)}" is not a kind of record this register declares; declared: ${categories.map((c) => c.id).join(', ')}`,
      });
    }
  });
  let holders: RecordHolder[] = [...RECORD_HOLDERS];
  if (input.holders && input.holders.length > 0) {
    input.holders.forEach((h, i) => {
      if (!isRecordHolder(h)) {
        problems.push({
          at: `holder[${i}]`,
          message: `"${h.slice(0, 60)}" is not a holder of records; use ${RECORD_HOLDERS.join(', ')}`,
        });
      }
    });
    holders = holders.filter((h) => input.holders!.includes(h));
  }
  let before: { occurredAt: Date; id: string } | undefined;
  if (input.cursor !== undefined) {
    try {
      before = decodeTimelineCursor(input.cursor);
    } catch (e) {
      if (e instanceof LupausError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  if (kinds) {
    const ofKinds = new Set(kinds.map((k) => byId.get(k)!.holder));
    holders = holders.filter((h) => ofKinds.has(h));
  }
  return reg.db.transaction().execute(async (tx) => {
    const person = await requirePersonRow(tx, personId);
    const rows = await listTimelineRows(tx, {
      personId: person.id,
      holders,
      categories: kinds,
      before,
      limit,
    });
    const items = await recordViews(tx, reg, actor, rows);
    await audit(tx, reg, actor, {
      action: 'list',
      entityType: 'timeline',
      entityId: person.id,
      personId: person.id,
      purpose,
      details: {
        records: items.map((r) => r.id),
        ...(kinds ? { kinds } : {}),
        ...(input.holders?.length ? { holders } : {}),
      },
    });
    const last = items[items.length - 1];
    return {
      items,
      next: last && rows.length === limit ? encodeTimelineCursor(last.occurredAt, last.id) : null,
    };
  });
}
