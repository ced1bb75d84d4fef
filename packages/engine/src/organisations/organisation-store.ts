import { LupausError, validateFields } from '@lupaus/core';
import { type Executor, findOrganisationRow, type OrganisationRow } from '@lupaus/db';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import { requireId } from '../policy/ids';

export interface OrganisationView {
  id: string;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/**
 * Validates organisation fields against the catalogue like any other write (R1.5): a register keeps
 * organisations only if its definition declares a category with holder `organisation` and a `name` field, and
 * only the fields it declares there (business id, contact details ...).
 */
export function validateOrganisationFields(reg: Register, input: Record<string, unknown>, creating: boolean) {
  const v = validateFields(reg.catalogue, 'organisation', input);
  const problems = [...v.problems];
  if (!reg.catalogue.field('organisation', 'name')) {
    // Every undeclared field is named above; then why none can be: the register keeps no organisations.
    throw new LupausError('FIELD_NOT_DECLARED', {}, [
      ...problems.filter((p) => p.at !== 'fields.name'),
      {
        at: 'fields.name',
        message:
          'this register does not keep organisations: its definition declares no category with holder organisation and a name field',
      },
    ]);
  }
  const values = v.values;
  if (creating && typeof values.name !== 'string')
    problems.push({ at: 'fields.name', message: 'an organisation needs a name' });
  if (!creating && values.name === null)
    problems.push({ at: 'fields.name', message: 'the name cannot be removed' });
  if (problems.length > 0) {
    throw new LupausError(v.undeclared.length > 0 ? 'FIELD_NOT_DECLARED' : 'VALIDATION_FAILED', {}, problems);
  }
  return values;
}

export async function assertBusinessIdFree(tx: Executor, businessId: unknown, selfId?: string) {
  if (typeof businessId !== 'string') return;
  const other = await tx
    .selectFrom('organisations')
    .select('id')
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  if (other && other.id !== selfId) {
    throw new LupausError('CONFLICT', {}, [
      { at: 'fields.business_id', message: `organisation ${other.id} already has business id ${businessId}` },
    ]);
  }
}

export async function requireOrganisationRow(tx: Executor, id: string, at = 'id'): Promise<OrganisationRow> {
  const row = await findOrganisationRow(tx, requireId(id, 'organisation', at));
  if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no organisation ${id}` }]);
  return row;
}

export function organisationView(row: OrganisationRow): OrganisationView {
  const attributes = (row.attributes as Record<string, unknown>) ?? {};
  return {
    id: row.id,
    fields: { name: row.name, ...(row.business_id ? { business_id: row.business_id } : {}), ...attributes },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function splitOrganisationValues(values: Record<string, unknown>, current?: OrganisationRow) {
  const attributes: Record<string, unknown> = { ...((current?.attributes as Record<string, unknown>) ?? {}) };
  const columns: { name?: string; business_id?: string | null } = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === 'name') columns.name = v as string;
    else if (k === 'business_id') columns.business_id = v as string | null;
    else if (v === null) delete attributes[k];
    else attributes[k] = v;
  }
  return { columns, attributes };
}

/**
 * Inserts a new organisation with its validated values, and its provenance and audit row (R2.6, R6.4), in the
 * caller's transaction: what `createOrganisation` and the import write alike.
 */
export async function insertOrganisation(
  tx: Executor,
  reg: Register,
  actor: Actor,
  w: { id: string; values: Record<string, unknown>; purpose: string; source: string },
): Promise<void> {
  const { columns, attributes } = splitOrganisationValues(w.values);
  const now = reg.clock.now();
  await tx
    .insertInto('organisations')
    .values({
      id: w.id,
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
    entityId: w.id,
    personId: null,
    purpose: w.purpose,
    source: w.source,
    values: w.values,
  });
}

/**
 * Inserts a contact role (a person's role in an organisation) with its provenance and audit row, in the caller's
 * transaction: what `addContactRole` and the organisation import write alike.
 */
export async function insertContactRole(
  tx: Executor,
  reg: Register,
  actor: Actor,
  w: {
    id: string;
    personId: string;
    organisationId: string;
    title: string | undefined;
    startsOn: string;
    endsOn: string | undefined;
    purpose: string;
    source: string;
  },
): Promise<void> {
  const now = reg.clock.now();
  await tx
    .insertInto('contact_roles')
    .values({
      id: w.id,
      person_id: w.personId,
      organisation_id: w.organisationId,
      title: w.title ?? null,
      starts_on: w.startsOn,
      ends_on: w.endsOn ?? null,
      source: w.source,
      created_at: now,
      created_by: actor.id,
      updated_at: now,
      updated_by: actor.id,
    })
    .execute();
  await recordWrite(tx, reg, actor, {
    action: 'create',
    entityType: 'contact_role',
    entityId: w.id,
    personId: w.personId,
    purpose: w.purpose,
    source: w.source,
    values: { organisation: w.organisationId, ...(w.title !== undefined ? { title: w.title } : {}) },
    details: { organisationId: w.organisationId },
  });
}
