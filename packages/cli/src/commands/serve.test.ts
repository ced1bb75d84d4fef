import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPerson, openRegister } from '@lupaus/engine';
import { decodeMail, startTestSmtpServer } from '@lupaus/engine/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `lupaus serve` sends the outbox of notices on its schedule when an SMTP server is set. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = join(ROOT, 'packages/cli/bin/lupaus.js');
const TEST_URL = process.env.LUPAUS_TEST_DATABASE_URL;
const OPERATOR = { id: 'test', roles: ['administrator'] };

let work: string;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
let databaseUrl: string | undefined;

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e = { ...process.env, ...extra };
  delete e.LUPAUS_DATA_DIR;
  delete e.DATABASE_URL;
  if (databaseUrl) e.DATABASE_URL = databaseUrl;
  return e;
}

function run(args: string[], extra: Record<string, string> = {}): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: env(extra), stdio: 'ignore' });
    child.on('exit', (code) => done(code ?? 1));
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lupaus-serve-'));
  smtp = await startTestSmtpServer();
  if (TEST_URL) {
    const name = `lupaus_cli_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: TEST_URL });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const url = new URL(TEST_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
});

afterAll(async () => {
  await smtp.close();
  rmSync(work, { recursive: true, force: true });
  if (TEST_URL && databaseUrl) {
    const c = new pg.Client({ connectionString: TEST_URL });
    await c.connect();
    await c.query(`drop database if exists ${new URL(databaseUrl).pathname.slice(1)} with (force)`);
    await c.end();
  }
});

describe('lupaus serve and the outbox', () => {
  it('R4.1 serve sends a queued notice (an extended deadline) to the subject by SMTP on its schedule', async () => {
    const dir = join(work, 'register');
    expect(await run(['init', '--example', '003-auntie', '--dir', dir])).toBe(0);
    const reg = await openRegister({ dataDir: dir, ...(databaseUrl ? { databaseUrl } : {}) });
    let personId: string;
    try {
      personId = (
        await createPerson(reg, OPERATOR, {
          source: 'subject',
          fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
        })
      ).id;
    } finally {
      await reg.close();
    }
    expect(await run(['serve', '--dir', dir], { LUPAUS_NOTIFICATIONS_EVERY: 'often' })).toBe(2);

    const child: ChildProcess = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--retention-every', 'off', '--dir', dir],
      {
        cwd: work,
        env: env({ LUPAUS_SMTP_URL: smtp.url, LUPAUS_NOTIFICATIONS_EVERY: '1s' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const address = await new Promise<string>((found, fail) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) found(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`serve exited with ${code}`)));
      });
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${address}/api/v1${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        return (await res.json()) as { id: string };
      };
      const request = await post('/requests', { type: 'access', personId, receivedVia: 'electronic' });
      await post(`/requests/${request.id}/extend`, { reason: 'Pyyntöjä on poikkeuksellisen paljon.' });
      for (let i = 0; i < 300 && smtp.messages.length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(smtp.messages.map((m) => m.to)).toEqual([['maija@example.fi']]);
      expect(decodeMail(smtp.messages[0]!.raw)).toContain('Pyyntöjä on poikkeuksellisen paljon.');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  });
});
