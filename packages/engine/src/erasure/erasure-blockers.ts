import {
  type CatalogueCategory,
  dueDate,
  isHoldActive,
  isRoleActive,
  LupausError,
  RECORD_HOLDERS,
  type RecordHolder,
  relationshipStatus,
} from '@lupaus/core';
import { arrayLiteral, type Executor, RECORD_TABLES, type RecordTableHolder } from '@lupaus/db';
import { sql } from 'kysely';
import type { Register } from '../context';
import { loadLegalHoldFacts } from '../retention/facts';
import type { ErasureBlocker, ErasureMode } from './erase-person';

/**
 * The decisions of an erasure, made once and read-only (R4.4): what blocks it and until when, which records are
 * held, deleted or anonymised, and which person fields the held data keeps. `erasePersonIn` carries them out;
 * `planErasure` (the dry run) shows them. Nothing here writes; the person row is locked (`for update`) so that
 * the erasure that follows in the same transaction acts on what was decided.
 */
export interface ErasureDecisions {
  person: {
    id: string;
    created_at: Date;
    relationship_ended_at: Date | null;
    relationship_end_reason: string | null;
    last_contact_at: Date | null;
  };
  blockers: ErasureBlocker[];
  /** Every contact role of the person, and those that last today (they block and stay). */
  roles: { id: string; ends_on: string | null }[];
  activeRoles: { id: string; ends_on: string | null }[];
  /** Legal holds in force on the person, on a category of theirs, or on a category for everyone. */
  activeHolds: { id: string }[];
  wholePersonHeld: boolean;
  heldCategories: Set<string>;
  /** Records held by an open account or a `keep` retention, by holder (held categories are held whole). */
  heldIds: Map<RecordHolder, Set<string>>;
  /** Per holder with records: the categories deleted and anonymised (except `held`), and the held ids. */
  records: {
    holder: RecordHolder;
    /** Every category of the person's records of this holder. */
    categories: string[];
    toDelete: string[];
    toAnonymise: string[];
    held: string[];
  }[];
  /** Records kept by a blocker (held categories and held ids). */
  keptRecords: number;
  /** The person fields of the catalogue, and those the held data keeps on the person row while blocked. */
  personFields: string[];
  keptFieldSet: Set<string>;
}

const TABLE_OF = (holder: RecordHolder) => RECORD_TABLES[holder as RecordTableHolder].table;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const dayBefore = (d: Date) => dayOf(new Date(d.getTime() - 1));

/**
 * Decides an erasure of one person in the caller's transaction, without writing: the blockers (an open invoice,
 * an open collection case, an active contact role, a legal hold, data kept by a legal reason until its retention
 * due date), the held records and what goes of the rest. Throws NOT_FOUND for a missing person.
 */
