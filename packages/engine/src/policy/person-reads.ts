import { LupausError } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { auditEach } from '../audit/audit';
import type { Actor, Register } from '../context';

/**
 * What the listings of a person's records share: refusing an unknown person (NOT_FOUND at `personId`) and
 * auditing each row shown as a read.
 */

/**
 * Refuses a person id with no person behind it, inside the caller's transaction.
 *
 * @example
 * ```ts
 * await requirePersonIn(tx, id); // NOT_FOUND at personId when there is none
 * ```
 */
export async function requirePersonIn(tx: Executor, id: string): Promise<void> {
  const person = await tx.selectFrom('persons').select('id').where('id', '=', id).executeTakeFirst();
  if (!person) {
    throw new LupausError('NOT_FOUND', { personId: id }, [{ at: 'personId', message: `no person ${id}` }]);
  }
}

/**
 * Audits a listing: one `read` row per record shown (none when nothing was shown).
 *
 * @example
 * ```ts
 * await auditRowsRead(tx, reg, actor, { entityType: 'objection', purpose: RIGHTS_PURPOSE }, rows);
 * ```
 */
export async function auditRowsRead(
  tx: Executor,
  reg: Register,
  actor: Actor,
  entry: { entityType: string; purpose: string },
  rows: readonly { id: string; person_id: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  await auditEach(
    tx,
    reg,
    actor,
    { action: 'read', entityType: entry.entityType, purpose: entry.purpose },
    rows.map((r) => ({ entityId: r.id, personId: r.person_id })),
  );
}
