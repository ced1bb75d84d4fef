import { LupausError } from '@lupaus/core';
import { findFileRow } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import { readableRecordFields, requireRecordRow } from '../records/record-store';
import { type FileView, fileView } from './attach-file';
import { readStoredBytes } from './file-store';

/**
 * Downloads a stored file: its description and its bytes, decrypted. Only roles that may read the file's field
 * get it (R6.2); every download is audited (ids only).
 *
 * @example
 * ```ts
 * const { file, bytes } = await getFile(reg, actor, fileId);
 * ```
 */
export async function getFile(
  reg: Register,
  actor: Actor,
  id: string,
  opts: { purpose?: string | undefined } = {},
): Promise<{ file: FileView; bytes: Buffer }> {
  authorize(reg, actor, 'persons.read');
  const purpose = resolvePurpose(reg, opts.purpose);
  const fid = requireId(id, 'file', 'id');
  return reg.db.transaction().execute(async (tx) => {
    const row = await findFileRow(tx, fid);
    if (!row) throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no file ${fid}` }]);
    const record = await requireRecordRow(tx, row.entity_id, { at: 'recordId' });
    const readable = readableRecordFields(actor, reg.catalogue.category(record.category));
    if (!readable.some((f) => f.id === row.field)) {
      throw new LupausError('FORBIDDEN', { id }, [
        { at: 'id', message: `your roles may not read the field ${row.field} of ${record.category}` },
      ]);
    }
    const bytes = await readStoredBytes(reg.files, row.storage_key, { id: id, what: `file ${fid}` });
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: 'file',
      entityId: fid,
      personId: row.person_id,
      purpose,
      details: { record: record.id, field: row.field },
    });
    return { file: fileView(row), bytes };
  });
}
