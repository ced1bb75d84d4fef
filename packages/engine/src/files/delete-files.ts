import {
  deleteFileRowsOf,
  deleteFileRowsOfPersons,
  type Executor,
  knownStorageKeys,
  listQueuedFileDeletions,
  queueFileDeletions,
  removeQueuedFileDeletions,
} from '@lupaus/db';
import type { Register } from '../context';
import { crashPoint } from '../faults/crash-point';

/**
 * How a file goes with its record or its person (R4.4, R5.2: "every table, file and index"). The bytes cannot
 * be removed inside a database transaction, so deletion has two steps:
 *
 * 1. in the transaction that deletes the record (or person), its `files` rows are deleted and their storage
 *    keys queued in `file_deletions` (`deleteFilesOf`, `deleteFilesOfPersons`);
 * 2. after the commit, `drainFileDeletions` removes the queued bytes from the store, then the queue rows.
 *
 * If the process dies between the two, the queue is worked off at the next start (`assembleRegister`) or by the
 * next call. If the transaction rolls back, nothing was queued and the bytes stay with their rows.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute(async (tx) => {
 *   await deleteFilesOf(tx, 'interaction', [recordId], reg.clock.now());
 *   await tx.deleteFrom('interactions').where('id', '=', recordId).execute();
 * });
 * await drainFileDeletions(reg);
 * ```
 */
export async function deleteFilesOf(
  tx: Executor,
  entityType: string,
  entityIds: readonly string[],
  now: Date,
): Promise<number> {
  const keys = await deleteFileRowsOf(tx, entityType, entityIds);
  await queueFileDeletions(tx, keys, now);
  return keys.length;
}

/**
 * Deletes every file of these persons and queues their bytes. Call it before deleting a person row:
 * `files.person_id` cascades, and a cascaded delete would leave the bytes with nothing pointing at them.
 */
export async function deleteFilesOfPersons(
  tx: Executor,
  personIds: readonly string[],
  now: Date,
): Promise<number> {
  const keys = await deleteFileRowsOfPersons(tx, personIds);
  await queueFileDeletions(tx, keys, now);
  return keys.length;
}

const DRAIN_BATCH = 500;

/**
 * Removes the queued bytes from the file store, then their queue rows; returns how many. Call it after the
 * commit that queued them. Idempotent: a file already gone counts as removed, and two drains at once only
 * remove the same bytes twice. A key whose removal fails stays queued for the next drain.
 */
export async function drainFileDeletions(reg: Register): Promise<number> {
  let removed = 0;
  const failed = new Set<string>();
  for (;;) {
    const keys = (await listQueuedFileDeletions(reg.db, DRAIN_BATCH + failed.size)).filter(
      (k) => !failed.has(k),
    );
    if (keys.length === 0) return removed;
    const done: string[] = [];
    for (const key of keys) {
      try {
        await reg.files.delete(key);
        done.push(key);
        crashPoint('erasure.files.after-bytes');
      } catch {
        failed.add(key);
      }
    }
    await removeQueuedFileDeletions(reg.db, done);
    crashPoint('erasure.files.after-queue');
    removed += done.length;
  }
}

/** The time in a UUIDv7 storage key (its first 48 bits, milliseconds since 1970); undefined for another key. */
export function storageKeyTime(key: string): number | undefined {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.exec(key);
  if (!m) return undefined;
  return Number.parseInt(`${m[1]}${m[2]}`, 16);
}

const ORPHAN_BATCH = 500;

/**
 * Removes stored bytes that neither a `files` row nor the deletion queue knows: left when the process died
 * after writing a file's bytes and before its row was committed. Only keys older than `olderThanMs` (by the
 * time in the UUIDv7 key, wall-clock time) are considered, so that a file being attached right now is left
 * alone; a key that is not a UUIDv7 was not made by this register and is removed. Returns how many went.
 */
export async function collectOrphanFiles(reg: Register, olderThanMs: number): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  let batch: string[] = [];
  const flush = async () => {
    const known = await knownStorageKeys(reg.db, batch);
    for (const key of batch) {
      if (known.has(key)) continue;
      await reg.files.delete(key);
      removed++;
    }
    batch = [];
  };
  for await (const key of reg.files.list()) {
    const t = storageKeyTime(key);
    if (t !== undefined && t > cutoff) continue;
    batch.push(key);
    if (batch.length >= ORPHAN_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return removed;
}
