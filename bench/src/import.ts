import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { emailKey, parsePhone } from '@lupaus/core';
import { type Actor, initRegister, openRegister, type Register } from '@lupaus/engine';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { type Backend, createBenchDatabase, type Measurement } from './persons';
import { CSV_COLUMNS, type PersonsCsv, writePersonsCsv } from './persons-csv';

/**
 * P1, the import benchmark (R2.8): N persons from a CSV file with K deliberately broken rows through
 * `importPersons`, checked (every broken line reported, every good row a person), against the same good rows by
 * raw batched multi-row INSERTs into the same tables on a fresh database of the same backend.
 *
 * The register lives in a data directory (`lupaus init` of 003-auntie: PGlite on disk in `<dir>/pgdata`, or a
 * fresh database on the server), so that the later suites (search, segment, API, memory of `lupaus serve`) run on
 * the database the import filled.
 *
 * @example
 * ```ts
 * const reg = await openDataDirRegister({ backend: 'pglite' });
 * const r = await benchImport(reg, { persons: 100_000, broken: 300, seed: 1, workDir: reg.dataDir });
 * ```
 */
export const SCALE_EXAMPLE = '003-auntie';
export const IMPORT_SOURCE = 'subject';
export const BENCH_ACTOR: Actor = { id: 'bench', roles: ['administrator'], commitmentSigned: true };

/** A register in a data directory of its own (temporary), with what `lupaus serve` needs to open it again. */
export interface DataDirRegister {
  reg: Register;
  backend: Backend;
  dataDir: string;
  /** The server database of the register (postgres), or undefined (PGlite in `<dataDir>/pgdata`). */
  databaseUrl: string | undefined;
  /** Opens the register again (after `closeRegister`). */
  reopen(): Promise<Register>;
  /** Closes the register, keeping its data (for another process to open it). */
  closeRegister(): Promise<void>;
  /** Closes it and removes the data directory and the server database. */
  dispose(): Promise<void>;
}

/** `lupaus init --example 003-auntie` in a temporary data directory (on a fresh server database for postgres). */
export async function openDataDirRegister(opts: {
  backend: Backend;
  databaseUrl?: string | undefined;
}): Promise<DataDirRegister> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lupaus-bench-'));
  const database =
    opts.backend === 'postgres'
      ? await createBenchDatabase(
          opts.databaseUrl ??
            (() => {
              throw new Error('the postgres backend needs a database URL');
            })(),
        )
      : undefined;
  const databaseUrl = database?.url;
  let open: Register | null = null;
  const handle: DataDirRegister = {
    get reg() {
      if (!open) throw new Error('the register is closed');
      return open;
    },
    backend: opts.backend,
    dataDir,
    databaseUrl,
    reopen: async () => {
      if (!open) open = await openRegister({ dataDir, databaseUrl });
      return open;
    },
    closeRegister: async () => {
      const r = open;
      open = null;
      await r?.close();
    },
    dispose: async () => {
      try {
        await handle.closeRegister();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        await database?.drop();
      }
    },
  };
  try {
    await initRegister({ dataDir, example: SCALE_EXAMPLE, databaseUrl });
    await handle.reopen();
  } catch (e) {
    await handle.dispose();
    throw e;
  }
  return handle;
}

// The shape of helper A's use case (packages/engine/src/imports/import-persons.ts), taken at run time so that
// this suite builds before it lands.
interface ImportProblem {
  line: number;
  column: string | null;
  reason: string;
}
interface ImportReport {
  runId: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  problems: ImportProblem[];
}
type ImportPersons = (
  reg: Register,
  actor: Actor,
  input: {
    input: string | AsyncIterable<string | Buffer>;
    source: string;
    fileName?: string;
    onProblem?: (p: ImportProblem) => void;
    onProgress?: (p: { rows: number; bytes: number }) => void;
  },
) => Promise<ImportReport>;

/** `importPersons` of the engine, or null while it is not there yet. */
export async function findImportPersons(): Promise<ImportPersons | null> {
  const engine = (await import('@lupaus/engine')) as unknown as { importPersons?: ImportPersons };
  return typeof engine.importPersons === 'function' ? engine.importPersons : null;
}

export async function countPersons(reg: Register): Promise<number> {
  const r = await sql<{ n: string | number }>`select count(*) as n from persons`.execute(reg.db);
  return Number(r.rows[0]!.n);
}

export interface ImportCheck {
  rows: number;
  created: number;
  rejected: number;
  /** Broken lines the import did not report (must be none). */
  missedLines: number[];
  /** Good lines the import reported as problems (must be none). */
  wrongLines: number[];
  persons: number;
}

/**
 * Throws, saying what is wrong, unless every broken line was reported, no good line was, and every good row is a
 * person.
 */
