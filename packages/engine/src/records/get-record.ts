import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { resolvePurpose } from '../policy/purpose';
import { type RecordView, recordView, requireRecordRow } from './record-store';

/** Reads one record as the actor may see it, with the provenance of each field; the read is audited. */
export async function getRecord(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<RecordView> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, opts.purpose);
  return reg.db.transaction().execute(async (tx) => {
    const row = await requireRecordRow(tx, id);
    const view = await recordView(tx, reg, actor, row);
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: row.holder,
      entityId: row.id,
      personId: row.person_id,
      purpose,
      details: { kind: row.category, fields: Object.keys(view.fields), files: view.files.map((f) => f.id) },
    });
    return view;
  });
}
