import {
  type AddressValue,
  findControlCharacter,
  isIsoDate,
  LupausError,
  parseHetu,
  validateFields,
} from '@lupaus/core';
import { addImportRunCounts, type Executor, finishImportRun, insertAudit, insertImportRun } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import type { Actor, Register } from '../context';
import { type ImportInputBase, MAX_REPORTED_PROBLEMS } from '../imports/import-run';
import { readCsv } from '../imports/read-csv';
import { searchNameOf } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { isId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import {
  type BatchAddress,
  type BatchNameWrite,
  type BatchPerson,
  findBatchPersons,
  loadBatchAddresses,
  writeBatchChanges,
} from './update-batch-store';
import {
  planUpdateColumns,
  resolveUpdateSource,
  UPDATE_ADDRESS_PARTS,
  UPDATE_KEYS,
  UPDATE_NAME_FIELDS,
  type UpdateColumnPlan,
  type UpdateKey,
  type UpdateNameField,
} from './update-columns';

/** One line of a batch that was not applied: its 1-based line, the column (null: the whole line) and why. */
export interface UpdateBatchProblem {
  line: number;
  column: string | null;
  reason: string;
}

export interface UpdateBatchReport {
  runId: string;
  dryRun: boolean;
  /** The source id of the definition the changes were saved from (their provenance, R2.6). */
  source: string;
  /** Data lines read. */
  rows: number;
  /** Lines that changed a person (with `dryRun`: would change). */
  changed: number;
  /** Lines whose person already had these values. */
  unchanged: number;
  /** Lines not applied: unknown or ambiguous person, invalid value, a person being erased; see `problems`. */
  rejected: number;
  /** Persons changed per field (`first_name`, `last_name`, `nickname`, `address`). */
  fields: Record<string, number>;
  /** Changed persons whose processing is restricted (art. 18): they got the accuracy update and nothing else. */
  restricted: number;
  /** Addresses not changed because the one on record was saved after the line's day of the move. */
  newerOnRecord: number;
  /** The first 1 000 problems; all of them go to `onProblem`. */
  problems: UpdateBatchProblem[];
}

/** What an import takes (CSV, source, mapping, dry run, purpose, file name), with the batch's own problem and progress callbacks. */
export interface ApplyUpdateBatchInput
  extends Omit<ImportInputBase, 'onProblem' | 'onProgress' | 'batchSize'> {
  onProblem?: ((p: UpdateBatchProblem) => void) | undefined;
  onProgress?: ((p: { rows: number }) => void) | undefined;
}

/** Lines per transaction. */
export const UPDATE_BATCH_CHUNK = 2000;
const KEY_LABEL: Record<UpdateKey, string> = {
  customer_number: 'customer number',
  hetu: 'personal identity code',
  person_id: 'person id',
};

interface ParsedLine {
  line: number;
  keys: { key: UpdateKey; column: string; value: string }[];
  names: Partial<Record<UpdateNameField, string>>;
  address: AddressValue | null;
  movedOn: string | null;
}

/**
 * Applies a batch of name and address changes from an update service (R2.8: Posti's address service, the
 * population information system; seed 001 "Nimi- ja yhteystietojen päivityksiä saadaan myös päivityspalveluja
 * tarjoavilta viranomaisilta ja yrityksiltä"), read from CSV as it streams (`readCsv`, layout in
 * `update-columns.ts`), in chunks of `UPDATE_BATCH_CHUNK` lines, each one transaction of a few set-based
 * statements.
 *
 * - Each line names a person by customer number, hetu (its keyed hash) or person id; all keys given must name the
 *   same person. An unknown person, keys naming different persons, a person named twice in the file, an invalid
 *   value, or a person waiting for a blocked erasure or anonymisation (never filled in again; an erased person is
 *   gone and so unknown) is reported (line, column, reason) and not applied; the other lines are.
 * - Only the names and the postal address change; any other column refuses the whole file before anything is
 *   written, naming the column. A new address becomes the person's first, replacing the one that was first
 *   (other addresses stay); spelt differently only in case, spaces or punctuation it is unchanged. With a day of
 *   the move (`moved_on`), an address saved on record after that day is newer and is kept.
 * - Every changed field gets its provenance: the batch's source, now, the actor (R2.6). Each chunk leaves one
 *   audit row naming the changed persons (`person_ids`) with field names and counts, never values (R6.4).
 * - A person whose processing is restricted (art. 18) gets the accuracy update and nothing else: the batch moves
 *   no last contact, touches no consent or suppression, and the restriction stays.
 * - `dryRun` writes nothing and reports what would change.
 *
 * @example
 * ```ts
 * const r = await applyUpdateBatch(reg, actor, {
 *   source: 'update_services',
 *   input: 'asiakasnumero;sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka\n' +
 *     'A-1001;Virtanen;Maija;Uusikatu 2 B 4;00500;HELSINKI\n',
 * });
 * r.changed; // 1
 * ```
 */
export async function applyUpdateBatch(
  reg: Register,
  actor: Actor,
  input: ApplyUpdateBatchInput,
): Promise<UpdateBatchReport> {
  authorize(reg, actor, 'persons.write');
  const source = resolveUpdateSource(reg, input.source);
  const purpose = resolvePurpose(reg, input.purpose);
  if (input.fileName !== undefined) {
    const bad = findControlCharacter(input.fileName, 'fileName');
    if (bad) throw new LupausError('VALIDATION_FAILED', {}, [bad]);
  }
  const m = input.mapping;
  if (
    m !== undefined &&
    (m === null ||
      typeof m !== 'object' ||
      Array.isArray(m) ||
      Object.values(m).some((v) => typeof v !== 'string'))
  ) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      {
        at: 'mapping',
        message: 'the mapping is a JSON object of CSV column → target, such as {"ASNRO": "customer_number"}',
      },
    ]);
  }
  const dryRun = input.dryRun === true;
  const report: UpdateBatchReport = {
    runId: uuidv7(),
    dryRun,
    source,
    rows: 0,
    changed: 0,
    unchanged: 0,
    rejected: 0,
    fields: {},
    restricted: 0,
    newerOnRecord: 0,
    problems: [],
  };
  // A chunk's problems are told in line order once the chunk is resolved.
  let held: UpdateBatchProblem[] = [];
  const reject = (ps: UpdateBatchProblem[]) => {
    report.rejected++;
    held.push(...ps);
  };
  const tell = () => {
    held.sort((a, b) => a.line - b.line);
    for (const p of held) {
      if (report.problems.length < MAX_REPORTED_PROBLEMS) report.problems.push(p);
      input.onProblem?.(p);
    }
    held = [];
  };
  /** Person id → the line that changed or confirmed it: one line a person. */
  const seen = new Map<string, number>();
  let plan: UpdateColumnPlan | undefined;
  let chunk: ParsedLine[] = [];
  let chunkNo = 0;
  let flushedAt = 0;
  // What the run's row in `import_runs` holds so far (the counts move with each chunk, in its transaction).
  const recorded = { rows: 0, changed: 0, unchanged: 0, rejected: 0, problems: 0 };
  const record = async (db: Executor) => {
    held.sort((a, b) => a.line - b.line);
    if (dryRun) return;
    const fit = held.slice(0, Math.max(0, MAX_REPORTED_PROBLEMS - recorded.problems));
    await addImportRunCounts(db, report.runId, {
      rows: report.rows - recorded.rows,
      created: 0,
      updated: report.changed - recorded.changed,
      unchanged: report.unchanged - recorded.unchanged,
      rejected: report.rejected - recorded.rejected,
      problems: fit,
    });
    Object.assign(recorded, {
      rows: report.rows,
      changed: report.changed,
      unchanged: report.unchanged,
      rejected: report.rejected,
      problems: recorded.problems + fit.length,
    });
  };
  const flush = async () => {
    if (report.rows === flushedAt) return;
    flushedAt = report.rows;
    if (chunk.length > 0) {
      const lines = chunk;
      chunk = [];
      chunkNo++;
      await applyChunk(reg, actor, { lines, source, purpose, dryRun, report, reject, seen, chunkNo, record });
    } else await record(reg.db);
    tell();
    input.onProgress?.({ rows: report.rows });
  };
  if (!dryRun) {
    await insertImportRun(reg.db, {
      id: report.runId,
      kind: 'update-batch',
      source,
      fileName: input.fileName ?? null,
      actor: actor.id,
      startedAt: reg.clock.now(),
      dryRun,
    });
  }
  try {
    for await (const rec of readCsv(input.input)) {
      plan ??= planUpdateColumns(reg, source, Object.keys(rec.values), input.mapping);
      report.rows++;
      const parsed = parseLine(reg, plan, rec.line, rec.values);
      if ('problems' in parsed) reject(parsed.problems);
      else chunk.push(parsed);
      if (report.rows - flushedAt >= UPDATE_BATCH_CHUNK) await flush();
    }
    await flush();
  } catch (e) {
    if (!dryRun) {
      const error =
        e instanceof LupausError
          ? e.problems.map((p) => `${p.at}: ${p.message}`).join('; ')
          : 'the batch failed';
      await finishImportRun(reg.db, report.runId, { finishedAt: reg.clock.now(), status: 'failed', error });
    }
    throw e;
  }
  if (!dryRun)
    await finishImportRun(reg.db, report.runId, { finishedAt: reg.clock.now(), status: 'completed' });
  return report;
}

