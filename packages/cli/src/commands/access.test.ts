import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPerson, createRecord, openRegister, receiveRequest, verifyIdentity } from '@lupaus/engine';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `lupaus access report`, `lupaus disclosure record|list` and `lupaus portability export`, run as child processes. */
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
let dir: string;
let url: string | undefined;
let maija: string;
let other: string;
const databases: string[] = [];

function lupaus(args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.LUPAUS_DATA_DIR;
  delete env.DATABASE_URL;
  if (url) env.DATABASE_URL = url;
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args, '--dir', dir],
      { cwd: work, env, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function freshDatabase(): Promise<string | undefined> {
  if (!TEST_URL) return undefined;
  const name = `lupaus_cli_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: TEST_URL });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  databases.push(name);
  const u = new URL(TEST_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withReg<T>(fn: (reg: Awaited<ReturnType<typeof openRegister>>) => Promise<T>): Promise<T> {
  const reg = await openRegister({ dataDir: dir, databaseUrl: url });
  try {
    return await fn(reg);
  } finally {
    await reg.close();
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lupaus-access-'));
  dir = join(work, 'register');
  url = await freshDatabase();
  const init = await lupaus(['init', '--example', '002-vastuu-group']);
  expect(init.code, init.stderr).toBe(0);
  await withReg(async (reg) => {
    maija = (
      await createPerson(reg, OPERATOR, {
        source: 'subject',
        fields: { first_name: 'Maija', last_name: 'Meikäläinen', job_title: 'Johtaja' },
      })
    ).id;
    other = (
      await createPerson(reg, OPERATOR, {
        source: 'subject',
        fields: { first_name: 'Olli', last_name: 'Muukalainen' },
      })
    ).id;
    await createRecord(reg, OPERATOR, maija, {
      kind: 'web_visits',
      source: 'web_analytics',
      fields: { ip_address: '192.0.2.77', visited_at: '2026-02-02T12:00:00Z' },
    });
  });
}, 120_000);
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  if (TEST_URL && databases.length > 0) {
    const c = new pg.Client({ connectionString: TEST_URL });
    await c.connect();
    for (const name of databases) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
});

describe('lupaus access, disclosure and portability', () => {
  it('R6.5 disclosure record writes the log (the definition gives recipient and basis); disclosure list shows it', async () => {
    const rec = await lupaus([
      'disclosure',
      'record',
      maija,
      '--disclosure',
      'authority_orders',
      '--recipient-name',
      'Keskusrikospoliisi',
      '--category',
      'contact_details',
      '--field',
      'last_name',
      '--reason',
      'Määräys 7/2026',
      '--json',
    ]);
    expect(rec.code, rec.stderr).toBe(0);
    expect(JSON.parse(rec.stdout)).toMatchObject({ recipient: 'authorities', basis: 'legal_obligation' });
    const list = await lupaus(['disclosure', 'list', maija]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      /authority_orders +authorities +Keskusrikospoliisi +legal_obligation +contact_details +Määräys 7\/2026/,
    );
    const bad = await lupaus([
      'disclosure',
      'record',
      maija,
      '--disclosure',
      'nope',
      '--recipient-name',
      'X',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('disclosure: "nope" is not a disclosure of this register');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('R4.2 access report --format html|pdf|json --out writes the document of this person only', async () => {
    const html = join(work, 'a.html');
    const r = await lupaus(['access', 'report', maija, '--format', 'html', '--out', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/written .*a\.html \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
    const text = readFileSync(html, 'utf8');
    expect(text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(text).toContain('Keskusrikospoliisi');
    expect(text).not.toContain('Muukalainen');
    const pdf = join(work, 'a.pdf');
    expect((await lupaus(['access', 'report', maija, '--format', 'pdf', '--out', pdf])).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 4).toString()).toBe('%PDF');
    const json = await lupaus(['access', 'report', maija, '--format', 'json']);
    expect(JSON.parse(json.stdout).person.id).toBe(maija);
    const badFormat = await lupaus(['access', 'report', maija, '--format', 'docx']);
    expect(badFormat.code).toBe(2);
  });

  it('R4.2 an unverified --request blocks the report (exit 1, nothing written); a verified one is completed', async () => {
    const [unverified, verified] = await withReg(async (reg) => {
      const a = await receiveRequest(reg, OPERATOR, {
        type: 'access',
        personId: maija,
        receivedVia: 'electronic',
      });
      const b = await receiveRequest(reg, OPERATOR, {
        type: 'access',
        personId: maija,
        receivedVia: 'electronic',
      });
      await verifyIdentity(reg, OPERATOR, b.id, { method: 'in_person' });
      return [a.id, b.id];
    });
    const out = join(work, 'blocked.json');
    const blocked = await lupaus([
      'access',
      'report',
      maija,
      '--format',
      'json',
      '--request',
      unverified,
      '--out',
      out,
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('identity');
    expect(() => readFileSync(out)).toThrow();
    const ok = await lupaus(['access', 'report', maija, '--format', 'json', '--request', verified]);
    expect(ok.code, ok.stderr).toBe(0);
    const state = await withReg((reg) =>
      reg.db.selectFrom('requests').select('state').where('id', '=', verified).executeTakeFirstOrThrow(),
    );
    expect(state.state).toBe('completed');
  });

  it('R4.7 portability export --format json|csv gives the provided data, not web visits', async () => {
    const json = await lupaus(['portability', 'export', maija]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).person.fields).toEqual({
      first_name: 'Maija',
      last_name: 'Meikäläinen',
      job_title: 'Johtaja',
    });
    const csvFile = join(work, 'p.csv');
    const csv = await lupaus(['portability', 'export', maija, '--format', 'csv', '--out', csvFile]);
    expect(csv.code, csv.stderr).toBe(0);
    const text = readFileSync(csvFile, 'utf8');
    expect(text.split('\r\n')[0]).toBe('holder,record_id,category,field,value,source,saved_at');
    expect(text).toContain(`person,${maija},contact_details,job_title,Johtaja,subject,`);
    expect(text).not.toContain('192.0.2.77');
    expect(text).not.toContain(other);
  });
});