export function assertImportOutcome(csv: PersonsCsv, c: ImportCheck): void {
  const wrong: string[] = [];
  if (c.missedLines.length > 0)
    wrong.push(
      `${c.missedLines.length} broken lines not reported (first ${c.missedLines.slice(0, 5).join(', ')})`,
    );
  if (c.wrongLines.length > 0)
    wrong.push(
      `${c.wrongLines.length} good lines reported as bad (first ${c.wrongLines.slice(0, 5).join(', ')})`,
    );
  if (c.rows !== csv.rows) wrong.push(`${c.rows} rows read of ${csv.rows}`);
  if (c.rejected !== csv.broken.length) wrong.push(`${c.rejected} rejected, not ${csv.broken.length}`);
  if (c.created !== csv.persons) wrong.push(`${c.created} created, not ${csv.persons}`);
  if (c.persons !== csv.persons) wrong.push(`${c.persons} persons in the register, not ${csv.persons}`);
  if (wrong.length > 0) throw new Error(`the import benchmark failed its check: ${wrong.join('; ')}`);
}

/** The use case: `importPersons` of the whole file, timed, then checked. */
async function importThroughUseCase(
  reg: Register,
  csv: PersonsCsv,
  importPersons: ImportPersons,
  log: (line: string) => void,
): Promise<{ seconds: number; check: ImportCheck; runId: string }> {
  const reported = new Set<number>();
  let lastLog = performance.now();
  const started = performance.now();
  const report = await importPersons(reg, BENCH_ACTOR, {
    input: createReadStream(csv.file),
    source: IMPORT_SOURCE,
    fileName: 'persons.csv',
    onProblem: (p) => reported.add(p.line),
    onProgress: (p) => {
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  … ${p.rows} rows in ${((lastLog - started) / 1000).toFixed(0)} s`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const brokenLines = new Set(csv.broken.map((b) => b.line));
  const check: ImportCheck = {
    rows: report.rows,
    created: report.created,
    rejected: report.rejected,
    missedLines: [...brokenLines].filter((l) => !reported.has(l)),
    wrongLines: [...reported].filter((l) => !brokenLines.has(l)),
    persons: await countPersons(reg),
  };
  return { seconds, check, runId: report.runId };
}

/**
 * The raw baseline: the same file read line by line (its cells hold no quotes or commas), the broken lines
 * skipped by number, the good rows by multi-row INSERTs (`batchSize` persons a statement and a transaction) into
 * persons, person_emails, person_phones and person_addresses: the hetu encrypted and hashed by the vault, the
 * phone in E.164, the email's key, gender and language in the attributes. No validation, matching, provenance or
 * audit.
 */
export async function importRaw(reg: Register, csv: PersonsCsv, batchSize = 1000): Promise<number> {
  const col = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, i])) as Record<
    (typeof CSV_COLUMNS)[number],
    number
  >;
  const skip = new Set(csv.broken.map((b) => b.line));
  const started = performance.now();
  let batch: string[][] = [];
  const write = async () => {
    const now = new Date();
    const persons = batch.map((r) => ({
      id: uuidv7(),
      customer_number: r[col.customer_number]!,
      first_name: r[col.first_name]!,
      last_name: r[col.last_name]!,
      nickname: r[col.nickname] || null,
      search_name: [r[col.first_name], r[col.last_name], r[col.nickname]]
        .filter(Boolean)
        .join(' ')
        .toLowerCase(),
      hetu_cipher: reg.vault.encrypt(r[col.hetu]!),
      hetu_lookup: reg.vault.lookup(r[col.hetu]!),
      attributes: JSON.stringify({ gender: r[col.gender], language: r[col.language] }),
      created_at: now,
      updated_at: now,
      created_by: BENCH_ACTOR.id,
      updated_by: BENCH_ACTOR.id,
    }));
    await reg.db.transaction().execute(async (tx) => {
      await tx.insertInto('persons').values(persons).execute();
      await tx
        .insertInto('person_emails')
        .values(
          batch.map((r, i) => ({
            id: uuidv7(),
            person_id: persons[i]!.id,
            position: 0,
            value: r[col.email]!,
            value_key: emailKey(r[col.email]!),
          })),
        )
        .execute();
      await tx
        .insertInto('person_phones')
        .values(
          batch.map((r, i) => {
            const p = parsePhone(r[col.phone]!);
            return {
              id: uuidv7(),
              person_id: persons[i]!.id,
              position: 0,
              value: p.ok ? p.value : r[col.phone]!,
            };
          }),
        )
        .execute();
      await tx
        .insertInto('person_addresses')
        .values(
          batch.map((r, i) => ({
            id: uuidv7(),
            person_id: persons[i]!.id,
            position: 0,
            street: r[col['address.street']]!,
            po_box: null,
            postal_code: r[col['address.postalCode']]!,
            city: r[col['address.city']]!,
            country: r[col['address.country']]!,
          })),
        )
        .execute();
    });
    batch = [];
  };
  let line = 0;
  for await (const text of createInterface({
    input: createReadStream(csv.file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    line++;
    if (line === 1 || skip.has(line) || text === '') continue;
    batch.push(text.split(','));
    if (batch.length >= batchSize) await write();
  }
  if (batch.length > 0) await write();
  return (performance.now() - started) / 1000;
}

export interface ImportBenchResult {
  backend: Backend;
  persons: number;
  broken: number;
  csvBytes: number;
  /** Whether `importPersons` was there; without it the register is filled by the raw path and P1 is not measured. */
  measured: boolean;
  measurements: Measurement[];
  useCase: { seconds: number; rate: number } | null;
  /** null when the baseline was not asked for. */
  raw: { seconds: number; rate: number; batchSize: number } | null;
  check: ImportCheck | null;
}

/**
 * Writes the CSV (to `workDir`), imports it through `importPersons` into `target` (checked, else it throws), and
 * imports the good rows raw into a fresh register of the same backend. Without `importPersons` in the engine,
 * `target` is filled by the raw path instead (so that the later suites still run) and P1 reports no figure.
 */
export async function benchImport(
  target: DataDirRegister,
  opts: {
    persons: number;
    broken: number;
    seed: number;
    databaseUrl?: string | undefined;
    batchSize?: number | undefined;
    /** Whether to measure the raw baseline on a fresh database (default true; false: only fill `target`). */
    baseline?: boolean | undefined;
    log?: ((line: string) => void) | undefined;
  },
): Promise<ImportBenchResult> {
  const log = opts.log ?? (() => {});
  const backend = target.backend;
  const batchSize = opts.batchSize ?? 1000;
  const work = mkdtempSync(join(tmpdir(), 'lupaus-bench-csv-'));
  try {
    const csv = await writePersonsCsv(join(work, 'persons.csv'), {
      persons: opts.persons,
      broken: opts.broken,
      seed: opts.seed,
    });
    log(
      `${backend}: wrote ${csv.rows} rows (${csv.broken.length} broken, ${(csv.bytes / 2 ** 20).toFixed(1)} MiB)`,
    );
    const importPersons = await findImportPersons();
    let useCase: ImportBenchResult['useCase'] = null;
    let check: ImportCheck | null = null;
    if (importPersons) {
      log(`${backend}: importPersons of ${csv.rows} rows`);
      const r = await importThroughUseCase(target.reg, csv, importPersons, log);
      check = r.check;
      assertImportOutcome(csv, check);
      useCase = { seconds: r.seconds, rate: csv.persons / r.seconds };
      log(
        `${backend}: imported in ${r.seconds.toFixed(1)} s, every broken line reported, ${check.persons} persons`,
      );
    } else {
      log(
        `${backend}: importPersons is not in the engine yet: the register is filled by raw INSERTs, P1 not measured`,
      );
      await importRaw(target.reg, csv, batchSize);
      const n = await countPersons(target.reg);
      if (n !== csv.persons) throw new Error(`the raw fill stored ${n} of ${csv.persons} persons`);
    }
    await sql`analyze`.execute(target.reg.db);
    if (opts.baseline === false) {
      return {
        backend,
        persons: csv.persons,
        broken: csv.broken.length,
        csvBytes: csv.bytes,
        measured: false,
        measurements: [],
        useCase,
        raw: null,
        check,
      };
    }

    log(`${backend}: the same good rows by raw batched INSERTs (fresh database)`);
    const fresh = await openDataDirRegister({ backend, databaseUrl: opts.databaseUrl });
    let rawSeconds: number;
    try {
      rawSeconds = await importRaw(fresh.reg, csv, batchSize);
      const n = await countPersons(fresh.reg);
      if (n !== csv.persons) throw new Error(`raw INSERTs stored ${n} of ${csv.persons} persons`);
    } finally {
      await fresh.dispose();
    }
    const rawRate = csv.persons / rawSeconds;
    log(`${backend}: raw INSERTs ${rawSeconds.toFixed(1)} s`);
    return {
      backend,
      persons: csv.persons,
      broken: csv.broken.length,
      csvBytes: csv.bytes,
      measured: useCase !== null,
      measurements: useCase
        ? [
            {
              metric: 'import',
              backend,
              unit: 'persons/s',
              value: useCase.rate,
              raw: rawRate,
              ratio: useCase.rate / rawRate,
            },
            {
              metric: 'import seconds',
              backend,
              unit: 's',
              value: useCase.seconds,
              raw: rawSeconds,
              ratio: useCase.seconds / rawSeconds,
            },
          ]
        : [],
      useCase,
      raw: { seconds: rawSeconds, rate: rawRate, batchSize },
      check,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
