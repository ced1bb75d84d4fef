import type { Executor } from '../executor';

/** One audit row: ids only, never personal data (DESIGN.md principle 2). */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  personId: string | null;
  purpose: string;
  details?: Record<string, unknown>;
}

/** Writes audit rows; call it with the same transaction as the read or write it records. */
export async function insertAudit(db: Executor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((e) => ({
        at: e.at,
        actor: e.actor,
        action: e.action,
        entity_type: e.entityType,
        entity_id: e.entityId,
        person_id: e.personId,
        purpose: e.purpose,
        details: JSON.stringify(e.details ?? {}),
        prev_hash: null,
        hash: null,
      })),
    )
    .execute();
}

export async function listAuditForPerson(db: Executor, personId: string, limit = 100) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
