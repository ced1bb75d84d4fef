import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LupausError } from '@lupaus/core';
import {
  appliedMigrations,
  type BackupTable,
  type DatabaseHandle,
  type Executor,
  emptyTables,
  insertAudit,
  insertTableRows,
  listBackupTables,
  MIGRATION_NAMES,
  migrate,
  migrateUpTo,
  openDatabase,
  openDatabaseUnmigrated,
  printInUtc,
  readTablePage,
  registerHoldsData,
  resetIdentities,
} from '@lupaus/db';
import { sql } from 'kysely';
import { type Actor, type Clock, systemClock } from '../context';
import { loadKeys } from '../crypto/keys';
import { HetuVault } from '../crypto/vault';
import { runErasure, scrubErasedData } from '../erasure/erase-person';
import { DiskFileStore } from '../files/file-store';
import { DEFINITION_FILE, FILES_DIR, openRegister, PGLITE_DIR } from '../register/open-register';
import { runRetention } from '../retention/run-retention';
import { KEY_CHECK_AAD } from './create-backup';
import {
  appendErasureJournal,
  type JournalEntry,
  markJournalReconciled,
  readJournal,
  reconcileErasureJournal,
} from './erasure-journal';
import {
  type BackupHeader,
  type BackupManifest,
  checkPassphrase,
  DecryptStream,
  invalidBackup,
  keyFingerprint,
  linesOf,
  openPreamble,
  RowsChecksum,
} from './format';

export interface RestoreBackupInput {
  /** The register's data directory (its keys, register.yaml, PGlite's data, files, the erasure journal). */
  dataDir: string;
  /** A PostgreSQL server to restore into; PGlite in `<dataDir>/pgdata` when omitted. */
  databaseUrl?: string | undefined;
  file: string;
  passphrase: string;
  /** Replace a register that holds data (persons, organisations or users). */
  force?: boolean | undefined;
  /** Who restores (the audit rows of the restore and its replayed erasures name them). */
  actorId?: string | undefined;
  clock?: Clock | undefined;
}

export interface RestoreReport {
  file: string;
  backupCreatedAt: string;
  source: 'pglite' | 'postgres';
  target: 'pglite' | 'postgres';
  schemaVersion: string;
  tables: { table: string; rows: number; sha256: string }[];
  files: { restored: number; bytes: number; missing: string[] };
  definition: 'written' | 'same' | 'differs';
  replayed: {
    /** Whether the backup's journal position was in this data directory's journal (else: by time). */
    journalMatched: boolean;
    entries: number;
    erased: { person: string; mode: 'erase' | 'anonymise'; state: 'completed' | 'blocked' }[];
    notPresent: string[];
    failed: { person: string; message: string }[];
    retentionRuns: string[];
  };
}

const BATCH_ROWS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

function refused(at: string, message: string, details: Record<string, unknown> = {}): LupausError {
  return new LupausError('RESTORE_REFUSED', details, [{ at, message }]);
}

/**
 * Restores a backup made by `createBackup` (issue 8) into a register's data directory, on PGlite or on a
 * PostgreSQL server, whichever made the backup. Nothing changes unless the whole backup reads, decrypts and
 * verifies:
 *
 * 1. the passphrase, the format, the register's keys (the backup's key fingerprint and sealed check) and the
 *    schema version are checked first; a register that holds data is refused without `force`;
 * 2. the database is brought to the backup's schema version (the migrations it names), every table emptied and
 *    loaded in one transaction, its identity sequences moved past the restored ids, and every table read back
 *    and compared with the backup's row counts and checksums; then migrated to this program's version;
 *    on PGlite the data goes into a fresh data directory that is swapped in only when complete, on a server
 *    the one transaction commits only when everything matched;
 * 3. the stored files go into a fresh files directory, swapped in with the database;
 * 4. every erasure journalled after the backup was made is done again through the erasure use case (audited),
 *    and a retention run replays the sweeps done since, so that nobody erased comes back (R4.4); the database
 *    files are then scrubbed of the erased rows.
 */
