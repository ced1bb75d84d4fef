import { updatePersonRow } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { resolvePurpose } from '../policy/purpose';
import { type RelationshipView, relationshipView } from './relationship-view';

/**
 * Removes a recorded end of a person's customer relationship (it was recorded by mistake, or the customer came
 * back). In the last_contact kind the relationship is judged from the last contact again. Audited; reopening a
 * relationship with no recorded end changes nothing and is not audited.
 */
export async function reopenRelationship(
  reg: Register,
  actor: Actor,
  personId: string,
  opts: { purpose?: string | undefined } = {},
): Promise<RelationshipView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, opts.purpose);
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const person = await requirePersonRow(tx, personId);
    if (person.relationship_ended_at !== null) {
      await updatePersonRow(tx, person.id, {
        relationship_ended_at: null,
        relationship_end_reason: null,
        updated_at: now,
        updated_by: actor.id,
      });
      await audit(tx, reg, actor, {
        action: 'reopen_relationship',
        entityType: 'person',
        entityId: person.id,
        personId: person.id,
        purpose,
      });
    }
    return relationshipView(tx, reg, await requirePersonRow(tx, person.id));
  });
}
