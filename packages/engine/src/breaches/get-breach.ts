import { audit, PERSONS_PER_AUDIT_ROW } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize, mayDo } from '../policy/authorize';
import { readableFields } from '../policy/field-access';
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
   * The persons affected, with when each was sent the art. 34 notice: shown to actors who may also read persons
   * (`persons.read`); null for others, who see the counts only. Each carries the person's first and last name as
   * the actor's roles may read them (the fields' read roles), else null.
   */
  affected: BreachPerson[] | null;
}

/** A person affected by a breach, as `getBreach` shows it. */
export interface BreachPerson {
  personId: string;
  /** null when the actor's roles may not read the first name (or there is none). */
  firstName: string | null;
  /** null when the actor's roles may not read the last name (or there is none). */
  lastName: string | null;
  addedAt: string;
  notifiedAt: string | null;
}

/**
 * One breach with its 72-hour clock and, for an actor who may read persons, the persons it affects: their ids,
 * their first and last names as the actor's roles may read them, and whether and when each was notified, nothing
 * more (no contact details). One transaction; the read is audited by ONE row (per chunk of
 * `PERSONS_PER_AUDIT_ROW`) naming the persons shown in `person_ids`, with the name fields shown in its details
 * (ids and field names only), so that "who has looked at my data" finds it.
 *
 * @example
 * ```ts
 * const breach = await getBreach(reg, actor, breachId);
 * breach.affected?.filter((p) => p.notifiedAt === null); // not yet told, with their names
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
    const can = new Set(showPersons ? readableFields(reg, actor, 'person').map((f) => f.id) : []);
    const nameFields = ['first_name', 'last_name'].filter((f) => can.has(f));
    if (showPersons) {
      const rows = await tx
        .selectFrom('breach_persons as bp')
        .leftJoin('persons as p', 'p.id', 'bp.person_id')
        .select(['bp.person_id', 'bp.added_at', 'bp.notified_at', 'p.first_name', 'p.last_name'])
        .where('bp.breach_id', '=', id)
        .orderBy('bp.added_at')
        .orderBy('bp.person_id')
        .execute();
      affected = rows.map((r) => ({
        personId: r.person_id,
        firstName: can.has('first_name') ? (r.first_name ?? null) : null,
        lastName: can.has('last_name') ? (r.last_name ?? null) : null,
        addedAt: new Date(r.added_at).toISOString(),
        notifiedAt: r.notified_at === null ? null : new Date(r.notified_at).toISOString(),
      }));
    }
    const personIds = (affected ?? []).map((p) => p.personId);
    for (let i = 0; i === 0 || i < personIds.length; i += PERSONS_PER_AUDIT_ROW) {
      const chunk = personIds.slice(i, i + PERSONS_PER_AUDIT_ROW);
      await audit(tx, reg, actor, {
        action: 'breach_read',
        entityType: 'breach',
        entityId: id,
        personId: null,
        personIds: chunk,
        purpose: BREACHES_PURPOSE,
        details: { fields: chunk.length > 0 ? nameFields : [] },
      });
    }
    return { ...view, affected };
  });
}
