import { LupausError } from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { mayReveal } from '../policy/field-access';
import { resolvePurpose } from '../policy/purpose';
import { requirePersonRow } from './person-store';

/**
 * Shows a person's hetu unmasked to a role the definition allows (R2.1, R6.2). Every reveal is audited, in the
 * same transaction; a refused reveal is audited too.
 */
export async function revealHetu(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<{ hetu: string }> {
  authorize(reg, actor, 'persons.reveal');
  const purpose = resolvePurpose(reg, opts.purpose);
  const field = reg.catalogue.field('person', 'hetu');
  if (!field) {
    throw new LupausError('FIELD_NOT_DECLARED', {}, [
      { at: 'hetu', message: 'this register does not hold personal identity codes' },
    ]);
  }
  const allowed = mayReveal(field, actor);
  const result = await reg.db.transaction().execute(async (tx) => {
    const row = await requirePersonRow(tx, id);
    await audit(tx, reg, actor, {
      action: allowed ? 'reveal' : 'reveal-denied',
      entityType: 'person',
      entityId: id,
      personId: id,
      purpose,
      details: { field: 'hetu' },
    });
    if (!allowed) return null;
    if (!row.hetu_cipher) {
      throw new LupausError('NOT_FOUND', { id }, [
        { at: 'hetu', message: 'this person has no personal identity code' },
      ]);
    }
    return { hetu: reg.vault.decrypt(Buffer.from(row.hetu_cipher)) };
  });
  if (!result) {
    throw new LupausError('FORBIDDEN', {}, [
      {
        at: 'hetu',
        message: `revealing a personal identity code needs one of the roles ${(field.revealRoles ?? []).join(', ')}`,
      },
    ]);
  }
  return result;
}
