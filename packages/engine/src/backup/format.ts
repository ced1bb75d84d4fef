import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { LupausError } from '@lupaus/core';

/**
 * The backup file (issue 8; the hetu stays encrypted under the register's keys, R2.1): one portable, logical format for PGlite and PostgreSQL.
 *
 * ```
 * LUPAUS-BACKUP\n
 * {"format":1,"kdf":{"name":"scrypt","N":32768,"r":8,"p":1,"salt":"…"},"nonce":"…","check":"…"}\n   ← the preamble
 * chunk*                                                                                            ← AES-256-GCM
 * ```
 *
 * The preamble is in clear (it holds no data: the key derivation's parameters and salt, the nonce prefix and a key
 * check) and is the additional authenticated data of every chunk, so changing it fails every chunk. The key is
 * scrypt of the passphrase (64 bytes: the AES key, then a key whose hash is the `check`, so that a wrong passphrase
 * is told apart from a damaged file). Each chunk is `u32 length (top bit: last chunk) | ciphertext | tag`, at most
 * 64 KiB of plaintext, its nonce the prefix, the chunk's number and the last-chunk flag: a chunk moved, dropped or
 * repeated fails, a file cut short lacks its last chunk. The plaintext is gzip of lines, each led by its kind:
 *
 * - `H{…}` the header: format, schema version (the migrations), creation time, backend, the register's definition,
 *   the key fingerprint, the erasure journal's position;
 * - `T{"table":…,"columns":[…]}`, then `R{…}` one row as the database prints it (`row_to_json`, UTC), then
 *   `E{"table":…,"rows":n,"sha256":…}` its count and the SHA-256 of its rows' texts, each followed by `\n`;
 * - `F{"key":…,"bytes":n,"sha256":…}` a stored file's bytes follow as `B` lines of base64;
 * - `M{…}` the manifest, last: every table's count and checksum, the files.
 *
 * Memory stays constant: pages of rows go through gzip and the cipher as they are read, and a restore reads the
 * same way.
 */
export const BACKUP_MAGIC = 'LUPAUS-BACKUP';
export const BACKUP_FORMAT = 1;
const CHUNK = 64 * 1024;
const LAST = 0x8000_0000;
const TAG = 16;
/** scrypt's cost: about 0.1 s and 32 MiB to derive a key, for every guess of a passphrase too. */
const KDF = { name: 'scrypt', N: 32768, r: 8, p: 1 } as const;
export const MIN_PASSPHRASE_LENGTH = 12;

export interface Preamble {
  format: number;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  nonce: string;
  check: string;
}

export interface BackupKey {
  key: Buffer;
  check: Buffer;
}

function derive(passphrase: string, kdf: Preamble['kdf']): BackupKey {
  const out = scryptSync(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 64, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 256 * kdf.N * kdf.r,
  });
  const check = createHmac('sha256', out.subarray(32)).update('lupaus backup key check').digest();
  return { key: out.subarray(0, 32), check: check.subarray(0, 16) };
}

/** Refuses a passphrase too short to be one (the backup's only protection once it leaves the machine). */
export function checkPassphrase(passphrase: string | undefined, at = 'passphrase'): string {
  if (passphrase === undefined || passphrase.length === 0) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      {
        at,
        message:
          'a backup is encrypted with a passphrase: set LUPAUS_BACKUP_PASSPHRASE or give --passphrase-file',
      },
    ]);
  }
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at, message: `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long` },
    ]);
  }
  return passphrase;
}

/** A new preamble and key for a backup being written. */
export function newPreamble(passphrase: string): { preamble: Buffer; key: BackupKey; nonce: Buffer } {
  const kdf = { ...KDF, salt: randomBytes(16).toString('base64') };
  const key = derive(passphrase, kdf);
  const nonce = randomBytes(7);
  const p: Preamble = {
    format: BACKUP_FORMAT,
    kdf,
    nonce: nonce.toString('base64'),
    check: key.check.toString('base64'),
  };
  return { preamble: Buffer.from(`${BACKUP_MAGIC}\n${JSON.stringify(p)}\n`), key, nonce };
}

export function invalidBackup(file: string, message: string): LupausError {
  return new LupausError('BACKUP_INVALID', { file }, [{ at: file, message }]);
}

/**
 * Reads a backup's preamble and derives its key: a file that is no backup, of an unknown format, or a wrong
 * passphrase is refused here, before anything is read further or changed.
 */
export function openPreamble(
  file: string,
  passphrase: string,
): { preamble: Buffer; key: BackupKey; nonce: Buffer; offset: number } {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.subarray(0, n);
  const first = text.indexOf(10);
  const second = first < 0 ? -1 : text.indexOf(10, first + 1);
  if (first < 0 || text.subarray(0, first).toString() !== BACKUP_MAGIC || second < 0) {
    throw invalidBackup(file, 'this is not a Lupaus backup (its first line is not LUPAUS-BACKUP)');
  }
  let p: Preamble;
  try {
    p = JSON.parse(text.subarray(first + 1, second).toString()) as Preamble;
  } catch {
    throw invalidBackup(file, 'the backup’s preamble is damaged');
  }
  if (p.format !== BACKUP_FORMAT) {
    throw invalidBackup(
      file,
      `the backup is of format ${String(p.format)}; this program reads format ${BACKUP_FORMAT}`,
    );
  }
  if (
    p.kdf?.name !== 'scrypt' ||
    !Number.isInteger(p.kdf.N) ||
    p.kdf.N > 1 << 20 ||
    p.kdf.r > 32 ||
    p.kdf.p > 16
  ) {
    throw invalidBackup(file, 'the backup’s key derivation is unknown or damaged');
  }
  const key = derive(passphrase, p.kdf);
  const check = Buffer.from(p.check ?? '', 'base64');
  if (check.length !== key.check.length || !timingSafeEqual(check, key.check)) {
    throw new LupausError('BACKUP_INVALID', { file }, [
      { at: 'passphrase', message: 'the passphrase is not the one this backup was made with' },
    ]);
  }
  return {
    preamble: text.subarray(0, second + 1),
    key,
    nonce: Buffer.from(p.nonce, 'base64'),
    offset: second + 1,
  };
}

