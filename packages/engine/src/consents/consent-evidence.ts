import { LupausError } from '@lupaus/core';
import { type FileRow, findFileRow } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { type AttachFileInput, checkFileInput, storeNewFile } from '../files/attach-file';
import { readStoredBytes } from '../files/file-store';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { CONSENTS_PURPOSE } from './consent-policy';

/** Files of consent evidence belong to their person: entity `consent_evidence`, the person's id, field `evidence`. */
export const EVIDENCE_ENTITY = 'consent_evidence';
export const EVIDENCE_FIELD = 'evidence';

/** The media types evidence may have: a scanned or signed form as PDF or an image. */
const EVIDENCE_TYPES = /^(application\/pdf|image\/(png|jpeg|gif|webp|tiff|heic|heif))$/;

/** A stored evidence file, as the API shows it (no storage key). */
export interface EvidenceFileView {
  id: string;
  personId: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
  createdBy: string;
}

export function evidenceFileView(row: FileRow): EvidenceFileView {
  return {
    id: row.id,
    personId: row.person_id ?? '',
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

/**
 * Stores a file (a scanned signed form, a letter: PDF or an image) as evidence of a person's consent or
 * prohibition (R3.1), encrypted in the register's file store like every file, owned by the person (it goes with
 * them on erasure). Record the consent with its id as `evidenceFileId`. One transaction with its audit row.
 *
 * @example
 * ```ts
 * const file = await attachConsentEvidence(reg, actor, personId, { name: 'lomake.pdf', mediaType: 'application/pdf', bytes });
 * await recordConsent(reg, actor, { personId, channel: 'email', purpose: 'direct_marketing', state: 'given',
 *   source: 'subject', evidenceFileId: file.id });
 * ```
 */
export async function attachConsentEvidence(
  reg: Register,
  actor: Actor,
  personId: string,
  input: Pick<AttachFileInput, 'name' | 'mediaType' | 'bytes' | 'maxBytes'>,
): Promise<EvidenceFileView> {
  authorize(reg, actor, 'consents.write');
  const pid = requireId(personId, 'person', 'personId');
  const { name, mediaType } = checkFileInput(input);
  if (!EVIDENCE_TYPES.test(mediaType)) {
    throw new LupausError('VALIDATION_FAILED', { mediaType }, [
      {
        at: 'mediaType',
        message: `evidence is a PDF or an image (a scanned or signed form), not ${mediaType}`,
        code: 'evidence.media_type',
        params: { mediaType },
      },
    ]);
  }
  const row = await storeNewFile(reg, actor, { name, mediaType, bytes: input.bytes }, async (tx, insert) => {
    // Locked, so that an erasure running now either sees the file or finds no person to attach it to.
    await tx.selectFrom('persons').select('id').where('id', '=', pid).forUpdate().execute();
    await requirePersonRow(tx, pid, 'personId');
    const { id } = await insert({
      personId: pid,
      entityType: EVIDENCE_ENTITY,
      entityId: pid,
      field: EVIDENCE_FIELD,
      replace: false,
    });
    await audit(tx, reg, actor, {
      action: 'create',
      entityType: 'file',
      entityId: id,
      personId: pid,
      purpose: CONSENTS_PURPOSE,
      details: { field: EVIDENCE_FIELD, kind: EVIDENCE_ENTITY },
    });
  });
  return evidenceFileView(row);
}

/**
 * The evidence file of a consent record and its bytes, decrypted; audited as a read.
 *
 * @example
 * ```ts
 * const { file, bytes } = await getConsentEvidence(reg, actor, consentId);
 * ```
 */
export async function getConsentEvidence(
  reg: Register,
  actor: Actor,
  consentId: string,
): Promise<{ file: EvidenceFileView; bytes: Buffer }> {
  authorize(reg, actor, 'consents.read');
  const cid = requireId(consentId, 'consent', 'id');
  return reg.db.transaction().execute(async (tx) => {
    const consent = await tx
      .selectFrom('consents')
      .select(['id', 'person_id', 'evidence_file_id'])
      .where('id', '=', cid)
      .executeTakeFirst();
    if (!consent)
      throw new LupausError('NOT_FOUND', { id: cid }, [{ at: 'id', message: `no consent ${cid}` }]);
    const row = consent.evidence_file_id ? await findFileRow(tx, consent.evidence_file_id) : undefined;
    if (!row) {
      throw new LupausError('NOT_FOUND', { id: cid }, [
        { at: 'id', message: `consent ${cid} has no evidence file (its evidence is text)` },
      ]);
    }
    const bytes = await readStoredBytes(reg.files, row.storage_key, {
      id: cid,
      what: `the evidence of consent ${cid}`,
    });
    await audit(tx, reg, actor, {
      action: 'read',
      entityType: 'file',
      entityId: row.id,
      personId: consent.person_id,
      purpose: CONSENTS_PURPOSE,
      details: { consent: cid, field: row.field },
    });
    return { file: evidenceFileView(row), bytes };
  });
}
