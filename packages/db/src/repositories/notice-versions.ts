import type { Executor } from '../executor';

export async function latestNoticeVersion(db: Executor) {
  return db.selectFrom('notice_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function getNoticeVersionRow(db: Executor, version: number) {
  return db.selectFrom('notice_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

export async function listNoticeVersionRows(db: Executor) {
  return db
    .selectFrom('notice_versions')
    .select(['version', 'content_hash', 'notice_date', 'published_at', 'published_by'])
    .orderBy('version', 'desc')
    .execute();
}

export async function insertNoticeVersion(
  db: Executor,
  row: {
    version: number;
    contentHash: string;
    definition: unknown;
    noticeDate: string;
    at: Date;
    by: string;
  },
) {
  await db
    .insertInto('notice_versions')
    .values({
      version: row.version,
      content_hash: row.contentHash,
      definition: JSON.stringify(row.definition),
      notice_date: row.noticeDate,
      published_at: row.at,
      published_by: row.by,
    })
    .execute();
}
