import { deleteProvenance, type Executor, type ProvenanceTable, upsertProvenance } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { audit } from './audit';

/**
 * What every write of personal data leaves behind, in the writer's transaction: the provenance of each saved
 * field (source, time, who: R2.6), no provenance for a removed one, and an audit row naming the fields, never
 * their values (R6.4).
 *
 * @example
 * ```ts
 * await recordWrite(tx, reg, actor, {
 *   action: 'update', entityType: 'person', entityId: id, personId: id, purpose, source,
 *   values: { last_name: 'Lehtonen', nickname: null }, // saves last_name, removes nickname
 * });
 * ```
 */
export async function recordWrite(
  tx: Executor,
  reg: Register,
  actor: Actor,
  w: {
    action: 'create' | 'update';
    entityType: ProvenanceTable['entity_type'];
    entityId: string;
    personId: string | null;
    purpose: string;
    source: string;
    /** The written values by field; `null` means removed. */
    values: Record<string, unknown>;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const saved = Object.keys(w.values).filter((k) => w.values[k] !== null);
  const removed = Object.keys(w.values).filter((k) => w.values[k] === null);
  await upsertProvenance(tx, {
    entityType: w.entityType,
    entityId: w.entityId,
    personId: w.personId,
    fields: saved,
    source: w.source,
    savedAt: reg.clock.now(),
    savedBy: actor.id,
  });
  await deleteProvenance(tx, w.entityType, w.entityId, removed);
  await audit(tx, reg, actor, {
    action: w.action,
    entityType: w.entityType,
    entityId: w.entityId,
    personId: w.personId,
    purpose: w.purpose,
    details: { fields: saved, ...(removed.length > 0 ? { removed } : {}), source: w.source, ...w.details },
  });
}
