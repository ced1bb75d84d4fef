import {
  type CatalogueCategory,
  type CatalogueField,
  LupausError,
  type OrderLineValue,
  type ProblemDetail,
  RECORD_HOLDERS,
  type RecordHolder,
  type ValidatedFields,
  validateFields,
} from '@lupaus/core';
import {
  type Executor,
  type FileSummaryRow,
  findRecordRow,
  listFilesOf,
  listProvenance,
  RECORD_TABLES,
  type RecordRow,
} from '@lupaus/db';
import type { Actor, Register } from '../context';
import { requireId } from '../policy/ids';

/**
 * What records (orders, invoices, debt collection cases, loyalty levels, interactions: R2.3–R2.5) share: how a
 * category of the definition becomes a record kind, where each field is stored, and what a reader sees.
 *
 * A record's category is its kind. Its core fields (an invoice's state, an order's amount ...) have typed columns;
 * every other declared field is kept in `data`; files are rows of their own. The row's source, recorded_at
 * and recorded_by are the provenance of every field saved with it; a field changed later gets its own
 * provenance row (R2.6).
 */
export interface RecordFileView {
  id: string;
  field: string;
  name: string;
  mediaType: string;
  size: number;
}

export interface RecordView {
  id: string;
  /** Null once the record is anonymised. */
  personId: string | null;
  holder: RecordHolder;
  /** The category id of the register definition. */
  kind: string;
  occurredAt: string;
  /** The fields the actor may read, by field id. */
  fields: Record<string, unknown>;
  files: RecordFileView[];
  /** Links to the record's organisation, order or invoice. */
  links: { organisationId?: string; orderId?: string; invoiceId?: string };
  source: string;
  recordedAt: string;
  recordedBy: string;
  anonymisedAt: string | null;
  /** Per readable field: when, from where, by whom it was saved (single-record views only). */
  provenance?: Record<string, { source: string; savedAt: string; savedBy: string }>;
}

export const LINK_INPUTS = {
  organisationId: 'organisation_id',
  orderId: 'order_id',
  invoiceId: 'invoice_id',
} as const;
export type LinkInput = keyof typeof LINK_INPUTS;
const LINK_OUTPUTS = Object.fromEntries(Object.entries(LINK_INPUTS).map(([k, v]) => [v, k])) as Record<
  string,
  LinkInput
>;

/** The record categories of the definition (those held by orders, invoices ... interactions). */
export function recordCategories(reg: Register): CatalogueCategory[] {
  return reg.catalogue.categories.filter((c) => isRecordHolder(c.holder));
}

export function isRecordHolder(holder: string): holder is RecordHolder {
  return (RECORD_HOLDERS as readonly string[]).includes(holder);
}

/** The category of a record kind; refused unless the definition declares it as a record category (R1.5). */
export function requireRecordCategory(
  reg: Register,
  kind: unknown,
  at = 'kind',
  holders: readonly RecordHolder[] = RECORD_HOLDERS,
): CatalogueCategory & { holder: RecordHolder } {
  const category = typeof kind === 'string' ? reg.catalogue.category(kind) : undefined;
  if (!category || !(holders as readonly string[]).includes(category.holder)) {
    const declared = recordCategories(reg)
      .filter((c) => (holders as readonly string[]).includes(c.holder))
      .map((c) => c.id);
    throw new LupausError('VALIDATION_FAILED', { kind }, [
      {
        at,
        message: `"${String(kind).slice(0, 60)}" is not a kind of ${holders.length === 1 ? holders[0] : 'record'} this register declares; declared: ${declared.join(', ') || '(none)'}`,
      },
    ]);
  }
  return category as CatalogueCategory & { holder: RecordHolder };
}

/**
 * The categories whose records count as a service contact (seed 003: the relationship is judged ended from the
 * last one): `retention.relationshipEnd.contactCategories`, else every category of interactions and orders;
 * none when the register does not judge the end from the last contact.
 */
