import { type AddressValue, emailKey, validateFields } from '@lupaus/core';
import {
  type Executor,
  type ImportPersonWrite,
  type ImportTargetRow,
  insertAudit,
  loadImportTargets,
  matchPersonsByKeys,
  type PersonMatch,
  writeImportedPersons,
} from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import type { Actor, Register } from '../context';
import { crashPoint } from '../faults/crash-point';
import { searchNameOf } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireSource, resolvePurpose } from '../policy/purpose';
import { type ColumnPlan, cellsToFields, planColumns, problemColumn, stableJson } from './csv-fields';
import {
  type BatchCounts,
  type ImportInputBase,
  type ImportProblem,
  type ImportReport,
  problemsOf,
  runImport,
} from './import-run';
import type { CsvRecord } from './read-csv';

export type { ImportProblem, ImportReport } from './import-run';

export interface ImportPersonsInput extends ImportInputBase {}

const COLUMN_FIELDS = ['customer_number', 'first_name', 'last_name', 'nickname'] as const;
type ColumnField = (typeof COLUMN_FIELDS)[number];
const COLUMN_SET = new Set<string>(COLUMN_FIELDS);
const LIST_FIELDS = new Set(['email', 'phone', 'address']);

/**
 * Imports persons from CSV (R2.8), streaming in constant memory: batches of rows (2 000 by default), each one
 * transaction written set-based. Columns map to catalogue fields (by field id, or `mapping`); a column that maps
 * to no declared field is refused before anything is written. Each row is validated as any other write (R1.5);
 * a bad row is reported (line, column, reason) and not imported, the good rows are, with provenance (source,
 * time, who: R2.6) and one audit row per batch naming the persons (R6.4).
 *
 * A row updates the person it matches — on customer number, else an email address, else the hetu's keyed hash —
 * so re-running a file updates rather than duplicates (a row with none of the three always creates a person). A
 * row that matches two different persons, or whose customer number or email finds a person with another
 * customer number or hetu, is a problem row. A later row of the same file that matches an earlier one updates
 * what the earlier one wrote. An empty cell leaves the stored value as it is; a row that changes nothing is
 * counted `unchanged` and leaves no provenance or audit.
 *
 * @example
 * ```ts
 * const report = await importPersons(reg, actor, {
 *   input: createReadStream('customers.csv'), source: 'subject', fileName: 'customers.csv',
 * });
 * console.log(report.created, report.updated, report.rejected, report.problems[0]);
 * ```
 */
export async function importPersons(
  reg: Register,
  actor: Actor,
  input: ImportPersonsInput,
): Promise<ImportReport> {
  authorize(reg, actor, 'persons.write');
  const source = requireSource(reg, input.source);
  const purpose = resolvePurpose(reg, input.purpose);
  let plan: ColumnPlan | undefined;
  const required = reg.catalogue
    .fieldsOf('person')
    .filter((f) => f.required)
    .map((f) => f.id);
  return runImport(reg, actor, 'persons', input, source, {
    plan(headers) {
      plan = planColumns(reg, 'person', headers, input.mapping);
    },
    processBatch: (tx, records, problem, runId) =>
      importPersonBatch(tx, reg, actor, {
        plan: plan as ColumnPlan,
        records,
        problem,
        runId,
        source,
        purpose,
        required,
        dryRun: input.dryRun ?? false,
      }),
  });
}

interface ValidRow {
  line: number;
  values: Record<string, unknown>;
  cnum: string | null;
  ekeys: string[];
  /** base64 of the hetu's keyed hash */
  hl: string | null;
}

/** A person the batch writes: one existing (matched) or new, with the rows that go to it applied in order. */
interface Slot {
  id: string;
  isNew: boolean;
  firstLine: number;
  /** Canonical text of each field's effective value, to tell a change from a repeat. */
  state: Map<string, string>;
  /** The effective values of the fields the batch changes. */
  values: Record<string, unknown>;
  changed: Set<string>;
  /** How each row that went to this person counted: a person that ends as stored counts its rows unchanged. */
  statuses: ('created' | 'updated' | 'unchanged')[];
  current: ImportTargetRow | undefined;
  cnum: string | null;
  hl: string | null;
  ekeys: Set<string>;
}

