import { sql } from 'kysely';
import type { Executor } from '../executor';
import type { ImportRunsTable } from '../types';
import type { AddressRow } from './persons';

/**
 * CSV imports (R2.8): the run table (migration 0007) and the set-based batch statements of a person import. A
 * batch travels as one jsonb parameter expanded by `jsonb_to_recordset` inside data-modifying CTEs (as
 * `insertInteractionBatch` does): on PGlite binding parameters costs more than the insert itself.
 */

export type ImportKind = ImportRunsTable['kind'];

export interface ImportProblemRow {
  line: number;
  column: string | null;
  reason: string;
}

export interface ImportRunRow {
  id: string;
  kind: ImportKind;
  source: string;
  file_name: string | null;
  actor: string;
  started_at: Date;
  finished_at: Date | null;
  dry_run: boolean;
  status: 'running' | 'completed' | 'failed';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  problems: ImportProblemRow[];
  error: string | null;
}

export async function insertImportRun(
  db: Executor,
  run: {
    id: string;
    kind: ImportKind;
    source: string;
    fileName: string | null;
    actor: string;
    startedAt: Date;
    dryRun: boolean;
  },
): Promise<void> {
  await db
    .insertInto('import_runs')
    .values({
      id: run.id,
      kind: run.kind,
      source: run.source,
      file_name: run.fileName,
      actor: run.actor,
      started_at: run.startedAt,
      finished_at: null,
      dry_run: run.dryRun,
      status: 'running',
      problems: '[]',
      error: null,
    })
    .execute();
}

/** Adds a batch's counts and problems (the caller sends only those that still fit its cap) to a run. */
export async function addImportRunCounts(
  db: Executor,
  id: string,
  d: {
    rows: number;
    created: number;
    updated: number;
    unchanged: number;
    rejected: number;
    problems: readonly ImportProblemRow[];
  },
): Promise<void> {
  await sql`update import_runs set rows = rows + ${d.rows}::int, created = created + ${d.created}::int,
      updated = updated + ${d.updated}::int, unchanged = unchanged + ${d.unchanged}::int,
      rejected = rejected + ${d.rejected}::int,
      problems = case when ${d.problems.length}::int = 0 then problems
        else problems || ${JSON.stringify(d.problems)}::jsonb end
    where id = ${id}::uuid`.execute(db);
}

export async function finishImportRun(
  db: Executor,
  id: string,
  r: { finishedAt: Date; status: 'completed' | 'failed'; error?: string | null },
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ finished_at: r.finishedAt, status: r.status, error: r.error ?? null })
    .where('id', '=', id)
    .execute();
}

export async function findImportRun(db: Executor, id: string): Promise<ImportRunRow | undefined> {
  return (await db.selectFrom('import_runs').selectAll().where('id', '=', id).executeTakeFirst()) as
    | ImportRunRow
    | undefined;
}

/** Runs newest first (ids are uuidv7: time ordered); `after` is the id the previous page ended with. */
export async function listImportRunRows(
  db: Executor,
  q: { limit: number; after?: string | undefined; kind?: ImportKind | undefined },
): Promise<ImportRunRow[]> {
  let s = db.selectFrom('import_runs').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.after !== undefined) s = s.where('id', '<', q.after);
  if (q.kind !== undefined) s = s.where('kind', '=', q.kind);
  return (await s.execute()) as ImportRunRow[];
}

/** The identifying keys of one import row: customer number, email keys, the hetu's keyed hash (base64). */
export interface PersonMatchKeys {
  i: number;
  c: string | null;
  e: string[] | null;
  h: string | null;
}

/** The persons each row's keys find: by customer number, by hetu, and every person having one of the emails. */
export interface PersonMatch {
  i: number;
  byCustomerNumber: string | null;
  byHetu: string | null;
  byEmail: string[];
}

/**
 * Finds, in one statement, the persons that a batch of rows' keys name: each key list goes as one array and is
 * looked up through its index (a join per row with an aggregate per row costs ten times more on PGlite). Rows
 * with no key, or whose keys find no one, are left out.
 */
