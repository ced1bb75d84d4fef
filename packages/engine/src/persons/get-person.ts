import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { resolvePurpose } from '../policy/purpose';
import { type PersonView, personView, requirePersonRow } from './person-store';

/** Reads one person as the actor may see it; the read is audited with the fields shown. */
export async function getPerson(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<PersonView> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, opts.purpose);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requirePersonRow(tx, id);
    const view = await personView(tx, reg, actor, row);
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: 'person',
      entityId: id,
      personId: id,
      purpose,
      details: { fields: Object.keys(view.fields) },
    });
    return view;
  });
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
