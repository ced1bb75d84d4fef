import { findControlCharacter, isIsoDate, LupausError } from '@lupaus/core';
import { findContactRoleRow } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { requireSource, resolvePurpose } from '../policy/purpose';
import { type ContactRoleView, toContactRoleView } from './contact-role-view';
import { insertContactRole, requireOrganisationRow } from './organisation-store';

export interface AddContactRoleInput {
  personId: string;
  organisationId: string;
  title?: string | undefined;
  startsOn: string;
  endsOn?: string | undefined;
  source: string;
  purpose?: string | undefined;
}

/**
 * Makes a person a contact person of an organisation from a date (R2.2). The register must declare contact
 * roles (a category with holder `contact_role`), and a title only if it declares the `title` field (R1.5).
 */
export async function addContactRole(
  reg: Register,
  actor: Actor,
  input: AddContactRoleInput,
): Promise<ContactRoleView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const problems: { at: string; message: string }[] = [];
  if (reg.catalogue.fieldsOf('contact_role').length === 0) {
    throw new LupausError('FIELD_NOT_DECLARED', {}, [
      {
        at: 'contactRole',
        message: 'this register does not declare contact roles (no category with holder contact_role)',
      },
    ]);
  }
  if (input.title !== undefined && !reg.catalogue.field('contact_role', 'title')) {
    problems.push({
      at: 'title',
      message: 'the register definition does not declare a title for contact roles',
    });
  }
  if (
    input.title !== undefined &&
    (input.title.trim() === '' || input.title.length > 200 || findControlCharacter(input.title, 'title'))
  ) {
    problems.push({ at: 'title', message: 'a title is 1–200 characters' });
  }
  if (!isIsoDate(input.startsOn))
    problems.push({ at: 'startsOn', message: 'startsOn must be a date YYYY-MM-DD' });
  if (input.endsOn !== undefined && (!isIsoDate(input.endsOn) || input.endsOn < input.startsOn)) {
    problems.push({ at: 'endsOn', message: 'endsOn must be a date YYYY-MM-DD on or after startsOn' });
  }
  if (problems.length > 0) {
    throw new LupausError(
      problems.some((p) => p.message.includes('does not declare'))
        ? 'FIELD_NOT_DECLARED'
        : 'VALIDATION_FAILED',
      {},
      problems,
    );
  }
  const id = uuidv7();
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    await requirePersonRow(tx, input.personId, 'personId');
    await requireOrganisationRow(tx, input.organisationId, 'organisationId');
    await insertContactRole(tx, reg, actor, {
      id,
      personId: input.personId,
      organisationId: input.organisationId,
      title: input.title?.trim(),
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      purpose,
      source,
    });
    const row = await findContactRoleRow(tx, id);
    return toContactRoleView(row!, now);
  });
}

/** Ends a contact role on a date (the role's data may then follow its retention rule). */
export async function endContactRole(
  reg: Register,
  actor: Actor,
  id: string,
  input: { endsOn: string; purpose?: string | undefined },
): Promise<ContactRoleView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  if (!isIsoDate(input.endsOn)) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'endsOn', message: 'endsOn must be a date YYYY-MM-DD' },
    ]);
  }
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const row = await findContactRoleRow(tx, requireId(id, 'contact role', 'id'));
    if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no contact role ${id}` }]);
    if (input.endsOn < row.starts_on) {
      throw new LupausError('VALIDATION_FAILED', {}, [
        {
          at: 'endsOn',
          message: `the role started on ${row.starts_on}; it cannot end before that`,
          code: 'contact_role.ends_before_start',
          params: { startsOn: row.starts_on },
        },
      ]);
    }
    await tx
      .updateTable('contact_roles')
      .set({ ends_on: input.endsOn, updated_at: now, updated_by: actor.id })
      .where('id', '=', id)
      .execute();
    await audit(tx, reg, actor, {
      action: 'update',
      entityType: 'contact_role',
      entityId: id,
      personId: row.person_id,
      purpose,
      details: { fields: ['ends_on'] },
    });
    return toContactRoleView((await findContactRoleRow(tx, id))!, now);
  });
}
