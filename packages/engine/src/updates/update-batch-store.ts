import type { Executor } from '@lupaus/db';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { ERASURE_MARKS } from '../erasure/erase-person';

/**
 * The set-based SQL of an update-service batch (R2.8): one statement finds the persons a chunk of lines names,
 * one their addresses, and the writes are one statement each for names, addresses and provenance, whatever the
 * chunk's size (every list goes as a single jsonb parameter).
 */

/** A person a batch line may name, with what the batch needs to decide about the line. */
export interface BatchPerson {
  id: string;
  customer_number: string | null;
  /** The hetu's keyed hash as hex (never the hetu). */
  hetu_lookup: string | null;
  first_name: string | null;
  last_name: string | null;
  nickname: string | null;
  /** Waiting for a blocked erasure or anonymisation (`ERASURE_MARKS`): never filled in again. */
  erasing: boolean;
  /** Processing restricted (art. 18): only the accuracy update. */
  restricted: boolean;
  /** When the postal address on record was saved (its provenance). */
  address_saved_at: Date | null;
}

export interface BatchAddress {
  street: string | null;
  po_box: string | null;
  postal_code: string | null;
  city: string | null;
  country: string;
}

/**
 * The persons named by any of the ids, customer numbers or hetu hashes (hex), locked for the transaction when
 * `lock` is set, with their restriction and erasure state and the time their address was saved.
 */
export async function findBatchPersons(
  db: Executor,
  keys: { ids: string[]; customerNumbers: string[]; hetuHashes: string[] },
  lock: boolean,
): Promise<BatchPerson[]> {
  // Each kind of key through its own index (a union of index lookups; an OR of the three would scan persons).
  const lookups = [];
  if (keys.ids.length > 0) {
    lookups.push(sql`select q.id from persons q where q.id = any(${keys.ids}::uuid[])`);
  }
  if (keys.customerNumbers.length > 0) {
    lookups.push(
      sql`select q.id from persons q where q.customer_number = any(${keys.customerNumbers}::text[])`,
    );
  }
  if (keys.hetuHashes.length > 0) {
    lookups.push(
      sql`select q.id from persons q
        where q.hetu_lookup in (select decode(x, 'hex') from unnest(${keys.hetuHashes}::text[]) as t(x))`,
    );
  }
  if (lookups.length === 0) return [];
  const r = await sql<{
    id: string;
    customer_number: string | null;
    hetu_lookup: string | null;
    first_name: string | null;
    last_name: string | null;
    nickname: string | null;
    erasing: boolean;
    restricted: boolean;
    address_saved_at: Date | string | null;
  }>`
    select p.id, p.customer_number, encode(p.hetu_lookup, 'hex') as hetu_lookup, p.first_name, p.last_name,
      p.nickname,
      coalesce(p.relationship_end_reason in (${sql.join(Object.values(ERASURE_MARKS))}), false) as erasing,
      exists (select 1 from restrictions r where r.person_id = p.id and r.lifted_at is null) as restricted,
      (select v.saved_at from provenance v
        where v.entity_type = 'person' and v.entity_id = p.id and v.field = 'address') as address_saved_at
    from persons p
    where p.id in (${sql.join(lookups, sql` union `)})
    ${lock ? sql`for update of p` : sql``}`.execute(db);
  return r.rows.map((row) => ({
    ...row,
    address_saved_at: row.address_saved_at === null ? null : new Date(row.address_saved_at),
  }));
}

/** The postal addresses of the persons, in order, by person id. */
export async function loadBatchAddresses(
  db: Executor,
  personIds: string[],
): Promise<Map<string, BatchAddress[]>> {
  const out = new Map<string, BatchAddress[]>();
  if (personIds.length === 0) return out;
  const r = await sql<BatchAddress & { person_id: string }>`
    select a.person_id, a.street, a.po_box, a.postal_code, a.city, a.country
    from person_addresses a
    where a.person_id = any(${personIds}::uuid[])
    order by a.person_id, a.position`.execute(db);
  for (const { person_id, ...a } of r.rows) {
    const list = out.get(person_id);
    if (list) list.push(a);
    else out.set(person_id, [a]);
  }
  return out;
}

export interface BatchNameWrite {
  id: string;
  first_name: string | null;
  last_name: string | null;
  nickname: string | null;
  search_name: string;
}

/**
 * Writes a chunk: the persons' names (and `updated_at`/`updated_by` of every changed person), their address
 * lists replaced, and the provenance of each changed field (source, time, who: R2.6). Three to four statements.
 */
export async function writeBatchChanges(
  db: Executor,
  w: {
    persons: BatchNameWrite[];
    addresses: { personId: string; list: BatchAddress[] }[];
    provenance: { id: string; field: string }[];
    source: string;
    now: Date;
    actor: string;
  },
): Promise<void> {
  if (w.persons.length > 0) {
    await sql`
      update persons p
      set first_name = v.first_name, last_name = v.last_name, nickname = v.nickname, search_name = v.search_name,
        updated_at = ${w.now}, updated_by = ${w.actor}
      from jsonb_to_recordset(${JSON.stringify(w.persons)}::jsonb)
        as v(id uuid, first_name text, last_name text, nickname text, search_name text)
      where p.id = v.id`.execute(db);
  }
  if (w.addresses.length > 0) {
    const ids = w.addresses.map((a) => a.personId);
    await sql`
      delete from person_addresses a
      where a.person_id = any(${ids}::uuid[])`.execute(db);
    const rows = w.addresses.flatMap((a) =>
      a.list.map((x, position) => ({ id: uuidv7(), person_id: a.personId, position, ...x })),
    );
    if (rows.length > 0) {
      await sql`
        insert into person_addresses (id, person_id, position, street, po_box, postal_code, city, country)
        select r.id, r.person_id, r.position, r.street, r.po_box, r.postal_code, r.city, r.country
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, person_id uuid, position integer,
          street text, po_box text, postal_code text, city text, country text)`.execute(db);
    }
  }
  if (w.provenance.length > 0) {
    await sql`
      insert into provenance (entity_type, entity_id, person_id, field, source, saved_at, saved_by)
      select 'person', r.id, r.id, r.field, ${w.source}, ${w.now}, ${w.actor}
      from jsonb_to_recordset(${JSON.stringify(w.provenance)}::jsonb) as r(id uuid, field text)
      on conflict (entity_type, entity_id, field)
      do update set source = excluded.source, saved_at = excluded.saved_at, saved_by = excluded.saved_by`.execute(
      db,
    );
  }
}
