import { findControlCharacter, LupausError, type ProblemDetail } from '@lupaus/core';
import { listContactRolesOfOrganisation, listOrganisationRows } from '@lupaus/db';
import { audit, auditEach } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { optionalCursor } from '../policy/ids';
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
  authorize(reg, actor, 'persons.read');
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

/**
 * Lists organisations, optionally filtered by name (prefix or similar) or business id. Organisation records
 * may hold contact details, so each one shown is audited like a person shown in a list.
 */
export async function listOrganisations(
  reg: Register,
  actor: Actor,
  opts: {
    q?: string | undefined;
    limit?: number | undefined;
    after?: string | undefined;
    purpose?: string | undefined;
  } = {},
): Promise<{ items: OrganisationView[]; next: string | null }> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, opts.purpose);
  const limit = opts.limit ?? 50;
  const problems: ProblemDetail[] = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    problems.push({ at: 'limit', message: 'limit must be 1–200' });
  const q = opts.q?.trim() || undefined;
  if (q !== undefined) {
    if (q.length > 200) problems.push({ at: 'q', message: 'a name to search is at most 200 characters' });
    const control = findControlCharacter(q, 'q');
    if (control) problems.push(control);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const after = optionalCursor(opts.after, 'organisation');
  return reg.db.transaction().execute(async (tx) => {
    const rows = await listOrganisationRows(tx, { q, limit, after });
    await auditEach(
      tx,
      reg,
      actor,
      { action: 'list', entityType: 'organisation', purpose },
      rows.map((row) => ({ entityId: row.id, personId: null })),
    );
    return {
      items: rows.map(organisationView),
      next: rows.length === limit ? rows[rows.length - 1]!.id : null,
    };
  });
}
