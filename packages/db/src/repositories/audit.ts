import { sql } from 'kysely';
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

/**
 * Writes audit rows; call it with the same transaction as the read or write it records. The rows travel as one
 * JSON parameter, so a list view or a sweep batch of thousands of rows is one statement with one parameter (far
 * below PostgreSQL's limit of 65 535 bound parameters, and cheaper on PGlite than eight parameters a row).
 */
export async function insertAudit(db: Executor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    person_id: e.personId,
    purpose: e.purpose,
    details: e.details ?? {},
  }));
  await sql`insert into audit_log (at, actor, action, entity_type, entity_id, person_id, purpose, details)
    select x.at, x.actor, x.action, x.entity_type, x.entity_id, x.person_id, x.purpose, x.details
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(at timestamptz, actor text, action text,
      entity_type text, entity_id uuid, person_id uuid, purpose text, details jsonb)`.execute(db);
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
