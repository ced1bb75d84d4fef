import type { Executor, PersonRow, PersonUpdate } from '@lupaus/db';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireSource, resolvePurpose } from '../policy/purpose';
import type { PersonWriteInput } from './create-person';
import {
  assertUnique,
  type PersonView,
  personView,
  planPersonWrite,
  requirePersonRow,
  validatePersonFields,
  writeLists,
} from './person-store';

/**
 * Changes a person's fields: a value replaces, `null` removes. Validated against the definition, provenance
 * updated per field, audited, in one transaction.
 */
export async function updatePerson(
  reg: Register,
  actor: Actor,
  id: string,
  input: PersonWriteInput,
): Promise<PersonView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const { values } = validatePersonFields(reg, input.fields, { creating: false });
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const current = await requirePersonRow(tx, id);
    await writePersonUpdate(tx, reg, actor, current, values, { purpose, source, now });
    const row = await requirePersonRow(tx, id);
    return personView(tx, reg, actor, row);
  });
}

/**
 * The person write path of an update, in the caller's transaction, for `updatePerson` and `rectifyPerson`:
 * plans the validated `values` against the `current` row, checks uniqueness, updates the row and its lists,
 * and writes provenance and the audit row (`details` added to it).
 */
export async function writePersonUpdate(
  tx: Executor,
  reg: Register,
  actor: Actor,
  current: PersonRow,
  values: Record<string, unknown>,
  opts: { purpose: string; source: string; now: Date; details?: Record<string, unknown> },
): Promise<void> {
  const id = current.id;
  const { columns, attributes, lists } = planPersonWrite(reg, values, current);
  await assertUnique(tx, columns, id);
  await tx
    .updateTable('persons')
    .set({
      ...(columns as PersonUpdate),
      attributes: JSON.stringify(attributes),
      updated_at: opts.now,
      updated_by: actor.id,
    })
    .where('id', '=', id)
    .execute();
  await writeLists(tx, id, lists);
  await recordWrite(tx, reg, actor, {
    action: 'update',
    entityType: 'person',
    entityId: id,
    personId: id,
    purpose: opts.purpose,
    source: opts.source,
    values,
    ...(opts.details ? { details: opts.details } : {}),
  });
}