const contactCache = new WeakMap<object, Set<string>>();
export function contactCategories(reg: Register): Set<string> {
  let set = contactCache.get(reg.definition);
  if (!set) {
    const end = reg.definition.retention?.relationshipEnd;
    // Only a register that judges the end of the relationship from the last contact keeps it: elsewhere
    // nothing reads it, and moving it costs a write of the person's row per record (bench/README.md).
    set = new Set(
      end?.kind !== 'last_contact'
        ? []
        : (end.contactCategories ??
            reg.catalogue.categories
              .filter((c) => c.holder === 'interaction' || c.holder === 'order')
              .map((c) => c.id)),
    );
    contactCache.set(reg.definition, set);
  }
  return set;
}

/** Validates a record's fields against its category; throws with every problem named (R1.5). */
export function validateRecordFields(
  reg: Register,
  category: CatalogueCategory,
  fields: Record<string, unknown>,
  opts: { creating: boolean; at?: string },
): ValidatedFields {
  const at = opts.at ?? 'fields';
  const v = validateFields(reg.catalogue, category.holder, fields, {
    category: category.id,
    requireRequired: opts.creating,
    at,
  });
  v.problems.push(...recordRules(category, fields, v.values, opts.creating, at));
  if (v.problems.length > 0) {
    throw new LupausError(
      v.undeclared.length > 0 ? 'FIELD_NOT_DECLARED' : 'VALIDATION_FAILED',
      { kind: category.id },
      v.problems,
    );
  }
  return v;
}

const MAX_MONEY = 1e12;

/** Rules of the storage layer beyond a field's type: a state the behaviour depends on, amounts that fit. */
export function recordRules(
  category: CatalogueCategory,
  input: Record<string, unknown>,
  values: Record<string, unknown>,
  creating: boolean,
  at: string,
): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const state = category.fields.find((f) => f.id === 'state' && f.core);
  if (state) {
    if (creating && (input.state === undefined || input.state === null) && !state.required) {
      problems.push({
        at: `${at}.state`,
        message: `state is required: one of ${(state.options ?? []).map((o) => o.value).join(', ')}`,
      });
    } else if (!creating && input.state === null && !state.required) {
      problems.push({ at: `${at}.state`, message: 'state cannot be removed; set another state' });
    }
  }
  for (const f of category.fields) {
    const v = values[f.id];
    if (f.type === 'money' && typeof v === 'number' && Math.abs(v) >= MAX_MONEY) {
      problems.push({ at: `${at}.${f.id}`, message: `${f.id} must be less than ${MAX_MONEY} in magnitude` });
    }
  }
  return problems;
}

/** The sum of an order's lines (quantity × unit price), in cents precision. */
export function linesTotal(lines: readonly OrderLineValue[]): number {
  const cents = lines.reduce((sum, l) => sum + Math.round(l.quantity * l.unitPrice * 100), 0);
  return cents / 100;
}

/** The instant a value of the category's dating field stands for: a date means 00:00 UTC of that day. */
export function dateOf(field: CatalogueField | undefined, value: unknown): Date | undefined {
  if (!field || typeof value !== 'string') return undefined;
  if (field.type === 'date') return new Date(`${value}T00:00:00.000Z`);
  if (field.type === 'datetime') return new Date(value);
  return undefined;
}

export function dateFieldOf(category: CatalogueCategory): CatalogueField | undefined {
  return category.dateField ? category.fields.find((f) => f.id === category.dateField) : undefined;
}

/**
 * Splits validated values into typed columns (core fields with a column of the holder's table) and `data`
 * (every other declared field). `null` removes. The current row's data is the starting point of an update.
 */
export function planRecordWrite(
  holder: RecordHolder,
  values: Record<string, unknown>,
  current?: RecordRow,
): { columns: Record<string, unknown>; data: Record<string, unknown> } {
  const typed = new Set(RECORD_TABLES[holder].columns);
  const columns: Record<string, unknown> = {};
  const data: Record<string, unknown> = { ...(current?.data ?? {}) };
  for (const [name, value] of Object.entries(values)) {
    if (typed.has(name)) columns[name] = value;
    else if (value === null) delete data[name];
    else data[name] = value;
  }
  if (holder === 'order' && Array.isArray(values.lines) && values.amount === undefined) {
    columns.amount = linesTotal(values.lines as OrderLineValue[]);
  }
  return { columns, data };
}

