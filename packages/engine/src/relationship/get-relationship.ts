import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { resolvePurpose } from '../policy/purpose';
import { type RelationshipView, relationshipView } from './relationship-view';

/**
 * Whether a person's customer relationship is active or ended, since when and why (R5.1): a recorded end, or
 * the end judged from the last service contact; open invoices and debt collection cases keep it active. The
 * read is audited.
 */
export async function getRelationship(
  reg: Register,
  actor: Actor,
  personId: string,
  opts: { purpose?: string | undefined } = {},
): Promise<RelationshipView> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, opts.purpose);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requirePersonRow(tx, personId);
    const view = await relationshipView(tx, reg, row);
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: 'relationship',
      entityId: row.id,
      personId: row.id,
      purpose,
      details: {},
    });
    return view;
  });
}
