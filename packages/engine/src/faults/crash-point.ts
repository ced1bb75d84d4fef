/**
 * Crash injection (issue 8): named points inside the multi-step use cases (import, erasure, rectification,
 * merge, the retention sweep) where a test can have the process killed with SIGKILL, as a power cut or an
 * out-of-memory kill would, to prove that a rerun of the same command finishes the work and that nothing is left
 * half written (packages/cli/src/crash/crash-injection.test.ts).
 *
 * `crashPoint(name)` does nothing unless the environment variable LUPAUS_CRASH_AT, read once when this module is
 * loaded, names the point: `LUPAUS_CRASH_AT=import.batch.after-write` kills at its first pass,
 * `LUPAUS_CRASH_AT=import.batch.after-write:2` at its second. In production the variable is not set and a point
 * costs one comparison.
 *
 * @example
 * ```ts
 * await writeImportedPersons(tx, rows);
 * crashPoint('import.batch.after-write');
 * ```
 */
export const CRASH_POINTS = [
  // Import (engine/imports): the run row, each batch's transaction step by step, between batches, the end.
  'import.run.after-start',
  'import.batch.before-process',
  'import.batch.after-validate',
  'import.batch.after-match',
  'import.batch.before-write',
  'import.batch.after-write',
  'import.batch.after-audit',
  'import.batch.after-counts',
  'import.batch.after-commit',
  'import.run.before-finish',
  'import.run.after-finish',
  // Erasure on request (engine/erasure): inside its one transaction, after the commit, the bytes, the scrub.
  'erasure.tx.after-request-check',
  'erasure.tx.after-facts',
  'erasure.tx.after-records',
  'erasure.tx.after-suppressions',
  'erasure.tx.after-notices',
  'erasure.tx.after-files',
  'erasure.tx.after-other-rows',
  'erasure.tx.after-person',
  'erasure.tx.after-audit',
  'erasure.tx.after-request-complete',
  'erasure.after-commit',
  'erasure.files.after-bytes',
  'erasure.files.after-queue',
  'erasure.scrub.before',
  'erasure.scrub.after-vacuum',
  'erasure.scrub.after-checkpoint',
  // Blocked erasures resumed (engine/erasure/resume-blocked-erasures.ts).
  'erasure.resume.after-select',
  'erasure.resume.tx.after-erase',
  'erasure.resume.tx.after-requests',
  'erasure.resume.after-commit',
  'erasure.resume.before-scrub',
  // Rectification (engine/rectification/rectify-person.ts): one transaction, then the outbox.
  'rectification.tx.after-request-check',
  'rectification.tx.after-read',
  'rectification.tx.after-update',
  'rectification.tx.after-notices',
  'rectification.tx.after-restrictions',
  'rectification.tx.after-request-complete',
  'rectification.after-commit',
  // Merge (engine/duplicates/merge-persons.ts): one transaction.
  'merge.tx.after-lock',
  'merge.tx.after-fields',
  'merge.tx.after-moves',
  'merge.tx.after-consents',
  'merge.tx.after-delete-other',
  'merge.tx.after-record',
  'merge.tx.after-audit',
  'merge.after-commit',
  // The retention sweep (engine/retention/run-retention.ts): the run's start, each batch, the end.
  'retention.run.after-mark-interrupted',
  'retention.run.after-count',
  'retention.run.after-insert',
  'retention.batch.after-work',
  'retention.batch.after-progress',
  'retention.batch.after-commit',
  'retention.batch.after-drain',
  'retention.run.before-resume',
  'retention.run.after-resume',
  'retention.run.before-complete',
  'retention.run.after-complete',
] as const;

export type CrashPointName = (typeof CRASH_POINTS)[number];

const parsed = parse(process.env.LUPAUS_CRASH_AT);
let passes = 0;

function parse(spec: string | undefined): { name: string; nth: number } | undefined {
  if (!spec) return undefined;
  const m = /^([a-z0-9.-]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m || !(CRASH_POINTS as readonly string[]).includes(m[1]!)) {
    throw new Error(
      `LUPAUS_CRASH_AT=${spec}: not a crash point (name[:nth], names in faults/crash-point.ts)`,
    );
  }
  return { name: m[1]!, nth: m[2] ? Math.max(1, Number(m[2])) : 1 };
}

/** Kills this process with SIGKILL if LUPAUS_CRASH_AT names this point (at its nth pass); else nothing. */
export function crashPoint(name: CrashPointName): void {
  if (parsed === undefined || parsed.name !== name) return;
  passes += 1;
  if (passes < parsed.nth) return;
  process.kill(process.pid, 'SIGKILL');
}