export async function matchPersonsByKeys(
  db: Executor,
  keys: readonly PersonMatchKeys[],
): Promise<PersonMatch[]> {
  if (keys.length === 0) return [];
  const cs = new Set<string>();
  const es = new Set<string>();
  const hs = new Set<string>();
  for (const k of keys) {
    if (k.c !== null) cs.add(k.c);
    if (k.h !== null) hs.add(k.h);
    for (const e of k.e ?? []) es.add(e);
  }
  const r = await sql<{ t: string; k: string; id: string }>`
    select 'c' as t, p.customer_number as k, p.id from persons p
      where p.customer_number = any(${[...cs]}::text[])
    union all
    select 'h', encode(p.hetu_lookup, 'base64'), p.id from persons p
      where p.hetu_lookup = any(array(select decode(x, 'base64') from unnest(${[...hs]}::text[]) as x))
    union all
    select 'e', pe.value_key, pe.person_id from person_emails pe
      where pe.value_key = any(${[...es]}::text[])`.execute(db);
  if (r.rows.length === 0) return [];
  const byC = new Map<string, string>();
  const byH = new Map<string, string>();
  const byE = new Map<string, string[]>();
  for (const row of r.rows) {
    if (row.t === 'c') byC.set(row.k, row.id);
    else if (row.t === 'h') byH.set(row.k.replace(/\s+/g, ''), row.id);
    else {
      const list = byE.get(row.k);
      if (!list) byE.set(row.k, [row.id]);
      else if (!list.includes(row.id)) list.push(row.id);
    }
  }
  const out: PersonMatch[] = [];
  for (const k of keys) {
    const c = k.c === null ? null : (byC.get(k.c) ?? null);
    const h = k.h === null ? null : (byH.get(k.h) ?? null);
    const e: string[] = [];
    for (const key of k.e ?? []) for (const id of byE.get(key) ?? []) if (!e.includes(id)) e.push(id);
    if (c === null && h === null && e.length === 0) continue;
    out.push({ i: k.i, byCustomerNumber: c, byHetu: h, byEmail: e });
  }
  return out;
}

/** What an import compares a row with: a person's identifying columns, names, attributes and contact points. */
export interface ImportTargetRow {
  id: string;
  customer_number: string | null;
  first_name: string | null;
  last_name: string | null;
  nickname: string | null;
  /** base64 of the hetu's keyed hash. */
  hetu_lookup: string | null;
  attributes: Record<string, unknown>;
  emails: string[];
  phones: string[];
  addresses: AddressRow[];
}

/**
 * The persons an import batch updates, with their contact points, in one statement; `lock` takes their rows
 * `for update` (on a server, so that no other writer changes them between this read and the batch's write).
 */
export async function loadImportTargets(
  db: Executor,
  ids: readonly string[],
  lock: boolean,
): Promise<ImportTargetRow[]> {
  if (ids.length === 0) return [];
  const r = await sql<ImportTargetRow>`
    select p.id, p.customer_number, p.first_name, p.last_name, p.nickname,
      encode(p.hetu_lookup, 'base64') as hetu_lookup, p.attributes,
      coalesce((select jsonb_agg(e.value order by e.position) from person_emails e where e.person_id = p.id), '[]') as emails,
      coalesce((select jsonb_agg(f.value order by f.position) from person_phones f where f.person_id = p.id), '[]') as phones,
      coalesce((select jsonb_agg(jsonb_build_object('street', a.street, 'po_box', a.po_box, 'postal_code',
        a.postal_code, 'city', a.city, 'country', a.country) order by a.position)
        from person_addresses a where a.person_id = p.id), '[]') as addresses
    from persons p where p.id = any(${`{${ids.join(',')}}`}::uuid[]) ${lock ? sql`for update of p` : sql``}`.execute(
    db,
  );
  return r.rows.map((row) => ({
    ...row,
    // base64 from PostgreSQL wraps lines at 76 characters.
    hetu_lookup: row.hetu_lookup === null ? null : row.hetu_lookup.replace(/\s+/g, ''),
  }));
}

/**
 * One person write of an import batch. `isNew`: inserted with every column given; otherwise only the non-null
 * columns change, `attributes` is merged into the stored ones, and a given list (emails, phones, addresses)
 * replaces the person's list. `fields` are the fields saved (their provenance is written).
 */
export interface ImportPersonWrite {
  id: string;
  isNew: boolean;
  customer_number: string | null;
  first_name: string | null;
  last_name: string | null;
  nickname: string | null;
  search_name: string | null;
  /** base64 */
  hetu_cipher: string | null;
  /** base64 */
  hetu_lookup: string | null;
  attributes: Record<string, unknown> | null;
  /** [id, value, key] per email, in order. */
  emails: [string, string, string][] | null;
  /** [id, value] per phone. */
  phones: [string, string][] | null;
  /** [id, street, po_box, postal_code, city, country] per address. */
  addresses: [string, string | null, string | null, string | null, string | null, string][] | null;
  fields: string[];
}

