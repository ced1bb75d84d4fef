import { LupausError } from '@lupaus/core';
import { listContactRolesOfOrganisation, listOrganisationRows } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { resolvePurpose } from '../policy/purpose';
import { type ContactRoleView, toContactRoleView } from './contact-role-view';
import { type OrganisationView, organisationView, requireOrganisationRow } from './organisation-store';

/** Reads an organisation with its contact roles; audited. */
export async function getOrganisation(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<OrganisationView & { contactRoles: ContactRoleView[] }> {
  const purpose = resolvePurpose(reg, opts.purpose);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireOrganisationRow(tx, id);
    const roles = await listContactRolesOfOrganisation(tx, id);
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: 'organisation',
      entityId: id,
      personId: null,
      purpose,
    });
    return {
      ...organisationView(row),
      contactRoles: roles.map((r) => toContactRoleView(r, reg.clock.now())),
    };
  });
}

/** Lists organisations, optionally filtered by name (prefix or similar) or business id. */
export async function listOrganisations(
  reg: Register,
  _actor: Actor,
  opts: { q?: string | undefined; limit?: number | undefined; after?: string | undefined } = {},
): Promise<{ items: OrganisationView[]; next: string | null }> {
  const limit = opts.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new LupausError('VALIDATION_FAILED', {}, [{ at: 'limit', message: 'limit must be 1–200' }]);
  }
  const rows = await listOrganisationRows(reg.db, {
    q: opts.q?.trim() || undefined,
    limit,
    after: opts.after,
  });
  return {
    items: rows.map(organisationView),
    next: rows.length === limit ? rows[rows.length - 1]!.id : null,
  };
}
