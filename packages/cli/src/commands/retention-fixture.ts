import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openRegister } from '@lupaus/engine';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';

/**
 * A register with much due data, for the crash tests of `lupaus retention run` (not exported): persons, call
 * recordings of 2024 (due by 2026-01-01 under seed 002's seven months) and of December 2025 (not due), every
 * `fileEvery`-th with a stored file. Written straight into the tables (the load is not what is tested).
 */
export async function fillDueRecordings(
  dataDir: string,
  opts: { databaseUrl?: string | undefined; due: number; notDue: number; persons: number; fileEvery: number },
): Promise<{ files: number }> {
  const reg = await openRegister({ dataDir, databaseUrl: opts.databaseUrl });
  try {
    const now = new Date('2024-01-01T00:00:00Z');
    const personIds = Array.from({ length: opts.persons }, () => uuidv7());
    await sql`insert into persons (id, first_name, last_name, search_name, attributes, created_at, updated_at, created_by, updated_by)
      select id, 'Testi', 'Henkilö', 'testi henkilö', '{}'::jsonb, ${now}, ${now}, 'fixture', 'fixture'
      from unnest(${personIds}::uuid[]) as id`.execute(reg.db);
    const total = opts.due + opts.notDue;
    const rows = await sql<{ id: string; person_id: string; n: number }>`insert into interactions
        (id, person_id, category, occurred_at, data, source, recorded_at, recorded_by)
      select gen_random_uuid(), (${personIds}::uuid[])[1 + (n % ${personIds.length})], 'call_recordings',
        case when n <= ${opts.due} then timestamptz '2024-01-01' + (n % 300) * interval '1 day'
             else timestamptz '2025-12-01' + (n % 20) * interval '1 hour' end,
        '{}'::jsonb, 'subject', ${now}, 'fixture'
      from generate_series(1, ${total}) as n
      returning id, person_id, 0 as n`.execute(reg.db);
    let files = 0;
    const fileRows = [];
    for (const [i, r] of rows.rows.entries()) {
      if (i % opts.fileEvery !== 0) continue;
      const key = uuidv7();
      await reg.files.put(key, Buffer.from(`recording ${i}`));
      fileRows.push({
        id: uuidv7(),
        person_id: r.person_id,
        entity_type: 'interaction',
        entity_id: r.id,
        field: 'call_recording',
        name: `call-${i}.mp3`,
        media_type: 'audio/mpeg',
        size: 12,
        sha256: '0'.repeat(64),
        storage_key: key,
        created_at: now,
        created_by: 'fixture',
      });
      files++;
    }
    for (let i = 0; i < fileRows.length; i += 1000) {
      await reg.db
        .insertInto('files')
        .values(fileRows.slice(i, i + 1000))
        .execute();
    }
    return { files };
  } finally {
    await reg.close();
  }
}

/** How many files the register's store holds on disk (`<dataDir>/files`, sharded two levels deep). */
export function storedFiles(dataDir: string): number {
  const root = join(dataDir, 'files');
  let n = 0;
  for (const a of safeList(root)) {
    if (a.startsWith('.')) continue;
    for (const b of safeList(join(root, a))) n += safeList(join(root, a, b)).length;
  }
  return n;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
