import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerDatabase, TEST_DATABASE_URL } from '@lupaus/db/testing';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../audit/verify-audit';
import type { Register } from '../context';
import { KEY_FILE } from '../crypto/keys';
import { erasePerson } from '../erasure/erase-person';
import { attachFile } from '../files/attach-file';
import { getFile } from '../files/get-file';
import { createPerson } from '../persons/create-person';
import { createRecord } from '../records/create-record';
import { initRegister, openRegister } from '../register/open-register';
import { rejection, TEST_ADMIN } from '../testing';
import { createBackup } from './create-backup';
import { JOURNAL_FILE, readJournal } from './erasure-journal';
import { restoreBackup } from './restore-backup';

/**
 * Backup and restore (issue 8) on real data directories: PGlite on disk, or databases made on the server named by
 * LUPAUS_TEST_DATABASE_URL (then the backups also cross from PGlite to PostgreSQL and back).
 */
const PASSPHRASE = 'correct horse battery staple backup';
const dirs: string[] = [];
const databases: { drop(): Promise<void> }[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lupaus-backup-'));
  dirs.push(d);
  return d;
}

/** A new, empty database on the test server (none without one: PGlite in the data directory). */
async function newDatabase(): Promise<string | undefined> {
  if (!TEST_DATABASE_URL) return undefined;
  const database = await createServerDatabase('lupaus_backup');
  databases.push(database);
  return database.url;
}

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const d of databases) await d.drop();
});

async function fill(reg: Register): Promise<{ a: string; b: string; fileId: string; recording: Buffer }> {
  const a = (
    await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Aino', last_name: 'Aaltonen', email: 'aino@example.fi', phone: '040 123 4567' },
    })
  ).id;
  const b = (
    await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Bertta', last_name: 'Björk', email: 'bertta@example.fi' },
    })
  ).id;
  const rec = await createRecord(reg, TEST_ADMIN, b, {
    kind: 'call_recordings',
    source: 'transactions',
    fields: { called_at: '2024-05-01T09:00:00Z' },
  });
  const recording = randomBytes(150_000);
  const file = await attachFile(reg, TEST_ADMIN, rec.id, 'call_recording', {
    name: 'call.wav',
    mediaType: 'audio/wav',
    bytes: recording,
  });
  return { a, b, fileId: file.id, recording };
}

async function tableCounts(reg: Register): Promise<Record<string, number>> {
  const r = await sql<{ t: string; n: number }>`select relname as t,
      (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I', relname), false, true, '')))[1]::text::int as n
    from pg_class c join pg_namespace s on s.oid = c.relnamespace
    where s.nspname = current_schema() and c.relkind = 'r' and relname not like 'kysely%' order by relname`.execute(
    reg.db,
  );
  return Object.fromEntries(r.rows.map((x) => [x.t, x.n]));
}

/** A register in a new data directory with the same keys as `from` (restore needs them), no definition yet. */
function dataDirWithKeysOf(from: string): string {
  const d = tempDir();
  copyFileSync(join(from, KEY_FILE), join(d, KEY_FILE));
  return d;
}

