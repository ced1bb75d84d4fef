import { deleteRecordRow } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { deleteFilesOf, drainFileDeletions } from '../files/delete-files';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import { requireRecordRow } from './record-store';

/**
 * Deletes a record with its files and the provenance of its fields, audited, in one transaction; the files'
 * bytes are removed from the store right after the commit (see delete-files.ts). A person's last contact is
 * left as it was: the contact happened even if its record is gone.
 *
 * @example
 * ```ts
 * await deleteRecord(reg, actor, recordId); // { id, files: 1 }
 * ```
 */
export async function deleteRecord(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<{ id: string; files: number }> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, opts.purpose);
  const rid = requireId(id, 'record', 'id');
  const result = await reg.db.transaction().execute(async (tx) => {
    const row = await requireRecordRow(tx, rid, { forUpdate: true });
    const files = await deleteFilesOf(tx, row.holder, [rid], reg.clock.now());
    await deleteRecordRow(tx, row.holder, rid);
    await audit(tx, reg, actor, {
      action: 'delete',
      entityType: row.holder,
      entityId: rid,
      personId: row.person_id,
      purpose,
      details: { kind: row.category, files },
    });
    return { id: rid, files };
  });
  await drainFileDeletions(reg);
  return result;
}
