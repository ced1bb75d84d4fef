import {
  anonymiseValue,
  type CatalogueField,
  CORE_FIELDS,
  type FieldType,
  type Holder,
  LupausError,
} from '@lupaus/core';
import { arrayLiteral, type Executor, RECORD_TABLES, type RecordTableHolder } from '@lupaus/db';
import { sql } from 'kysely';
import type { Register } from '../context';
import { searchNameOf } from '../persons/person-store';

/**
 * Field-level erasure of persons' own data (R4.4, R5.2): each field goes as its erasure strategy in the
 * catalogue says. Used by the retention sweep for a person-held category that is due, and by erasure requests.
 *
 * - `delete`: the value is removed: a core column set to null (the hetu's cipher and lookup with it), the rows of
 *   a contact list (emails, phones, addresses) deleted, an attribute key removed; the field's provenance rows go.
 * - `anonymise`: the value is replaced by `anonymiseValue` of its type (an address keeps the first two digits of
 *   its postal code, a date its year ...); a value with nothing left is removed as by `delete`.
 * - `keep` (a legal reason, art. 17(3)): kept when `keep: 'honour'` (an erasure request), deleted when
 *   `keep: 'delete'` (retention: the reason holds against a request, not past the retention period).
 *
 * Set-based: a handful of statements for any number of persons. Runs in the caller's transaction; the caller
 * writes the audit rows from what is returned (fields that had a value, per person), in the same transaction.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute(async (tx) => {
 *   const erased = await erasePersonFields(tx, reg, [personId], ['email', 'phone'], { keep: 'delete', now, actorId });
 *   // erased[0] = { personId, deleted: ['email'], anonymised: [], kept: [] }  (no phone was stored)
 * });
 * ```
 */
export interface ErasePersonFieldsOptions {
  keep: 'honour' | 'delete';
  /**
   * `anonymise`: every field is anonymised by its type whatever its strategy (anonymisation on request, R4.9):
   * identifiers and free text go, a date keeps its year, an address its postal region.
   */
  strategy?: 'anonymise' | undefined;
  now: Date;
  actorId: string;
}

export interface ErasedPersonFields {
  personId: string;
  /** Fields that had a value and lost it. */
  deleted: string[];
  /** Fields that had a value and now hold its anonymised form. */
  anonymised: string[];
  /** Fields that had a value and keep it (strategy keep, honoured). */
  kept: string[];
}

const CORE_PERSON = Object.entries(CORE_FIELDS.person ?? {});
/** Single-valued core fields with a column of their own (the hetu has two: cipher and lookup). */
const COLUMN_FIELDS = new Set(
  CORE_PERSON.filter(([, f]) => !f.multiple && f.type !== 'hetu').map(([id]) => id),
);
const HETU_FIELDS = new Set(CORE_PERSON.filter(([, f]) => f.type === 'hetu').map(([id]) => id));
const LIST_TABLES = { email: 'person_emails', phone: 'person_phones', address: 'person_addresses' } as const;
type ListField = keyof typeof LIST_TABLES;
const isListField = (id: string): id is ListField => id in LIST_TABLES;
const NAME_FIELDS = new Set(['first_name', 'last_name', 'nickname']);

