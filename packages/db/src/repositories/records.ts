import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../executor';
import { insertAudit } from './audit';

/**
 * Records linked to a person: orders, invoices, debt collection cases, loyalty levels and interactions, one
 * table each with the same common columns (`RecordColumns` in types.ts) and a few typed columns of their own.
 * The holder (as the register definition names it) decides the table.
 */
export type RecordTableHolder = 'order' | 'invoice' | 'collection' | 'interaction' | 'loyalty';

export interface RecordTable {
  table: 'orders' | 'invoices' | 'collection_cases' | 'interactions' | 'loyalty_memberships';
  /** Typed columns that hold core fields (named as the fields). */
  columns: readonly string[];
  /** Links to other rows: column → what it refers to. */
  links: Readonly<Record<string, 'organisation' | 'order' | 'invoice'>>;
  /** Whether the table has updated_at and updated_by. */
  updated: boolean;
}

export const RECORD_TABLES: Readonly<Record<RecordTableHolder, RecordTable>> = {
  order: { table: 'orders', columns: ['amount'], links: { organisation_id: 'organisation' }, updated: true },
  invoice: {
    table: 'invoices',
    columns: ['number', 'issued_on', 'due_on', 'amount', 'state', 'paid_on'],
    links: { organisation_id: 'organisation', order_id: 'order' },
    updated: true,
  },
  collection: {
    table: 'collection_cases',
    columns: ['state', 'opened_on', 'closed_on', 'amount'],
    links: { invoice_id: 'invoice' },
    updated: true,
  },
  loyalty: {
    table: 'loyalty_memberships',
    columns: ['level', 'valid_from', 'valid_until'],
    links: {},
    updated: true,
  },
  interaction: { table: 'interactions', columns: [], links: {}, updated: false },
};

export const RECORD_TABLE_HOLDERS = Object.keys(RECORD_TABLES) as RecordTableHolder[];

const COMMON = [
  'id',
  'person_id',
  'category',
  'occurred_at',
  'data',
  'source',
  'recorded_at',
  'recorded_by',
  'anonymised_at',
] as const;

/** One record as stored: the common columns, and its typed columns and links in `columns`. */
export interface RecordRow {
  holder: RecordTableHolder;
  id: string;
  person_id: string | null;
  category: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  source: string;
  recorded_at: Date;
  recorded_by: string;
  anonymised_at: Date | null;
  /** Typed columns and links by column name: numbers for amounts, 'YYYY-MM-DD' for dates. */
  columns: Record<string, unknown>;
}

export interface NewRecord {
  id: string;
  person_id: string;
  category: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  source: string;
  recorded_at: Date;
  recorded_by: string;
  /** Typed columns and links (only those of the holder's table). */
  columns: Record<string, unknown>;
}

function columnsOf(holder: RecordTableHolder): string[] {
  const t = RECORD_TABLES[holder];
  return [...t.columns, ...Object.keys(t.links)];
}

/** `select` of one table in the common shape: common columns, the holder, the rest as one jsonb. */
function selectShape(holder: RecordTableHolder): RawBuilder<unknown> {
  const t = RECORD_TABLES[holder];
  const extra = columnsOf(holder);
  const extraJson =
    extra.length === 0
      ? sql`'{}'::jsonb`
      : sql`jsonb_build_object(${sql.join(extra.flatMap((c) => [sql.lit(c), sql.ref(`r.${c}`)]))})`;
  return sql`select ${sql.lit(holder)}::text as holder, ${sql.join(COMMON.map((c) => sql.ref(`r.${c}`)))},
    ${extraJson} as columns from ${sql.table(t.table)} r`;
}

interface RawRecord extends Omit<RecordRow, 'holder'> {
  holder: string;
}

function toRow(r: RawRecord): RecordRow {
  return { ...r, holder: r.holder as RecordTableHolder };
}

