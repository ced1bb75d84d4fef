import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LupausError } from '@lupaus/core';
import type { HetuVault } from '../crypto/vault';

/**
 * Where the bytes of stored files (call recordings, attachments) live. The `files` table says whose a file is
 * and which record and field it belongs to; the store only keeps bytes under a storage key. Keys are UUIDv7,
 * so their age can be read from the key itself (see `collectOrphanFiles`).
 *
 * @example
 * ```ts
 * await reg.files.put(key, Buffer.from('...'));
 * const bytes = await reg.files.get(key);
 * await reg.files.delete(key); // a missing key is not an error
 * for await (const k of reg.files.list()) console.log(k);
 * ```
 */
export interface FileStore {
  put(key: string, bytes: Buffer): Promise<void>;
  /** Throws `StoredFileMissing` when there are no bytes under the key. */
  get(key: string): Promise<Buffer>;
  /** Removes the bytes; removing a missing key succeeds (deletion is idempotent). */
  delete(key: string): Promise<void>;
  list(): AsyncIterable<string>;
}

export class StoredFileMissing extends Error {
  constructor(readonly key: string) {
    super(`no stored bytes under key ${key}`);
    this.name = 'StoredFileMissing';
  }
}

/**
 * The bytes stored under `storageKey`, decrypted; bytes gone from the store are NOT_FOUND at `at`, naming `what`
 * (for every download: a record's file, a consent's evidence, a request's letter).
 *
 * @example
 * ```ts
 * const bytes = await readStoredBytes(reg.files, row.storage_key, { id, what: `file ${id}` });
 * ```
 */
export async function readStoredBytes(
  files: Pick<FileStore, 'get'>,
  storageKey: string,
  where: { id: string; what: string; at?: string },
): Promise<Buffer> {
  try {
    return await files.get(storageKey);
  } catch (e) {
    if (e instanceof StoredFileMissing) {
      throw new LupausError('NOT_FOUND', { id: where.id }, [
        { at: where.at ?? 'id', message: `the bytes of ${where.what} are missing from the file store` },
      ]);
    }
    throw e;
  }
}

const KEY_RE = /^[A-Za-z0-9_-]{1,128}$/;
const TEMP_DIR = '.tmp';
/** A temporary file older than this was left by a crash during a write. */
const STALE_TEMP_MS = 60 * 60 * 1000;

function checkKey(key: string): string {
  if (!KEY_RE.test(key)) throw new Error(`invalid storage key "${key.slice(0, 60)}"`);
  return key;
}

/**
 * Files on disk under `<root>` (the register's `<dataDir>/files`), sharded into `ab/cd/<key>` by a hash of the
 * key so that no directory grows large. Every file is encrypted with AES-256-GCM under the register's
 * encryption key, bound to its storage key, so the disk never holds a file in plain text (DESIGN.md principle
 * 6). A write goes to `.tmp/` first and is renamed into place, so a crash never leaves half a file under a key.
 */
export class DiskFileStore implements FileStore {
  constructor(
    readonly root: string,
    private readonly vault: HetuVault,
  ) {
    mkdirSync(join(root, TEMP_DIR), { recursive: true, mode: 0o700 });
    this.removeStaleTemporaries();
  }

  private pathOf(key: string): string {
    const h = createHash('sha256').update(checkKey(key)).digest('hex');
    return join(this.root, h.slice(0, 2), h.slice(2, 4), key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const sealed = this.vault.encryptBytes(bytes, Buffer.from(key));
    const temp = join(this.root, TEMP_DIR, `${key}.${randomBytes(6).toString('hex')}`);
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(sealed);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<Buffer> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredFileMissing(key);
      throw e;
    }
    return this.vault.decryptBytes(sealed, Buffer.from(key));
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const a of await readdir(this.root)) {
      if (a === TEMP_DIR || !/^[0-9a-f]{2}$/.test(a)) continue;
      for (const b of await readdir(join(this.root, a)).catch(() => [] as string[])) {
        for (const key of await readdir(join(this.root, a, b)).catch(() => [] as string[])) {
          if (KEY_RE.test(key)) yield key;
        }
      }
    }
  }

  private removeStaleTemporaries(): void {
    const dir = join(this.root, TEMP_DIR);
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      try {
        if (statSync(file).mtimeMs < cutoff) rmSync(file, { force: true });
      } catch {
        // gone already
      }
    }
  }
}