/** JSON with object keys sorted, to compare values whatever order the database gave their keys in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

type Storage = 'column' | 'hetu' | 'list' | 'attribute';
function storageOf(id: string): Storage {
  if (COLUMN_FIELDS.has(id)) return 'column';
  if (HETU_FIELDS.has(id)) return 'hetu';
  if (isListField(id)) return 'list';
  return 'attribute';
}

interface PersonState {
  id: string;
  first_name: string | null;
  last_name: string | null;
  nickname: string | null;
  has_hetu: boolean;
  attributes: Record<string, unknown>;
  columns: Record<string, unknown>;
}

export async function erasePersonFields(
  tx: Executor,
  reg: Register,
  personIds: readonly string[],
  fieldIds: readonly string[],
  opts: ErasePersonFieldsOptions,
): Promise<ErasedPersonFields[]> {
  if (personIds.length === 0 || fieldIds.length === 0) return [];
  const fields: CatalogueField[] = [...new Set(fieldIds)].map((id) => {
    const f = reg.catalogue.field('person', id);
    if (!f) {
      throw new LupausError('FIELD_NOT_DECLARED', { field: id }, [
        { at: `fields.${id}`, message: `the definition declares no person field "${id}"` },
      ]);
    }
    return f;
  });
  const strategyOf = (f: CatalogueField): 'delete' | 'anonymise' | 'keep' =>
    opts.strategy === 'anonymise'
      ? 'anonymise'
      : f.erasure.strategy === 'keep'
        ? opts.keep === 'honour'
          ? 'keep'
          : 'delete'
        : f.erasure.strategy;
  const ids = [...new Set(personIds)];

  // What each person holds now, for the fields concerned.
  const columnIds = fields.filter((f) => storageOf(f.id) === 'column').map((f) => f.id);
  const rows = await sql<PersonState>`select p.id, p.first_name, p.last_name, p.nickname,
      p.hetu_cipher is not null as has_hetu, p.attributes,
      ${columnIds.length ? sql`jsonb_build_object(${sql.join(columnIds.flatMap((c) => [sql.lit(c), sql.ref(`p.${c}`)]))})` : sql`'{}'::jsonb`} as columns
    from persons p where p.id = any(${arrayLiteral(ids)}::uuid[]) order by p.id`.execute(tx);
  const lists = new Map<string, Map<string, unknown[]>>();
  for (const f of fields) {
    if (!isListField(f.id)) continue;
    const table = LIST_TABLES[f.id];
    const listRows = await sql<{ person_id: string; value: unknown }>`select person_id,
        ${
          f.id === 'address'
            ? sql`jsonb_strip_nulls(jsonb_build_object('street', street, 'poBox', po_box, 'postalCode', postal_code,
                'city', city, 'country', country))`
            : sql`value`
        } as value
      from ${sql.table(table)} where person_id = any(${arrayLiteral(ids)}::uuid[]) order by person_id, position`.execute(
      tx,
    );
    const byPerson = new Map<string, unknown[]>();
    for (const r of listRows.rows) byPerson.set(r.person_id, [...(byPerson.get(r.person_id) ?? []), r.value]);
    lists.set(f.id, byPerson);
  }

  const results: ErasedPersonFields[] = [];
  const attributePatches: { id: string; remove: string[]; set: Record<string, unknown> }[] = [];
  const addressRewrites: {
    person_id: string;
    position: number;
    postal_code: string | null;
    country: string;
  }[] = [];
  for (const row of rows.rows) {
    const out: ErasedPersonFields = { personId: row.id, deleted: [], anonymised: [], kept: [] };
    const remove: string[] = [];
    const set: Record<string, unknown> = {};
    for (const f of fields) {
      const storage = storageOf(f.id);
      const current =
        storage === 'column'
          ? row.columns[f.id]
          : storage === 'hetu'
            ? row.has_hetu || null
            : storage === 'list'
              ? (lists.get(f.id)?.get(row.id) ?? null)
              : row.attributes?.[f.id];
      if (current === null || current === undefined) continue;
      const strategy = strategyOf(f);
      if (strategy === 'keep') {
        out.kept.push(f.id);
        continue;
      }
      if (strategy === 'anonymise') {
        if (storage === 'attribute') {
          const value =
            f.multiple && Array.isArray(current)
              ? current.map((v) => anonymiseValue(f.type, v))
              : anonymiseValue(f.type, current);
          const left = Array.isArray(value) ? value.filter((v) => v !== undefined) : value;
          if (left !== undefined && !(Array.isArray(left) && left.length === 0)) {
            if (stableJson(left) !== stableJson(current)) {
              set[f.id] = left;
              out.anonymised.push(f.id);
            }
            continue;
          }
          remove.push(f.id);
        } else if (f.id === 'address') {
          const items = (current as unknown[]).map(
            (a) => anonymiseValue('address', a) as { postalCode?: string; country?: string } | undefined,
          );
          const changed = stableJson(items) !== stableJson(current);
          if (items.every((a) => a !== undefined)) {
            if (changed) {
              items.forEach((a, position) => {
                addressRewrites.push({
                  person_id: row.id,
                  position,
                  postal_code: a?.postalCode ?? null,
                  country: a?.country ?? 'FI',
                });
              });
              out.anonymised.push(f.id);
            }
            continue;
          }
        }
        // Other core fields are text, identifiers or contact points: nothing of them is left.
      } else if (storage === 'attribute') {
        remove.push(f.id);
      }
      out.deleted.push(f.id);
    }
    if (remove.length > 0 || Object.keys(set).length > 0) attributePatches.push({ id: row.id, remove, set });
    if (out.deleted.length + out.anonymised.length + out.kept.length > 0) results.push(out);
  }
  const changed = results.filter((r) => r.deleted.length + r.anonymised.length > 0);
  if (changed.length === 0) return results;

  // Columns and the hetu: null for every changed person that loses them.
  const clearColumns = new Map<string, string[]>();
  for (const r of changed) {
    for (const id of r.deleted) {
      const storage = storageOf(id);
      if (storage === 'column' || storage === 'hetu')
        clearColumns.set(id, [...(clearColumns.get(id) ?? []), r.personId]);
    }
  }
  for (const [id, who] of clearColumns) {
    const set = HETU_FIELDS.has(id)
      ? sql`hetu_cipher = null, hetu_lookup = null`
      : sql`${sql.ref(id)} = null`;
    await sql`update persons set ${set} where id = any(${arrayLiteral(who)}::uuid[])`.execute(tx);
  }
  // Contact lists that go whole.
  for (const id of Object.keys(LIST_TABLES) as ListField[]) {
    const who = changed.filter((r) => r.deleted.includes(id)).map((r) => r.personId);
    if (who.length > 0) {
      await sql`delete from ${sql.table(LIST_TABLES[id])} where person_id = any(${arrayLiteral(who)}::uuid[])`.execute(
        tx,
      );
    }
  }
  // Addresses anonymised in place: street, PO box and city removed, the postal code cut to its region.
  if (addressRewrites.length > 0) {
    await sql`update person_addresses a set street = null, po_box = null, city = null,
        postal_code = x.postal_code, country = x.country
      from jsonb_to_recordset(${JSON.stringify(addressRewrites)}::jsonb)
        as x(person_id uuid, position int, postal_code text, country text)
      where a.person_id = x.person_id and a.position = x.position`.execute(tx);
  }
  if (attributePatches.length > 0) {
    await sql`update persons p set attributes = (p.attributes - x.remove) || x.set
      from jsonb_to_recordset(${JSON.stringify(attributePatches)}::jsonb) as x(id uuid, remove text[], set jsonb)
      where p.id = x.id`.execute(tx);
  }
  // The search name follows the names left; computed here as on every write (person-store's searchNameOf).
  const renamed = changed.filter((r) => r.deleted.some((id) => NAME_FIELDS.has(id)));
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  const names = renamed.map((r) => {
    const p = byId.get(r.personId)!;
    const keep = (k: 'first_name' | 'last_name' | 'nickname') => (r.deleted.includes(k) ? null : p[k]);
    return {
      id: r.personId,
      search_name: searchNameOf(keep('first_name'), keep('last_name'), keep('nickname')),
    };
  });
  await sql`update persons p set updated_at = ${opts.now}, updated_by = ${opts.actorId},
      search_name = coalesce(x.search_name, p.search_name)
    from jsonb_to_recordset(${JSON.stringify(
      changed.map((r) => ({
        id: r.personId,
        search_name: names.find((n) => n.id === r.personId)?.search_name ?? null,
      })),
    )}::jsonb) as x(id uuid, search_name text)
    where p.id = x.id`.execute(tx);
  // Provenance of values that are gone (an anonymised value keeps where it came from).
  const gone = changed.flatMap((r) => r.deleted.map((field) => ({ id: r.personId, field })));
  if (gone.length > 0) {
    await sql`delete from provenance v using jsonb_to_recordset(${JSON.stringify(gone)}::jsonb) as x(id uuid, field text)
      where v.entity_type = 'person' and v.entity_id = x.id and v.field = x.field`.execute(tx);
  }
  return results;
}

/**
 * Writes the anonymised records of `holder` (R4.4, R4.9, R5.2), for the retention sweep and the erasure of a
 * person: each row of `patched` gets its anonymised `data` (`anonymiseData`), is unlinked from its person and
 * marked anonymised at `now`; its date and its typed columns go by the type of their core field (dates to their
 * year, text removed, the rest kept), and a table that keeps `updated_at`/`updated_by` is stamped. One
 * statement, in the caller's transaction, which has selected the rows `for update`.
 */
