import { createHash } from 'node:crypto';
import { type Definition, type Language, LupausError, renderNotice } from '@lupaus/core';
import {
  getNoticeVersionRow,
  insertNoticeVersion,
  latestNoticeVersion,
  listNoticeVersionRows,
} from '@lupaus/db';
import type { Actor, Register } from '../context';

/** A stable hash of a definition's content: keys sorted, so that formatting changes make no new version. */
export function definitionHash(def: Definition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Publishes the register's current definition as a new notice version when its content differs from the latest
 * version (R1.2: "a changed definition gives a new notice version with its date; earlier versions stay").
 */
export async function publishNoticeVersion(
  reg: Register,
  actor: Actor,
): Promise<{ version: number; created: boolean }> {
  return reg.db.transaction().execute(async (tx) => {
    const hash = definitionHash(reg.definition);
    const latest = await latestNoticeVersion(tx);
    if (latest && latest.content_hash === hash) return { version: latest.version, created: false };
    const version = (latest?.version ?? 0) + 1;
    await insertNoticeVersion(tx, {
      version,
      contentHash: hash,
      definition: reg.definition,
      noticeDate: reg.definition.notice.date,
      at: reg.clock.now(),
      by: actor.id,
    });
    return { version, created: true };
  });
}

export interface NoticeVersionInfo {
  version: number;
  noticeDate: string;
  publishedAt: string;
  contentHash: string;
}

export async function listNoticeVersions(reg: Register): Promise<NoticeVersionInfo[]> {
  const rows = await listNoticeVersionRows(reg.db);
  return rows.map((r) => ({
    version: r.version,
    noticeDate: r.notice_date,
    publishedAt: new Date(r.published_at).toISOString(),
    contentHash: r.content_hash,
  }));
}

/** Renders a published notice version (the latest when `version` is omitted) from the definition it was made of. */
export async function renderNoticeVersion(
  reg: Register,
  opts: { version?: number | undefined; lang: Language; format: 'md' | 'html' },
): Promise<string> {
  const row =
    opts.version === undefined
      ? await latestNoticeVersion(reg.db)
      : await getNoticeVersionRow(reg.db, opts.version);
  if (!row) {
    throw new LupausError('NOT_FOUND', { version: opts.version }, [
      { at: 'version', message: `there is no notice version ${opts.version ?? '(none published yet)'}` },
    ]);
  }
  const definition = (
    typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition
  ) as Definition;
  return renderNotice(definition, {
    lang: opts.lang,
    format: opts.format,
    version: { number: row.version, publishedAt: new Date(row.published_at).toISOString() },
  });
}
