import { uuidv7 } from 'uuidv7';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import type { PersonWriteInput } from '../persons/create-person';
import { authorize } from '../policy/authorize';
import { requireSource, resolvePurpose } from '../policy/purpose';
import {
  assertBusinessIdFree,
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
  const { columns, attributes } = splitOrganisationValues(values);
  const id = uuidv7();
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    await assertBusinessIdFree(tx, columns.business_id);
    await tx
      .insertInto('organisations')
      .values({
        id,
        name: columns.name!,
        business_id: columns.business_id ?? null,
        search_name: columns.name!.toLowerCase(),
        attributes: JSON.stringify(attributes),
        created_at: now,
        updated_at: now,
        created_by: actor.id,
        updated_by: actor.id,
      })
      .execute();
    await recordWrite(tx, reg, actor, {
      action: 'create',
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
