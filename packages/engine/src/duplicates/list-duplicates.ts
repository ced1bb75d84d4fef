import { LupausError, type ProblemDetail } from '@lupaus/core';
import {
  DUPLICATE_REASONS,
  type DuplicateReason,
  findDuplicatePairs,
  insertAudit,
  type PersonSummaryRow,
  personSummariesByIds,
} from '@lupaus/db';
import type { Actor, Register } from '../context';
import { ERASURE_MARKS } from '../erasure/erase-person';
import type { PersonSummary } from '../persons/list-persons';
import { authorize } from '../policy/authorize';
import { readableFields } from '../policy/field-access';
import { isId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';

export type { DuplicateReason } from '@lupaus/db';

/** A likely duplicate: two persons, why they look like one, and how strongly (0–1). */
export interface DuplicatePair {
  a: PersonSummary;
  b: PersonSummary;
  reasons: DuplicateReason[];
  score: number;
}

export interface ListDuplicatesInput {
  purpose?: string | undefined;
  /** Which signs to look for (default: every one the actor's roles may read); the score counts only these. */
  reasons?: DuplicateReason[] | undefined;
  limit?: number | undefined;
  /** The `next` of the previous page. */
  after?: string | undefined;
}

/** The person fields each sign compares: a sign on a field the actor may not read is not shown to them. */
const REASON_FIELDS: Record<DuplicateReason, string[]> = {
  email: ['email'],
  phone: ['phone'],
  name_address: ['first_name', 'last_name', 'address'],
  name_postal_code: ['first_name', 'last_name', 'address'],
};

/** An email or phone shared by more persons than this is a shared contact point, not a sign of a duplicate. */
export const MAX_SHARED_CONTACT = 10;
/** The least trigram similarity of two whole names (`search_name`) that counts as similar. */
export const MIN_NAME_SIMILARITY = 0.65;
/** The most persons of one name block (postal code + surname, postal code + first name) compared pairwise. */
export const MAX_NAME_BLOCK = 1000;
const MAX_LIMIT = 200;

function encodeCursor(p: { score: string; a: string; b: string }): string {
  return `${p.score}_${p.a}_${p.b}`;
}

function decodeCursor(after: string): { score: string; a: string; b: string } {
  const [score, a, b, ...rest] = after.split('_');
  if (rest.length > 0 || !score || !/^(0|1)(\.\d{1,4})?$/.test(score) || !isId(a) || !isId(b)) {
    throw new LupausError('VALIDATION_FAILED', { after }, [
      { at: 'after', message: 'not a cursor of this list: pass the `next` of the previous page' },
    ]);
  }
  return { score, a: a!.toLowerCase(), b: b!.toLowerCase() };
}

/**
 * Lists likely duplicate persons (R2.7), strongest first, a page at a time: pairs with the same email, the same
 * phone, or a similar name at the same street address or in the same postal code (see `findDuplicatePairs` for
 * the rules). The same hetu cannot be held twice: a second person with a hetu already held is refused when it is
 * entered (CONFLICT naming the person who has it), so it never needs finding afterwards. Pairs merged (the merged
 * person is gone) or marked "not a duplicate" (`markNotDuplicate`) are not listed again, nor persons waiting for
 * their erasure.
 *
 * What the actor sees follows their read roles, as in every person read: each person's summary holds only the
 * fields they may read, and a sign comparing a field they may not read is not looked for (asking for it by
 * `reasons` is FORBIDDEN, as a search by that field is). One audit row per page names every person shown.
 *
 * Cost: one set-based statement per page, linear in the contact points and addresses: email and phone keys
 * grouped (hash aggregate over the key's column), names grouped into blocks of postal code + surname and postal
 * code + first name (hash aggregates), and trigram similarity computed only between the members of a block
 * (Σ block²/2 comparisons, a block at most `MAX_NAME_BLOCK` persons), never persons². It does not use the
 * trigram GIN index: a million index probes (one per person) cost more than one pass with blocks. Each page
 * recomputes the pairs, so every page costs about what the first does. Measured with
 * `LUPAUS_DUPLICATES_BENCH=100000 npx vitest run packages/engine/src/duplicates/duplicates.bench.test.ts` on a
 * 2-core machine under a load of 11–13 (other benchmarks running, so these are upper bounds), 100 000 persons:
 * PostgreSQL 7 s a page (email 0.55 s, phone 0.45 s, names 5 s), PGlite 9.5 s (email 0.9 s, phone 0.8 s, names
 * 8 s). A million persons (PostgreSQL, load 15–17): email 8.3 s, phone 8.1 s, names 137 s, a page 190–245 s.
 * Email and phone grow linearly; names grow with Σ block² (3 000 postal codes: ten times the persons make each
 * block ten times larger), so a global list over a million persons is a batch job, not a page view. What would
 * move it: keep the pairs in a table filled by this statement from a scheduled scan (as the retention sweep
 * runs) and page that table by its index; and a narrower block key (postal code + surname + first initial).
 *
 * @example
 * ```ts
 * const page = await listDuplicates(reg, actor, { limit: 20 });
 * page.items[0]; // { a: { id, firstName, ... }, b: { ... }, reasons: ['email', 'name_address'], score: 0.9925 }
 * const more = await listDuplicates(reg, actor, { limit: 20, after: page.next! });
 * ```
 */
export async function listDuplicates(
  reg: Register,
  actor: Actor,
  input: ListDuplicatesInput = {},
): Promise<{ items: DuplicatePair[]; next: string | null }> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, input.purpose);
  const problems: ProblemDetail[] = [];
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    problems.push({ at: 'limit', message: `limit must be 1–${MAX_LIMIT}` });
  }
  const asked = input.reasons;
  if (asked !== undefined) {
    if (!Array.isArray(asked) || asked.length === 0) {
      problems.push({ at: 'reasons', message: `give one or more of ${DUPLICATE_REASONS.join(', ')}` });
    } else {
      asked.forEach((r, i) => {
        if (!DUPLICATE_REASONS.includes(r)) {
          problems.push({
            at: `reasons[${i}]`,
            message: `"${String(r).slice(0, 40)}" is not a sign of a duplicate: ${DUPLICATE_REASONS.join(', ')}`,
          });
        }
      });
    }
  }
  const after = input.after === undefined ? undefined : safeCursor(input.after, problems);
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);

  const readable = new Set(readableFields(reg, actor, 'person').map((f) => f.id));
  const hidden = (r: DuplicateReason) =>
    REASON_FIELDS[r].filter((f) => reg.catalogue.field('person', f) && !readable.has(f));
  if (asked !== undefined) {
    const refused = asked.filter((r) => hidden(r).length > 0);
    if (refused.length > 0) {
      throw new LupausError(
        'FORBIDDEN',
        { reasons: refused },
        refused.map((r) => ({
          at: 'reasons',
          message: `your roles may not read ${hidden(r).join(', ')}, so you may not look for duplicates by ${r}`,
        })),
      );
    }
  }
  const reasons = [...new Set(asked ?? DUPLICATE_REASONS.filter((r) => hidden(r).length === 0))];

  return reg.db.transaction().execute(async (tx) => {
    const pairs = await findDuplicatePairs(tx, {
      reasons,
      limit,
      after,
      maxShared: MAX_SHARED_CONTACT,
      minSimilarity: MIN_NAME_SIMILARITY,
      maxBlock: MAX_NAME_BLOCK,
      excludedEndReasons: Object.values(ERASURE_MARKS),
    });
    const ids = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
    const rows = new Map((await personSummariesByIds(tx, ids)).map((r) => [r.id, r]));
    const show = (r: PersonSummaryRow | undefined, id: string): PersonSummary => ({
      id,
      firstName: readable.has('first_name') ? (r?.first_name ?? null) : null,
      lastName: readable.has('last_name') ? (r?.last_name ?? null) : null,
      customerNumber: readable.has('customer_number') ? (r?.customer_number ?? null) : null,
      email: readable.has('email') ? (r?.email ?? null) : null,
      phone: readable.has('phone') ? (r?.phone ?? null) : null,
    });
    if (ids.length > 0) {
      await insertAudit(tx, reg.vault.auditKey, [
        {
          at: reg.clock.now(),
          actor: actor.id,
          action: 'list_duplicates',
          entityType: 'person',
          entityId: null,
          personId: null,
          personIds: ids,
          purpose,
          details: { reasons, pairs: pairs.length },
        },
      ]);
    }
    const last = pairs[pairs.length - 1];
    return {
      items: pairs.map((p) => ({
        a: show(rows.get(p.a), p.a),
        b: show(rows.get(p.b), p.b),
        reasons: p.reasons,
        score: Number(p.score),
      })),
      next: pairs.length === limit && last ? encodeCursor(last) : null,
    };
  });
}

function safeCursor(after: string, problems: ProblemDetail[]) {
  try {
    return decodeCursor(after);
  } catch (e) {
    if (e instanceof LupausError) problems.push(...e.problems);
    return undefined;
  }
}
