import { type Executor, insertAudit } from '@lupaus/db';
import type { Actor, Register } from '../context';

/**
 * Records a read or write of personal data. Call it inside the use case's transaction, so that the audit row
 * and the change it records are committed together or not at all (DESIGN.md principle 2). Details hold ids and
 * field names only, never values.
 */
export async function audit(
  tx: Executor,
  reg: Register,
  actor: Actor,
  entry: {
    action: string;
    entityType: string;
    entityId: string | null;
    personId: string | null;
    purpose: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await insertAudit(tx, [{ at: reg.clock.now(), actor: actor.id, ...entry }]);
}