export async function writeAnonymisedRecords(
  tx: Executor,
  holder: Holder,
  patched: { id: string; data: Record<string, unknown> }[],
  now: Date,
  actorId: string,
): Promise<void> {
  const t = RECORD_TABLES[holder as RecordTableHolder];
  const core = CORE_FIELDS[holder] ?? {};
  const columnSets = Object.entries(core).flatMap(([name, f]) => {
    if (!t.columns.includes(name)) return [];
    if ((f.type as FieldType) === 'date')
      return [sql`${sql.ref(name)} = date_trunc('year', x.${sql.ref(name)})::date`];
    if (anonymiseValue(f.type, 'x') === undefined) return [sql`${sql.ref(name)} = null`];
    return [];
  });
  const updated = t.updated ? [sql`updated_at = ${now}`, sql`updated_by = ${actorId}`] : [];
  await sql`update ${sql.table(t.table)} x set person_id = null, anonymised_at = ${now}, data = r.data,
      occurred_at = (date_trunc('year', x.occurred_at at time zone 'UTC') at time zone 'UTC')
      ${columnSets.length || updated.length ? sql`, ${sql.join([...columnSets, ...updated])}` : sql``}
    from jsonb_to_recordset(${JSON.stringify(patched)}::jsonb) as r(id uuid, data jsonb)
    where x.id = r.id`.execute(tx);
}
