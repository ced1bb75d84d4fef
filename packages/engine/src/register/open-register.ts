import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildCatalogue,
  checkSource,
  type Definition,
  formatProblem,
  LupausError,
  loadDefinition,
} from '@lupaus/core';
import { type DatabaseHandle, openDatabase } from '@lupaus/db';
import { publishCommitmentVersion } from '../accounts/publish-commitment-version';
import { reconcileErasureJournal } from '../backup/erasure-journal';
import { type Clock, type Register, SYSTEM_ACTOR, systemClock } from '../context';
import { createKeyFile, keysFromEnvironment, loadKeys, readKeyFile } from '../crypto/keys';
import { HetuVault, type Keys } from '../crypto/vault';
import { drainFileDeletions } from '../files/delete-files';
import { DiskFileStore } from '../files/file-store';
import { publishNoticeVersion } from './notice-versions';

export const DEFINITION_FILE = 'register.yaml';
export const PGLITE_DIR = 'pgdata';
export const FILES_DIR = 'files';
export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../examples');

/** The example registers shipped in `examples/` (the four seeds, completed). */
export function listExamples(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES_DIR, d.name, DEFINITION_FILE)))
    .map((d) => d.name)
    .sort();
}

/**
 * Reads and checks a definition file; a definition with any problem is refused, with every problem listed as
 * `file:line:column: message` (R1.4).
 */
export function readDefinitionFile(file: string): Definition {
  const source = readFileSync(file, 'utf8');
  const problems = checkSource(source);
  if (problems.length > 0) {
    throw new LupausError(
      'DEFINITION_INVALID',
      { file },
      problems.map((p) => ({ at: `${file}:${p.line ?? 1}:${p.column ?? 1}`, message: p.message })),
    );
  }
  // checkSource has validated it; load once more for the typed value.
  const loaded = loadDefinition(source);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => formatProblem(file, p)).join('\n'));
  return loaded.definition;
}

/** Builds a register from its parts; used by `openRegister` and by tests. */
export async function assembleRegister(parts: {
  definition: Definition;
  handle: DatabaseHandle;
  keys: Keys;
  dataDir: string;
  clock?: Clock | undefined;
}): Promise<Register> {
  const vault = new HetuVault(parts.keys);
  // A register in memory (tests) keeps its files in a fresh temporary directory, removed on close, so that
  // tests run the same disk code as a real register.
  const filesRoot = parts.dataDir
    ? join(parts.dataDir, FILES_DIR)
    : mkdtempSync(join(tmpdir(), 'lupaus-files-'));
  const removeTemporary = () => {
    if (!parts.dataDir) rmSync(filesRoot, { recursive: true, force: true });
  };
  let files: DiskFileStore;
  try {
    files = new DiskFileStore(filesRoot, vault);
  } catch (e) {
    removeTemporary();
    throw e;
  }
  const reg: Register = {
    definition: parts.definition,
    catalogue: buildCatalogue(parts.definition),
    db: parts.handle.db,
    dbKind: parts.handle.kind,
    vault,
    files,
    clock: parts.clock ?? systemClock,
    dataDir: parts.dataDir,
    close: async () => {
      try {
        await parts.handle.close();
      } finally {
        removeTemporary();
      }
    },
  };
  try {
    await publishNoticeVersion(reg, SYSTEM_ACTOR);
    await publishCommitmentVersion(reg);
    // Bytes whose records were deleted just before a crash (see delete-files.ts).
    await drainFileDeletions(reg);
    // Erasures committed just before a crash, before their journal entry was written (issue 8).
    await reconcileErasureJournal(reg);
  } catch (e) {
    removeTemporary();
    throw e;
  }
  return reg;
}

export interface OpenRegisterOptions {
  dataDir: string;
  /** PostgreSQL server; PGlite in `<dataDir>/pgdata` when omitted. */
  databaseUrl?: string | undefined;
  clock?: Clock | undefined;
}

/**
 * Opens an initialised register: checks `<dataDir>/register.yaml`, opens and migrates the database, loads the
 * keys, and publishes a new notice version if the definition changed since the last start.
 *
 * @example
 * ```ts
 * const reg = await openRegister({ dataDir: '.lupaus' });
 * try { console.log(reg.definition.register.name.fi); } finally { await reg.close(); }
 * ```
 */
export async function openRegister(opts: OpenRegisterOptions): Promise<Register> {
  const dataDir = resolve(opts.dataDir);
  const file = join(dataDir, DEFINITION_FILE);
  if (!existsSync(file)) {
    throw new LupausError('NOT_INITIALISED', { dataDir }, [
      { at: dataDir, message: `no ${DEFINITION_FILE} here: run \`lupaus init --dir ${opts.dataDir}\`` },
    ]);
  }
  const definition = readDefinitionFile(file);
  const keys = loadKeys(dataDir);
  const handle = await openDatabase({ url: opts.databaseUrl, dataDir: join(dataDir, PGLITE_DIR) });
  try {
    return await assembleRegister({ definition, handle, keys, dataDir, clock: opts.clock });
  } catch (e) {
    await handle.close();
    throw e;
  }
}

export interface InitRegisterOptions {
  dataDir: string;
  /** The name of an example in `examples/`. */
  example?: string | undefined;
  /** A definition file of one's own. */
  definitionFile?: string | undefined;
  databaseUrl?: string | undefined;
}

/**
 * Initialises a register in a data directory: the definition (an example or a file), the keys (unless given in
 * the environment), the database and its first notice version. Refuses to overwrite an existing register.
 */
export async function initRegister(
  opts: InitRegisterOptions,
): Promise<{ dataDir: string; definitionFile: string }> {
  const dataDir = resolve(opts.dataDir);
  const target = join(dataDir, DEFINITION_FILE);
  if (existsSync(target)) {
    throw new LupausError('CONFLICT', { dataDir }, [
      {
        at: target,
        message: 'a register is already initialised here; remove the directory or choose another',
      },
    ]);
  }
  let source: string;
  if (opts.definitionFile) {
    source = resolve(opts.definitionFile);
  } else {
    const example = opts.example ?? '003-auntie';
    if (!listExamples().includes(example)) {
      throw new LupausError('NOT_FOUND', { example }, [
        { at: 'example', message: `no example "${example}"; choose one of ${listExamples().join(', ')}` },
      ]);
    }
    source = join(EXAMPLES_DIR, example, DEFINITION_FILE);
  }
  readDefinitionFile(source); // refuse a definition with problems before anything is written
  mkdirSync(dataDir, { recursive: true });
  if (!keysFromEnvironment() && !readKeyFile(dataDir)) createKeyFile(dataDir);
  copyFileSync(source, target);
  const reg = await openRegister({ dataDir, databaseUrl: opts.databaseUrl });
  await reg.close();
  return { dataDir, definitionFile: target };
}
