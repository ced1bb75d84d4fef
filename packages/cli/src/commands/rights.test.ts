import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPerson, openRegister } from '@lupaus/engine';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `lupaus rectify`, `refuse-rectification`, `restrict`, `objection` and `notifications`, as child processes. */
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
const messages: { to: string[]; raw: string }[] = [];
let smtpUrl = '';
let smtp: SMTPServer;

function env(databaseUrl: string | undefined, withSmtp: boolean): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.LUPAUS_DATA_DIR;
  delete e.DATABASE_URL;
  delete e.LUPAUS_SMTP_URL;
  if (databaseUrl) e.DATABASE_URL = databaseUrl;
  if (withSmtp) e.LUPAUS_SMTP_URL = smtpUrl;
  return e;
}

function lupaus(args: string[], databaseUrl?: string, withSmtp = true): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: env(databaseUrl, withSmtp), maxBuffer: 64 << 20 },
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

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lupaus-rights-'));
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((ok) => smtp.listen(0, '127.0.0.1', () => ok()));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((ok) => smtp.close(() => ok()));
  rmSync(work, { recursive: true, force: true });
  if (TEST_URL && databases.length > 0) {
    const c = new pg.Client({ connectionString: TEST_URL });
    await c.connect();
    for (const name of databases) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
});

describe('lupaus rectify, restrict, objection and notifications', () => {
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
      await reg.db
        .insertInto('disclosure_log')
        .values({
          id: '0190a000-0000-7000-8000-0000000000c1',
          person_id: p.id,
          disclosure: 'contract_or_consent',
          recipient: 'partners',
          recipient_name: 'Kumppani Oy',
          recipient_email: 'tietosuoja@kumppani.example',
          basis: 'consent',
          categories: ['basic_details'],
          fields: ['last_name'],
          reason: null,
          at: new Date('2026-01-01T00:00:00Z'),
          recorded_by: 'test',
        })
        .execute();
    } finally {
      await reg.close();
    }
  }, 120_000);

  it('R4.3 rectify corrects the field and emails the recipient; without SMTP the notice waits, and notifications send delivers it', async () => {
    const r = await lupaus(['rectify', personId, '--set', 'last_name=Koski', '--dir', dir], url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rectified last_name');
    expect(r.stdout).toContain('told recipient partners (Kumppani Oy) of last_name');
    expect(r.stdout).toContain('notices: 1 sent, 0 failed');
    expect(messages.at(-1)?.to).toEqual(['tietosuoja@kumppani.example']);
    expect(messages.at(-1)?.raw).toContain('Koski');

    const queued = await lupaus(
      ['rectify', personId, '--set', 'last_name=Koskinen', '--dir', dir],
      url,
      false,
    );
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toContain('1 notice(s) queued: set LUPAUS_SMTP_URL');
    const list = await lupaus(['notifications', 'list', '--pending', '--dir', dir], url);
    expect(list.stdout).toMatch(/rectification +recipient partners +tietosuoja@kumppani\.example +queued +0/);
    const noSmtp = await lupaus(['notifications', 'send', '--dir', dir], url, false);
    expect(noSmtp.code).toBe(1);
    expect(noSmtp.stderr).toContain('LUPAUS_SMTP_URL');
    const before = messages.length;
    const send = await lupaus(['notifications', 'send', '--json', '--dir', dir], url);
    expect(send.code, send.stderr).toBe(0);
    expect(JSON.parse(send.stdout)).toEqual({ sent: 1, failed: 0, undeliverable: 0 });
    expect(messages.length).toBe(before + 1);
    expect(messages.at(-1)?.raw).toContain('Koskinen');

    const usage = await lupaus(['rectify', personId, '--dir', dir], url);
    expect(usage.code).toBe(2);
  }, 300_000);

  it('R4.3 refuse-rectification writes the certificate of refusal', async () => {
    const add = await lupaus(
      [
        'request',
        'add',
        '--person',
        personId,
        '--type',
        'rectification',
        '--via',
        'electronic',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(add.code, add.stderr).toBe(0);
    const id = (JSON.parse(add.stdout) as { id: string }).id;
    const out = join(work, 'todistus.html');
    const r = await lupaus(
      ['refuse-rectification', id, '--reason', 'Tieto on oikein.', '--out', out, '--dir', dir],
      url,
    );
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Tieto on oikein.');
    expect(html).toContain('Tietosuojavaltuutetun toimisto');
  }, 300_000);

  it('R4.5 restrict lift is refused before notify-lift, and works after it emailed the subject', async () => {
    const start = await lupaus(
      ['restrict', 'start', personId, '--ground', 'legal_claims', '--json', '--dir', dir],
      url,
    );
    expect(start.code, start.stderr).toBe(0);
    const rid = (JSON.parse(start.stdout) as { id: string }).id;
    const early = await lupaus(['restrict', 'lift', rid, '--dir', dir], url);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('art. 18(3)');
    const notify = await lupaus(['restrict', 'notify-lift', rid, '--dir', dir], url);
    expect(notify.code, notify.stderr).toBe(0);
    expect(messages.at(-1)?.to).toEqual(['maija@example.fi']);
    const lift = await lupaus(['restrict', 'lift', rid, '--dir', dir], url);
    expect(lift.code, lift.stderr).toBe(0);
    expect(lift.stdout).toContain(`lifted restriction ${rid}`);
    const badGround = await lupaus(['restrict', 'start', personId, '--ground', 'whim', '--dir', dir], url);
    expect(badGround.code).toBe(2);
  }, 300_000);

  it('R4.6 objection add restricts the person until objection decide, which tells them and lifts it', async () => {
    const obj = await lupaus(
      [
        'objection',
        'add',
        personId,
        '--kind',
        'profiling',
        '--situation',
        'Erityinen tilanne',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(obj.code, obj.stderr).toBe(0);
    const oid = (JSON.parse(obj.stdout) as { id: string }).id;
    const active = await lupaus(['restrict', 'list', personId, '--active', '--json', '--dir', dir], url);
    expect(JSON.parse(active.stdout)).toEqual([expect.objectContaining({ ground: 'objection_pending' })]);
    const decide = await lupaus(
      [
        'objection',
        'decide',
        oid,
        '--outcome',
        'upheld',
        '--reasoning',
        'Profilointi lopetetaan.',
        '--dir',
        dir,
      ],
      url,
    );
    expect(decide.code, decide.stderr).toBe(0);
    expect(decide.stdout).toContain(`objection ${oid} upheld`);
    const after = await lupaus(['restrict', 'list', personId, '--active', '--json', '--dir', dir], url);
    expect(JSON.parse(after.stdout || '[]')).toEqual([]);
  }, 300_000);
});