export async function insertRecordRow(
  db: Executor,
  holder: RecordTableHolder,
  row: NewRecord,
): Promise<void> {
  const t = RECORD_TABLES[holder];
  const allowed = new Set(columnsOf(holder));
  const extra = Object.entries(row.columns).filter(([c]) => allowed.has(c));
  const names = [
    'id',
    'person_id',
    'category',
    'occurred_at',
    'data',
    'source',
    'recorded_at',
    'recorded_by',
    ...(t.updated ? ['updated_at', 'updated_by'] : []),
    ...extra.map(([c]) => c),
  ];
  const values: unknown[] = [
    row.id,
    row.person_id,
    row.category,
    row.occurred_at,
    JSON.stringify(row.data),
    row.source,
    row.recorded_at,
    row.recorded_by,
    ...(t.updated ? [row.recorded_at, row.recorded_by] : []),
    ...extra.map(([, v]) => v),
  ];
  await sql`insert into ${sql.table(t.table)} (${sql.join(names.map((n) => sql.ref(n)))})
    values (${sql.join(values.map((v) => sql`${v}`))})`.execute(db);
}

/** A record by id, from whichever table holds it (one statement); `forUpdate` locks the row. */
export async function findRecordRow(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean; holder?: RecordTableHolder } = {},
): Promise<RecordRow | undefined> {
  let holder = opts.holder;
  if (!holder) {
    const parts = RECORD_TABLE_HOLDERS.map((h) => sql`(${selectShape(h)} where r.id = ${id})`);
    const found = (await sql<RawRecord>`${sql.join(parts, sql` union all `)}`.execute(db)).rows[0];
    if (!found || !opts.forUpdate) return found ? toRow(found) : undefined;
    holder = found.holder as RecordTableHolder;
  }
  const r = await sql<RawRecord>`${selectShape(holder)} where r.id = ${id}${
    opts.forUpdate ? sql` for update` : sql``
  }`.execute(db);
  const row = r.rows[0];
  return row ? toRow(row) : undefined;
}

/** A record of a holder by id with its person, to check a link (an invoice's order, a case's invoice). */
export async function findLinkTarget(
  db: Executor,
  kind: 'organisation' | 'order' | 'invoice',
  id: string,
): Promise<{ id: string; person_id: string | null } | undefined> {
  if (kind === 'organisation') {
    const row = await db.selectFrom('organisations').select('id').where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, person_id: null } : undefined;
  }
  const table = kind === 'order' ? 'orders' : 'invoices';
  return db.selectFrom(table).select(['id', 'person_id']).where('id', '=', id).executeTakeFirst();
}

/** The id of the invoice that has this number, if one has (the column is unique). */
export async function findInvoiceIdByNumber(db: Executor, number: string): Promise<string | undefined> {
  const row = await db.selectFrom('invoices').select('id').where('number', '=', number).executeTakeFirst();
  return row?.id;
}

export async function updateRecordRow(
  db: Executor,
  holder: RecordTableHolder,
  id: string,
  patch: {
    data: Record<string, unknown>;
    columns: Record<string, unknown>;
    occurredAt?: Date | undefined;
    at: Date;
    by: string;
  },
): Promise<void> {
  const t = RECORD_TABLES[holder];
  const allowed = new Set(columnsOf(holder));
  const sets = [
    sql`data = ${JSON.stringify(patch.data)}`,
    ...(patch.occurredAt ? [sql`occurred_at = ${patch.occurredAt.toISOString()}::timestamptz`] : []),
    ...Object.entries(patch.columns)
      .filter(([c]) => allowed.has(c))
      .map(([c, v]) => sql`${sql.ref(c)} = ${v}`),
    ...(t.updated ? [sql`updated_at = ${patch.at}`, sql`updated_by = ${patch.by}`] : []),
  ];
  await sql`update ${sql.table(t.table)} set ${sql.join(sets)} where id = ${id}`.execute(db);
}

/** Deletes a record and the provenance of its fields. */
export async function deleteRecordRow(db: Executor, holder: RecordTableHolder, id: string): Promise<void> {
  await sql`delete from ${sql.table(RECORD_TABLES[holder].table)} where id = ${id}`.execute(db);
  await db.deleteFrom('provenance').where('entity_type', '=', holder).where('entity_id', '=', id).execute();
}

export interface TimelineQuery {
  personId: string;
  holders: readonly RecordTableHolder[];
  /** Category ids to keep; all when omitted. */
  categories?: readonly string[] | undefined;
  /** Keyset: records strictly before (occurred_at, id) in the newest-first order. */
  before?: { occurredAt: Date; id: string } | undefined;
  limit: number;
}

