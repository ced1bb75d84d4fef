import { uuidv7 } from 'uuidv7';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import type { PersonWriteInput } from '../persons/create-person';
import { authorize } from '../policy/authorize';
import { requireSource, resolvePurpose } from '../policy/purpose';
import {
  assertBusinessIdFree,
  insertOrganisation,
  type OrganisationView,
  organisationView,
  requireOrganisationRow,
  splitOrganisationValues,
  validateOrganisationFields,
} from './organisation-store';

/** Adds an organisation (R2.2): a name, a validated y-tunnus, and declared fields; provenance and audit. */
export async function createOrganisation(
  reg: Register,
  actor: Actor,
  input: PersonWriteInput,
): Promise<OrganisationView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const values = validateOrganisationFields(reg, input.fields, true);
  const id = uuidv7();
  return reg.db.transaction().execute(async (tx) => {
    await assertBusinessIdFree(tx, values.business_id);
    await insertOrganisation(tx, reg, actor, { id, values, purpose, source });
    return organisationView(await requireOrganisationRow(tx, id));
  });
}

/** Changes an organisation's fields; `null` removes a value. */
export async function updateOrganisation(
  reg: Register,
  actor: Actor,
  id: string,
  input: PersonWriteInput,
): Promise<OrganisationView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const values = validateOrganisationFields(reg, input.fields, false);
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const current = await requireOrganisationRow(tx, id);
    const { columns, attributes } = splitOrganisationValues(values, current);
    await assertBusinessIdFree(tx, columns.business_id, id);
    await tx
      .updateTable('organisations')
      .set({
        ...columns,
        ...(columns.name ? { search_name: columns.name.toLowerCase() } : {}),
        attributes: JSON.stringify(attributes),
        updated_at: now,
        updated_by: actor.id,
      })
      .where('id', '=', id)
      .execute();
    await recordWrite(tx, reg, actor, {
      action: 'update',
      entityType: 'organisation',
      entityId: id,
      personId: null,
      purpose,
      source,
      values,
    });
    return organisationView(await requireOrganisationRow(tx, id));
  });
}
