import type { PersonUpdate } from '@lupaus/db';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
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
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const { values } = validatePersonFields(reg, input.fields, { creating: false });
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const current = await requirePersonRow(tx, id);
    const { columns, attributes, lists } = planPersonWrite(reg, values, current);
    await assertUnique(tx, columns, id);
    await tx
      .updateTable('persons')
      .set({
        ...(columns as PersonUpdate),
        attributes: JSON.stringify(attributes),
        updated_at: now,
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
      purpose,
      source,
      values,
    });
    const row = await requirePersonRow(tx, id);
    return personView(tx, reg, actor, row);
  });
}
