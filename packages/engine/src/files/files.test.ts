import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queueFileDeletions } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Register } from '../context';
import { createPerson } from '../persons/create-person';
import { createRecord } from '../records/create-record';
import { deleteRecord } from '../records/delete-record';
import { getRecord } from '../records/get-record';
import { openTestRegister, rejection, TEST_ADMIN } from '../testing';
import { attachFile } from './attach-file';
import { collectOrphanFiles, deleteFilesOfPersons, drainFileDeletions, storageKeyTime } from './delete-files';
import { type DiskFileStore, StoredFileMissing } from './file-store';
import { getFile } from './get-file';

const MARKETING: Actor = { id: 'mkt-1', roles: ['marketing'], commitmentSigned: true };

/** Every file under a directory, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
  );
}

async function storedKeys(reg: Register): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of reg.files.list()) keys.push(k);
  return keys.sort();
}

describe('files of records (003-auntie call recordings)', () => {
  let reg: Register;
  let person: string;
  const recording = Buffer.from('RIFF....WAVEfmt this is a call recording: Maija Virtanen 040 123 4567');

  beforeAll(async () => {
    reg = await openTestRegister('003-auntie');
    person = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Maija', last_name: 'V' },
      })
    ).id;
  });
  afterAll(async () => {
    const root = (reg.files as DiskFileStore).root;
    await reg.close();
    // A test register's files live in a temporary directory removed on close.
    expect(existsSync(root)).toBe(false);
  });

  const call = () =>
    createRecord(reg, TEST_ADMIN, person, {
      kind: 'call_recordings',
      source: 'transactions',
      fields: { called_at: '2024-05-01T09:00:00Z' },
    });

  it('R2.4 a call recording is attached to its record, listed in its view and downloaded as it was, audited', async () => {
    const rec = await call();
    const file = await attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
      name: 'C:\\calls\\puhelu.wav',
      mediaType: 'audio/wav; codecs=1',
      bytes: recording,
    });
    expect(file).toMatchObject({
      recordId: rec.id,
      personId: person,
      field: 'call_recording',
      name: 'puhelu.wav',
      mediaType: 'audio/wav',
      size: recording.length,
    });
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    const view = await getRecord(reg, TEST_ADMIN, rec.id);
    expect(view.files).toEqual([
      {
        id: file.id,
        field: 'call_recording',
        name: 'puhelu.wav',
        mediaType: 'audio/wav',
        size: recording.length,
      },
    ]);
    expect(view.provenance?.call_recording?.source).toBe('transactions');
    const got = await getFile(reg, TEST_ADMIN, file.id, { purpose: 'call_recording' });
    expect(got.bytes.equals(recording)).toBe(true);
    const audit = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'person_id', 'purpose'])
      .where('entity_id', '=', file.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({
      action: 'read',
      entity_type: 'file',
      person_id: person,
      purpose: 'call_recording',
    });
  });

  it('R2.4 the file store holds no plain text: every stored file is encrypted (AES-256-GCM)', async () => {
    const root = (reg.files as DiskFileStore).root;
    const files = walk(root);
    expect(files.length).toBeGreaterThan(0);
    const needle = Buffer.from('Maija Virtanen');
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(needle)).toBe(false);
      expect(bytes.includes(Buffer.from('RIFF'))).toBe(false);
      expect(statSync(f).mode & 0o077).toBe(0);
    }
    // Bytes moved to another key do not decrypt: the key is bound into the ciphertext.
    const [key] = await storedKeys(reg);
    const other = uuidv7();
    await reg.files.put(other, Buffer.from('x'));
    const sealed = readFileSync(files.find((f) => f.endsWith(key!))!);
    writeFileSync(walk(root).find((f) => f.endsWith(other))!, sealed);
    await expect(reg.files.get(other)).rejects.toThrow();
    await reg.files.delete(other);
  });

  it('R2.4 attaching again replaces the file of a single file field, and the old bytes go', async () => {
    const rec = await call();
    const first = await attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
      name: 'a.wav',
      mediaType: 'audio/wav',
      bytes: randomBytes(100),
    });
    const before = await storedKeys(reg);
    const second = await attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
      name: 'b.wav',
      mediaType: 'audio/wav',
      bytes: randomBytes(50),
    });
    expect((await getRecord(reg, TEST_ADMIN, rec.id)).files.map((f) => f.id)).toEqual([second.id]);
    expect((await rejection(getFile(reg, TEST_ADMIN, first.id))).code).toBe('NOT_FOUND');
    expect((await storedKeys(reg)).length).toBe(before.length);
    const queued = await reg.db.selectFrom('file_deletions').selectAll().execute();
    expect(queued).toEqual([]);
  });

  it('R1.5 a file goes only to a declared file field, within the size limit, and a refused file leaves nothing', async () => {
    const rec = await call();
    const keys = await storedKeys(reg);
    const undeclared = await rejection(
      attachFile(reg, TEST_ADMIN, rec.id, 'voicemail', {
        name: 'x',
        mediaType: 'audio/wav',
        bytes: recording,
      }),
    );
    expect(undeclared.code).toBe('FIELD_NOT_DECLARED');
    expect(undeclared.problems[0]?.message).toMatch(/its file fields: call_recording/);
    const notFile = await rejection(
      attachFile(reg, TEST_ADMIN, rec.id, 'called_at', {
        name: 'x',
        mediaType: 'audio/wav',
        bytes: recording,
      }),
    );
    expect(notFile.code).toBe('VALIDATION_FAILED');
    const big = await rejection(
      attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
        name: 'x.wav',
        mediaType: 'audio/wav',
        bytes: Buffer.alloc(1025),
        maxBytes: 1024,
      }),
    );
    expect(big.code).toBe('TOO_LARGE');
    expect(big.status).toBe(413);
    expect(big.problems[0]?.message).toBe('the file is 1025 bytes; at most 1024 bytes are accepted');
    const bad = await rejection(
      attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
        name: '',
        mediaType: 'wav',
        bytes: Buffer.alloc(0),
      }),
    );
    expect(bad.problems.map((p) => p.at)).toEqual(['file', 'name', 'mediaType']);
    const noRecord = await rejection(
      attachFile(reg, TEST_ADMIN, uuidv7(), 'call_recording', {
        name: 'x',
        mediaType: 'audio/wav',
        bytes: recording,
      }),
    );
    expect(noRecord.code).toBe('NOT_FOUND');
    expect(await storedKeys(reg)).toEqual(keys);
    expect((await getRecord(reg, TEST_ADMIN, rec.id)).files).toEqual([]);
  });

  it('R2.4 bytes written before a transaction that fails are removed again', async () => {
    const rec = await call();
    const keys = await storedKeys(reg);
    const store = reg.files;
    // The record disappears between writing the bytes and the transaction.
    const racing: Register = {
      ...reg,
      files: {
        ...store,
        list: () => store.list(),
        get: (k) => store.get(k),
        delete: (k) => store.delete(k),
        put: async (k, b) => {
          await store.put(k, b);
          await reg.db.deleteFrom('interactions').where('id', '=', rec.id).execute();
        },
      },
    };
    const e = await rejection(
      attachFile(racing, TEST_ADMIN, rec.id, 'call_recording', {
        name: 'x',
        mediaType: 'audio/wav',
        bytes: recording,
      }),
    );
    expect(e.code).toBe('NOT_FOUND');
    expect(await storedKeys(reg)).toEqual(keys);
  });

  it('R6.2 a role that may not read persons (marketing) cannot download the file nor read its record', async () => {
    const rec = await call();
    const file = await attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
      name: 'x.wav',
      mediaType: 'audio/wav',
      bytes: recording,
    });
    expect((await rejection(getFile(reg, MARKETING, file.id))).code).toBe('FORBIDDEN');
    expect((await rejection(getRecord(reg, MARKETING, rec.id))).code).toBe('FORBIDDEN');
  });

  it('R4.4 a file goes when its record goes: row deleted, bytes removed after the commit', async () => {
    const rec = await call();
    const file = await attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
      name: 'x.wav',
      mediaType: 'audio/wav',
      bytes: recording,
    });
    const row = await reg.db
      .selectFrom('files')
      .select('storage_key')
      .where('id', '=', file.id)
      .executeTakeFirstOrThrow();
    expect(await deleteRecord(reg, TEST_ADMIN, rec.id)).toEqual({ id: rec.id, files: 1 });
    expect(
      await reg.db.selectFrom('files').select('id').where('id', '=', file.id).executeTakeFirst(),
    ).toBeUndefined();
    await expect(reg.files.get(row.storage_key)).rejects.toBeInstanceOf(StoredFileMissing);
    expect(await reg.db.selectFrom('file_deletions').selectAll().execute()).toEqual([]);
  });

  it('R4.4 every file of a person goes with the person (deleteFilesOfPersons before the person row)', async () => {
    const p = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Poistuva', last_name: 'P' },
      })
    ).id;
    const rec = await createRecord(reg, TEST_ADMIN, p, {
      kind: 'call_recordings',
      source: 'transactions',
      fields: {},
    });
    await attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
      name: 'x',
      mediaType: 'audio/wav',
      bytes: recording,
    });
    const keys = await reg.db.selectFrom('files').select('storage_key').where('person_id', '=', p).execute();
    expect(keys).toHaveLength(1);
    const n = await reg.db.transaction().execute(async (tx) => {
      const count = await deleteFilesOfPersons(tx, [p], new Date());
      await tx.deleteFrom('persons').where('id', '=', p).execute();
      return count;
    });
    expect(n).toBe(1);
    expect(await drainFileDeletions(reg)).toBe(1);
    await expect(reg.files.get(keys[0]!.storage_key)).rejects.toBeInstanceOf(StoredFileMissing);
    // Idempotent: nothing left, and a queued key whose bytes are already gone counts as removed.
    expect(await drainFileDeletions(reg)).toBe(0);
    await queueFileDeletions(reg.db, [uuidv7()], new Date());
    expect(await drainFileDeletions(reg)).toBe(1);
  });

  it('R4.4 bytes that no file row knows (a crash between writing and committing) are collected', async () => {
    const orphan = uuidv7();
    await reg.files.put(orphan, Buffer.from('left behind'));
    const known = await storedKeys(reg);
    expect(await collectOrphanFiles(reg, 60_000)).toBe(0); // too young
    expect(await collectOrphanFiles(reg, 0)).toBe(1);
    expect(await storedKeys(reg)).toEqual(known.filter((k) => k !== orphan));
    expect(storageKeyTime(orphan)).toBeLessThanOrEqual(Date.now());
    expect(storageKeyTime('not-a-uuid')).toBeUndefined();
  });
});
