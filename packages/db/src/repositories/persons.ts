import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Executor } from '../executor';
import type { ContactRoleRow, NewPerson, PersonRow, PersonUpdate } from '../types';

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

/** JSON a driver gave back: PGlite and pg parse json columns, but a string is parsed here just in case. */
function jsonValue<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** What a view of a person reads besides the row: its contact points, the provenance of its fields, its roles. */
export interface PersonDetails {
  points: { emails: string[]; phones: string[]; addresses: AddressRow[] };
  provenance: { field: string; source: string; saved_at: string; saved_by: string }[];
  contactRoles: ContactRoleRow[];
}

/**
 * A person's row with its contact points (in order), the provenance of its fields (by field) and its contact
 * roles (newest start first), in ONE statement: a view of a person is one round trip to the database, not six.
 * Undefined when there is no such person.
 */
export async function findPersonWithDetails(
  db: Executor,
  id: string,
): Promise<{ row: PersonRow; details: PersonDetails } | undefined> {
  const r = await sql<
    PersonRow & {
      h_emails: unknown;
      h_phones: unknown;
      h_addresses: unknown;
      h_provenance: unknown;
      h_roles: unknown;
    }
  >`
    select p.*,
      (select coalesce(json_agg(e.value order by e.position), '[]'::json) from person_emails e
        where e.person_id = p.id) as h_emails,
      (select coalesce(json_agg(x.value order by x.position), '[]'::json) from person_phones x
        where x.person_id = p.id) as h_phones,
      (select coalesce(json_agg(json_build_object('street', a.street, 'po_box', a.po_box,
          'postal_code', a.postal_code, 'city', a.city, 'country', a.country) order by a.position), '[]'::json)
        from person_addresses a where a.person_id = p.id) as h_addresses,
      (select coalesce(json_agg(json_build_object('field', v.field, 'source', v.source, 'saved_at', v.saved_at,
          'saved_by', v.saved_by) order by v.field), '[]'::json)
        from provenance v where v.entity_type = 'person' and v.entity_id = p.id) as h_provenance,
      (select coalesce(json_agg(c order by c.starts_on desc), '[]'::json) from contact_roles c
        where c.person_id = p.id) as h_roles
    from persons p where p.id = ${id}::uuid`.execute(db);
  const x = r.rows[0];
  if (!x) return undefined;
  const { h_emails, h_phones, h_addresses, h_provenance, h_roles, ...row } = x;
  return {
    row: row as PersonRow,
    details: {
      points: {
        emails: jsonValue(h_emails),
        phones: jsonValue(h_phones),
        addresses: jsonValue(h_addresses),
      },
      provenance: jsonValue(h_provenance),
      contactRoles: jsonValue(h_roles),
    },
  };
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

/** The summary columns of `persons p` (as `summaryQuery` selects them), for the name search's plain SQL. */
const SUMMARY_COLUMNS = sql`p.id, p.first_name, p.last_name, p.customer_number,
  (select e.value from person_emails e where e.person_id = p.id order by e.position limit 1) as email,
  (select ph.value from person_phones ph where ph.person_id = p.id order by ph.position limit 1) as phone`;

/**
 * A name alone, prefix first: the persons whose last name, first name or nickname starts with the text (or whose
 * whole name does, when the text has a space), in the order of the name that matched (byte order), then id. Each
 * name is one ordered scan of its `text_pattern_ops` index (0001, 0009) that stops after `limit` rows, so a
 * common prefix costs no more than a rare one. Only when the prefixes give fewer than `limit` persons does the
 * trigram similarity of the whole name (GIN) fill the rest, most similar first: a misspelt name still finds.
 */
async function searchByName(db: Executor, name: string, limit: number): Promise<PersonSummaryRow[]> {
  const prefix = `${escapeLike(name)}%`;
  const arm = (key: ReturnType<typeof sql>) =>
    sql`(select p.id, ${key} as k from persons p where ${key} like ${prefix} order by ${key} using ~<~ limit ${limit})`;
  const arms = [arm(sql`lower(p.last_name)`), arm(sql`lower(p.first_name)`), arm(sql`lower(p.nickname)`)];
  // "aino virt": the whole name's prefix (the trigram index answers a LIKE with a long prefix).
  if (name.includes(' ')) {
    arms.push(
      sql`(select p.id, p.search_name as k from persons p where p.search_name like ${prefix} limit ${limit})`,
    );
  }
  const byPrefix = await sql<PersonSummaryRow>`
    with hits as (${sql.join(arms, sql` union all `)}),
      best as (select id, min(k collate "C") as k from hits group by id)
    select ${SUMMARY_COLUMNS} from best join persons p on p.id = best.id
    order by best.k collate "C", p.id
    limit ${limit}`.execute(db);
  const rows = byPrefix.rows;
  if (rows.length >= limit) return rows;
  const found = rows.map((r) => r.id);
  const similar = await sql<PersonSummaryRow>`
    select ${SUMMARY_COLUMNS} from persons p
    where p.search_name % ${name} and p.id <> all(${found}::uuid[])
    order by similarity(p.search_name, ${name}) desc, p.id
    limit ${limit - rows.length}`.execute(db);
  return [...rows, ...similar.rows];
}

/**
 * Searches persons; criteria combine with AND. A name alone matches by prefix (ordered B-tree scans,
 * text_pattern_ops), then by trigram similarity (GIN) to fill the page (see `searchByName`); with an exact
 * criterion too, the few persons that one finds are filtered by either. Email, phone, customer number and hetu
 * (through its keyed hash) match exactly.
 */
export async function searchPersonSummaries(db: Executor, s: PersonSearch): Promise<PersonSummaryRow[]> {
  const exact =
    s.emailKey !== undefined ||
    s.phone !== undefined ||
    s.customerNumber !== undefined ||
    s.hetuLookup !== undefined;
  if (s.name !== undefined && !exact) return searchByName(db, s.name, s.limit);
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
    const prefixMatch = sql<boolean>`(lower(p.last_name) like ${prefix} or lower(p.first_name) like ${prefix}
      or lower(p.nickname) like ${prefix} or p.search_name like ${prefix})`;
    q = q
      .where((eb) => eb.or([prefixMatch, sql<boolean>`p.search_name % ${name}`]))
      .orderBy(prefixMatch, 'desc')
      .orderBy(sql`similarity(p.search_name, ${name})`, 'desc');
  }
  return (await q.orderBy('p.id').limit(s.limit).execute()) as PersonSummaryRow[];
}
