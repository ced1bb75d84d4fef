import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../executor';
import type { FilesTable } from '../types';

export type FileRow = Selectable<FilesTable>;
export type NewFile = Insertable<FilesTable>;

/** The columns of a file that a record view shows (never the storage key or hash). */
export interface FileSummaryRow {
  id: string;
  entity_id: string;
  field: string;
  name: string;
  media_type: string;
  size: string;
}

export async function insertFileRow(db: Executor, row: NewFile): Promise<void> {
  await db.insertInto('files').values(row).execute();
}

export async function findFileRow(db: Executor, id: string): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findFileOfField(
  db: Executor,
  entityType: string,
  entityId: string,
  field: string,
): Promise<FileRow | undefined> {
  return db
    .selectFrom('files')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .where('field', '=', field)
    .executeTakeFirst();
}

/** The files of records, for their views. */
export async function listFilesOf(db: Executor, entityIds: readonly string[]): Promise<FileSummaryRow[]> {
  if (entityIds.length === 0) return [];
  return db
    .selectFrom('files')
    .select(['id', 'entity_id', 'field', 'name', 'media_type', 'size'])
    .where('entity_id', 'in', [...entityIds])
    .orderBy('field')
    .orderBy('id')
    .execute();
}

/** Deletes file rows by id and returns their storage keys. */
export async function deleteFileRowsById(db: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .deleteFrom('files')
    .where('id', 'in', [...ids])
    .returning('storage_key')
    .execute();
  return rows.map((r) => r.storage_key);
}

/** Deletes the file rows of records and returns their storage keys. */
export async function deleteFileRowsOf(
  db: Executor,
  entityType: string,
  entityIds: readonly string[],
): Promise<string[]> {
  if (entityIds.length === 0) return [];
  const rows = await db
    .deleteFrom('files')
    .where('entity_type', '=', entityType)
    .where('entity_id', 'in', [...entityIds])
    .returning('storage_key')
    .execute();
  return rows.map((r) => r.storage_key);
}

/** Deletes every file row of persons and returns their storage keys. */
export async function deleteFileRowsOfPersons(db: Executor, personIds: readonly string[]): Promise<string[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .deleteFrom('files')
    .where('person_id', 'in', [...personIds])
    .returning('storage_key')
    .execute();
  return rows.map((r) => r.storage_key);
}

/** Queues storage keys whose bytes are to be removed once the transaction has committed. */
export async function queueFileDeletions(db: Executor, keys: readonly string[], now: Date): Promise<void> {
  if (keys.length === 0) return;
  await db
    .insertInto('file_deletions')
    .values(keys.map((storage_key) => ({ storage_key, queued_at: now })))
    .onConflict((oc) => oc.column('storage_key').doNothing())
    .execute();
}

export async function listQueuedFileDeletions(db: Executor, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('file_deletions')
    .select('storage_key')
    .orderBy('queued_at')
    .orderBy('storage_key')
    .limit(limit)
    .execute();
  return rows.map((r) => r.storage_key);
}

export async function removeQueuedFileDeletions(db: Executor, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .deleteFrom('file_deletions')
    .where('storage_key', 'in', [...keys])
    .execute();
}

/** Which of these storage keys a file row or the deletion queue knows. */
export async function knownStorageKeys(db: Executor, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const list = [...keys];
  const rows = await db
    .selectFrom('files')
    .select('storage_key')
    .where('storage_key', 'in', list)
    .unionAll(db.selectFrom('file_deletions').select('storage_key').where('storage_key', 'in', list))
    .execute();
  return new Set(rows.map((r) => r.storage_key));
}
