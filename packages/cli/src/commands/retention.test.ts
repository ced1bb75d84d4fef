import { join } from 'node:path';
import { createPerson, createRecord } from '@lupaus/engine';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, OPERATOR, servedAddress, TEST_URL, useCliHarness, withRegister } from '../testing';
import { fillDueRecordings, storedFiles } from './retention-fixture';

/** `lupaus retention` and `lupaus hold`, run in-process, and the sweep (a child process) killed midway (R5.2). */
const cli = useCliHarness('lupaus-retention-');
const lupaus = cli.lupaus;

describe('lupaus retention and hold', () => {
  let dir: string;
  let url: string | undefined;
  let personId: string;

  beforeAll(async () => {
    ({ dir, url } = await cli.initRegister('002-vastuu-group'));
    await withRegister(dir, url, async (reg) => {
      const p = await createPerson(reg, OPERATOR, {
        source: 'subject',
        fields: { first_name: 'Maija', last_name: 'M' },
      });
      personId = p.id;
      for (const at of ['2025-01-31T10:00:00Z', '2025-03-01T10:00:00Z']) {
        await createRecord(reg, OPERATOR, p.id, {
          kind: 'chats',
          source: 'subject',
          fields: { chat_transcript: 'x', chatted_at: at },
        });
      }
      await createRecord(reg, OPERATOR, p.id, {
        kind: 'feedback',
        source: 'subject',
        fields: { feedback: 'Hyvä' },
      });
    });
  });

  it('R5.2 retention run --dry-run prints what would go as a table, held-back and review lists, and changes nothing', async () => {
    const dry = await lupaus(['retention', 'run', '--dry-run', '--as-of', '2025-04-30', '--dir', dir], url);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run as of 2025-04-30T23:59:59.999Z: nothing was changed.');
    expect(dry.stdout).toMatch(/^rule +category +holder +action +count +due$/m);
    expect(dry.stdout).toMatch(/^chat_recordings +chats +interaction +delete +1 +2025-04-30T10:00:00Z$/m);
    expect(dry.stdout).toContain('Kept until no longer needed, for a person to review:');
    expect(dry.stdout).toMatch(/^as_needed +feedback +interaction +1 /m);
    const json = await lupaus(
      ['retention', 'run', '--dry-run', '--as-of', '2025-04-30', '--json', '--dir', dir],
      url,
    );
    expect(JSON.parse(json.stdout).totals).toEqual({ due: 1, blocked: 0, review: expect.any(Number) });
    const runs = await lupaus(['retention', 'runs', '--dir', dir, '--json'], url);
    expect(JSON.parse(runs.stdout)).toEqual([]);
  });

  it('R5.2 a bad --as-of or --batch-size is a usage error (exit 2) naming the option', async () => {
    const bad = await lupaus(['retention', 'run', '--as-of', '2025-02-30', '--dir', dir], url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'--as-of <date>'");
    expect(bad.stderr).toContain('YYYY-MM-DD');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect((await lupaus(['retention', 'run', '--batch-size', '0', '--dir', dir], url)).code).toBe(2);
    expect(
      (await lupaus(['hold', 'add', '--reason', 'x', '--until', '2099-01-01', '--dir', dir], url)).code,
    ).toBe(2);
  });

  it('R5.2 hold add stops the run, hold release lets it go; retention runs lists both runs', async () => {
    const add = await lupaus(
      [
        'hold',
        'add',
        '--person',
        personId,
        '--category',
        'chats',
        '--reason',
        'Reklamaatio',
        '--until',
        '2099-12-31',
        '--dir',
        dir,
        '--json',
      ],
      url,
    );
    expect(add.code, add.stderr).toBe(0);
    const hold = JSON.parse(add.stdout) as { id: string };
    const list = await lupaus(['hold', 'list', '--dir', dir], url);
    expect(list.stdout).toMatch(
      new RegExp(`^${hold.id} +${personId} +chats +2099-12-31 +in force +Reklamaatio$`, 'm'),
    );
    const held = await lupaus(['retention', 'run', '--as-of', '2025-04-30', '--dir', dir], url);
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toMatch(/^chat_recordings +chats +interaction +0 +0 +1$/m);
    expect(held.stderr).toBe('');
    const release = await lupaus(['hold', 'release', hold.id, '--dir', dir], url);
    expect(release.code, release.stderr).toBe(0);
    const run = await lupaus(['retention', 'run', '--as-of', '2025-04-30', '--dir', dir], url);
    expect(run.stdout).toMatch(/^chat_recordings +chats +interaction +1 +0 +0$/m);
    expect(run.stdout).toContain('deleted 1,');
    const runs = await lupaus(['retention', 'runs', '--dir', dir], url);
    expect(runs.stdout.trim().split('\n')).toHaveLength(4);
    expect(runs.stdout).toMatch(/ run +completed +1 /);
  });

  it('R5.2 serve runs the sweep on its schedule (--retention-every), and refuses a bad duration', async () => {
    const bad = await lupaus(['serve', '--retention-every', 'often', '--dir', dir], url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('24h');
    const headers = await adminHeaders(dir, url);
    const child = cli.spawn(['serve', '--port', '0', '--retention-every', '1s', '--dir', dir], url);
    try {
      const address = await servedAddress(child);
      const before = (
        (await (await fetch(`${address}/api/v1/retention/runs`, { headers })).json()) as { items: unknown[] }
      ).items.length;
      let after = before;
      for (let i = 0; i < 100 && after < before + 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = (
          (await (await fetch(`${address}/api/v1/retention/runs`, { headers })).json()) as {
            items: unknown[];
          }
        ).items.length;
      }
      expect(after).toBeGreaterThanOrEqual(before + 2);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  });
});

describe('the sweep killed midway (R5.2)', () => {
  const DUE = 20_000;
  const NOT_DUE = 500;
  const FILE_EVERY = 20;

  async function killAndRerun(kind: string, databaseUrl: string | undefined) {
    const dir = join(cli.work, `kill-${kind}`);
    const init = await lupaus(['init', '--example', '002-vastuu-group', '--dir', dir], databaseUrl);
    expect(init.code, init.stderr).toBe(0);
    const { files } = await fillDueRecordings(dir, {
      databaseUrl,
      due: DUE,
      notDue: NOT_DUE,
      persons: 400,
      fileEvery: FILE_EVERY,
    });
    expect(storedFiles(dir)).toBe(files);

    // Killed when about a third of the files are gone: batches have committed, others have not started.
    const child = cli.spawn(
      ['retention', 'run', '--as-of', '2026-01-01', '--batch-size', '100', '--dir', dir],
      databaseUrl,
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let killedWith = -1;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const poll = setInterval(() => {
      const left = storedFiles(dir);
      if (killedWith < 0 && left < files * 0.7) {
        killedWith = left;
        child.kill('SIGKILL');
      }
    }, 5);
    const code = await exited;
    clearInterval(poll);
    expect(stderr).toBe('');
    expect(code, 'the run was killed before it finished').toBeNull();
    expect(killedWith).toBeGreaterThan(0);

    const rerun = await lupaus(
      ['retention', 'run', '--as-of', '2026-01-01', '--json', '--dir', dir],
      databaseUrl,
    );
    expect(rerun.code, rerun.stderr).toBe(0);
    const report = JSON.parse(rerun.stdout) as {
      status: string;
      interrupted: string[];
      totals: { deleted: number };
    };
    expect(report.status).toBe('completed');
    expect(report.interrupted).toHaveLength(1);

    await withRegister(dir, databaseUrl, async (reg) => {
      const count = async (table: 'interactions' | 'files' | 'file_deletions') =>
        Number(
          (
            await reg.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      // Exactly the records not due are left, each file row has its bytes and no bytes are without a row.
      expect(await count('interactions')).toBe(NOT_DUE);
      const fileRows = await count('files');
      expect(fileRows).toBe(Math.ceil((DUE + NOT_DUE) / FILE_EVERY) - Math.ceil(DUE / FILE_EVERY));
      expect(await count('file_deletions')).toBe(0);
      expect(storedFiles(dir)).toBe(fileRows);
      const orphans = await sql<{ n: string }>`select count(*) as n from files f
        where not exists (select 1 from interactions i where i.id = f.entity_id)`.execute(reg.db);
      expect(Number(orphans.rows[0]!.n)).toBe(0);
      const runs = await reg.db
        .selectFrom('retention_runs')
        .select(['id', 'status', 'report'])
        .orderBy('id')
        .execute();
      expect(runs.map((r) => r.status)).toEqual(['interrupted', 'completed']);
      expect(runs[0]!.id).toBe(report.interrupted[0]);
      // What the killed run committed, by its own progress, plus what the rerun did, is everything due.
      const firstDone = (runs[0]!.report as { totals: { deleted: number } }).totals.deleted;
      expect(firstDone).toBeGreaterThan(0);
      expect(firstDone + report.totals.deleted).toBe(DUE);
      const audited = await sql<{
        n: string;
      }>`select coalesce(sum((details->>'count')::int), 0) as n from audit_log
        where action = 'retention_delete'`.execute(reg.db);
      expect(Number(audited.rows[0]!.n)).toBe(DUE);
    });
  }

  it(`R5.2 SIGKILL midway on ${TEST_URL ? 'PostgreSQL' : 'PGlite (its data directory)'}: the rerun marks it interrupted, completes, and nothing is half done`, async () => {
    await killAndRerun(TEST_URL ? 'postgres' : 'pglite', await cli.freshDatabase());
  }, 240_000);
});
