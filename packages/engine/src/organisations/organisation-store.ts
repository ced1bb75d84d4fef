import { findControlCharacter, LupausError, parseYTunnus, validateFields } from '@lupaus/core';
import { type Executor, findOrganisationRow, type OrganisationRow } from '@lupaus/db';
import type { Register } from '../context';
import { requireId } from '../policy/ids';

export interface OrganisationView {
  id: string;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/**
 * An organisation's name and business id are not personal data and every register may keep them; any other
 * field (contact details ...) must be declared in a category with holder `organisation` (R1.5).
 */
const ALWAYS_ALLOWED = new Set(['name', 'business_id']);

export function validateOrganisationFields(reg: Register, input: Record<string, unknown>, creating: boolean) {
  const declaredOrBasic = { ...input };
  const basic: Record<string, unknown> = {};
  for (const k of ALWAYS_ALLOWED) {
    if (k in declaredOrBasic && !reg.catalogue.field('organisation', k)) {
      basic[k] = declaredOrBasic[k];
      delete declaredOrBasic[k];
    }
  }
  const v = validateFields(reg.catalogue, 'organisation', declaredOrBasic);
  const problems = [...v.problems];
  const values: Record<string, unknown> = { ...v.values };
  if ('name' in basic) {
    if (
      typeof basic.name !== 'string' ||
      basic.name.trim() === '' ||
      basic.name.length > 300 ||
      findControlCharacter(basic.name, 'fields.name')
    ) {
      problems.push({ at: 'fields.name', message: 'name must be text of 1–300 characters' });
    } else values.name = basic.name.trim();
  }
  if ('business_id' in basic) {
    const raw = basic.business_id;
    if (raw === null) values.business_id = null;
    else {
      const r =
        typeof raw === 'string'
          ? parseYTunnus(raw)
          : { ok: false as const, reason: 'business_id must be text' };
      if (r.ok) values.business_id = r.value;
      else problems.push({ at: 'fields.business_id', message: r.reason });
    }
  }
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