/**
 * Writes a batch of imported persons in one statement: inserts the new ones, updates the matched ones, replaces
 * the given contact lists, and upserts one provenance row per (person, saved field) (R2.6), set-based. The
 * caller writes the audit rows (one per batch) in the same transaction.
 */
export async function writeImportedPersons(
  db: Executor,
  batch: { rows: readonly ImportPersonWrite[]; source: string; at: Date; actor: string },
): Promise<void> {
  if (batch.rows.length === 0) return;
  const json = JSON.stringify(
    batch.rows.map((r) => ({
      id: r.id,
      n: r.isNew,
      c: r.customer_number,
      fn: r.first_name,
      ln: r.last_name,
      nn: r.nickname,
      sn: r.search_name,
      hc: r.hetu_cipher,
      hl: r.hetu_lookup,
      a: r.attributes,
      em: r.emails,
      ph: r.phones,
      ad: r.addresses,
      f: r.fields,
    })),
  );
  const at = batch.at.toISOString();
  const by = batch.actor;
  await sql`with x as materialized (
      select * from jsonb_to_recordset(${json}::jsonb)
        as x(id uuid, n boolean, c text, fn text, ln text, nn text, sn text, hc text, hl text, a jsonb,
             em jsonb, ph jsonb, ad jsonb, f text[])
    ), ins as (
      insert into persons (id, customer_number, first_name, last_name, nickname, search_name, hetu_cipher,
        hetu_lookup, attributes, created_at, updated_at, created_by, updated_by)
      select id, c, fn, ln, nn, coalesce(sn, ''), decode(hc, 'base64'), decode(hl, 'base64'), coalesce(a, '{}'),
        ${at}::timestamptz, ${at}::timestamptz, ${by}, ${by}
      from x where n
    ), upd as (
      update persons p set customer_number = coalesce(x.c, p.customer_number),
        first_name = coalesce(x.fn, p.first_name), last_name = coalesce(x.ln, p.last_name),
        nickname = coalesce(x.nn, p.nickname), search_name = coalesce(x.sn, p.search_name),
        hetu_cipher = coalesce(decode(x.hc, 'base64'), p.hetu_cipher),
        hetu_lookup = coalesce(decode(x.hl, 'base64'), p.hetu_lookup),
        attributes = case when x.a is null then p.attributes else p.attributes || x.a end,
        updated_at = ${at}::timestamptz, updated_by = ${by}
      from x where not x.n and p.id = x.id
    ), de as (
      delete from person_emails d using x where not x.n and x.em is not null and d.person_id = x.id
    ), ie as (
      insert into person_emails (id, person_id, position, value, value_key)
      select (e.v->>0)::uuid, x.id, e.o - 1, e.v->>1, e.v->>2
      from x, jsonb_array_elements(x.em) with ordinality as e(v, o) where x.em is not null
    ), dp as (
      delete from person_phones d using x where not x.n and x.ph is not null and d.person_id = x.id
    ), ip as (
      insert into person_phones (id, person_id, position, value)
      select (e.v->>0)::uuid, x.id, e.o - 1, e.v->>1
      from x, jsonb_array_elements(x.ph) with ordinality as e(v, o) where x.ph is not null
    ), da as (
      delete from person_addresses d using x where not x.n and x.ad is not null and d.person_id = x.id
    ), ia as (
      insert into person_addresses (id, person_id, position, street, po_box, postal_code, city, country)
      select (e.v->>0)::uuid, x.id, e.o - 1, e.v->>1, e.v->>2, e.v->>3, e.v->>4, e.v->>5
      from x, jsonb_array_elements(x.ad) with ordinality as e(v, o) where x.ad is not null
    ), pn as (
      insert into provenance (entity_type, entity_id, person_id, field, source, saved_at, saved_by)
      select 'person', x.id, x.id, f.field, ${batch.source}, ${at}::timestamptz, ${by}
      from x, unnest(x.f) as f(field) where x.n
    ), pu as (
      insert into provenance (entity_type, entity_id, person_id, field, source, saved_at, saved_by)
      select 'person', x.id, x.id, f.field, ${batch.source}, ${at}::timestamptz, ${by}
      from x, unnest(x.f) as f(field) where not x.n
      on conflict (entity_type, entity_id, field) do update
        set source = excluded.source, saved_at = excluded.saved_at, saved_by = excluded.saved_by
    )
    select 1`.execute(db);
}
