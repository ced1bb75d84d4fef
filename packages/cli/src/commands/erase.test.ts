import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPerson, createRecord, openRegister, receiveRequest, verifyIdentity } from '@lupaus/engine';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `lupaus erase`, `lupaus anonymise` and `lupaus erasures`, run as child processes (R4.4, R4.9). */
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
  work = mkdtempSync(join(tmpdir(), 'lupaus-erase-'));
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

describe('lupaus erase, anonymise and erasures', () => {
  let dir: string;
  let url: string | undefined;
  let free: string;
  let indebted: string;
  let invoiceId: string;
  let requestId: string;
  let anonymous: string;

  beforeAll(async () => {
    dir = join(work, 'register');
    url = await freshDatabase();
    const init = await lupaus(['init', '--example', '001-vitec-katrina', '--dir', dir], url);
    expect(init.code, init.stderr).toBe(0);
    const reg = await openRegister({ dataDir: dir, databaseUrl: url });
    try {
      const person = (first: string) =>
        createPerson(reg, OPERATOR, {
          source: 'registrations',
          fields: { first_name: first, last_name: 'Asiakas', email: `${first.toLowerCase()}@example.com` },
        });
      free = (await person('Vapaa')).id;
      indebted = (await person('Velka')).id;
      anonymous = (await person('Nimeton')).id;
      invoiceId = (
        await createRecord(reg, OPERATOR, indebted, {
          kind: 'invoices',
          source: 'purchases',
          fields: {
            number: 'CLI-1',
            issued_on: '2016-01-10',
            due_on: '2016-02-10',
            amount: 10,
            state: 'open',
          },
        })
      ).id;
      const q = await receiveRequest(reg, OPERATOR, {
        type: 'erasure',
        personId: free,
        receivedVia: 'electronic',
      });
      await verifyIdentity(reg, OPERATOR, q.id, { method: 'in_person' });
      requestId = q.id;
    } finally {
      await reg.close();
    }
  }, 120_000);

  it('R4.4 lupaus erase with a verified request erases the person and completes the request', async () => {
    const run = await lupaus(['erase', free, '--request', requestId, '--dir', dir], url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`person ${free} erased`);
    const again = await lupaus(['erase', free, '--dir', dir], url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`personId: no person ${free}`);
  }, 60_000);

  it('R4.4 lupaus erase of a person with an open invoice names the blocker; erasures blocked lists it', async () => {
    const run = await lupaus(['erase', indebted, '--no-scrub', '--dir', dir], url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`person ${indebted}: erasure blocked; the rest is erased`);
    expect(run.stdout).toContain(`open invoice ${invoiceId} (open-ended: until it is paid or credited)`);
    const listed = await lupaus(['erasures', 'blocked', '--json', '--dir', dir], url);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        personId: indebted,
        blockers: [{ kind: 'open_invoice', id: invoiceId, until: null }],
      }),
    ]);
    const resume = await lupaus(['erasures', 'resume', '--dir', dir], url);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toContain('0 completed, 1 still blocked');
  }, 60_000);

  it('R4.9 lupaus anonymise; a bad id is an error naming personId, a missing argument a usage error', async () => {
    const run = await lupaus(['anonymise', anonymous, '--json', '--dir', dir], url);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      personId: anonymous,
      mode: 'anonymise',
      state: 'completed',
    });
    const bad = await lupaus(['erase', 'nobody', '--dir', dir], url);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/personId: "nobody" is not a valid person id/);
    const usage = await lupaus(['erase', '--dir', dir], url);
    expect(usage.code).toBe(2);
  }, 60_000);
});
