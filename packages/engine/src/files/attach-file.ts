import { createHash } from 'node:crypto';
import { findControlCharacter, LupausError, type ProblemDetail } from '@lupaus/core';
import {
  deleteFileRowsById,
  type Executor,
  type FileRow,
  findFileOfField,
  findFileRow,
  insertFileRow,
  queueFileDeletions,
} from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { requireSource, resolvePurpose } from '../policy/purpose';
import { requireRecordCategory, requireRecordRow } from '../records/record-store';
import { drainFileDeletions } from './delete-files';

/** The largest file a register takes by default: 50 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface AttachFileInput {
  /** The file's name as the sender knows it (a path is reduced to its last part). */
  name: string;
  /** The media type, such as audio/mpeg (parameters are dropped). */
  mediaType: string;
  bytes: Buffer;
  /** The source of the file: a source id of the definition; the record's own source by default. */
  source?: string | undefined;
  purpose?: string | undefined;
  /** The size limit in bytes (default `DEFAULT_MAX_FILE_BYTES`). */
  maxBytes?: number | undefined;
}

export interface FileView {
  id: string;
  recordId: string;
  personId: string | null;
  field: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
  createdBy: string;
}

export function fileView(row: FileRow): FileView {
  return {
    id: row.id,
    recordId: row.entity_id,
    personId: row.person_id,
    field: row.field,
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

const MEDIA_TYPE_RE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** Checks a file's name, media type and size; the normalised name and media type. */
export function checkFileInput(input: Pick<AttachFileInput, 'name' | 'mediaType' | 'bytes' | 'maxBytes'>): {
  name: string;
  mediaType: string;
} {
  const max = input.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (input.bytes.length > max) {
    throw new LupausError('TOO_LARGE', { size: input.bytes.length, max }, [
      { at: 'file', message: `the file is ${input.bytes.length} bytes; at most ${max} bytes are accepted` },
    ]);
  }
  const problems: ProblemDetail[] = [];
  if (input.bytes.length === 0) problems.push({ at: 'file', message: 'the file is empty' });
  const name = (input.name ?? '').split(/[/\\]/).pop()!.trim();
  const control = findControlCharacter(name, 'name');
  if (control) problems.push(control);
  else if (name.length === 0 || name.length > 255) {
    problems.push({ at: 'name', message: 'a file name is 1–255 characters' });
  }
  const mediaType = (input.mediaType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!MEDIA_TYPE_RE.test(mediaType)) {
    problems.push({
      at: 'mediaType',
      message: `"${mediaType.slice(0, 60)}" is not a media type such as audio/mpeg`,
    });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { name, mediaType };
}

/** Where a new file goes, known only inside the transaction that locked its owner. */
export interface FilePlace {
  personId: string;
  entityType: string;
  entityId: string;
  field: string;
  /** Whether the field holds one file, so that a file already there is replaced (its bytes go after the commit). */
  replace: boolean;
}

/**
 * The one way a file enters the register, for `attachFile` and `attachRequestLetter`: the checked bytes are
 * encrypted into the file store before the transaction and removed again if it fails. In the transaction,
 * `write` checks its owner under lock and calls `insert` with the file's place, which replaces the file already
 * there (if `place.replace`) and inserts the file row (returning its id, the file replaced and the time of the
 * write); `write` then writes its own audit. Replaced bytes are
 * deleted after the commit. Returns the new file row.
 */
export async function storeNewFile(
  reg: Register,
  actor: Actor,
  file: { name: string; mediaType: string; bytes: Buffer },
  write: (
    tx: Executor,
    insert: (place: FilePlace) => Promise<{ id: string; previous: FileRow | undefined; now: Date }>,
  ) => Promise<void>,
): Promise<FileRow> {
  const id = uuidv7();
  const key = uuidv7();
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const now = reg.clock.now();
  await reg.files.put(key, file.bytes);
  let row: FileRow;
  try {
    row = await reg.db.transaction().execute(async (tx) => {
      await write(tx, async (place) => {
        const previous = place.replace
          ? await findFileOfField(tx, place.entityType, place.entityId, place.field)
          : undefined;
        if (previous) await queueFileDeletions(tx, await deleteFileRowsById(tx, [previous.id]), now);
        await insertFileRow(tx, {
          id,
          person_id: place.personId,
          entity_type: place.entityType,
          entity_id: place.entityId,
          field: place.field,
          name: file.name,
          media_type: file.mediaType,
          size: file.bytes.length,
          sha256,
          storage_key: key,
          created_at: now,
          created_by: actor.id,
        });
        return { id, previous, now };
      });
      return (await findFileRow(tx, id))!;
    });
  } catch (e) {
    await reg.files.delete(key).catch(() => {});
    throw e;
  }
  await drainFileDeletions(reg);
  return row;
}

/**
 * Attaches a file (a call recording, a signed letter) to a record's field of type `file` (R2.4). The bytes are
 * encrypted into the file store before the transaction and removed again if it fails; the file row, the
 * field's provenance and the audit row are written in one transaction. A field that holds one file has it
 * replaced (the old bytes go after the commit); a multiple field gets one more.
 *
 * @example
 * ```ts
 * const file = await attachFile(reg, actor, recordId, 'call_recording', {
 *   name: 'call.mp3', mediaType: 'audio/mpeg', bytes,
 * });
 * ```
 */
export async function attachFile(
  reg: Register,
  actor: Actor,
  recordId: string,
  field: string,
  input: AttachFileInput,
): Promise<FileView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const rid = requireId(recordId, 'record', 'id');
  const record = await requireRecordRow(reg.db, rid);
  const category = requireRecordCategory(reg, record.category);
  const declared = category.fields.find((f) => f.id === field);
  if (declared?.type !== 'file') {
    const files = category.fields.filter((f) => f.type === 'file').map((f) => f.id);
    throw new LupausError(declared ? 'VALIDATION_FAILED' : 'FIELD_NOT_DECLARED', { field }, [
      {
        at: 'field',
        message: `${declared ? `${field} is not a file field` : `the register definition does not declare the field "${String(field).slice(0, 60)}"`} of category ${category.id}; its file fields: ${files.join(', ') || '(none)'}`,
      },
    ]);
  }
  const source = requireSource(reg, input.source ?? record.source);
  const { name, mediaType } = checkFileInput(input);
  if (record.anonymised_at || record.person_id === null) {
    throw new LupausError('CONFLICT', { id: rid }, [
      { at: 'id', message: `record ${rid} is anonymised: files can no longer be attached to it` },
    ]);
  }
  const row = await storeNewFile(reg, actor, { name, mediaType, bytes: input.bytes }, async (tx, insert) => {
    const current = await requireRecordRow(tx, rid, { forUpdate: true });
    if (current.anonymised_at || current.person_id === null) {
      throw new LupausError('CONFLICT', { id: rid }, [
        { at: 'id', message: `record ${rid} is anonymised: files can no longer be attached to it` },
      ]);
    }
    const { id } = await insert({
      personId: current.person_id,
      entityType: current.holder,
      entityId: rid,
      field,
      replace: !declared.multiple,
    });
    await recordWrite(tx, reg, actor, {
      action: 'update',
      entityType: current.holder,
      entityId: rid,
      personId: current.person_id,
      purpose,
      source,
      values: { [field]: id },
      details: { kind: current.category, file: id },
    });
  });
  return fileView(row);
}
