import type { Executor } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { auditRowsRead, requirePersonIn } from '../policy/person-reads';
import { RIGHTS_PURPOSE } from '../restriction/restriction-view';
import { type ObjectionView, toObjectionView } from './objection-view';

/**
 * A person's objections, newest first (R4.6). The person must exist. Audited.
 *
 * @example
 * ```ts
 * const { items } = await listObjections(reg, actor, personId);
 * ```
 */
export async function listObjections(
  reg: Register,
  actor: Actor,
  personId: string,
): Promise<{ items: ObjectionView[] }> {
  authorize(reg, actor, 'requests.manage');
  const id = requireId(personId, 'person', 'personId');
  return reg.db.transaction().execute(async (tx) => {
    await requirePersonIn(tx, id);
    const rows = await tx
      .selectFrom('objections')
      .selectAll()
      .where('person_id', '=', id)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    await auditRowsRead(tx, reg, actor, { entityType: 'objection', purpose: RIGHTS_PURPOSE }, rows);
    return { items: rows.map(toObjectionView) };
  });
}

/**
 * Whether an upheld objection takes the person out of profiling (R4.6), inside the caller's transaction.
 *
 * @example
 * ```ts
 * if (await isOutOfProfilingIn(tx, personId)) return; // no profiling for them
 * ```
 */
export async function isOutOfProfilingIn(tx: Executor, personId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('objections')
    .select('id')
    .where('person_id', '=', personId)
    .where('kind', '=', 'profiling')
    .where('state', '=', 'upheld')
    .executeTakeFirst();
  return row !== undefined;
}