/** A person's records across tables, newest first by `occurred_at`, then id. */
export async function listTimelineRows(db: Executor, q: TimelineQuery): Promise<RecordRow[]> {
  if (q.holders.length === 0 || q.categories?.length === 0) return [];
  const parts = q.holders.map((holder) => {
    const where = [sql`r.person_id = ${q.personId}`];
    if (q.categories) where.push(sql`r.category = any(${[...q.categories]}::text[])`);
    if (q.before)
      where.push(
        sql`(r.occurred_at, r.id) < (${q.before.occurredAt.toISOString()}::timestamptz, ${q.before.id}::uuid)`,
      );
    return sql`(${selectShape(holder)} where ${sql.join(where, sql` and `)}
      order by r.occurred_at desc, r.id desc limit ${q.limit})`;
  });
  const r = await sql<RawRecord>`select * from (${sql.join(parts, sql` union all `)}) t
    order by t.occurred_at desc, t.id desc limit ${q.limit}`.execute(db);
  return r.rows.map(toRow);
}

/**
 * Moves a person's last service contact forward, never back: greatest(last_contact_at, at). A row whose last
 * contact is already as late is not touched (an update that changes nothing still writes a new row version).
 */
export async function advanceLastContact(db: Executor, personId: string, at: Date): Promise<void> {
  await advanceLastContacts(db, [{ personId, at }]);
}

/** The same for many persons in one statement (one jsonb parameter). */
export async function advanceLastContacts(
  db: Executor,
  contacts: readonly { personId: string; at: Date }[],
): Promise<void> {
  if (contacts.length === 0) return;
  const json = JSON.stringify(contacts.map((c) => ({ id: c.personId, at: c.at.toISOString() })));
  await sql`update persons p set last_contact_at = c.at
    from jsonb_to_recordset(${json}::jsonb) as c(id uuid, at timestamptz)
    where p.id = c.id and (p.last_contact_at is null or p.last_contact_at < c.at)`.execute(db);
}

/** Whether a person has an open invoice, an open debt collection case. */
export async function openMattersOf(
  db: Executor,
  personId: string,
): Promise<{ openInvoices: number; openCollections: number }> {
  const r = await sql<{ invoices: number; collections: number }>`select
      (select count(*)::int from invoices where person_id = ${personId} and state = 'open') as invoices,
      (select count(*)::int from collection_cases where person_id = ${personId} and state = 'open') as collections`.execute(
    db,
  );
  const row = r.rows[0];
  return { openInvoices: row?.invoices ?? 0, openCollections: row?.collections ?? 0 };
}

/** An interaction of a batch (the batch's recorded_at and recorded_by are shared). */
export interface NewInteraction {
  id: string;
  person_id: string;
  category: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  source: string;
}

export interface InteractionBatch {
  rows: readonly NewInteraction[];
  recordedAt: Date;
  actor: string;
  purpose: string;
  /** The categories whose records are a service contact: they move the person's last contact forward. */
  contactCategories: readonly string[];
  /** The key of the audit trail's hash chain (`reg.vault.auditKey`). */
  auditKey: Buffer;
}

/**
 * One audit row per kind and source of a batch, naming its persons (`person_ids`, in the batch's order) and each
 * person's records (`records[i]` are the records of the i-th person): ids only (R6.4). A thousand events for a
 * thousand persons are one row, found by a search for any of them.
 */
async function auditBatch(
  db: Executor,
  batch: Omit<InteractionBatch, 'rows'>,
  rows: readonly { id: string; person_id: string; category: string; source: string }[],
): Promise<void> {
  const groups = new Map<string, { kind: string; source: string; persons: Map<string, string[]> }>();
  for (const r of rows) {
    const key = `${r.category}\u0000${r.source}`;
    let g = groups.get(key);
    if (!g) {
      g = { kind: r.category, source: r.source, persons: new Map() };
      groups.set(key, g);
    }
    const records = g.persons.get(r.person_id);
    if (records) records.push(r.id);
    else g.persons.set(r.person_id, [r.id]);
  }
  await insertAudit(
    db,
    batch.auditKey,
    [...groups.values()].map((g) => ({
      at: batch.recordedAt,
      actor: batch.actor,
      action: 'create',
      entityType: 'interaction',
      entityId: null,
      personId: g.persons.size === 1 ? [...g.persons.keys()][0]! : null,
      personIds: g.persons.size === 1 ? undefined : [...g.persons.keys()],
      purpose: batch.purpose,
      // Keys in sorted order: the chain's serialisation then needs no sorting.
      details: { batch: true, kind: g.kind, records: [...g.persons.values()], source: g.source },
    })),
  );
}

