import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Executor } from '@lupaus/db';
import { sql } from 'kysely';
import type { Register } from '../context';

/**
 * The erasure journal (issue 8, R4.4): `<dataDir>/erasures.journal`, outside the database, so that erasures done
 * after a backup are replayed after its restore and nobody erased comes back. Append-only, one JSON line per
 * erasure, each write fsync'd; it holds ids and times only, no personal data:
 *
 * ```
 * {"journal":"<uuid>","created":"2026-…"}                                  ← the first line: the journal's id
 * {"at":"…","kind":"erase","person":"<uuid>"}                              ← erasePerson, resumeBlockedErasures
 * {"at":"…","kind":"anonymise","person":"<uuid>"}                          ← anonymisePerson
 * {"at":"…","kind":"retention-person","person":"<uuid>"}                   ← the sweep deleted the whole person
 * {"at":"…","kind":"retention-run","run":"<uuid>","asOf":"…"}              ← the sweep deleted or anonymised data
 * {"at":"…","kind":"restore","backup":"<createdAt>","replayed":3}         ← a restore (not replayed itself)
 * ```
 *
 * A backup records the journal's id and its length (a byte offset) before its snapshot; its restore replays every
 * entry after that offset. An entry is appended after its transaction commits; the window between the commit and
 * the append (a crash) is closed by `reconcileErasureJournal`, run whenever the register opens and before every
 * backup: it appends the erasures the audit trail records after the last reconciled audit row
 * (`erasures.reconciled`: the journal's id, that row's id and the journal's length then, replaced atomically)
 * that the journal lacks. A register without a data directory (a test register in memory) keeps no journal.
 */
export const JOURNAL_FILE = 'erasures.journal';
export const RECONCILED_FILE = 'erasures.reconciled';

export type JournalEntry =
  | { at: string; kind: 'erase' | 'anonymise' | 'retention-person'; person: string }
  | { at: string; kind: 'retention-run'; run: string; asOf: string }
  | { at: string; kind: 'restore'; backup: string; replayed: number };

export type JournalEntryInput =
  | { kind: 'erase' | 'anonymise' | 'retention-person'; person: string }
  | { kind: 'retention-run'; run: string; asOf: string }
  | { kind: 'restore'; backup: string; replayed: number };

export function journalPath(dataDir: string): string {
  return join(dataDir, JOURNAL_FILE);
}

function appendLines(file: string, lines: string[]): void {
  const fd = openSync(file, 'a', 0o600);
  try {
    writeSync(fd, lines.join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The journal's id (made with its first line when the journal is new). */
export function journalId(dataDir: string): string {
  const file = journalPath(dataDir);
  if (existsSync(file)) {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(200);
      const n = readSync(fd, head, 0, head.length, 0);
      const line = head.subarray(0, n).toString('utf8').split('\n')[0]!;
      const id = (JSON.parse(line) as { journal?: string }).journal;
      if (id) return id;
    } catch {
      // A journal without a readable first line is treated as another journal: see readJournal.
    } finally {
      closeSync(fd);
    }
    throw new Error(`${file}: its first line is not a journal header; move the file aside and retry`);
  }
  const id = randomUUID();
  appendLines(file, [`${JSON.stringify({ journal: id, created: new Date().toISOString() })}\n`]);
  return id;
}

/** The journal's current length in bytes (a position a backup records). */
export function journalPosition(dataDir: string): { id: string; offset: number } {
  const id = journalId(dataDir);
  const fd = openSync(journalPath(dataDir), 'r');
  try {
    return { id, offset: fstatSync(fd).size };
  } finally {
    closeSync(fd);
  }
}

/** Appends entries (fsync'd). Nothing when the register has no data directory. */
export function appendErasureJournal(
  reg: Pick<Register, 'dataDir' | 'clock'>,
  entries: readonly JournalEntryInput[],
): void {
  if (!reg.dataDir || entries.length === 0) return;
  journalId(reg.dataDir);
  const at = reg.clock.now().toISOString();
  appendLines(
    journalPath(reg.dataDir),
    entries.map((e) => `${JSON.stringify({ at, ...e })}\n`),
  );
}

/**
 * Appends entries after their transaction committed, without failing the erasure that has happened: a journal
 * that cannot be written is caught up from the audit trail at the next open (`reconcileErasureJournal`).
 */
export function journalErasures(
  reg: Pick<Register, 'dataDir' | 'clock'>,
  entries: readonly JournalEntryInput[],
): void {
  try {
    appendErasureJournal(reg, entries);
  } catch (e) {
    process.emitWarning(
      `the erasure journal could not be written (${e instanceof Error ? e.message : String(e)}); it is caught up when the register opens next`,
    );
  }
}

/** The entries after a byte offset (the whole journal from 0), with the journal's id. */
export function readJournal(dataDir: string, offset = 0): { id: string | null; entries: JournalEntry[] } {
  const file = journalPath(dataDir);
  if (!existsSync(file)) return { id: null, entries: [] };
  const text = readFileSync(file);
  const lines = text.toString('utf8').split('\n');
  let id: string | null = null;
  try {
    id = (JSON.parse(lines[0] ?? '') as { journal?: string }).journal ?? null;
  } catch {
    id = null;
  }
  const tail = text.subarray(Math.min(offset, text.length)).toString('utf8');
  const entries: JournalEntry[] = [];
  for (const line of tail.split('\n')) {
    if (line.trim() === '') continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      continue; // a line torn by a crash during its write; its erasure comes back through reconciliation
    }
    if (e && typeof e === 'object' && 'kind' in e) entries.push(e as JournalEntry);
  }
  return { id, entries };
}

interface Reconciled {
  journal: string;
  auditId: string;
  offset: number;
}

function readReconciled(dataDir: string): Reconciled | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, RECONCILED_FILE), 'utf8')) as Reconciled;
  } catch {
    return null;
  }
}