describe('issue 8 backup and restore', () => {
  it('issue 8 R6.4 a restore gives an identical register (row counts, checksums, files, audit chain)' +
    (TEST_DATABASE_URL ? ': PGlite → PostgreSQL → PGlite' : ' on PGlite'), async () => {
    // The source is PGlite on disk; with a server, its backup goes into PostgreSQL and that one's back to PGlite.
    const d1 = tempDir();
    await initRegister({ dataDir: d1, example: '003-auntie' });
    const src = await openRegister({ dataDir: d1 });
    let backup1: Awaited<ReturnType<typeof createBackup>>;
    let counts: Record<string, number>;
    let filled: Awaited<ReturnType<typeof fill>>;
    try {
      filled = await fill(src);
      backup1 = await createBackup(src, TEST_ADMIN, { file: join(d1, 'one.backup'), passphrase: PASSPHRASE });
      counts = await tableCounts(src);
    } finally {
      await src.close();
    }
    expect(backup1.schemaVersion).toMatch(/^\d{4}-/);
    expect(backup1.manifest.tables.find((t) => t.table === 'persons')?.rows).toBe(2);
    expect(backup1.manifest.files).toMatchObject({ count: 1, missing: [] });
    // Nothing of the register in clear in the file (it is encrypted).
    const bytes = readFileSync(backup1.file);
    for (const s of ['Aaltonen', 'aino@example.fi', 'persons', 'audit_log'])
      expect(bytes.includes(s)).toBe(false);

    const targets: { url: string | undefined }[] = TEST_DATABASE_URL
      ? [{ url: await newDatabase() }, { url: undefined }]
      : [{ url: undefined }];
    let file = backup1.file;
    let expected = backup1.manifest.tables;
    for (const t of targets) {
      const d = dataDirWithKeysOf(d1);
      const report = await restoreBackup({ dataDir: d, databaseUrl: t.url, file, passphrase: PASSPHRASE });
      expect(report.target).toBe(t.url ? 'postgres' : 'pglite');
      expect(report.definition).toBe('written');
      expect(report.tables).toEqual(expected);
      expect(report.files).toMatchObject({ restored: 1, missing: [] });
      expect(report.replayed).toMatchObject({ erased: [], notPresent: [], failed: [] });
      const reg = await openRegister({ dataDir: d, databaseUrl: t.url });
      try {
        const now = await tableCounts(reg);
        // The same rows, plus the audit rows of the backup's and restore's own records.
        expect({ ...now, audit_log: 0 }).toEqual({ ...counts, audit_log: 0 });
        expect(now.audit_log).toBeGreaterThan(counts.audit_log!);
        const v = await verifyAudit(reg, TEST_ADMIN);
        expect(v.problems).toEqual([]);
        expect(v.ok).toBe(true);
        expect((await getFile(reg, TEST_ADMIN, filled.fileId)).bytes.equals(filled.recording)).toBe(true);
        // The next backup of the restored register: the one for the next hop.
        const again = await createBackup(reg, TEST_ADMIN, {
          file: join(d, 'again.backup'),
          passphrase: PASSPHRASE,
        });
        for (const m of backup1.manifest.tables) {
          if (m.table === 'audit_log') continue;
          expect(again.manifest.tables.find((x) => x.table === m.table)).toEqual(m);
        }
        file = again.file;
        expected = again.manifest.tables;
      } finally {
        await reg.close();
      }
    }
  }, 300_000);

  it('issue 8 R4.4 an erasure after the backup stays done after its restore; other later changes are gone', async () => {
    const d = tempDir();
    const url = await newDatabase();
    await initRegister({ dataDir: d, example: '003-auntie', databaseUrl: url });
    let reg = await openRegister({ dataDir: d, databaseUrl: url });
    let a: string;
    let b: string;
    let c: string;
    let backup: Awaited<ReturnType<typeof createBackup>>;
    try {
      ({ a, b } = await fill(reg));
      backup = await createBackup(reg, TEST_ADMIN, { file: join(d, 'b.backup'), passphrase: PASSPHRASE });
      await erasePerson(reg, TEST_ADMIN, { personId: a });
      c = (
        await createPerson(reg, TEST_ADMIN, {
          source: 'subject',
          fields: { first_name: 'Cecilia', last_name: 'C' },
        })
      ).id;
    } finally {
      await reg.close();
    }
    const journal = readJournal(d, backup.journal!.offset).entries;
    expect(journal).toEqual([expect.objectContaining({ kind: 'erase', person: a })]);
    expect(JSON.stringify(journal)).not.toContain('Aino');
    // The crash window: the erasure committed, its journal line never written. The restore catches it up from
    // the replaced register's audit trail before replacing it.
    truncateSync(join(d, JOURNAL_FILE), backup.journal!.offset);

    // A register that holds data is not replaced without --force; nothing changes.
    const refused = await rejection(
      restoreBackup({ dataDir: d, databaseUrl: url, file: backup.file, passphrase: PASSPHRASE }),
    );
    expect(refused.code).toBe('RESTORE_REFUSED');
    expect(refused.problems[0]?.message).toMatch(/holds data.*--force/);

    const report = await restoreBackup({
      dataDir: d,
      databaseUrl: url,
      file: backup.file,
      passphrase: PASSPHRASE,
      force: true,
    });
    expect(report.replayed.journalMatched).toBe(true);
    expect(report.replayed.erased).toEqual([{ person: a, mode: 'erase', state: 'completed' }]);
    reg = await openRegister({ dataDir: d, databaseUrl: url });
    try {
      const ids = (await sql<{ id: string }>`select id from persons order by id`.execute(reg.db)).rows.map(
        (r) => r.id,
      );
      expect(ids).toContain(b);
      expect(ids).not.toContain(a); // erased after the backup: stays erased
      expect(ids).not.toContain(c); // made after the backup: gone with the restore
      const audit = await sql<{
        action: string;
        person_id: string | null;
      }>`select action, person_id from audit_log
        where action in ('erase', 'restore') order by id`.execute(reg.db);
      expect(audit.rows).toEqual([
        { action: 'restore', person_id: null },
        { action: 'erase', person_id: a },
      ]);
      expect((await verifyAudit(reg, TEST_ADMIN)).ok).toBe(true);
    } finally {
      await reg.close();
    }
    // A second restore of the same backup erases A again (the journal still says so) and reports it.
    const twice = await restoreBackup({
      dataDir: d,
      databaseUrl: url,
      file: backup.file,
      passphrase: PASSPHRASE,
      force: true,
    });
    expect(twice.replayed.erased.map((e) => e.person)).toEqual([a]);
  }, 300_000);

  it('issue 8 R2.1 a wrong passphrase, a tampered or truncated backup: a clear error and nothing changed', async () => {
    const d1 = tempDir();
    const url = await newDatabase();
    await initRegister({ dataDir: d1, example: '003-auntie', databaseUrl: url });
    const reg = await openRegister({ dataDir: d1, databaseUrl: url });
    let file: string;
    try {
      await fill(reg);
      file = (await createBackup(reg, TEST_ADMIN, { file: join(d1, 'x.backup'), passphrase: PASSPHRASE }))
        .file;
      // A short passphrase is refused, and an existing file is never overwritten.
      expect(
        (await rejection(createBackup(reg, TEST_ADMIN, { file: join(d1, 'y'), passphrase: 'short' }))).code,
      ).toBe('VALIDATION_FAILED');
      expect((await rejection(createBackup(reg, TEST_ADMIN, { file, passphrase: PASSPHRASE }))).code).toBe(
        'CONFLICT',
      );
    } finally {
      await reg.close();
    }
    const target = dataDirWithKeysOf(d1);
    const restore = (f: string, passphrase = PASSPHRASE) =>
      rejection(restoreBackup({ dataDir: target, file: f, passphrase }));
    const wrong = await restore(file, 'another passphrase of length');
    expect(wrong.code).toBe('BACKUP_INVALID');
    expect(wrong.problems[0]).toMatchObject({
      at: 'passphrase',
      message: expect.stringMatching(/not the one/),
    });

    const original = readFileSync(file);
    const tampered = Buffer.from(original);
    tampered[Math.floor(tampered.length * 0.6)]! ^= 0x01;
    writeFileSync(join(target, 'tampered.backup'), tampered);
    const t = await restore(join(target, 'tampered.backup'));
    expect(t.code).toBe('BACKUP_INVALID');
    expect(t.problems[0]?.message).toMatch(/altered|out of place/);

    writeFileSync(join(target, 'short.backup'), original.subarray(0, Math.floor(original.length * 0.8)));
    const s = await restore(join(target, 'short.backup'));
    expect(s.code).toBe('BACKUP_INVALID');
    expect(s.problems[0]?.message).toMatch(/cut short/);

    // Other keys than the backup's: refused before anything is read.
    const otherKeys = tempDir();
    await initRegister({ dataDir: otherKeys, example: '003-auntie' });
    const k = await rejection(
      restoreBackup({ dataDir: otherKeys, file, passphrase: PASSPHRASE, force: true }),
    );
    expect(k.code).toBe('RESTORE_REFUSED');
    expect(k.problems[0]?.at).toBe('keys');

    // Nothing was made in the target: no database, no files, no definition.
    for (const name of ['pgdata', 'pgdata.restoring', 'files', 'files.restoring', 'register.yaml']) {
      expect(existsSync(join(target, name)), name).toBe(false);
    }
  }, 300_000);
});