/**
 * Writes a batch of interactions with one statement: the rows travel as one jsonb parameter (expanded by
 * `jsonb_to_recordset`), and data-modifying CTEs insert them, move each person's last service contact forward
 * (never back; rows already as late are not touched). One audit row per person and kind naming the records (ids
 * only) follows through `insertAudit`, which chains each row's hash in JavaScript (R6.4). On PGlite, binding eight
 * parameters per row costs more than the insert itself, and every statement and parameter parsed once less counts.
 */
export async function insertInteractionBatch(db: Executor, batch: InteractionBatch): Promise<void> {
  if (batch.rows.length === 0) return;
  const json = JSON.stringify(
    batch.rows.map((r) => ({
      id: r.id,
      person_id: r.person_id,
      category: r.category,
      occurred_at: r.occurred_at.toISOString(),
      data: r.data,
      source: r.source,
    })),
  );
  const at = batch.recordedAt.toISOString();
  await sql`with x as materialized (
      select * from jsonb_to_recordset(${json}::jsonb)
        as x(id uuid, person_id uuid, category text, occurred_at timestamptz, data jsonb, source text)
    ), inserted as (
      insert into interactions (id, person_id, category, occurred_at, data, source, recorded_at, recorded_by)
      select id, person_id, category, occurred_at, data, source, ${at}::timestamptz, ${batch.actor} from x
    ), contacts as (
      update persons p set last_contact_at = c.at
      from (select person_id, max(occurred_at) as at from x
            where category = any(${arrayLiteral(batch.contactCategories)}::text[]) group by person_id) c
      where p.id = c.person_id and (p.last_contact_at is null or p.last_contact_at < c.at)
    )
    select 1`.execute(db);
  await auditBatch(db, batch, batch.rows);
}

/**
 * Of these persons, the ones that exist, each locked against deletion until the transaction ends (a key-share
 * lock, what a foreign key takes): interactions have no foreign key to persons (migration 0002).
 */
export async function lockPersons(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await sql<{ id: string }>`select id from persons
    where id = any(${arrayLiteral(ids)}::uuid[]) for key share`.execute(db);
  return new Set(r.rows.map((x) => x.id));
}

/** An interaction whose person is named by id, customer number or email key, still to be found. */
export interface UnresolvedInteraction extends Omit<NewInteraction, 'person_id'> {
  person: { kind: 'id' | 'customerNumber' | 'email'; value: string };
}

/**
 * The whole ingestion of a valid batch in one statement: each row's person is found in it (by id, customer
 * number, or an email key only one person has; on a server under a key-share lock, as a foreign key would),
 * and only if every row found its person are the rows inserted and the last contacts moved; the statement
 * returns the person it found for each record, and one chained audit row per person and kind follows, as in
 * `insertInteractionBatch`. Returns whether it wrote, and for how many persons; when `ok` is false nothing was
 * written and the caller reports which persons were not found.
 */
