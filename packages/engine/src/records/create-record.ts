import { CORE_FIELDS, LupausError, type ProblemDetail, type RecordHolder } from '@lupaus/core';
import {
  advanceLastContact,
  type Executor,
  findInvoiceIdByNumber,
  findLinkTarget,
  insertRecordRow,
  lockPersons,
  RECORD_TABLES,
} from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { requireSource, resolvePurpose } from '../policy/purpose';
import {
  contactCategories,
  dateFieldOf,
  dateOf,
  LINK_INPUTS,
  type LinkInput,
  planRecordWrite,
  type RecordView,
  recordView,
  requireRecordCategory,
  requireRecordRow,
  validateRecordFields,
} from './record-store';

/** Links of a record; `null` removes one (on update). */
export interface RecordLinks {
  /** Orders and invoices: the organisation (customer company) the record is with. */
  organisationId?: string | null | undefined;
  /** Invoices: the order invoiced. It must be the same person's. */
  orderId?: string | null | undefined;
  /** Debt collection cases: the invoice collected. It must be the same person's. */
  invoiceId?: string | null | undefined;
}

export interface RecordWriteInput extends RecordLinks {
  /** The record's kind: a category of the definition held by order, invoice, collection, interaction or loyalty. */
  kind: string;
  /** The source of the data: a source id of the definition (R2.6). */
  source: string;
  purpose?: string | undefined;
  /** Declared fields of the category only (R1.5). */
  fields: Record<string, unknown>;
}

/** The link columns the input sets, each checked to be a UUID and allowed for the holder. */
export function linkColumns(holder: RecordHolder, links: RecordLinks): Record<string, string | null> {
  const allowed = RECORD_TABLES[holder].links;
  const out: Record<string, string | null> = {};
  const problems: ProblemDetail[] = [];
  for (const [input, column] of Object.entries(LINK_INPUTS) as [LinkInput, string][]) {
    const value = links[input];
    if (value === undefined) continue;
    if (!(column in allowed)) {
      const can = Object.keys(allowed).map((c) => Object.entries(LINK_INPUTS).find(([, v]) => v === c)?.[0]);
      problems.push({
        at: input,
        message: `a ${holder} record has no ${input}${can.length ? `; it may have ${can.join(', ')}` : ''}`,
      });
      continue;
    }
    out[column] = value === null ? null : requireId(value, allowed[column]!, input);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return out;
}

/** Checks that linked rows exist and that a linked order or invoice is the same person's. */
export async function checkLinks(
  tx: Executor,
  holder: RecordHolder,
  personId: string,
  columns: Record<string, string | null>,
): Promise<void> {
  const allowed = RECORD_TABLES[holder].links;
  for (const [column, id] of Object.entries(columns)) {
    const kind = allowed[column];
    if (!kind || id === null) continue;
    const at = Object.entries(LINK_INPUTS).find(([, c]) => c === column)?.[0] ?? column;
    const target = await findLinkTarget(tx, kind, id);
    if (!target) throw new LupausError('NOT_FOUND', { [at]: id }, [{ at, message: `no ${kind} ${id}` }]);
    if (kind !== 'organisation' && target.person_id !== personId) {
      throw new LupausError('VALIDATION_FAILED', { [at]: id }, [
        {
          at,
          message: `${kind} ${id} is not this person's; a record may only link to the same person's ${kind}`,
        },
      ]);
    }
  }
}

/** Refuses an invoice number another invoice already has (the column is unique). */
export async function assertUniqueInvoiceNumber(
  tx: Executor,
  columns: Record<string, unknown>,
  selfId: string | undefined,
  at = 'fields.number',
): Promise<void> {
  if (typeof columns.number !== 'string') return;
  const other = await findInvoiceIdByNumber(tx, columns.number);
  if (other && other !== selfId) {
    throw new LupausError('CONFLICT', {}, [{ at, message: `invoice ${other} already has this number` }]);
  }
}

/**
 * Adds a record to a person (R2.3–R2.5): an order, invoice, debt collection case, loyalty level or interaction,
 * whose kind is a category of the register definition. Its fields are validated against that category
 * (undeclared fields refused, required ones required); it is dated by the category's dating field (a date
 * means 00:00 UTC of that day), else by the clock. In one transaction: the row (its source, time and author
 * are the provenance of its fields), an audit row, and for a service contact the person's last contact.
 *
 * @example
 * ```ts
 * const order = await createRecord(reg, actor, personId, {
 *   kind: 'services', source: 'transactions',
 *   fields: { service: 'Kotisiivous', service_date: '2024-03-01', price: 89.5 },
 * });
 * ```
 */
export async function createRecord(
  reg: Register,
  actor: Actor,
  personId: string,
  input: RecordWriteInput,
): Promise<RecordView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const pid = requireId(personId, 'person', 'personId');
  const category = requireRecordCategory(reg, input.kind);
  const holder = category.holder;
  const { values } = validateRecordFields(reg, category, input.fields, { creating: true });
  const links = linkColumns(holder, input);
  const { columns, data } = planRecordWrite(holder, values);
  const state = CORE_FIELDS[holder]?.state;
  if (state?.options && columns.state === undefined) {
    // A category that does not declare the state (another category of the holder does) starts open.
    columns.state = state.options[0];
  }
  const now = reg.clock.now();
  const occurredAt = dateOf(dateFieldOf(category), values[category.dateField ?? '']) ?? now;
  const id = uuidv7();
  const row = await reg.db.transaction().execute(async (tx) => {
    if (!(await lockPersons(tx, [pid])).has(pid)) {
      throw new LupausError('NOT_FOUND', { personId }, [{ at: 'personId', message: `no person ${pid}` }]);
    }
    await checkLinks(tx, holder, pid, links);
    if (holder === 'invoice') await assertUniqueInvoiceNumber(tx, columns, undefined);
    await insertRecordRow(tx, holder, {
      id,
      person_id: pid,
      category: category.id,
      occurred_at: occurredAt,
      data,
      source,
      recorded_at: now,
      recorded_by: actor.id,
      columns: { ...columns, ...links },
    });
    if (contactCategories(reg).has(category.id)) await advanceLastContact(tx, pid, occurredAt);
    await audit(tx, reg, actor, {
      action: 'create',
      entityType: holder,
      entityId: id,
      personId: pid,
      purpose,
      details: { kind: category.id, fields: Object.keys(values), source },
    });
    return recordView(tx, reg, actor, await requireRecordRow(tx, id));
  });
  return row;
}
