import { type AuditEntry, type Executor, insertAudit } from '@lupaus/db';
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

/** The most persons one audit row names; a larger view or selection writes one row per chunk. */
export const PERSONS_PER_AUDIT_ROW = 10_000;

/**
 * Records that a view or selection showed persons (a list page, a search, a marketing page): ONE audit row per
 * chunk of up to `PERSONS_PER_AUDIT_ROW` persons, naming them in `person_ids` (migration 0006, GIN-indexed), so a
 * search of the audit trail by person finds it as it finds a row of that person alone. Nothing is written when
 * nobody was shown.
 *
 * @example
 * ```ts
 * await auditPersonsShown(tx, reg, actor, { action: 'search', purpose, details: { by: ['q'] } }, ids);
 * ```
 */
export async function auditPersonsShown(
  tx: Executor,
  reg: Register,
  actor: Actor,
  entry: { action: string; purpose: string; details?: Record<string, unknown> },
  personIds: readonly string[],
): Promise<void> {
  await insertAudit(tx, reg.vault.auditKey, personsShownEntries(reg, actor, entry, personIds));
}

/** The audit rows of `auditPersonsShown`, for a caller that writes them itself (the read appender). */
export function personsShownEntries(
  reg: Register,
  actor: Actor,
  entry: { action: string; purpose: string; details?: Record<string, unknown> },
  personIds: readonly string[],
): AuditEntry[] {
  const at = reg.clock.now();
  const rows: AuditEntry[] = [];
  for (let i = 0; i < personIds.length; i += PERSONS_PER_AUDIT_ROW) {
    rows.push({
      at,
      actor: actor.id,
      ...entry,
      entityType: 'person',
      entityId: null,
      personId: null,
      personIds: personIds.slice(i, i + PERSONS_PER_AUDIT_ROW),
    });
  }
  return rows;
}
