import { emailKey, parseEmail, parseHetu } from '@lupaus/core';
import { type Executor, matchPersonsByKeys } from '@lupaus/db';
import type { Register } from '../context';
import { isId } from '../policy/ids';

/**
 * How a row of a consent or organisation import names its person: a person id, a customer number, an email
 * address or a hetu (columns `person_id`, `customer_number`, `email`, `hetu`, or with the prefix `person.`).
 */
export interface PersonKey {
  id?: string;
  customerNumber?: string;
  email?: string;
  /** base64 of the hetu's keyed hash */
  hetuLookup?: string;
}

export const PERSON_KEY_COLUMNS = ['person_id', 'customer_number', 'email', 'hetu'] as const;

/** The key of a row from its person columns, or the problem with them (column, reason). */
export function personKeyOf(
  reg: Register,
  cells: Partial<Record<(typeof PERSON_KEY_COLUMNS)[number], string>>,
): { key: PersonKey } | { column: (typeof PERSON_KEY_COLUMNS)[number] | null; reason: string } {
  const id = cells.person_id?.trim();
  const c = cells.customer_number?.trim();
  const e = cells.email?.trim();
  const h = cells.hetu?.trim();
  const key: PersonKey = {};
  if (id) {
    if (!isId(id)) return { column: 'person_id', reason: 'a person id is a UUID' };
    key.id = id.toLowerCase();
  }
  if (c) key.customerNumber = c;
  if (e) {
    const r = parseEmail(e);
    if (!r.ok) return { column: 'email', reason: r.reason };
    key.email = emailKey(r.value);
  }
  if (h) {
    const r = parseHetu(h);
    if (!r.ok) return { column: 'hetu', reason: `invalid personal identity code: ${r.reason}` };
    key.hetuLookup = reg.vault.lookup(r.value).toString('base64');
  }
  if (!key.id && !key.customerNumber && !key.email && !key.hetuLookup) {
    return {
      column: null,
      reason: 'the row names no person: give a customer number, an email, a hetu or a person id',
    };
  }
  return { key };
}

/**
 * The person each key names, in one statement per batch: exactly one person, or why not (no one, or several:
 * two keys naming different persons, an email several persons have).
 */
export async function resolvePersonKeys(
  tx: Executor,
  keys: readonly PersonKey[],
): Promise<({ personId: string } | { reason: string })[]> {
  const matches = new Map(
    (
      await matchPersonsByKeys(
        tx,
        keys.map((k, i) => ({
          i,
          c: k.customerNumber ?? null,
          e: k.email ? [k.email] : null,
          h: k.hetuLookup ?? null,
        })),
      )
    ).map((m) => [m.i, m]),
  );
  const ids = keys.flatMap((k) => (k.id ? [k.id] : []));
  const existing = new Set(
    ids.length === 0
      ? []
      : (await tx.selectFrom('persons').select('id').where('id', 'in', ids).execute()).map((r) => r.id),
  );
  return keys.map((k, i) => {
    const m = matches.get(i);
    const found = new Set<string>();
    if (k.id) {
      if (!existing.has(k.id)) return { reason: `no person ${k.id}` };
      found.add(k.id);
    }
    if (k.customerNumber && !m?.byCustomerNumber) return { reason: 'no person has this customer number' };
    if (k.hetuLookup && !m?.byHetu) return { reason: 'no person has this personal identity code' };
    if (k.email && (m?.byEmail.length ?? 0) === 0) return { reason: 'no person has this email address' };
    if (m?.byCustomerNumber) found.add(m.byCustomerNumber);
    if (m?.byHetu) found.add(m.byHetu);
    for (const e of m?.byEmail ?? []) found.add(e);
    if (found.size !== 1) {
      return {
        reason:
          (m?.byEmail.length ?? 0) > 1 && !k.customerNumber && !k.hetuLookup && !k.id
            ? `${m!.byEmail.length} persons have this email address: name the person by customer number or hetu`
            : 'the keys of the row name different persons',
      };
    }
    return { personId: [...found][0]! };
  });
}
