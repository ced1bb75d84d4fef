import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPerson, openRegister } from '@lupaus/engine';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `lupaus request`, run as a child process (R4.1). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = join(ROOT, 'packages/cli/bin/lupaus.js');
const TEST_URL = process.env.LUPAUS_TEST_DATABASE_URL;
const OPERATOR = { id: 'test', roles: ['administrator'] };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let work: string;

function env(databaseUrl?: string): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.LUPAUS_DATA_DIR;
  delete e.DATABASE_URL;
  if (databaseUrl) e.DATABASE_URL = databaseUrl;
  return e;
}

function lupaus(args: string[], databaseUrl?: string): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: env(databaseUrl), maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

const databases: string[] = [];
async function freshDatabase(): Promise<string | undefined> {
  if (!TEST_URL) return undefined;
  const name = `lupaus_cli_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: TEST_URL });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  databases.push(name);
  const url = new URL(TEST_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lupaus-request-'));
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  if (TEST_URL && databases.length > 0) {
    const c = new pg.Client({ connectionString: TEST_URL });
    await c.connect();
    for (const name of databases) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
});

describe('lupaus request', () => {
  let dir: string;
  let url: string | undefined;
  let personId: string;

  beforeAll(async () => {
    dir = join(work, 'register');
    url = await freshDatabase();
    const init = await lupaus(['init', '--example', '003-auntie', '--dir', dir], url);
    expect(init.code, init.stderr).toBe(0);
    const reg = await openRegister({ dataDir: dir, ...(url ? { databaseUrl: url } : {}) });
    try {
      const p = await createPerson(reg, OPERATOR, {
        source: 'subject',
        fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
      });
      personId = p.id;
    } finally {
      await reg.close();
    }
  }, 300_000);

  it('R4.1 a written request: add, verify refused without the letter and for the hetu, letter, verify, list --overdue, show', async () => {
    const add = await lupaus(
      [
        'request',
        'add',
        '--person',
        personId,
        '--type',
        'access',
        '--via',
        'written',
        '--received-at',
        '2024-01-31T23:30:00Z',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(add.code, add.stderr).toBe(0);
    const created = JSON.parse(add.stdout) as { id: string; dueOn: string; receivedOn: string };
    expect(created).toMatchObject({ receivedOn: '2024-02-01', dueOn: '2024-03-01' });
    const id = created.id;

    const noLetter = await lupaus(['request', 'verify', id, '--method', 'id_document', '--dir', dir], url);
    expect(noLetter.code).toBe(1);
    expect(noLetter.stderr).toMatch(/letter: .*attach the signed letter/);
    expect(noLetter.stderr).not.toMatch(/\n\s+at /);

    const letterPath = join(work, 'kirje.pdf');
    writeFileSync(letterPath, '%PDF-1.4 allekirjoitettu');
    const letter = await lupaus(['request', 'letter', id, letterPath, '--dir', dir], url);
    expect(letter.code, letter.stderr).toBe(0);
    expect(letter.stdout).toContain('attached letter kirje.pdf');

    const hetu = await lupaus(['request', 'verify', id, '--method', 'hetu', '--dir', dir], url);
    expect(hetu.code).toBe(1);
    expect(hetu.stderr).toMatch(/method: the personal identity code \(hetu\) alone never verifies identity/);

    const verify = await lupaus(
      ['request', 'verify', id, '--method', 'strong_electronic_identification', '--dir', dir],
      url,
    );
    expect(verify.code, verify.stderr).toBe(0);

    const overdue = await lupaus(['request', 'list', '--overdue', '--dir', dir], url);
    expect(overdue.code, overdue.stderr).toBe(0);
    expect(overdue.stdout).toMatch(/^id +type +state +person +received +deadline +overdue +identity$/m);
    expect(overdue.stdout).toMatch(
      new RegExp(
        `^${id} +access +verified +${personId} +2024-02-01 +2024-03-01 +OVERDUE +strong_electronic_identification$`,
        'm',
      ),
    );

    const show = await lupaus(['request', 'show', id, '--dir', dir], url);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`request ${id}: access, verified, OVERDUE, deadline 2024-03-01`);
    expect(show.stdout).toMatch(/letter +kirje\.pdf \(application\/pdf, 24 bytes\)/);
    expect(show.stdout).toMatch(/ received +\{.*"receivedVia":"written"/);
    expect(show.stdout).toMatch(/letter_attached/);
    expect(show.stdout).toMatch(/identity_verified/);
  }, 300_000);

  it('R4.1 an electronic request: extend within the first month, then refuse with a reason; bad usage exits 2', async () => {
    const add = await lupaus(
      [
        'request',
        'add',
        '--person',
        personId,
        '--type',
        'erasure',
        '--via',
        'electronic',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(add.code, add.stderr).toBe(0);
    const { id, dueOn } = JSON.parse(add.stdout) as { id: string; dueOn: string };
    const extend = await lupaus(
      ['request', 'extend', id, '--months', '2', '--reason', 'Useita järjestelmiä', '--dir', dir],
      url,
    );
    expect(extend.code, extend.stderr).toBe(0);
    expect(extend.stdout).toContain(`extended request ${id} from ${dueOn} to `);
    const refuse = await lupaus(
      [
        'request',
        'refuse',
        id,
        '--ground',
        'manifestly_unfounded',
        '--reason',
        'Koskee toisen tietoja',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(refuse.code, refuse.stderr).toBe(0);
    expect(JSON.parse(refuse.stdout)).toMatchObject({
      state: 'refused',
      charge: 'refused',
      chargeReason: 'Koskee toisen tietoja',
    });
    const list = await lupaus(['request', 'list', '--person', personId, '--json', '--dir', dir], url);
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ id, state: 'refused' }));

    expect(
      (
        await lupaus(
          ['request', 'add', '--person', personId, '--type', 'complaint', '--via', 'written', '--dir', dir],
          url,
        )
      ).code,
    ).toBe(2);
    expect(
      (await lupaus(['request', 'extend', id, '--months', '3', '--reason', 'x', '--dir', dir], url)).code,
    ).toBe(2);
    expect((await lupaus(['request', 'refuse', id, '--reason', 'x', '--dir', dir], url)).code).toBe(2);
  }, 300_000);
});
