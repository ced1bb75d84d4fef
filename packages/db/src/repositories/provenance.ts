import type { Executor } from '../executor';
import type { ProvenanceTable } from '../types';

export interface ProvenanceWrite {
  entityType: ProvenanceTable['entity_type'];
  entityId: string;
  personId: string | null;
  fields: string[];
  source: string;
  savedAt: Date;
  savedBy: string;
}

/** Records when, from which source and by whom each field was saved (R2.6); the latest save wins. */
export async function upsertProvenance(db: Executor, w: ProvenanceWrite): Promise<void> {
  if (w.fields.length === 0) return;
  await db
    .insertInto('provenance')
    .values(
      w.fields.map((field) => ({
        entity_type: w.entityType,
        entity_id: w.entityId,
        person_id: w.personId,
        field,
        source: w.source,
        saved_at: w.savedAt,
        saved_by: w.savedBy,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['entity_type', 'entity_id', 'field']).doUpdateSet((eb) => ({
        source: eb.ref('excluded.source'),
        saved_at: eb.ref('excluded.saved_at'),
        saved_by: eb.ref('excluded.saved_by'),
      })),
    )
    .execute();
}

export async function deleteProvenance(
  db: Executor,
  entityType: ProvenanceTable['entity_type'],
  entityId: string,
  fields: string[],
): Promise<void> {
  if (fields.length === 0) return;
  await db
    .deleteFrom('provenance')
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .where('field', 'in', fields)
    .execute();
}

export async function listProvenance(
  db: Executor,
  entityType: ProvenanceTable['entity_type'],
  entityId: string,
) {
  return db
    .selectFrom('provenance')
    .select(['field', 'source', 'saved_at', 'saved_by'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('field')
    .execute();
}
