import {
  emailKey,
  findControlCharacter,
  LupausError,
  type ProblemDetail,
  parseEmail,
  parseHetu,
  parsePhone,
} from '@lupaus/core';
import { listPersonSummaries, type PersonSummaryRow, searchPersonSummaries } from '@lupaus/db';
import { personsShownEntries } from '../audit/audit';
import { auditRead } from '../audit/read-audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { readableFields } from '../policy/field-access';
import { optionalCursor } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';

export interface PersonSummary {
  id: string;
  firstName: string | null;
  lastName: string | null;
  customerNumber: string | null;
  email: string | null;
  phone: string | null;
}

const MAX_LIMIT = 200;

function summarise(reg: Register, actor: Actor, rows: PersonSummaryRow[]): PersonSummary[] {
  const can = new Set(readableFields(reg, actor, 'person').map((f) => f.id));
  return rows.map((r) => ({
    id: r.id,
    firstName: can.has('first_name') ? r.first_name : null,
    lastName: can.has('last_name') ? r.last_name : null,
    customerNumber: can.has('customer_number') ? r.customer_number : null,
    email: can.has('email') ? r.email : null,
    phone: can.has('phone') ? r.phone : null,
  }));
}

/**
 * One audit row per view naming every person shown (`person_ids`), so that "who has looked at my data" finds
 * list and search views too (R6.4) at the cost of one row, not one per person. The row goes through the
 * group-commit appender and is committed before the view is returned; a view that showed nobody writes none.
 */
async function auditShown(
  reg: Register,
  actor: Actor,
  action: string,
  purpose: string,
  rows: PersonSummaryRow[],
  details: Record<string, unknown>,
) {
  await auditRead(
    reg,
    personsShownEntries(
      reg,
      actor,
      { action, purpose, details },
      rows.map((r) => r.id),
    ),
  );
}

function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'limit', message: `limit must be 1–${MAX_LIMIT}` },
    ]);
  }
  return limit;
}

/** Lists persons page by page (keyset pagination: pass `next` as `after`). */
export async function listPersons(
  reg: Register,
  actor: Actor,
  opts: { purpose?: string | undefined; limit?: number | undefined; after?: string | undefined } = {},
): Promise<{ items: PersonSummary[]; next: string | null }> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, opts.purpose);
  const limit = clampLimit(opts.limit, 50);
  const rows = await listPersonSummaries(reg.db, { limit, after: optionalCursor(opts.after, 'person') });
  await auditShown(reg, actor, 'list', purpose, rows, {});
  return {
    items: summarise(reg, actor, rows),
    next: rows.length === limit ? rows[rows.length - 1]!.id : null,
  };
}

export interface PersonSearchInput {
  purpose?: string | undefined;
  /** A name: prefix of first name, last name or nickname, or a similar-sounding whole name. */
  q?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  customerNumber?: string | undefined;
  /** Exact, through the keyed hash: the hetu itself is never stored or logged. */
  hetu?: string | undefined;
  limit?: number | undefined;
}

/** The person fields each search criterion matches. */
const CRITERION_FIELDS: Record<string, string[]> = {
  q: ['first_name', 'last_name', 'nickname'],
  email: ['email'],
  phone: ['phone'],
  customerNumber: ['customer_number'],
  hetu: ['hetu'],
};

/**
 * A search by a field the actor may not read would confirm its value (a hit says "this person has that email"),
 * so it is refused (FORBIDDEN, naming the criterion) rather than answered (R6.2).
 */
function refuseUnreadableCriteria(reg: Register, actor: Actor, by: string[]): void {
  const readable = new Set(readableFields(reg, actor, 'person').map((f) => f.id));
  const problems: ProblemDetail[] = [];
  for (const k of by) {
    const hidden = (CRITERION_FIELDS[k] ?? []).filter(
      (f) => reg.catalogue.field('person', f) && !readable.has(f),
    );
    if (hidden.length > 0) {
      problems.push({
        at: k,
        message: `your roles may not read ${hidden.join(', ')}, so you may not search by ${k === 'q' ? 'name' : k}`,
      });
    }
  }
  if (problems.length > 0) throw new LupausError('FORBIDDEN', { by }, problems);
}

/**
 * Finds persons by name (prefix and fuzzy), email, phone, customer number or exact hetu (R2.7). Criteria
 * combine with AND. The audit rows name which criteria were used, never their values. A criterion on a field the
 * actor's roles may not read is refused (FORBIDDEN): a hit would confirm the value.
 */
export async function searchPersons(
  reg: Register,
  actor: Actor,
  input: PersonSearchInput,
): Promise<PersonSummary[]> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, input.purpose);
  const limit = clampLimit(input.limit, 20);
  const problems: ProblemDetail[] = [];
  const search: Parameters<typeof searchPersonSummaries>[1] = { limit };
  if (input.q !== undefined) {
    const q = input.q.trim().toLowerCase();
    const control = findControlCharacter(q, 'q');
    if (q.length === 0 || q.length > 200)
      problems.push({ at: 'q', message: 'a name to search is 1–200 characters' });
    else if (control) problems.push(control);
    else search.name = q;
  }
  if (input.email !== undefined) {
    const r = parseEmail(input.email);
    if (r.ok) search.emailKey = emailKey(r.value);
    else problems.push({ at: 'email', message: r.reason });
  }
  if (input.phone !== undefined) {
    const r = parsePhone(input.phone);
    if (r.ok) search.phone = r.value;
    else problems.push({ at: 'phone', message: r.reason });
  }
  if (input.customerNumber !== undefined) {
    const c = input.customerNumber.trim();
    const control = findControlCharacter(c, 'customerNumber');
    if (control) problems.push(control);
    else if (c.length === 0 || c.length > 100)
      problems.push({ at: 'customerNumber', message: 'a customer number is 1–100 characters' });
    else search.customerNumber = c;
  }
  if (input.hetu !== undefined) {
    const r = parseHetu(input.hetu);
    if (r.ok) search.hetuLookup = reg.vault.lookup(r.value);
    else problems.push({ at: 'hetu', message: `invalid personal identity code: ${r.reason}` });
  }
  const by = ['q', 'email', 'phone', 'customerNumber', 'hetu'].filter(
    (k) => input[k as keyof PersonSearchInput] !== undefined,
  );
  if (by.length === 0)
    problems.push({ at: 'query', message: 'give a name, email, phone, customer number or hetu' });
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  refuseUnreadableCriteria(reg, actor, by);
  const rows = await searchPersonSummaries(reg.db, search);
  await auditShown(reg, actor, 'search', purpose, rows, { by });
  return summarise(reg, actor, rows);
}
