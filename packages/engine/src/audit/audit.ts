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
    /** The persons of a batch, when one row records a write for many (see `AuditEntry.personIds`). */
    personIds?: readonly string[];
    purpose: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await insertAudit(tx, reg.vault.auditKey, [{ at: reg.clock.now(), actor: actor.id, ...entry }]);
}

/**
 * Records that a list or search showed several records: one audit row per record (so that "who has looked at
 * my data" finds list views too), written in one statement.
 */
export async function auditEach(
  tx: Executor,
  reg: Register,
  actor: Actor,
  entry: { action: string; entityType: string; purpose: string; details?: Record<string, unknown> },
  shown: { entityId: string; personId: string | null }[],
): Promise<void> {
  const at = reg.clock.now();
  await insertAudit(
    tx,
    reg.vault.auditKey,
    shown.map((s) => ({ at, actor: actor.id, ...entry, entityId: s.entityId, personId: s.personId })),
  );
}