export async function decideErasureIn(
  tx: Executor,
  reg: Register,
  personId: string,
  mode: ErasureMode,
  now: Date,
): Promise<ErasureDecisions> {
  const person = (
    await sql<
      ErasureDecisions['person']
    >`select id, created_at, relationship_ended_at, relationship_end_reason, last_contact_at
      from persons where id = ${personId} for update`.execute(tx)
  ).rows[0];
  if (!person) {
    throw new LupausError('NOT_FOUND', { personId }, [{ at: 'personId', message: `no person ${personId}` }]);
  }
  const ids = [personId];

  // ---- The facts: open accounts, contact roles, legal holds, records.
  const openInvoices = (
    await sql<{ id: string; order_id: string | null }>`select id, order_id from invoices
      where person_id = ${personId} and state = 'open' order by id`.execute(tx)
  ).rows;
  const openCollections = (
    await sql<{ id: string; invoice_id: string | null }>`select id, invoice_id from collection_cases
      where person_id = ${personId} and state = 'open' order by id`.execute(tx)
  ).rows;
  const roles = (
    await sql<{ id: string; ends_on: string | null }>`select id, ends_on from contact_roles
      where person_id = ${personId} order by id`.execute(tx)
  ).rows;
  const activeRoles = roles.filter((r) => isRoleActive({ endsOn: r.ends_on }, now));
  const holds = await loadLegalHoldFacts(tx, ids);
  const recordCats = new Map<RecordHolder, string[]>();
  for (const holder of RECORD_HOLDERS) {
    const r = await sql<{ category: string }>`select distinct category from ${sql.table(TABLE_OF(holder))}
      where person_id = ${personId}`.execute(tx);
    recordCats.set(
      holder,
      r.rows.map((x) => x.category),
    );
  }
  const personCats = reg.catalogue.categoriesOf('person');
  const personHasCategory = (category: string) =>
    personCats.some((c) => c.id === category) ||
    [...recordCats.values()].some((cats) => cats.includes(category));

  const blockers: ErasureBlocker[] = [];
  // Legal holds: on the whole person, on a category of theirs, or on a category for everyone.
  const activeHolds = holds.filter(
    (h) =>
      isHoldActive(h, now) &&
      (h.personId === personId ||
        (h.personId === null && h.category !== null && personHasCategory(h.category))),
  );
  const wholePersonHeld = activeHolds.some((h) => h.personId === personId && h.category === null);
  const heldCategories = new Set(activeHolds.flatMap((h) => (h.category ? [h.category] : [])));
  for (const h of activeHolds) {
    blockers.push({ kind: 'legal_hold', id: h.id, category: h.category, until: h.endsOn });
  }
  const categoryHeld = (category: string) => wholePersonHeld || heldCategories.has(category);

  // Open accounts: the open invoice, its order and its collection cases; the open case and its invoice.
  const heldIds = new Map<RecordHolder, Set<string>>(RECORD_HOLDERS.map((h) => [h, new Set<string>()]));
  for (const i of openInvoices) {
    blockers.push({ kind: 'open_invoice', id: i.id, until: null });
    heldIds.get('invoice')!.add(i.id);
    if (i.order_id) heldIds.get('order')!.add(i.order_id);
  }
  if (openInvoices.length > 0) {
    const cases = await sql<{ id: string }>`select id from collection_cases
      where person_id = ${personId} and invoice_id = any(${arrayLiteral(openInvoices.map((i) => i.id))}::uuid[])`.execute(
      tx,
    );
    for (const c of cases.rows) heldIds.get('collection')!.add(c.id);
  }
  for (const c of openCollections) {
    blockers.push({ kind: 'open_collection', id: c.id, until: null });
    heldIds.get('collection')!.add(c.id);
    if (c.invoice_id) heldIds.get('invoice')!.add(c.invoice_id);
  }
  for (const r of activeRoles) blockers.push({ kind: 'contact_role', id: r.id, until: r.ends_on });

  // Retention of data kept by a legal reason (strategy keep): until its due date; the erasure ends the relationship.
  const relationship = relationshipStatus(
    reg.definition.retention?.relationshipEnd,
    {
      createdAt: new Date(person.created_at),
      relationshipEndedAt: person.relationship_ended_at ? new Date(person.relationship_ended_at) : now,
      lastContactAt: person.last_contact_at ? new Date(person.last_contact_at) : null,
      hasOpenInvoice: openInvoices.length > 0,
      hasOpenCollection: openCollections.length > 0,
    },
    now,
  );
  const factsBase = {
    relationship,
    contactRoles: roles.map((r) => ({ id: r.id, endsOn: r.ends_on })),
    fiscalYearEnd: reg.definition.retention?.fiscalYearEnd,
  };
  /** When kept data of a category falls due: `undefined` if it is due (or never by itself), null if it waits. */
  const keptUntil = (category: CatalogueCategory, holder: RecordHolder | 'person', basis: Date) => {
    if (category.erasure.strategy !== 'keep' || !category.retention) return undefined;
    const d = dueDate(
      category.retention,
      holder,
      holder === 'person' ? { ...factsBase, createdAt: basis } : { ...factsBase, occurredAt: basis },
    );
    if (d.status === 'waiting') return null;
    if (d.status === 'review') return undefined;
    return d.at.getTime() > now.getTime() ? d.at : undefined;
  };
  const retentionBlocker = (category: CatalogueCategory, until: (Date | null)[]) => {
    if (until.length === 0) return;
    const open = until.some((u) => u === null);
    const last = open ? null : (until as Date[]).reduce((a, b) => (b.getTime() > a.getTime() ? b : a));
    blockers.push({
      kind: 'retention',
      category: category.id,
      rule: category.retention!.id,
      count: until.length,
      until: last ? dayBefore(last) : null,
    });
  };

  // ---- Records, table by table: held, deleted or anonymised.
  const keptFieldSet = new Set<string>();
  let recordsHeld = false;
  let keptRecords = 0;
  const records: ErasureDecisions['records'] = [];
  for (const holder of RECORD_HOLDERS) {
    const table = TABLE_OF(holder);
    const cats = recordCats.get(holder) ?? [];
    if (cats.length === 0) continue;
    const held = heldIds.get(holder)!;
    const toDelete: string[] = []; // categories deleted whole (no held row among them is decided below)
    const toAnonymise: string[] = [];
    for (const id of cats) {
      const category = reg.catalogue.category(id);
      if (categoryHeld(id)) {
        const n = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}
          where person_id = ${personId} and category = ${id}`.execute(tx);
        keptRecords += Number(n.rows[0]?.n ?? 0);
        recordsHeld = true;
        continue;
      }
      if (category?.erasure.strategy === 'keep' && category.retention) {
        const rows = await sql<{
          id: string;
          occurred_at: Date;
        }>`select id, occurred_at from ${sql.table(table)}
          where person_id = ${personId} and category = ${id} order by id`.execute(tx);
        const until: (Date | null)[] = [];
        for (const r of rows.rows) {
          if (held.has(r.id)) continue;
          const u = keptUntil(category, holder, new Date(r.occurred_at));
          if (u === undefined) continue;
          held.add(r.id);
          until.push(u);
        }
        retentionBlocker(category, until);
      }
      if (mode === 'anonymise' || category?.erasure.strategy === 'anonymise') toAnonymise.push(id);
      else toDelete.push(id);
    }
    const heldList = [...held];
    if (heldList.length > 0) {
      const n = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}
        where person_id = ${personId} and id = any(${arrayLiteral(heldList)}::uuid[])
          and not (category = any(${arrayLiteral([...heldCategories])}::text[]))`.execute(tx);
      keptRecords += Number(n.rows[0]?.n ?? 0);
      if (Number(n.rows[0]?.n ?? 0) > 0) recordsHeld = true;
    }
    records.push({ holder, categories: cats, toDelete, toAnonymise, held: heldList });
  }

  // ---- Whether the person row stays, and with which fields.
  const personFields = reg.catalogue.fieldsOf('person').map((f) => f.id);
  const declared = (ids: string[]) => ids.filter((id) => personFields.includes(id));
  if (wholePersonHeld) for (const f of personFields) keptFieldSet.add(f);
  for (const c of personCats) {
    if (heldCategories.has(c.id)) for (const f of c.fields) keptFieldSet.add(f.id);
    const u = keptUntil(c, 'person', new Date(person.created_at));
    if (u !== undefined) {
      for (const f of c.fields) keptFieldSet.add(f.id);
      retentionBlocker(c, [u]);
    }
  }
  if (recordsHeld || openInvoices.length > 0 || openCollections.length > 0) {
    for (const f of declared(['first_name', 'last_name', 'customer_number'])) keptFieldSet.add(f);
  }
  if (openInvoices.length > 0 || openCollections.length > 0) {
    for (const f of declared(['address'])) keptFieldSet.add(f);
  }
  if (activeRoles.length > 0) {
    for (const f of declared(['first_name', 'last_name', 'email', 'phone'])) keptFieldSet.add(f);
    for (const c of personCats) {
      if (c.retention?.kind === 'while_contact_person') for (const f of c.fields) keptFieldSet.add(f.id);
    }
  }
  return {
    person,
    blockers,
    roles,
    activeRoles,
    activeHolds,
    wholePersonHeld,
    heldCategories,
    heldIds,
    records,
    keptRecords,
    personFields,
    keptFieldSet,
  };
}