function writeReconciled(dataDir: string, r: Reconciled): void {
  const file = join(dataDir, RECONCILED_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(r)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

const keyOf = (e: JournalEntry | JournalEntryInput): string =>
  e.kind === 'retention-run' ? `run:${e.run}` : e.kind === 'restore' ? 'restore' : `${e.kind}:${e.person}`;

/**
 * Catches the journal up with the audit trail: every erasure, anonymisation and retention deletion recorded after
 * the last reconciled audit row that the journal lacks is appended. Cheap when nothing happened (one indexed
 * query on the audit rows after the last one seen). Returns how many entries it added.
 */
export async function reconcileErasureJournal(
  reg: Pick<Register, 'dataDir' | 'clock' | 'db'>,
  db: Executor = reg.db,
): Promise<number> {
  if (!reg.dataDir) return 0;
  const pos = journalPosition(reg.dataDir);
  const done = readReconciled(reg.dataDir);
  const from = done && done.journal === pos.id && /^\d+$/.test(done.auditId) ? done.auditId : '0';
  const last = await sql<{ id: string | null }>`select max(id)::text as id from audit_log`.execute(db);
  const upTo = last.rows[0]?.id ?? '0';
  const rows = await sql<{
    id: string;
    action: string;
    entity_type: string;
    person_id: string | null;
    run_id: string | null;
    whole: string | null;
  }>`select id::text as id, action, entity_type, person_id, details->>'runId' as run_id, details->>'person' as whole
    from audit_log where id > ${from}::bigint and id <= ${upTo}::bigint
      and action in ('erase', 'anonymise', 'retention_delete', 'retention_anonymise')
    order by id`.execute(db);
  const wanted: JournalEntryInput[] = [];
  const runs = new Set<string>();
  for (const r of rows.rows) {
    if ((r.action === 'erase' || r.action === 'anonymise') && r.person_id) {
      wanted.push({ kind: r.action, person: r.person_id });
    } else if (r.entity_type === 'person' && r.whole === 'deleted' && r.person_id) {
      wanted.push({ kind: 'retention-person', person: r.person_id });
    } else if (r.run_id && !runs.has(r.run_id)) {
      runs.add(r.run_id);
    }
  }
  if (runs.size > 0) {
    const asOf = await sql<{ id: string; as_of: Date }>`select id, as_of from retention_runs
      where id = any(${`{${[...runs].join(',')}}`}::uuid[])`.execute(db);
    for (const r of asOf.rows) {
      wanted.push({ kind: 'retention-run', run: r.id, asOf: new Date(r.as_of).toISOString() });
    }
  }
  // What the journal has since the last reconciliation (appended right after each commit) is not repeated.
  const since = done && done.journal === pos.id ? Math.min(done.offset, pos.offset) : 0;
  const have = new Set(readJournal(reg.dataDir, since).entries.map(keyOf));
  const missing: JournalEntryInput[] = [];
  for (const w of wanted) {
    const k = keyOf(w);
    if (have.has(k)) continue;
    have.add(k);
    missing.push(w);
  }
  appendErasureJournal(reg, missing);
  writeReconciled(reg.dataDir, {
    journal: pos.id,
    auditId: upTo,
    offset: journalPosition(reg.dataDir).offset,
  });
  return missing.length;
}

/**
 * After a restore: the audit rows now are the backup's, so reconciliation starts again after the last of them
 * (what the backup holds is not an erasure to replay).
 */
export async function markJournalReconciled(reg: Pick<Register, 'dataDir' | 'db'>): Promise<void> {
  if (!reg.dataDir) return;
  const last = await sql<{ id: string | null }>`select max(id)::text as id from audit_log`.execute(reg.db);
  const pos = journalPosition(reg.dataDir);
  writeReconciled(reg.dataDir, { journal: pos.id, auditId: last.rows[0]?.id ?? '0', offset: pos.offset });
}

/** Runs of the sweep journalled by this process (one entry a run, at its first committed batch). */
const journalledRuns = new Set<string>();

/** Journals that a retention run deleted or anonymised something (replayed by a run as of the same time). */
export function journalRetentionRun(
  reg: Pick<Register, 'dataDir' | 'clock'>,
  runId: string,
  asOf: string,
): void {
  if (!reg.dataDir || journalledRuns.has(runId)) return;
  journalledRuns.add(runId);
  journalErasures(reg, [{ kind: 'retention-run', run: runId, asOf }]);
}