export async function requireRecordRow(
  tx: Executor,
  id: string,
  opts: { forUpdate?: boolean; at?: string } = {},
): Promise<RecordRow> {
  const at = opts.at ?? 'id';
  const row = await findRecordRow(tx, requireId(id, 'record', at), { forUpdate: opts.forUpdate ?? false });
  if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at, message: `no record ${id}` }]);
  return row;
}

/** The fields of a category the actor's roles may read (R6.2). */
export function readableRecordFields(
  actor: Actor,
  category: CatalogueCategory | undefined,
): CatalogueField[] {
  return (category?.fields ?? []).filter((f) => f.readRoles.some((r) => actor.roles.includes(r)));
}

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}

function fieldValue(row: RecordRow, field: CatalogueField, typed: Set<string>): unknown {
  if (typed.has(field.id)) {
    const v = row.columns[field.id];
    return typeof v === 'string' && field.type === 'money' ? Number(v) : v;
  }
  return row.data[field.id];
}

/**
 * Builds what the actor may see of records: readable fields only, files of readable fields only. One query for
 * the files of all of them.
 */
export async function recordViews(
  tx: Executor,
  reg: Register,
  actor: Actor,
  rows: readonly RecordRow[],
  opts: { provenance?: boolean } = {},
): Promise<RecordView[]> {
  const files = await listFilesOf(
    tx,
    rows.map((r) => r.id),
  );
  const filesOf = new Map<string, FileSummaryRow[]>();
  for (const f of files) filesOf.set(f.entity_id, [...(filesOf.get(f.entity_id) ?? []), f]);
  const views: RecordView[] = [];
  for (const row of rows) {
    const category = reg.catalogue.category(row.category);
    const readable = readableRecordFields(actor, category);
    const readableIds = new Set(readable.map((f) => f.id));
    const typed = new Set(RECORD_TABLES[row.holder].columns);
    const fields: Record<string, unknown> = {};
    for (const f of readable) {
      if (f.type === 'file') continue;
      const v = fieldValue(row, f, typed);
      if (v === null || v === undefined) continue;
      fields[f.id] = v;
    }
    const links: RecordView['links'] = {};
    for (const [column, value] of Object.entries(row.columns)) {
      const name = LINK_OUTPUTS[column];
      if (name && typeof value === 'string') links[name] = value;
    }
    const view: RecordView = {
      id: row.id,
      personId: row.person_id,
      holder: row.holder,
      kind: row.category,
      occurredAt: iso(row.occurred_at),
      fields,
      files: (filesOf.get(row.id) ?? [])
        .filter((f) => readableIds.has(f.field))
        .map((f) => ({
          id: f.id,
          field: f.field,
          name: f.name,
          mediaType: f.media_type,
          size: Number(f.size),
        })),
      links,
      source: row.source,
      recordedAt: iso(row.recorded_at),
      recordedBy: row.recorded_by,
      anonymisedAt: row.anonymised_at ? iso(row.anonymised_at) : null,
    };
    if (opts.provenance) {
      const provenance: NonNullable<RecordView['provenance']> = {};
      const saved = { source: row.source, savedAt: view.recordedAt, savedBy: row.recorded_by };
      for (const id of Object.keys(fields)) provenance[id] = saved;
      for (const f of view.files) provenance[f.field] = saved;
      for (const p of await listProvenance(tx, row.holder, row.id)) {
        if (!(p.field in provenance)) continue;
        provenance[p.field] = { source: p.source, savedAt: iso(p.saved_at), savedBy: p.saved_by };
      }
      view.provenance = provenance;
    }
    views.push(view);
  }
  return views;
}

export async function recordView(
  tx: Executor,
  reg: Register,
  actor: Actor,
  row: RecordRow,
): Promise<RecordView> {
  const [view] = await recordViews(tx, reg, actor, [row], { provenance: true });
  return view!;
}