export async function restoreBackup(input: RestoreBackupInput): Promise<RestoreReport> {
  const passphrase = checkPassphrase(input.passphrase);
  const file = resolve(input.file);
  if (!existsSync(file)) throw refused(file, 'no such file');
  const dataDir = resolve(input.dataDir);
  const clock = input.clock ?? systemClock;
  const actor: Actor = { id: input.actorId ?? 'system', roles: ['administrator'], commitmentSigned: true };
  const pre = openPreamble(file, passphrase);
  let keys: ReturnType<typeof loadKeys>;
  try {
    keys = loadKeys(dataDir);
  } catch (e) {
    throw refused(
      dataDir,
      `the restore needs the register's keys (keys.json in the data directory, or LUPAUS_ENCRYPTION_KEY and LUPAUS_LOOKUP_KEY): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const vault = new HetuVault(keys);

  // One pipeline: an error of any stage (a chunk that fails to open) ends the reading with that error.
  let failure: unknown;
  const stream = pipeline(
    createReadStream(file, { start: pre.offset }),
    new DecryptStream(file, pre.key, pre.nonce, pre.preamble),
    createGunzip(),
    (e) => {
      if (e) failure ??= e;
    },
  );
  const reader = linesOf(stream);
  const fail = (e: unknown) => {
    const cause = failure ?? e;
    if (cause instanceof LupausError) return cause;
    return invalidBackup(
      file,
      `the backup cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  };
  const next = async (): Promise<string | undefined> => {
    let r: IteratorResult<string>;
    try {
      r = await reader.next();
    } catch (e) {
      throw fail(e);
    }
    if (r.done && failure) throw fail(failure);
    return r.done ? undefined : r.value;
  };
  try {
    const first = await next();
    if (!first?.startsWith('H')) throw invalidBackup(file, 'the backup has no header');
    const header = JSON.parse(first.slice(1)) as BackupHeader;
    if (header.keyFingerprint !== keyFingerprint(vault.auditKey)) {
      throw refused('keys', "the backup was made with other keys than this register's (keys.json)");
    }
    try {
      vault.decryptBytes(Buffer.from(header.keyCheck, 'base64'), KEY_CHECK_AAD);
    } catch {
      throw refused(
        'keys',
        "the backup was made with another encryption key than this register's (keys.json)",
      );
    }
    const known = header.migrations.every((m, i) => MIGRATION_NAMES[i] === m);
    if (!known || !header.schemaVersion) {
      throw refused(
        'schemaVersion',
        `the backup's schema (${header.schemaVersion}) is not one this program knows: restore it with the Lupaus version that made it`,
      );
    }
    const definitionFile = join(dataDir, DEFINITION_FILE);
    if (!existsSync(definitionFile) && !header.definition) {
      throw refused(definitionFile, 'no register.yaml here and the backup holds none: run lupaus init first');
    }

    // ---- The target database: checked, loaded in one transaction, verified.
    const target = input.databaseUrl ? 'postgres' : 'pglite';
    const current = target === 'pglite' ? join(dataDir, PGLITE_DIR) : null;
    // The register that is replaced: refused if it holds data (unless forced); its erasures journalled first.
    if (target === 'postgres' || (current && existsSync(current))) {
      const h =
        target === 'postgres'
          ? await openDatabaseUnmigrated({ url: input.databaseUrl })
          : await openDatabase({ dataDir: current! });
      try {
        const applied = await appliedMigrations(h.db);
        if (applied.length > 0) {
          const holds = await registerHoldsData(h.db);
          if (holds.length > 0 && !input.force) {
            throw refused(
              target === 'postgres' ? 'DATABASE_URL' : current!,
              `the register holds data (${holds.map((x) => `${x.rows} ${x.table}`).join(', ')}): restore into a new register, or give --force to replace it`,
            );
          }
          if (
            target === 'postgres' &&
            !header.migrations.every((m, i) => applied[i] === undefined || applied[i] === m)
          ) {
            throw refused(
              'DATABASE_URL',
              'the database was migrated differently from the backup: restore into a new, empty database',
            );
          }
          if (target === 'postgres' && applied.length > header.migrations.length) {
            throw refused(
              'DATABASE_URL',
              `the database is at schema ${applied[applied.length - 1]}, newer than the backup's ${header.schemaVersion}: restore into a new, empty database (the migrations then run after the load)`,
            );
          }
          if (existsSync(definitionFile)) await reconcileErasureJournal({ dataDir, clock, db: h.db });
        }
      } finally {
        await h.close();
      }
    }
    const staging = target === 'pglite' ? `${current}.restoring` : null;
    if (staging) rmSync(staging, { recursive: true, force: true });
    const filesStaging = join(dataDir, `${FILES_DIR}.restoring`);
    rmSync(filesStaging, { recursive: true, force: true });
    const store = new DiskFileStore(filesStaging, vault);

    let report: Omit<RestoreReport, 'replayed' | 'definition'>;
    const handle: DatabaseHandle = await openDatabaseUnmigrated(
      target === 'postgres' ? { url: input.databaseUrl } : { dataDir: staging! },
    );
    try {
      await migrateUpTo(handle.db, header.schemaVersion);
      report = await handle.db.transaction().execute(async (tx) => {
        await printInUtc(tx);
        const loaded = await load(tx, file, next, store);
        await insertAudit(tx, vault.auditKey, [
          {
            at: clock.now(),
            actor: actor.id,
            action: 'restore',
            entityType: 'register',
            entityId: null,
            personId: null,
            purpose: 'security',
            details: {
              backupCreatedAt: header.createdAt,
              source: header.source,
              schemaVersion: header.schemaVersion,
              tables: loaded.manifest.tables.length,
              rows: loaded.manifest.tables.reduce((n, t) => n + t.rows, 0),
              files: loaded.files,
            },
          },
        ]);
        return {
          file,
          backupCreatedAt: header.createdAt,
          source: header.source,
          target,
          schemaVersion: header.schemaVersion,
          tables: loaded.manifest.tables,
          files: {
            restored: loaded.files,
            bytes: loaded.manifest.files.bytes,
            missing: loaded.manifest.files.missing,
          },
        };
      });
      await migrate(handle.db);
      // The audit rows are the backup's now: reconciliation of the journal starts after the last of them.
      if (existsSync(join(dataDir, 'erasures.journal')) || header.journal) {
        await markJournalReconciled({ dataDir, db: handle.db });
      }
    } catch (e) {
      await handle.close();
      if (staging) rmSync(staging, { recursive: true, force: true });
      rmSync(filesStaging, { recursive: true, force: true });
      throw e;
    }
    await handle.close();

    // ---- Swap in the new database (PGlite) and files.
    const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
    if (staging && current) swapIn(staging, current, stamp);
    swapIn(filesStaging, join(dataDir, FILES_DIR), stamp);

    let definition: RestoreReport['definition'] = 'same';
    if (!existsSync(definitionFile)) {
      writeFileSync(definitionFile, header.definition, { mode: 0o644 });
      definition = 'written';
    } else if (header.definition && readFileSync(definitionFile, 'utf8') !== header.definition) {
      definition = 'differs';
    }

    // ---- Replay the erasures journalled after the backup.
    const replayed = await replay(dataDir, input.databaseUrl, clock, actor, header);
    return { ...report, definition, replayed };
  } finally {
    stream.destroy();
  }
}

function swapIn(fresh: string, live: string, stamp: string): void {
  const old = `${live}.replaced-${stamp}`;
  if (existsSync(live)) renameSync(live, old);
  renameSync(fresh, live);
  rmSync(old, { recursive: true, force: true });
}

/** Loads the tables and files of the backup stream in the caller's transaction and verifies them. */
async function load(
  tx: Executor,
  file: string,
  next: () => Promise<string | undefined>,
  store: DiskFileStore,
): Promise<{ manifest: BackupManifest; files: number }> {
  const tables = new Map((await listBackupTables(tx)).map((t) => [t.name, t]));
  await emptyTables(tx, [...tables.values()]);
  const ends = new Map<string, { rows: number; sha256: string }>();
  let table: BackupTable | null = null;
  let sum = new RowsChecksum();
  let batch: string[] = [];
  let batchBytes = 0;
  let fileHead: { key: string; bytes: number; sha256: string } | null = null;
  let pieces: Buffer[] = [];
  let got = 0;
  let files = 0;
  let manifest: BackupManifest | null = null;
  const flush = async () => {
    if (table && batch.length > 0) await insertTableRows(tx, table, batch);
    batch = [];
    batchBytes = 0;
  };
  const storeFile = async () => {
    if (!fileHead) return;
    const bytes = Buffer.concat(pieces);
    if (
      bytes.length !== fileHead.bytes ||
      createHash('sha256').update(bytes).digest('hex') !== fileHead.sha256
    ) {
      throw invalidBackup(file, `the stored file ${fileHead.key} in the backup does not match its checksum`);
    }
    await store.put(fileHead.key, bytes);
    files += 1;
    fileHead = null;
    pieces = [];
    got = 0;
  };
  for (;;) {
    const line = await next();
    if (line === undefined) break;
    const kind = line[0];
    if (fileHead && kind !== 'B') await storeFile();
    if (kind === 'R') {
      if (!table) throw invalidBackup(file, 'a row comes before its table');
      const row = line.slice(1);
      sum.add(row);
      batch.push(row);
      batchBytes += row.length;
      if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) await flush();
    } else if (kind === 'T') {
      const t = JSON.parse(line.slice(1)) as { table: string; columns: string[] };
      const here = tables.get(t.table);
      if (!here) throw invalidBackup(file, `the backup has a table ${t.table} this schema does not`);
      if (here.columns.join(',') !== t.columns.join(',')) {
        throw invalidBackup(file, `the columns of ${t.table} differ from this schema's`);
      }
      table = here;
      sum = new RowsChecksum();
    } else if (kind === 'E') {
      await flush();
      const e = JSON.parse(line.slice(1)) as { table: string; rows: number; sha256: string };
      const digest = sum.digest();
      if (!table || e.table !== table.name || e.rows !== sum.rows || e.sha256 !== digest) {
        throw invalidBackup(file, `the rows of ${e.table} do not match their count and checksum`);
      }
      await resetIdentities(tx, table);
      ends.set(e.table, { rows: e.rows, sha256: e.sha256 });
      table = null;
    } else if (kind === 'F') {
      fileHead = JSON.parse(line.slice(1)) as { key: string; bytes: number; sha256: string };
      if (fileHead.bytes === 0) await storeFile();
    } else if (kind === 'B') {
      if (!fileHead) throw invalidBackup(file, 'file bytes come before their file');
      const b = Buffer.from(line.slice(1), 'base64');
      pieces.push(b);
      got += b.length;
      if (got >= fileHead.bytes) await storeFile();
    } else if (kind === 'M') {
      manifest = JSON.parse(line.slice(1)) as BackupManifest;
    } else {
      throw invalidBackup(file, `an unknown line in the backup ("${line.slice(0, 1)}")`);
    }
  }
  if (!manifest) throw invalidBackup(file, 'the backup is cut short: its manifest is missing');
  // Every table read back from the database and compared with the manifest: what was restored is what was saved.
  const problems: { at: string; message: string }[] = [];
  for (const m of manifest.tables) {
    const t = tables.get(m.table);
    const loaded = ends.get(m.table);
    if (!t || !loaded) {
      problems.push({ at: m.table, message: 'the manifest names a table the backup did not hold' });
      continue;
    }
    const check = new RowsChecksum();
    let after: string | null = null;
    for (;;) {
      const rows = await readTablePage(tx, t, after, 5000);
      for (const r of rows) check.add(r);
      if (rows.length < 5000) break;
      after = rows[rows.length - 1]!;
    }
    const digest = check.digest();
    if (check.rows !== m.rows || digest !== m.sha256) {
      problems.push({
        at: m.table,
        message: `restored ${check.rows} rows (checksum ${digest.slice(0, 12)}), the backup holds ${m.rows} (${m.sha256.slice(0, 12)})`,
      });
    }
  }
  for (const name of tables.keys()) {
    if (!manifest.tables.some((m) => m.table === name)) {
      const n = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(tx);
      if ((n.rows[0]?.n ?? 0) > 0) problems.push({ at: name, message: 'not in the backup, yet holds rows' });
    }
  }
  if (problems.length > 0) throw new LupausError('BACKUP_INVALID', { file }, problems);
  if (files !== manifest.files.count) {
    throw invalidBackup(
      file,
      `the backup holds ${files} stored files, its manifest says ${manifest.files.count}`,
    );
  }
  return { manifest, files };
}