export async function insertResolvingInteractionBatch(
  db: Executor,
  batch: Omit<InteractionBatch, 'rows'> & { rows: readonly UnresolvedInteraction[]; lock: boolean },
): Promise<{ ok: boolean; persons: number }> {
  if (batch.rows.length === 0) return { ok: true, persons: 0 };
  const json = JSON.stringify(
    batch.rows.map((r) => ({
      id: r.id,
      pid: r.person.kind === 'id' ? r.person.value : null,
      cnum: r.person.kind === 'customerNumber' ? r.person.value : null,
      ekey: r.person.kind === 'email' ? r.person.value : null,
      category: r.category,
      occurred_at: r.occurred_at.toISOString(),
      data: r.data,
      source: r.source,
    })),
  );
  const at = batch.recordedAt.toISOString();
  const lock = batch.lock ? sql`for key share` : sql``;
  const r = await sql<{ ok: boolean; persons: number; found: string | null }>`with x as materialized (
      select * from jsonb_to_recordset(${json}::jsonb)
        as x(id uuid, pid uuid, cnum text, ekey text, category text, occurred_at timestamptz, data jsonb, source text)
    ), r as materialized (
      select x.id, x.category, x.occurred_at, x.data, x.source, case
        when x.pid is not null then (select p.id from persons p where p.id = x.pid ${lock})
        when x.cnum is not null then (select p.id from persons p where p.customer_number = x.cnum ${lock})
        else (select case when count(distinct e.person_id) = 1 then min(e.person_id::text)::uuid end
              from person_emails e where e.value_key = x.ekey)
      end as person_id
      from x
    ), ok as materialized (
      select not exists (select 1 from r where person_id is null) as ok
    ), inserted as (
      insert into interactions (id, person_id, category, occurred_at, data, source, recorded_at, recorded_by)
      select id, person_id, category, occurred_at, data, source, ${at}::timestamptz, ${batch.actor} from r
      where (select ok from ok)
    ), contacts as (
      update persons p set last_contact_at = c.at
      from (select person_id, max(occurred_at) as at from r
            where (select ok from ok) and category = any(${arrayLiteral(batch.contactCategories)}::text[])
            group by person_id) c
      where p.id = c.person_id and (p.last_contact_at is null or p.last_contact_at < c.at)
    )
    select (select ok from ok) as ok, (select count(*)::int from (select person_id from r group by person_id) g) as persons,
      case when (select ok from ok) then (select string_agg(id::text || person_id::text, '') from r) end as found`.execute(
    db,
  );
  const row = r.rows[0]!;
  if (row.ok) {
    // Each record's person as the statement found it (36 characters of record id, then 36 of person id).
    const personOf = new Map<string, string>();
    const found = row.found ?? '';
    for (let i = 0; i + 72 <= found.length; i += 72)
      personOf.set(found.slice(i, i + 36), found.slice(i + 36, i + 72));
    await auditBatch(
      db,
      batch,
      batch.rows.map((x) => ({
        id: x.id,
        person_id: personOf.get(x.id.toLowerCase())!,
        category: x.category,
        source: x.source,
      })),
    );
  }
  return { ok: row.ok, persons: row.persons };
}

/**
 * Finds persons by id, customer number and email key (lower-cased address) in one statement: for each
 * identifier given, the persons it matches (none, one, or several when a customer number or an email is shared).
 */
export async function findPersonsByIdentifiers(
  db: Executor,
  q: { ids: readonly string[]; customerNumbers: readonly string[]; emailKeys: readonly string[] },
): Promise<{ ids: Set<string>; byCustomerNumber: Map<string, string[]>; byEmailKey: Map<string, string[]> }> {
  const out = {
    ids: new Set<string>(),
    byCustomerNumber: new Map<string, string[]>(),
    byEmailKey: new Map<string, string[]>(),
  };
  if (q.ids.length + q.customerNumbers.length + q.emailKeys.length === 0) return out;
  // `= any(array)` so that each kind is found through its index, however many persons there are.
  const r = await sql<{ kind: 'i' | 'c' | 'e'; value: string; person_id: string }>`
    select 'i' as kind, p.id::text as value, p.id as person_id
      from persons p where p.id = any(${arrayLiteral(q.ids)}::uuid[])
    union all
    select 'c', p.customer_number, p.id
      from persons p where p.customer_number = any(${arrayLiteral(q.customerNumbers)}::text[])
    union all
    select distinct 'e', e.value_key, e.person_id
      from person_emails e where e.value_key = any(${arrayLiteral(q.emailKeys)}::text[])`.execute(db);
  const add = (m: Map<string, string[]>, k: string, v: string) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const x of r.rows) {
    if (x.kind === 'i') out.ids.add(x.value);
    else add(x.kind === 'c' ? out.byCustomerNumber : out.byEmailKey, x.value, x.person_id);
  }
  return out;
}

/**
 * A PostgreSQL array literal of texts (`{"a","b\\"c"}`), sent as one text parameter and cast in SQL: on PGlite
 * much faster than binding a JavaScript array.
 */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
