import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { attachFile } from '../files/attach-file';
import { createPerson } from '../persons/create-person';
import { createRecord } from '../records/create-record';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { getRetentionRun } from './get-retention-run';
import { planRetention } from './plan-retention';
import { runRetention } from './run-retention';
import { recordIds, retentionAudit, storedFileCount, tableCounts } from './testing';

let regs: Register[] = [];
afterEach(async () => {
  for (const r of regs) await r.close();
  regs = [];
});

/** Seed 002 with three persons' chats and call recordings (with files), some due as of 2026-01-01, some not. */
async function filled(): Promise<Register> {
  const clock = fixedClock('2025-01-01T00:00:00Z');
  const r = await openTestRegister('002-vastuu-group', { clock });
  regs.push(r);
  for (const name of ['Aino', 'Bertta', 'Cecilia']) {
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: name, last_name: 'X' },
    });
    for (let i = 0; i < 14; i++) {
      // Chats of 2025-01..07 are due (3 months), those of 2025-10..12 not.
      const month = i < 10 ? 1 + (i % 7) : 10 + (i % 3);
      await createRecord(r, TEST_ADMIN, p.id, {
        kind: 'chats',
        source: 'subject',
        fields: {
          chat_transcript: `${name} ${i}`,
          chatted_at: `2025-${String(month).padStart(2, '0')}-15T10:00:00Z`,
        },
      });
    }
    for (let i = 0; i < 6; i++) {
      // Calls of 2025-01..03 are due (7 months), those of 2025-08 not.
      const call = await createRecord(r, TEST_ADMIN, p.id, {
        kind: 'call_recordings',
        source: 'subject',
        fields: { called_at: i < 4 ? `2025-0${1 + (i % 3)}-20T10:00:00Z` : '2025-08-01T10:00:00Z' },
      });
      await attachFile(r, TEST_ADMIN, call.id, 'call_recording', {
        name: `${name}-${i}.mp3`,
        mediaType: 'audio/mpeg',
        bytes: Buffer.from(`${name} ${i}`),
      });
    }
  }
  clock.set('2026-01-01T12:00:00Z');
  return r;
}

async function consistentFiles(r: Register) {
  const counts = await tableCounts(r);
  expect(counts.file_deletions).toBe(0);
  expect(await storedFileCount(r)).toBe(counts.files);
  const orphans = await r.db
    .selectFrom('files')
    .leftJoin('interactions', 'interactions.id', 'files.entity_id')
    .select('files.id')
    .where('interactions.id', 'is', null)
    .execute();
  expect(orphans).toEqual([]);
}

describe('crash safety of the sweep (R5.2)', () => {
  it('R5.2 a batch that fails midway is rolled back whole; the rerun completes and ends where an uninterrupted run ends', async () => {
    const crashed = await filled();
    const plan = await planRetention(crashed, TEST_ADMIN, { asOf: '2026-01-01', limit: 1000 });
    const due = new Set(plan.items.map((i) => i.id));
    expect(due.size).toBe(3 * 10 + 3 * 4);
    const all = await recordIds(crashed, 'interactions');
    const expected = all.filter((x) => !due.has(x.id)).map((x) => x.id);

    let injected = 0;
    await expect(
      runRetention(crashed, TEST_ADMIN, {
        asOf: '2026-01-01',
        batchSize: 5,
        faultInjection: ({ index }) => {
          if (index === 4) {
            injected++;
            throw new Error('power cut');
          }
        },
      }),
    ).rejects.toThrow('power cut');
    expect(injected).toBe(1);
    // Three batches of five went; the fourth left nothing behind.
    expect((await recordIds(crashed, 'interactions')).length).toBe(all.length - 15);
    await consistentFiles(crashed);
    const audit = await retentionAudit(crashed);
    expect(audit.reduce((n, a) => n + (a.details as { count: number }).count, 0)).toBe(15);
    const failedRun = (
      await crashed.db.selectFrom('retention_runs').select(['id', 'status', 'error']).execute()
    )[0]!;
    expect(failedRun).toMatchObject({ status: 'failed', error: 'power cut' });
    const progress = (await getRetentionRun(crashed, TEST_ADMIN, failedRun.id)).report;
    expect(progress.batches).toBe(3);
    expect(progress.totals?.deleted).toBe(15);

    const rerun = await runRetention(crashed, TEST_ADMIN, { asOf: '2026-01-01', batchSize: 5 });
    expect(rerun.totals.deleted).toBe(due.size - 15);
    expect((await recordIds(crashed, 'interactions')).map((x) => x.id)).toEqual(expected);
    await consistentFiles(crashed);
    const after = await retentionAudit(crashed);
    expect(after.reduce((n, a) => n + (a.details as { count: number }).count, 0)).toBe(due.size);

    // The same data swept without a crash ends in the same state.
    const clean = await filled();
    const once = await runRetention(clean, TEST_ADMIN, { asOf: '2026-01-01', batchSize: 5 });
    expect(once.totals.deleted).toBe(due.size);
    const [a, b] = [await tableCounts(crashed), await tableCounts(clean)];
    expect({ ...a, audit_log: 0 }).toEqual({ ...b, audit_log: 0 });
    const transcripts = async (r: Register) =>
      (await r.db.selectFrom('interactions').select('data').execute())
        .map((x) => JSON.stringify(x.data))
        .sort();
    expect(await transcripts(crashed)).toEqual(await transcripts(clean));
  });
});