function parseLine(
  reg: Register,
  plan: UpdateColumnPlan,
  line: number,
  values: Record<string, string>,
): ParsedLine | { problems: UpdateBatchProblem[] } {
  const problems: UpdateBatchProblem[] = [];
  const cell = (column: string | undefined) => (column === undefined ? '' : (values[column] ?? '').trim());
  const keys: ParsedLine['keys'] = [];
  for (const key of UPDATE_KEYS) {
    const column = plan.byTarget[key];
    const raw = cell(column);
    if (column === undefined || raw === '') continue;
    const control = findControlCharacter(raw, column);
    if (control) {
      problems.push({ line, column, reason: control.message });
      continue;
    }
    if (key === 'person_id') {
      if (!isId(raw)) problems.push({ line, column, reason: 'a person id is a UUID' });
      else keys.push({ key, column, value: raw.toLowerCase() });
    } else if (key === 'hetu') {
      const h = parseHetu(raw);
      if (!h.ok) problems.push({ line, column, reason: h.reason });
      else keys.push({ key, column, value: reg.vault.lookup(h.value).toString('hex') });
    } else if (raw.length > 100) {
      problems.push({ line, column, reason: 'a customer number has at most 100 characters' });
    } else keys.push({ key, column, value: raw });
  }
  if (keys.length === 0 && problems.length === 0) {
    problems.push({
      line,
      column: null,
      reason: `the line names no person: give its ${UPDATE_KEYS.filter((k) => plan.byTarget[k])
        .map((k) => KEY_LABEL[k])
        .join(' or ')}`,
    });
  }
  const fields: Record<string, unknown> = {};
  for (const f of UPDATE_NAME_FIELDS) {
    const raw = cell(plan.byTarget[f]);
    if (raw !== '') fields[f] = raw;
  }
  const parts: Record<string, string> = {};
  for (const p of UPDATE_ADDRESS_PARTS) {
    const raw = cell(plan.byTarget[`address.${p}`]);
    if (raw !== '') parts[p] = p === 'country' ? raw.toUpperCase() : raw;
  }
  const addressColumn = (part?: string) =>
    (part !== undefined ? plan.byTarget[`address.${part}` as `address.street`] : undefined) ??
    UPDATE_ADDRESS_PARTS.map((p) => plan.byTarget[`address.${p}`]).find((c) => c !== undefined) ??
    null;
  const hasAddress = Object.keys(parts).some((p) => p !== 'country');
  if (hasAddress) {
    fields.address = parts;
    if (!parts.postalCode || !parts.city || (!parts.street && !parts.poBox)) {
      const missing = !parts.postalCode ? 'postalCode' : !parts.city ? 'city' : 'street';
      problems.push({
        line,
        column: plan.byTarget[`address.${missing}` as 'address.street'] ?? addressColumn(),
        reason: 'a new postal address needs a street or PO box, a postal code and a post office',
      });
      delete fields.address;
    }
  }
  if (Object.keys(fields).length === 0 && problems.length === 0) {
    problems.push({ line, column: null, reason: 'the line has no new name or postal address' });
  }
  const v = validateFields(reg.catalogue, 'person', fields);
  for (const p of v.problems) {
    // `fields.first_name` or `fields.address[0].postalCode`: back to the column it came from.
    const m = /^fields\.(\w+)(?:\[\d+\])?(?:\.(\w+))?/.exec(p.at);
    const column =
      m?.[1] === 'address' ? addressColumn(m[2]) : (plan.byTarget[(m?.[1] ?? '') as UpdateNameField] ?? null);
    problems.push({ line, column, reason: p.message });
  }
  let movedOn: string | null = null;
  const movedColumn = plan.byTarget.moved_on;
  const movedRaw = cell(movedColumn);
  if (movedColumn !== undefined && movedRaw !== '') {
    const fi = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(movedRaw);
    const iso = fi ? `${fi[3]}-${fi[2]!.padStart(2, '0')}-${fi[1]!.padStart(2, '0')}` : movedRaw;
    if (!isIsoDate(iso)) {
      problems.push({ line, column: movedColumn, reason: 'the day of the move is YYYY-MM-DD or D.M.YYYY' });
    } else movedOn = iso;
  }
  if (problems.length > 0) return { problems };
  const names: ParsedLine['names'] = {};
  for (const f of UPDATE_NAME_FIELDS) {
    if (typeof v.values[f] === 'string') names[f] = v.values[f] as string;
  }
  const address = Array.isArray(v.values.address) ? ((v.values.address[0] as AddressValue) ?? null) : null;
  return { line, keys, names, address, movedOn };
}

