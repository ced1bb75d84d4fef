import type { Executor } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { auditRowsRead, requirePersonIn } from '../policy/person-reads';
import { type RestrictionView, RIGHTS_PURPOSE, toRestrictionView } from './restriction-view';

/**
 * A person's restrictions, newest first: with `active` only those not lifted. The person must exist. Audited.
 *
 * @example
 * ```ts
 * const { items } = await listRestrictions(reg, actor, personId, { active: true });
 * items.length > 0; // the person's data is only stored (R4.5)
 * ```
 */
export async function listRestrictions(
  reg: Register,
  actor: Actor,
  personId: string,
  opts: { active?: boolean | undefined } = {},
): Promise<{ items: RestrictionView[] }> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(personId, 'person', 'personId');
  return reg.db.transaction().execute(async (tx) => {
    await requirePersonIn(tx, id);
    let q = tx
      .selectFrom('restrictions')
      .selectAll()
      .where('person_id', '=', id)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc');
    if (opts.active) q = q.where('lifted_at', 'is', null);
    const rows = await q.execute();
    await auditRowsRead(tx, reg, actor, { entityType: 'restriction', purpose: RIGHTS_PURPOSE }, rows);
    return { items: rows.map(toRestrictionView) };
  });
}

/**
 * Whether the person has an active restriction (R4.5), inside the caller's transaction. Set-based selections
 * read `restrictions where lifted_at is null` directly.
 *
 * @example
 * ```ts
 * if (await isRestrictedIn(tx, personId)) return; // only stored
 * ```
 */
export async function isRestrictedIn(tx: Executor, personId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('restrictions')
    .select('id')
    .where('person_id', '=', personId)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
