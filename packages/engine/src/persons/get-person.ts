import { auditRead } from '../audit/read-audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { resolvePurpose } from '../policy/purpose';
import { type PersonView, personView, requirePersonWithDetails } from './person-store';

/**
 * Reads one person as the actor may see it; the read is audited with the fields shown. The audit row goes through
 * the group-commit appender (`auditRead`): concurrent reads share one lock and one commit, and this returns only
 * after its own row is committed, so no view is answered without its audit row.
 */
export async function getPerson(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<PersonView> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, opts.purpose);
  const { row, details } = await requirePersonWithDetails(reg.db, id);
  const view = await personView(reg.db, reg, actor, row, details);
  await auditRead(reg, [
    {
      at: reg.clock.now(),
      actor: actor.id,
      action: 'read',
      entityType: 'person',
      entityId: row.id,
      personId: row.id,
      purpose,
      details: { fields: Object.keys(view.fields) },
    },
  ]);
  return view;
}

/** When, from where and by whom each readable field of a person was saved (R2.6). */
export async function getPersonProvenance(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<{ field: string; source: string; savedAt: string; savedBy: string }[]> {
  authorize(reg, actor, 'persons.read');
  const view = await getPerson(reg, actor, id, opts);
  return Object.entries(view.provenance).map(([field, p]) => ({ field, ...p }));
}
