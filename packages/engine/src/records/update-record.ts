import { LupausError } from '@lupaus/core';
import { advanceLastContact, updateRecordRow } from '@lupaus/db';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { requireSource, resolvePurpose } from '../policy/purpose';
import { assertUniqueInvoiceNumber, checkLinks, linkColumns, type RecordLinks } from './create-record';
import {
  contactCategories,
  dateFieldOf,
  dateOf,
  planRecordWrite,
  type RecordView,
  recordView,
  requireRecordCategory,
  requireRecordRow,
  validateRecordFields,
} from './record-store';

export interface RecordUpdateInput extends RecordLinks {
  /** The source of the changed data: a source id of the definition (R2.6). */
  source: string;
  purpose?: string | undefined;
  /** Declared fields of the record's category; `null` removes a value. Fields not given stay. */
  fields: Record<string, unknown>;
}

/**
 * Changes fields of a record: marks an invoice paid (`state`, `paid_on`), closes a debt collection case,
 * changes a loyalty level, corrects an interaction. Validated against the record's category; each changed
 * field gets its own provenance (source, time, who: R2.6) and the change is audited, in one transaction. A
 * changed dating field moves the record on the timeline. An anonymised record cannot be changed.
 *
 * @example
 * ```ts
 * await updateRecord(reg, actor, invoiceId, { source: 'staff', fields: { state: 'paid', paid_on: '2024-04-02' } });
 * ```
 */
export async function updateRecord(
  reg: Register,
  actor: Actor,
  id: string,
  input: RecordUpdateInput,
): Promise<RecordView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const rid = requireId(id, 'record', 'id');
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const current = await requireRecordRow(tx, rid, { forUpdate: true });
    if (current.anonymised_at || current.person_id === null) {
      throw new LupausError('CONFLICT', { id: rid }, [
        {
          at: 'id',
          message: `record ${rid} is anonymised: it is linked to nobody and can no longer be changed`,
        },
      ]);
    }
    const category = requireRecordCategory(reg, current.category, 'kind');
    const holder = category.holder;
    const { values } = validateRecordFields(reg, category, input.fields, { creating: false });
    const links = linkColumns(holder, input);
    await checkLinks(tx, holder, current.person_id, links);
    const { columns, data } = planRecordWrite(holder, values, current);
    if (holder === 'invoice') await assertUniqueInvoiceNumber(tx, columns, rid);
    const dateField = dateFieldOf(category);
    let occurredAt: Date | undefined;
    if (dateField && values[dateField.id] !== undefined) {
      occurredAt = dateOf(dateField, values[dateField.id]) ?? new Date(current.recorded_at);
    }
    await updateRecordRow(tx, holder, rid, {
      data,
      columns: { ...columns, ...links },
      occurredAt,
      at: now,
      by: actor.id,
    });
    if (occurredAt) {
      if (contactCategories(reg).has(category.id))
        await advanceLastContact(tx, current.person_id, occurredAt);
    }
    await recordWrite(tx, reg, actor, {
      action: 'update',
      entityType: holder,
      entityId: rid,
      personId: current.person_id,
      purpose,
      source,
      values,
      details: {
        kind: category.id,
        ...(Object.keys(links).length > 0 ? { links: Object.keys(links) } : {}),
      },
    });
    return recordView(tx, reg, actor, await requireRecordRow(tx, rid));
  });
}
