import { auditEach } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize, mayDo } from '../policy/authorize';
import {
  BREACHES_PURPOSE,
  type BreachView,
  breachViewIn,
  requireBreachId,
  requireOpenBreach,
} from './breach-store';

/** A breach with the persons it affects. */
export interface BreachDetail extends BreachView {
  /**
   * The persons affected, by id only, with when each was sent the art. 34 notice: shown to actors who may also
   * read persons (`persons.read`); null for others, who see the counts only.
   */
  affected: { personId: string; addedAt: string; notifiedAt: string | null }[] | null;
}

/**
 * One breach with its 72-hour clock and, for an actor who may read persons, the persons it affects: their ids
 * and whether and when each was notified, nothing more (no names, no contact details). One transaction; the
 * read is audited, one row per person shown (ids only), so that "who has looked at my data" finds it.
 *
 * @example
 * ```ts
 * const breach = await getBreach(reg, actor, breachId);
 * breach.affected?.filter((p) => p.notifiedAt === null); // not yet told
 * ```
 */
export async function getBreach(reg: Register, actor: Actor, breachId: string): Promise<BreachDetail> {
  authorize(reg, actor, 'breaches.manage');
  const id = requireBreachId(breachId);
  const showPersons = mayDo(reg, actor, 'persons.read');
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireOpenBreach(tx, id, { allowClosed: true, lock: false });
    const view = await breachViewIn(tx, reg, row);
    let affected: BreachDetail['affected'] = null;
    if (showPersons) {
      const rows = await tx
        .selectFrom('breach_persons')
        .select(['person_id', 'added_at', 'notified_at'])
        .where('breach_id', '=', id)
        .orderBy('added_at')
        .orderBy('person_id')
        .execute();
      affected = rows.map((r) => ({
        personId: r.person_id,
        addedAt: new Date(r.added_at).toISOString(),
        notifiedAt: r.notified_at === null ? null : new Date(r.notified_at).toISOString(),
      }));
    }
    await auditEach(
      tx,
      reg,
      actor,
      { action: 'breach_read', entityType: 'breach', purpose: BREACHES_PURPOSE },
      affected && affected.length > 0
        ? affected.map((p) => ({ entityId: id, personId: p.personId }))
        : [{ entityId: id, personId: null }],
    );
    return { ...view, affected };
  });
}