/** Does again, on the restored register, every erasure journalled after the backup (R4.4). */
async function replay(
  dataDir: string,
  databaseUrl: string | undefined,
  clock: Clock,
  actor: Actor,
  header: BackupHeader,
): Promise<RestoreReport['replayed']> {
  const journal = readJournal(dataDir);
  const journalMatched = header.journal !== null && journal.id === header.journal.id;
  const entries: JournalEntry[] = journalMatched
    ? readJournal(dataDir, header.journal!.offset).entries
    : journal.entries.filter((e) => e.at >= header.createdAt);
  const wanted = entries.filter((e) => e.kind !== 'restore');
  const out: RestoreReport['replayed'] = {
    journalMatched,
    entries: wanted.length,
    erased: [],
    notPresent: [],
    failed: [],
    retentionRuns: [],
  };
  if (wanted.length === 0) {
    appendErasureJournal({ dataDir, clock }, [{ kind: 'restore', backup: header.createdAt, replayed: 0 }]);
    return out;
  }
  const reg = await openRegister({ dataDir, databaseUrl, clock });
  try {
    const persons = new Map<string, 'erase' | 'anonymise'>();
    for (const e of wanted) {
      if (e.kind === 'erase' || e.kind === 'retention-person') persons.set(e.person, 'erase');
      else if (e.kind === 'anonymise' && persons.get(e.person) !== 'erase')
        persons.set(e.person, 'anonymise');
    }
    for (const [person, mode] of persons) {
      const found = await sql<{
        n: number;
      }>`select count(*)::int as n from persons where id = ${person}`.execute(reg.db);
      if ((found.rows[0]?.n ?? 0) === 0) {
        out.notPresent.push(person);
        continue;
      }
      try {
        const r = await runErasure(reg, actor, { personId: person }, mode);
        out.erased.push({ person, mode, state: r.state });
      } catch (e) {
        out.failed.push({ person, message: e instanceof Error ? e.message : String(e) });
      }
    }
    const runs = wanted.flatMap((e) => (e.kind === 'retention-run' ? [e] : []));
    if (runs.length > 0) {
      const asOf = runs.map((r) => r.asOf).sort()[runs.length - 1]!;
      await runRetention(reg, actor, { asOf });
      out.retentionRuns = runs.map((r) => r.run);
    }
    if (out.erased.length > 0 || runs.length > 0) await scrubErasedData(reg);
    appendErasureJournal(reg, [{ kind: 'restore', backup: header.createdAt, replayed: out.erased.length }]);
    await markJournalReconciled(reg);
  } finally {
    await reg.close();
  }
  return out;
}
