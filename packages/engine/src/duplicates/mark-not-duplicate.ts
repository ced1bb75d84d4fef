import { LupausError } from '@lupaus/core';
import { insertAudit, insertNotDuplicate } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';

/**
 * Records that two persons the duplicate list pairs are not the same person (R2.7), so that `listDuplicates`
 * does not show the pair again. Idempotent; both persons must exist. Audited with both ids.
 *
 * @example
 * ```ts
 * await markNotDuplicate(reg, actor, { a: pair.a.id, b: pair.b.id });
 * ```
 */
export async function markNotDuplicate(
  reg: Register,
  actor: Actor,
  input: { a: string; b: string; purpose?: string | undefined },
): Promise<{ a: string; b: string; marked: boolean }> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input?.purpose);
  const a = requireId(input?.a, 'person', 'a');
  const b = requireId(input?.b, 'person', 'b');
  if (a === b) {
    throw new LupausError('VALIDATION_FAILED', { a, b }, [
      { at: 'b', message: 'a person is always the same person as itself: give two different persons' },
    ]);
  }
  return reg.db.transaction().execute(async (tx) => {
    await requirePersonRow(tx, a, 'a');
    await requirePersonRow(tx, b, 'b');
    const now = reg.clock.now();
    const marked = await insertNotDuplicate(tx, { a, b, at: now, by: actor.id });
    await insertAudit(tx, reg.vault.auditKey, [
      {
        at: now,
        actor: actor.id,
        action: 'mark_not_duplicate',
        entityType: 'person',
        entityId: a < b ? a : b,
        personId: null,
        personIds: [a, b],
        purpose,
        details: { persons: [a, b], marked },
      },
    ]);
    const [first, second] = a < b ? [a, b] : [b, a];
    return { a: first, b: second, marked };
  });
}
