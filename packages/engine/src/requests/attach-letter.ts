import { createHash } from 'node:crypto';
import { LupausError } from '@lupaus/core';
import {
  deleteFileRowsById,
  type FileRow,
  findFileOfField,
  findFileRow,
  insertFileRow,
  queueFileDeletions,
} from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { type AttachFileInput, checkFileInput } from '../files/attach-file';
import { drainFileDeletions } from '../files/delete-files';
import { StoredFileMissing } from '../files/file-store';
import { requireId } from '../policy/ids';
import {
  LETTER_ENTITY,
  LETTER_FIELD,
  REQUESTS_PURPOSE,
  type RequestRow,
  recordRequestEvent,
  requireOpen,
  requireRequestRow,
} from './request-store';

/** A written request's signed letter, as the API and CLI show it. */
export interface LetterView {
  id: string;
  requestId: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
  createdBy: string;
}

function letterView(row: FileRow): LetterView {
  return {
    id: row.id,
    requestId: row.entity_id,
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

function requireWritten(row: RequestRow): void {
  if (row.received_via !== 'written') {
    throw new LupausError('VALIDATION_FAILED', { id: row.id }, [
      {
        at: 'id',
        message: `request ${row.id} was received electronically: only a written request has a signed letter`,
      },
    ]);
  }
  if (row.person_id === null) {
    throw new LupausError('REQUEST_CLOSED', { id: row.id }, [
      { at: 'id', message: `the person of request ${row.id} has been erased` },
    ]);
  }
}

/**
 * Attaches the signed letter of a written request (R4.1), encrypted in the register's file store like every
 * file (entity type `request`, field `letter`; a second letter replaces the first). The letter goes with the
 * person on erasure. Only an open, written request takes a letter; it must be there before the request can be
 * verified. Appends a `letter_attached` event and an audit row.
 *
 * @example
 * ```ts
 * await attachRequestLetter(reg, actor, requestId, { name: 'kirje.pdf', mediaType: 'application/pdf', bytes });
 * ```
 */
export async function attachRequestLetter(
  reg: Register,
  actor: Actor,
  requestId: string,
  input: Pick<AttachFileInput, 'name' | 'mediaType' | 'bytes' | 'maxBytes'>,
): Promise<LetterView> {
  const rid = requireId(requestId, 'request', 'id');
  const { name, mediaType } = checkFileInput(input);
  const before = await requireRequestRow(reg.db, rid);
  requireOpen(before);
  requireWritten(before);
  const id = uuidv7();
  const key = uuidv7();
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const now = reg.clock.now();
  await reg.files.put(key, input.bytes);
  let row: FileRow;
  try {
    row = await reg.db.transaction().execute(async (tx) => {
      const current = await requireRequestRow(tx, rid, { forUpdate: true });
      requireOpen(current);
      requireWritten(current);
      const previous = await findFileOfField(tx, LETTER_ENTITY, rid, LETTER_FIELD);
      if (previous) await queueFileDeletions(tx, await deleteFileRowsById(tx, [previous.id]), now);
      await insertFileRow(tx, {
        id,
        person_id: current.person_id,
        entity_type: LETTER_ENTITY,
        entity_id: rid,
        field: LETTER_FIELD,
        name,
        media_type: mediaType,
        size: input.bytes.length,
        sha256,
        storage_key: key,
        created_at: now,
        created_by: actor.id,
      });
      await tx
        .updateTable('requests')
        .set({ updated_at: now, updated_by: actor.id })
        .where('id', '=', rid)
        .execute();
      await recordRequestEvent(
        tx,
        reg,
        actor,
        current,
        'letter_attached',
        { file: id, replaced: previous?.id ?? null },
        { file: id },
      );
      return (await findFileRow(tx, id))!;
    });
  } catch (e) {
    await reg.files.delete(key).catch(() => {});
    throw e;
  }
  await drainFileDeletions(reg);
  return letterView(row);
}

/**
 * The signed letter of a written request and its bytes, decrypted; audited as a read.
 *
 * @example
 * ```ts
 * const { letter, bytes } = await getRequestLetter(reg, actor, requestId);
 * ```
 */
export async function getRequestLetter(
  reg: Register,
  actor: Actor,
  requestId: string,
): Promise<{ letter: LetterView; bytes: Buffer }> {
  const rid = requireId(requestId, 'request', 'id');
  return reg.db.transaction().execute(async (tx) => {
    const request = await requireRequestRow(tx, rid);
    const row = await findFileOfField(tx, LETTER_ENTITY, rid, LETTER_FIELD);
    if (!row) {
      throw new LupausError('NOT_FOUND', { id: rid }, [
        { at: 'id', message: `request ${rid} has no letter attached` },
      ]);
    }
    let bytes: Buffer;
    try {
      bytes = await reg.files.get(row.storage_key);
    } catch (e) {
      if (e instanceof StoredFileMissing) {
        throw new LupausError('NOT_FOUND', { id: rid }, [
          { at: 'id', message: `the bytes of the letter of request ${rid} are missing from the file store` },
        ]);
      }
      throw e;
    }
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: 'file',
      entityId: row.id,
      personId: request.person_id,
      purpose: REQUESTS_PURPOSE,
      details: { request: rid, field: LETTER_FIELD },
    });
    return { letter: letterView(row), bytes };
  });
}