function canonical(field: string, value: unknown, hl: string | null): string {
  if (field === 'hetu') return hl ?? '';
  if (COLUMN_SET.has(field)) return value as string;
  if (field === 'address') {
    return stableJson(
      (value as AddressValue[]).map((a) => [
        a.street ?? null,
        a.poBox ?? null,
        a.postalCode ?? null,
        a.city ?? null,
        a.country,
      ]),
    );
  }
  return stableJson(value);
}

function stateOf(row: ImportTargetRow): Map<string, string> {
  const s = new Map<string, string>();
  for (const f of COLUMN_FIELDS) if (row[f] !== null) s.set(f, row[f] as string);
  if (row.hetu_lookup) s.set('hetu', row.hetu_lookup);
  if (row.emails.length > 0) s.set('email', stableJson(row.emails));
  if (row.phones.length > 0) s.set('phone', stableJson(row.phones));
  if (row.addresses.length > 0) {
    s.set(
      'address',
      stableJson(row.addresses.map((a) => [a.street, a.po_box, a.postal_code, a.city, a.country])),
    );
  }
  for (const [k, v] of Object.entries(row.attributes ?? {})) s.set(k, stableJson(v));
  return s;
}

async function importPersonBatch(
  tx: Executor,
  reg: Register,
  actor: Actor,
  b: {
    plan: ColumnPlan;
    records: CsvRecord[];
    problem: (p: ImportProblem) => void;
    runId: string;
    source: string;
    purpose: string;
    required: string[];
    dryRun: boolean;
  },
): Promise<BatchCounts> {
  const column = (at: string) => problemColumn(b.plan, at);
  const report = (line: number, field: string | null, reason: string) =>
    b.problem({ line, column: field === null ? null : (b.plan.columnOf.get(field) ?? field), reason });

  // 1. Validate each row as any write is validated (R1.5).
  const rows: ValidRow[] = [];
  for (const rec of b.records) {
    const fields = cellsToFields(b.plan, rec.values);
    const v = validateFields(reg.catalogue, 'person', fields);
    if (v.problems.length > 0) {
      for (const p of problemsOf(rec.line, v.problems, column)) b.problem(p);
      continue;
    }
    if (Object.keys(v.values).length === 0) {
      report(rec.line, null, 'the row has no values');
      continue;
    }
    const values = v.values;
    const cnum = (values.customer_number as string | undefined) ?? null;
    const ekeys = ((values.email as string[] | undefined) ?? []).map(emailKey);
    const hl = typeof values.hetu === 'string' ? reg.vault.lookup(values.hetu).toString('base64') : null;
    rows.push({ line: rec.line, values, cnum, ekeys, hl });
  }

  crashPoint('import.batch.after-validate');
  // 2. Which stored persons the rows' keys find, and those persons as they are (locked until the batch ends).
  const matches = new Map<number, PersonMatch>();
  for (const m of await matchPersonsByKeys(
    tx,
    rows.flatMap((r, i) =>
      r.cnum || r.hl || r.ekeys.length > 0
        ? [{ i, c: r.cnum, e: r.ekeys.length > 0 ? r.ekeys : null, h: r.hl }]
        : [],
    ),
  )) {
    matches.set(m.i, m);
  }
  const ids = new Set<string>();
  for (const m of matches.values()) {
    if (m.byCustomerNumber) ids.add(m.byCustomerNumber);
    if (m.byHetu) ids.add(m.byHetu);
    for (const e of m.byEmail) ids.add(e);
  }
  const current = new Map((await loadImportTargets(tx, [...ids], true)).map((t) => [t.id, t]));
  crashPoint('import.batch.after-match');

  // 3. Each row to its person, in file order: an earlier row of the batch counts as a person too.
  const slots: Slot[] = [];
  const byId = new Map<string, Slot>();
  const byC = new Map<string, Slot>();
  const byH = new Map<string, Slot>();
  const byE = new Map<string, Set<Slot>>();
  const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0 };
  rows.forEach((row, i) => {
    const m = matches.get(i);
    // Who the row's keys name: stored persons (by id) and new persons of earlier rows (their slots).
    const named = new Map<string, { slot: Slot | undefined; via: string }>();
    const add = (key: string, slot: Slot | undefined, via: string) => {
      if (!named.has(key)) named.set(key, { slot, via });
    };
    if (m?.byCustomerNumber) add(m.byCustomerNumber, byId.get(m.byCustomerNumber), 'customer_number');
    for (const e of m?.byEmail ?? []) add(e, byId.get(e), 'email');
    if (m?.byHetu) add(m.byHetu, byId.get(m.byHetu), 'hetu');
    const local: [Slot | undefined, string][] = [
      [row.cnum ? byC.get(row.cnum) : undefined, 'customer_number'],
      ...row.ekeys.flatMap((k) => [...(byE.get(k) ?? [])].map((s): [Slot, string] => [s, 'email'])),
      [row.hl ? byH.get(row.hl) : undefined, 'hetu'],
    ];
    for (const [s, via] of local) if (s) add(s.id, s, via);
    if (named.size > 1) {
      const vias = [...new Set([...named.values()].map((n) => n.via))];
      report(
        row.line,
        vias[0] ?? null,
        vias.length === 1
          ? `its ${label(vias[0]!)} belongs to ${named.size} different persons`
          : `its ${vias.map(label).join(' and ')} belong to different persons`,
      );
      return;
    }
    const only = [...named.entries()][0];
    let slot = only?.[1].slot;
    const target = only ? current.get(only[0]) : undefined;
    if (only && !slot && !target) {
      // A person matched but gone between the two reads (erased): treat the row as a problem, not a new person.
      report(row.line, null, 'the person it matches was removed while the import ran');
      return;
    }
    // The person found must not be someone else by customer number or hetu.
    const state = slot?.state ?? (target ? stateOf(target) : undefined);
    const where = slot ? `the row on line ${slot.firstLine}` : 'the stored person';
    if (state && row.cnum && state.has('customer_number') && state.get('customer_number') !== row.cnum) {
      report(
        row.line,
        'customer_number',
        `${where} that its ${label(only![1].via)} matches has another customer number`,
      );
      return;
    }
    if (state && row.hl && state.has('hetu') && state.get('hetu') !== row.hl) {
      report(
        row.line,
        only![1].via === 'customer_number' ? 'customer_number' : 'hetu',
        `${where} with this ${label(only![1].via)} has another personal identity code`,
      );
      return;
    }
    if (!slot && !target) {
      const missing = b.required.filter((f) => row.values[f] === undefined);
      if (missing.length > 0) {
        for (const f of missing) report(row.line, f, `${f} is required`);
        return;
      }
    }
    let status: 'created' | 'updated' | 'unchanged';
    if (!slot) {
      slot = {
        id: target ? target.id : uuidv7(),
        isNew: !target,
        firstLine: row.line,
        state: target ? stateOf(target) : new Map(),
        values: {},
        changed: new Set(),
        statuses: [],
        current: target,
        cnum: target?.customer_number ?? null,
        hl: target?.hetu_lookup ?? null,
        ekeys: new Set((target?.emails ?? []).map(emailKey)),
      };
      slots.push(slot);
      byId.set(slot.id, slot);
      status = target ? 'unchanged' : 'created';
    } else {
      status = 'unchanged';
    }
    for (const [field, value] of Object.entries(row.values)) {
      const c = canonical(field, value, row.hl);
      if (slot.state.get(field) === c) continue;
      slot.state.set(field, c);
      slot.values[field] = value;
      slot.changed.add(field);
      if (status === 'unchanged') status = 'updated';
    }
    slot.statuses.push(status);
    if (row.cnum) {
      slot.cnum = row.cnum;
      byC.set(row.cnum, slot);
    }
    if (row.hl) {
      slot.hl = row.hl;
      byH.set(row.hl, slot);
    }
    if (row.values.email !== undefined) {
      for (const k of slot.ekeys) byE.get(k)?.delete(slot);
      slot.ekeys = new Set(row.ekeys);
    }
    for (const k of slot.ekeys) {
      let set = byE.get(k);
      if (!set) {
        set = new Set();
        byE.set(k, set);
      }
      set.add(slot);
    }
  });
  for (const s of slots) {
    // A field a later row of the batch set back to what is stored is no change.
    if (s.current) {
      const stored = stateOf(s.current);
      for (const f of s.changed) if (stored.get(f) === s.state.get(f)) s.changed.delete(f);
    }
    for (const st of s.statuses) counts[!s.isNew && s.changed.size === 0 ? 'unchanged' : st]++;
  }
  if (b.dryRun) return counts;

  // 4. One statement writes the batch; one audit row per kind of change names its persons.
  const writes: ImportPersonWrite[] = [];
  const created: string[] = [];
  const updated: string[] = [];
  const createdFields = new Set<string>();
  const updatedFields = new Set<string>();
  for (const s of slots) {
    if (s.changed.size === 0) continue;
    writes.push(toWrite(reg, s));
    (s.isNew ? created : updated).push(s.id);
    for (const f of s.changed) (s.isNew ? createdFields : updatedFields).add(f);
  }
  const at = reg.clock.now();
  crashPoint('import.batch.before-write');
  await writeImportedPersons(tx, { rows: writes, source: b.source, at, actor: actor.id });
  crashPoint('import.batch.after-write');
  const entries = [
    { action: 'create', ids: created, fields: createdFields },
    { action: 'update', ids: updated, fields: updatedFields },
  ]
    .filter((e) => e.ids.length > 0)
    .map((e) => ({
      at,
      actor: actor.id,
      action: e.action,
      entityType: 'person',
      entityId: e.ids.length === 1 ? e.ids[0]! : null,
      personId: e.ids.length === 1 ? e.ids[0]! : null,
      personIds: e.ids.length === 1 ? undefined : e.ids,
      purpose: b.purpose,
      // Keys in sorted order: the chain's serialisation then needs no sorting.
      details: { batch: true, fields: [...e.fields].sort(), import: b.runId, source: b.source },
    }));
  await insertAudit(tx, reg.vault.auditKey, entries);
  crashPoint('import.batch.after-audit');
  return counts;
}

