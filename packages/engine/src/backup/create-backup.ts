import { createHash } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { LupausError } from '@lupaus/core';
import {
  appliedMigrations,
  type Executor,
  insertAudit,
  listBackupTables,
  printInUtc,
  readTablePage,
  storageKeysPage,
} from '@lupaus/db';
import type { Actor, Register } from '../context';
import { StoredFileMissing } from '../files/file-store';
import { authorize } from '../policy/authorize';
import { DEFINITION_FILE } from '../register/open-register';
import { journalPosition, reconcileErasureJournal } from './erasure-journal';
import {
  BACKUP_FORMAT,
  type BackupHeader,
  type BackupManifest,
  checkPassphrase,
  EncryptStream,
  keyFingerprint,
  newPreamble,
  RowsChecksum,
} from './format';

export interface CreateBackupInput {
  /** Where the backup goes; an existing file is not overwritten. */
  file: string;
  passphrase: string;
  /** Rows read per query (default 2000). */
  pageSize?: number | undefined;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  createdAt: string;
  schemaVersion: string;
  manifest: BackupManifest;
  journal: { id: string; offset: number } | null;
}

/** The sealed text that tells a restore whether it has the register's encryption key. */
export const KEY_CHECK_AAD = Buffer.from('lupaus backup key check');
const B64_PIECE = 48 * 1024;

/**
 * Makes an encrypted backup of the whole register (issue 8): every table's rows, in one consistent snapshot
 * (a REPEATABLE READ transaction), in dependency order and pages, then the stored files' bytes, gzip'd and
 * encrypted with a key derived from the passphrase (see format.ts), in constant memory. The file is written
 * beside its target and renamed into place when complete, so a failed backup leaves nothing half-written.
 *
 * The register's keys (`keys.json`, or the environment) are not in the backup: the hetu stays encrypted under
 * them inside it, and a restore needs them. Keep a copy of `keys.json` apart from the backups.
 *
 * Before the snapshot, the erasure journal is caught up with the audit trail and its position recorded: a
 * restore replays every erasure journalled after it.
 *
 * @example
 * ```ts
 * const s = await createBackup(reg, actor, { file: 'lupaus.backup', passphrase });
 * s.manifest.tables; // [{ table: 'persons', rows: 1200, sha256: '…' }, …]
 * ```
 */
export async function createBackup(
  reg: Register,
  actor: Actor,
  input: CreateBackupInput,
): Promise<BackupSummary> {
  authorize(reg, actor, 'users.manage');
  authorize(reg, actor, 'audit.read');
  const passphrase = checkPassphrase(input.passphrase);
  const file = resolve(input.file);
  if (existsSync(file)) {
    throw new LupausError('CONFLICT', { file }, [
      { at: file, message: 'the file exists already; a backup never overwrites a file: choose another name' },
    ]);
  }
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) {
    throw new LupausError('VALIDATION_FAILED', { file }, [
      { at: file, message: `the directory ${dirname(file)} does not exist` },
    ]);
  }
  const pageSize = input.pageSize ?? 2000;
  const createdAt = reg.clock.now();

  // The journal's position is taken before the snapshot: an erasure appended before it committed before it.
  let journal: { id: string; offset: number } | null = null;
  if (reg.dataDir) {
    await reconcileErasureJournal(reg);
    journal = journalPosition(reg.dataDir);
  }
  await insertAudit(reg.db, reg.vault.auditKey, [
    {
      at: createdAt,
      actor: actor.id,
      action: 'backup',
      entityType: 'register',
      entityId: null,
      personId: null,
      purpose: 'security',
      details: { format: BACKUP_FORMAT },
    },
  ]);

  const definitionFile = reg.dataDir ? join(reg.dataDir, DEFINITION_FILE) : '';
  const definition = definitionFile && existsSync(definitionFile) ? readFileSync(definitionFile, 'utf8') : '';
  const { preamble, key, nonce } = newPreamble(passphrase);
  const temp = `${file}.${process.pid}.partial`;
  const manifest: BackupManifest = { tables: [], files: { count: 0, bytes: 0, missing: [] } };
  let schemaVersion = '';
  try {
    await reg.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await printInUtc(tx);
        const migrations = await appliedMigrations(tx);
        schemaVersion = migrations[migrations.length - 1] ?? '';
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          createdAt: createdAt.toISOString(),
          source: reg.dbKind,
          migrations,
          schemaVersion,
          definition,
          keyFingerprint: keyFingerprint(reg.vault.auditKey),
          keyCheck: reg.vault.encryptBytes(KEY_CHECK_AAD, KEY_CHECK_AAD).toString('base64'),
          journal,
        };
        const out = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
        out.write(preamble);
        await pipeline(
          Readable.from(lines(reg, tx, header, manifest, pageSize)),
          createGzip({ level: 6 }),
          new EncryptStream(key, nonce, preamble),
          out,
        );
      });
    const fd = openSync(temp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  return {
    file,
    bytes: statSync(file).size,
    createdAt: createdAt.toISOString(),
    schemaVersion,
    manifest,
    journal,
  };
}

async function* lines(
  reg: Register,
  tx: Executor,
  header: BackupHeader,
  manifest: BackupManifest,
  pageSize: number,
): AsyncGenerator<string> {
  yield `H${JSON.stringify(header)}\n`;
  for (const table of await listBackupTables(tx)) {
    yield `T${JSON.stringify({ table: table.name, columns: table.columns })}\n`;
    const sum = new RowsChecksum();
    let after: string | null = null;
    for (;;) {
      const rows = await readTablePage(tx, table, after, pageSize);
      if (rows.length === 0) break;
      let text = '';
      for (const r of rows) {
        if (r.includes('\n')) throw new Error(`a row of ${table.name} prints with a line break`);
        sum.add(r);
        text += `R${r}\n`;
      }
      yield text;
      after = rows[rows.length - 1]!;
      if (rows.length < pageSize) break;
    }
    const end = { table: table.name, rows: sum.rows, sha256: sum.digest() };
    manifest.tables.push(end);
    yield `E${JSON.stringify(end)}\n`;
  }
  // The stored files' bytes, in the clear inside the encrypted backup (the restore stores them again under the
  // register's key). A file whose bytes are missing is named in the manifest.
  let after: string | null = null;
  for (;;) {
    const keys = await storageKeysPage(tx, after, 200);
    for (const k of keys) {
      let bytes: Buffer;
      try {
        bytes = await reg.files.get(k);
      } catch (e) {
        if (e instanceof StoredFileMissing) {
          manifest.files.missing.push(k);
          continue;
        }
        throw e;
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      yield `F${JSON.stringify({ key: k, bytes: bytes.length, sha256 })}\n`;
      for (let i = 0; i < bytes.length; i += B64_PIECE) {
        yield `B${bytes.subarray(i, i + B64_PIECE).toString('base64')}\n`;
      }
      manifest.files.count += 1;
      manifest.files.bytes += bytes.length;
    }
    if (keys.length < 200) break;
    after = keys[keys.length - 1]!;
  }
  yield `M${JSON.stringify(manifest)}\n`;
}