function nonceOf(prefix: Buffer, index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 7);
  n.writeUInt32BE(index, 7);
  n[11] = last ? 1 : 0;
  return n;
}

/** Cuts plaintext into chunks and seals each (see the format above); the last chunk is sealed at the end. */
export class EncryptStream extends Transform {
  private buffered: Buffer[] = [];
  private size = 0;
  private index = 0;

  constructor(
    private readonly key: BackupKey,
    private readonly nonce: Buffer,
    private readonly aad: Buffer,
  ) {
    super();
  }

  private seal(plain: Buffer, last: boolean): Buffer {
    const c = createCipheriv('aes-256-gcm', this.key.key, nonceOf(this.nonce, this.index++, last));
    c.setAAD(this.aad);
    const body = Buffer.concat([c.update(plain), c.final()]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE((plain.length | (last ? LAST : 0)) >>> 0);
    return Buffer.concat([head, body, c.getAuthTag()]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buffered.push(chunk);
    this.size += chunk.length;
    // Keep at least one byte back, so that the last chunk is sealed as the last one in _flush.
    while (this.size > CHUNK) {
      const all = Buffer.concat(this.buffered);
      this.push(this.seal(all.subarray(0, CHUNK), false));
      this.buffered = [all.subarray(CHUNK)];
      this.size = all.length - CHUNK;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(this.seal(Buffer.concat(this.buffered), true));
    done();
  }
}

/** Opens and checks each chunk; anything altered, reordered, cut short or appended is an error (BACKUP_INVALID). */
export class DecryptStream extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;
  private ended = false;

  constructor(
    private readonly file: string,
    private readonly key: BackupKey,
    private readonly nonce: Buffer,
    private readonly aad: Buffer,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      for (;;) {
        if (this.pending.length < 4) break;
        const head = this.pending.readUInt32BE(0);
        const last = (head & LAST) !== 0;
        const len = head & ~LAST;
        if (this.ended) throw invalidBackup(this.file, 'the backup has bytes after its last chunk');
        if (len > CHUNK)
          throw invalidBackup(this.file, `chunk ${this.index} is damaged (its length is wrong)`);
        if (this.pending.length < 4 + len + TAG) break;
        const d = createDecipheriv('aes-256-gcm', this.key.key, nonceOf(this.nonce, this.index, last));
        d.setAAD(this.aad);
        d.setAuthTag(this.pending.subarray(4 + len, 4 + len + TAG));
        let plain: Buffer;
        try {
          plain = Buffer.concat([d.update(this.pending.subarray(4, 4 + len)), d.final()]);
        } catch {
          throw invalidBackup(this.file, `chunk ${this.index} of the backup was altered or is out of place`);
        }
        this.index++;
        this.pending = this.pending.subarray(4 + len + TAG);
        if (last) this.ended = true;
        this.push(plain);
      }
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.ended || this.pending.length > 0) {
      done(invalidBackup(this.file, 'the backup is cut short: its last chunk is missing'));
      return;
    }
    done();
  }
}

/** Splits a stream of text into lines (without the `\n`), pulling one chunk at a time. */
export async function* linesOf(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) yield p;
  }
  if (rest !== '') yield rest;
}

/** A running SHA-256 over a table's row texts, each followed by `\n`. */
export class RowsChecksum {
  private readonly h = createHash('sha256');
  rows = 0;
  add(row: string): void {
    this.h.update(row);
    this.h.update('\n');
    this.rows++;
  }
  digest(): string {
    return this.h.digest('hex');
  }
}

/** The header line of a backup. */
export interface BackupHeader {
  format: number;
  createdAt: string;
  /** The backend the backup was made from. */
  source: 'pglite' | 'postgres';
  /** The migrations applied when it was made; the last one is the schema version. */
  migrations: string[];
  schemaVersion: string;
  /** The register's definition (register.yaml) as it was. */
  definition: string;
  /** HMAC of a constant under the register's lookup key: the restore checks it has the same keys. */
  keyFingerprint: string;
  /** A constant sealed with the register's encryption key: the restore checks it can open it. */
  keyCheck: string;
  /** Where the erasure journal stood before the backup's snapshot was taken. */
  journal: { id: string; offset: number } | null;
}

export interface BackupManifest {
  tables: { table: string; rows: number; sha256: string }[];
  files: { count: number; bytes: number; missing: string[] };
}

/** What a register's keys look like from outside: they cannot be read back from it. */
export function keyFingerprint(lookupKey: Buffer): string {
  return createHmac('sha256', lookupKey).update('lupaus backup key fingerprint').digest('hex').slice(0, 32);
}
