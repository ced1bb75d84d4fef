import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Executor } from '../executor';
import type { NewPerson, PersonUpdate } from '../types';

export interface AddressRow {
  street: string | null;
  po_box: string | null;
  postal_code: string | null;
  city: string | null;
  country: string;
}

export async function insertPersonRow(db: Executor, row: NewPerson): Promise<void> {
  await db.insertInto('persons').values(row).execute();
}

export async function updatePersonRow(db: Executor, id: string, patch: PersonUpdate): Promise<void> {
  await db.updateTable('persons').set(patch).where('id', '=', id).execute();
}

export async function findPersonRow(db: Executor, id: string) {
  return db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Replaces a person's email addresses, keeping their order. */
export async function replaceEmails(
  db: Executor,
  personId: string,
  emails: { value: string; key: string }[],
) {
  await db.deleteFrom('person_emails').where('person_id', '=', personId).execute();
  if (emails.length === 0) return;
  await db
    .insertInto('person_emails')
    .values(
      emails.map((e, i) => ({
        id: uuidv7(),
        person_id: personId,
        position: i,
        value: e.value,
        value_key: e.key,
      })),
    )
    .execute();
}

export async function replacePhones(db: Executor, personId: string, phones: string[]) {
  await db.deleteFrom('person_phones').where('person_id', '=', personId).execute();
  if (phones.length === 0) return;
  await db
    .insertInto('person_phones')
    .values(phones.map((value, i) => ({ id: uuidv7(), person_id: personId, position: i, value })))
    .execute();
}

export async function replaceAddresses(db: Executor, personId: string, addresses: AddressRow[]) {
  await db.deleteFrom('person_addresses').where('person_id', '=', personId).execute();
  if (addresses.length === 0) return;
  await db
    .insertInto('person_addresses')
    .values(addresses.map((a, i) => ({ id: uuidv7(), person_id: personId, position: i, ...a })))
    .execute();
}

export async function loadContactPoints(db: Executor, personId: string) {
  const [emails, phones, addresses] = await Promise.all([
    db
      .selectFrom('person_emails')
      .select('value')
      .where('person_id', '=', personId)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('person_phones')
      .select('value')
      .where('person_id', '=', personId)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('person_addresses')
      .select(['street', 'po_box', 'postal_code', 'city', 'country'])
      .where('person_id', '=', personId)
      .orderBy('position')
      .execute(),
  ]);
  return { emails: emails.map((e) => e.value), phones: phones.map((p) => p.value), addresses };
}

export interface PersonSummaryRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  customer_number: string | null;
  email: string | null;
  phone: string | null;
}

function summaryQuery(db: Executor) {
  return db
    .selectFrom('persons as p')
    .select([
      'p.id',
      'p.first_name',
      'p.last_name',
      'p.customer_number',
      (eb) =>
        eb
          .selectFrom('person_emails as e')
          .select('e.value')
          .whereRef('e.person_id', '=', 'p.id')
          .orderBy('e.position')
          .limit(1)
          .as('email'),
      (eb) =>
        eb
          .selectFrom('person_phones as ph')
          .select('ph.value')
          .whereRef('ph.person_id', '=', 'p.id')
          .orderBy('ph.position')
          .limit(1)
          .as('phone'),
    ]);
}

/** The summaries (names, customer number, first email and phone) of the given persons. */
export async function personSummariesByIds(db: Executor, ids: string[]): Promise<PersonSummaryRow[]> {
  if (ids.length === 0) return [];
  return (await summaryQuery(db).where('p.id', 'in', ids).execute()) as PersonSummaryRow[];
}

/** Keyset pagination by id (UUIDv7, so roughly by creation time). */
export async function listPersonSummaries(db: Executor, opts: { limit: number; after?: string | undefined }) {
  let q = summaryQuery(db).orderBy('p.id').limit(opts.limit);
  if (opts.after) q = q.where('p.id', '>', opts.after);
  return (await q.execute()) as PersonSummaryRow[];
}

export interface PersonSearch {
  /** Lower-case name text: prefix of first, last or nickname, or trigram similarity of the whole name. */
  name?: string;
  emailKey?: string;
  phone?: string;
  customerNumber?: string;
  hetuLookup?: Buffer;
  limit: number;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Searches persons; criteria combine with AND. Names match by prefix (B-tree, text_pattern_ops) or by trigram
 * similarity (GIN); email, phone, customer number and hetu (through its keyed hash) match exactly.
 */
export async function searchPersonSummaries(db: Executor, s: PersonSearch) {
  let q = summaryQuery(db);
  if (s.emailKey !== undefined) {
    const key = s.emailKey;
    q = q.where('p.id', 'in', (eb) =>
      eb.selectFrom('person_emails').select('person_id').where('value_key', '=', key),
    );
  }
  if (s.phone !== undefined) {
    const phone = s.phone;
    q = q.where('p.id', 'in', (eb) =>
      eb.selectFrom('person_phones').select('person_id').where('value', '=', phone),
    );
  }
  if (s.customerNumber !== undefined) q = q.where('p.customer_number', '=', s.customerNumber);
  if (s.hetuLookup !== undefined) q = q.where('p.hetu_lookup', '=', s.hetuLookup);
  if (s.name !== undefined) {
    const prefix = `${escapeLike(s.name)}%`;
    const name = s.name;
    q = q
      .where((eb) =>
        eb.or([
          eb(sql`lower(p.last_name)`, 'like', prefix),
          eb(sql`lower(p.first_name)`, 'like', prefix),
          eb(sql`lower(p.nickname)`, 'like', prefix),
          eb(sql`p.search_name`, 'like', prefix),
          sql<boolean>`p.search_name % ${name}`,
        ]),
      )
      .orderBy(
        sql`(lower(p.last_name) like ${prefix} or lower(p.first_name) like ${prefix} or p.search_name like ${prefix})`,
        'desc',
      )
      .orderBy(sql`similarity(p.search_name, ${name})`, 'desc');
  }
  return (await q.orderBy('p.id').limit(s.limit).execute()) as PersonSummaryRow[];
}