function label(via: string): string {
  return via === 'customer_number'
    ? 'customer number'
    : via === 'hetu'
      ? 'personal identity code'
      : 'email address';
}

function toWrite(reg: Register, s: Slot): ImportPersonWrite {
  const v = s.values;
  const col = (f: ColumnField) => (s.changed.has(f) ? (v[f] as string) : null);
  const nameChanged = s.isNew || ['first_name', 'last_name', 'nickname'].some((f) => s.changed.has(f));
  const name = (f: 'first_name' | 'last_name' | 'nickname') =>
    (s.changed.has(f) ? (v[f] as string) : (s.current?.[f] ?? null)) ?? null;
  const hetu = s.changed.has('hetu') ? (v.hetu as string) : null;
  const attributes: Record<string, unknown> = {};
  let anyAttribute = false;
  for (const f of s.changed) {
    if (COLUMN_SET.has(f) || f === 'hetu' || LIST_FIELDS.has(f)) continue;
    attributes[f] = v[f];
    anyAttribute = true;
  }
  return {
    id: s.id,
    isNew: s.isNew,
    customer_number: col('customer_number'),
    first_name: col('first_name'),
    last_name: col('last_name'),
    nickname: col('nickname'),
    search_name: nameChanged ? searchNameOf(name('first_name'), name('last_name'), name('nickname')) : null,
    hetu_cipher: hetu === null ? null : reg.vault.encrypt(hetu).toString('base64'),
    hetu_lookup: hetu === null ? null : s.hl,
    attributes: anyAttribute ? attributes : null,
    emails: s.changed.has('email')
      ? (v.email as string[]).map((e): [string, string, string] => [uuidv7(), e, emailKey(e)])
      : null,
    phones: s.changed.has('phone') ? (v.phone as string[]).map((p): [string, string] => [uuidv7(), p]) : null,
    addresses: s.changed.has('address')
      ? (v.address as AddressValue[]).map(
          (a): [string, string | null, string | null, string | null, string | null, string] => [
            uuidv7(),
            a.street ?? null,
            a.poBox ?? null,
            a.postalCode ?? null,
            a.city ?? null,
            a.country,
          ],
        )
      : null,
    fields: [...s.changed].sort(),
  };
}