function fold(s: string | null | undefined): string {
  return (s ?? '').normalize('NFC').toLowerCase().replace(/[.,;]/g, ' ').replace(/\s+/g, ' ').trim();
}

function sameAddress(a: BatchAddress, b: BatchAddress): boolean {
  return (
    fold(a.street) === fold(b.street) &&
    fold(a.po_box) === fold(b.po_box) &&
    fold(a.postal_code) === fold(b.postal_code) &&
    fold(a.city) === fold(b.city) &&
    fold(a.country) === fold(b.country)
  );
}

async function applyChunk(
  reg: Register,
  actor: Actor,
  c: {
    lines: ParsedLine[];
    source: string;
    purpose: string;
    dryRun: boolean;
    report: UpdateBatchReport;
    reject: (ps: UpdateBatchProblem[]) => void;
    seen: Map<string, number>;
    chunkNo: number;
    /** Records the chunk's counts on the run, at the end of its transaction. */
    record: (db: Executor) => Promise<void>;
  },
): Promise<void> {
  const keys = { ids: new Set<string>(), customerNumbers: new Set<string>(), hetuHashes: new Set<string>() };
  for (const l of c.lines) {
    for (const k of l.keys) {
      if (k.key === 'person_id') keys.ids.add(k.value);
      else if (k.key === 'customer_number') keys.customerNumbers.add(k.value);
      else keys.hetuHashes.add(k.value);
    }
  }
  const work = async (db: Register['db']) => {
    const persons = await findBatchPersons(
      db,
      { ids: [...keys.ids], customerNumbers: [...keys.customerNumbers], hetuHashes: [...keys.hetuHashes] },
      !c.dryRun,
    );
    const byKey: Record<UpdateKey, Map<string, BatchPerson>> = {
      person_id: new Map(persons.map((p) => [p.id, p])),
      customer_number: new Map(
        persons.filter((p) => p.customer_number !== null).map((p) => [p.customer_number!, p]),
      ),
      hetu: new Map(persons.filter((p) => p.hetu_lookup !== null).map((p) => [p.hetu_lookup!, p])),
    };
    // Each line's person, or its problem.
    const resolved: { line: ParsedLine; person: BatchPerson }[] = [];
    for (const l of c.lines) {
      const found = l.keys.map((k) => ({ ...k, person: byKey[k.key].get(k.value) }));
      const first = found.find((f) => f.person);
      if (!first?.person) {
        const k = found[0]!;
        c.reject([{ line: l.line, column: k.column, reason: `no person has this ${KEY_LABEL[k.key]}` }]);
        continue;
      }
      const other = found.find((f) => f.person?.id !== first.person!.id);
      if (other) {
        c.reject([
          {
            line: l.line,
            column: other.column,
            reason: other.person
              ? `ambiguous: the ${KEY_LABEL[first.key]} and the ${KEY_LABEL[other.key]} name different persons`
              : `ambiguous: no person has this ${KEY_LABEL[other.key]}, but the ${KEY_LABEL[first.key]} names one`,
          },
        ]);
        continue;
      }
      const person = first.person;
      const before = c.seen.get(person.id);
      if (before !== undefined) {
        c.reject([
          {
            line: l.line,
            column: first.column,
            reason: `the person is already named on line ${before} of this file: one line a person`,
          },
        ]);
        continue;
      }
      c.seen.set(person.id, l.line);
      if (person.erasing) {
        c.reject([
          {
            line: l.line,
            column: null,
            reason:
              'the person is being erased or anonymised (art. 17; the erasure waits for a blocker): an update service does not fill their data in again',
          },
        ]);
        continue;
      }
      resolved.push({ line: l, person });
    }
    const withAddress = resolved.filter((r) => r.line.address !== null).map((r) => r.person.id);
    const addresses = await loadBatchAddresses(db, withAddress);
    const names: BatchNameWrite[] = [];
    const addressWrites: { personId: string; list: BatchAddress[] }[] = [];
    const provenance: { id: string; field: string }[] = [];
    const changedIds: string[] = [];
    const restrictedIds: string[] = [];
    const fieldCounts: Record<string, number> = {};
    for (const { line, person } of resolved) {
      const changedFields: string[] = [];
      const next = { first_name: person.first_name, last_name: person.last_name, nickname: person.nickname };
      for (const f of UPDATE_NAME_FIELDS) {
        const value = line.names[f];
        if (value !== undefined && value !== person[f]) {
          next[f] = value;
          changedFields.push(f);
        }
      }
      if (line.address) {
        const a: BatchAddress = {
          street: line.address.street ?? null,
          po_box: line.address.poBox ?? null,
          postal_code: line.address.postalCode ?? null,
          city: line.address.city ?? null,
          country: line.address.country,
        };
        const current = addresses.get(person.id) ?? [];
        const newer =
          line.movedOn !== null &&
          person.address_saved_at !== null &&
          person.address_saved_at.getTime() > new Date(`${line.movedOn}T23:59:59.999Z`).getTime();
        if (current[0] && sameAddress(current[0], a)) {
          // unchanged
        } else if (newer) {
          c.report.newerOnRecord++;
        } else {
          addressWrites.push({
            personId: person.id,
            list: [a, ...current.slice(1).filter((x) => !sameAddress(x, a))],
          });
          changedFields.push('address');
        }
      }
      if (changedFields.length === 0) {
        c.report.unchanged++;
        continue;
      }
      c.report.changed++;
      changedIds.push(person.id);
      if (person.restricted) restrictedIds.push(person.id);
      for (const f of changedFields) {
        fieldCounts[f] = (fieldCounts[f] ?? 0) + 1;
        provenance.push({ id: person.id, field: f });
      }
      names.push({
        id: person.id,
        ...next,
        search_name: searchNameOf(next.first_name, next.last_name, next.nickname),
      });
    }
    for (const [f, n] of Object.entries(fieldCounts)) c.report.fields[f] = (c.report.fields[f] ?? 0) + n;
    c.report.restricted += restrictedIds.length;
    if (c.dryRun || changedIds.length === 0) {
      await c.record(db);
      return;
    }
    const now = reg.clock.now();
    await writeBatchChanges(db, {
      persons: names,
      addresses: addressWrites,
      provenance,
      source: c.source,
      now,
      actor: actor.id,
    });
    await insertAudit(db, reg.vault.auditKey, [
      {
        at: now,
        actor: actor.id,
        action: 'update_batch',
        entityType: 'update_batch',
        entityId: c.report.runId,
        personId: null,
        personIds: changedIds,
        purpose: c.purpose,
        details: {
          chunk: c.chunkNo,
          changed: changedIds.length,
          fields: fieldCounts,
          // Restricted persons (art. 18) got the accuracy update only.
          ...(restrictedIds.length > 0 ? { restrictedPersonIds: restrictedIds } : {}),
          source: c.source,
        },
      },
    ]);
    await c.record(db);
  };
  if (c.dryRun) await work(reg.db);
  else await reg.db.transaction().execute((tx) => work(tx));
}
