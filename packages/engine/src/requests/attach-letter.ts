import { LupausError } from '@lupaus/core';
import { type FileRow, findFileOfField } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { type AttachFileInput, checkFileInput, storeNewFile } from '../files/attach-file';
import { readStoredBytes } from '../files/file-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import {
  LETTER_ENTITY,
  LETTER_FIELD,
  REQUESTS_PURPOSE,
  type RequestRow,
  recordRequestEvent,
  requireOpen,
  requireRequestRow,
  updateRequestRow,
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
  authorize(reg, actor, 'requests.manage');
  const rid = requireId(requestId, 'request', 'id');
  const { name, mediaType } = checkFileInput(input);
  const before = await requireRequestRow(reg.db, rid);
  requireOpen(before);
  requireWritten(before);
  const row = await storeNewFile(reg, actor, { name, mediaType, bytes: input.bytes }, async (tx, insert) => {
    const current = await requireRequestRow(tx, rid, { forUpdate: true });
    requireOpen(current);
    requireWritten(current);
    const { id, previous, now } = await insert({
      personId: current.person_id!,
      entityType: LETTER_ENTITY,
      entityId: rid,
      field: LETTER_FIELD,
      replace: true,
    });
    await updateRequestRow(tx, actor, rid, {}, now);
    await recordRequestEvent(
      tx,
      reg,
      actor,
      current,
      'letter_attached',
      { file: id, replaced: previous?.id ?? null },
      { file: id },
    );
  });
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
  authorize(reg, actor, 'requests.manage');
  const rid = requireId(requestId, 'request', 'id');
  return reg.db.transaction().execute(async (tx) => {
    const request = await requireRequestRow(tx, rid);
    const row = await findFileOfField(tx, LETTER_ENTITY, rid, LETTER_FIELD);
    if (!row) {
      throw new LupausError('NOT_FOUND', { id: rid }, [
        { at: 'id', message: `request ${rid} has no letter attached` },
      ]);
    }
    const bytes = await readStoredBytes(reg.files, row.storage_key, {
      id: rid,
      what: `the letter of request ${rid}`,
    });
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
