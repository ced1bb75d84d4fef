import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addContactRole, createOrganisation, createPerson, openRegister } from '@lupaus/engine';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, pdfText } from '../../../engine/src/marketing/testing';

/**
 * `lupaus consent`, `lupaus suppress import` and `lupaus export segment|labels`, run as child processes (R3.1,
 * R3.2, R3.3, R4.6, R4.8). Example 001: post, phone and email; every purpose opt-out.
 */
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
const ids: Record<string, string> = {};
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

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lupaus-export-'));
  dir = join(work, 'register');
  url = await freshDatabase();
  const init = await lupaus(['init', '--example', '001-vitec-katrina']);
  expect(init.code, init.stderr).toBe(0);
  const reg = await openRegister({ dataDir: dir, databaseUrl: url });
  try {
    const people = {
      aino: ['Aino', 'aino@example.fi', 'Ainonkatu 1'],
      eero: ['Eero', 'eero@example.fi', 'Eeronkatu 2'],
      kaisa: ['Kaisa', 'kaisa@example.fi', 'Kaisankatu 3'],
      yrjo: ['Yrjö', 'yrjo@yritys.example.fi', 'Yrityskatu 4'],
    } as const;
    for (const [key, [first, email, street]] of Object.entries(people)) {
      const p = await createPerson(reg, OPERATOR, {
        source: 'registrations',
        fields: {
          first_name: first,
          last_name: 'Äärelä',
          email,
          address: [{ street, postalCode: '00100', city: 'Helsinki' }],
        },
      });
      ids[key] = p.id;
    }
    const org = await createOrganisation(reg, OPERATOR, {
      source: 'registrations',
      fields: { name: 'Yritys Oy' },
    });
    await addContactRole(reg, OPERATOR, {
      personId: ids.yrjo!,
      organisationId: org.id,
      startsOn: '2020-01-01',
      source: 'registrations',
    });
  } finally {
    await reg.close();
  }
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

describe('lupaus consent, suppress and export', () => {
  it('R3.1 consent record and list; an undeclared channel exits 1 naming it and the declared', async () => {
    const rec = await lupaus([
      'consent',
      'record',
      ids.aino!,
      '--channel',
      'email',
      '--purpose',
      'direct_marketing',
      '--state',
      'given',
      '--source',
      'registrations',
      '--evidence',
      'Verkkolomake',
    ]);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/^recorded given email × direct_marketing: [0-9a-f-]{36}$/m);
    const list = await lupaus(['consent', 'list', ids.aino!]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^email +direct_marketing +given +opt_out \(electronic\) +20/m);
    const json = JSON.parse((await lupaus(['consent', 'list', ids.aino!, '--json'])).stdout);
    expect(json.history).toEqual([expect.objectContaining({ state: 'given', evidenceText: 'Verkkolomake' })]);
    const bad = await lupaus([
      'consent',
      'record',
      ids.aino!,
      '--channel',
      'fax',
      '--purpose',
      'direct_marketing',
      '--state',
      'given',
      '--source',
      'registrations',
      '--evidence',
      'x',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'channel: "fax" is not a marketing channel of this register; declared: post, phone, email',
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const badState = await lupaus([
      'consent',
      'record',
      ids.aino!,
      '--channel',
      'email',
      '--purpose',
      'direct_marketing',
      '--state',
      'maybe',
      '--source',
      'registrations',
    ]);
    expect(badState.code).toBe(2);
  });

  it('R3.2 R3.3 export segment: a consumer with consent and a business contact are in email marketing; others are not', async () => {
    const out = join(work, 'email.csv');
    const seg = await lupaus([
      'export',
      'segment',
      '--purpose',
      'direct_marketing',
      '--channel',
      'email',
      '--out',
      out,
    ]);
    expect(seg.code, seg.stderr).toBe(0);
    expect(seg.stderr).toMatch(
      /^2 persons for direct_marketing by email \(selection [0-9a-f-]{36}\) written to /m,
    );
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['customer_number', 'first_name', 'last_name', 'email']);
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(['Aino', 'Yrjö']);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const stdout = await lupaus(['export', 'segment', '--purpose', 'direct_marketing', '--channel', 'post']);
    expect(parseCsv(stdout.stdout)).toHaveLength(5);
  });

  it('R4.6 R4.8 consent object and withdraw take persons out of the segment and the labels', async () => {
    const obj = await lupaus([
      'consent',
      'object',
      ids.eero!,
      '--source',
      'registrations',
      '--evidence',
      'Kirje',
    ]);
    expect(obj.code, obj.stderr).toBe(0);
    expect(obj.stdout).toMatch(
      /^objection [0-9a-f-]{36} upheld: 12 prohibitions recorded, 2 contact points suppressed$/m,
    );
    const wd = await lupaus([
      'consent',
      'withdraw',
      ids.aino!,
      '--source',
      'registrations',
      '--evidence',
      'Peruutuslinkki',
    ]);
    expect(wd.code, wd.stderr).toBe(0);
    expect(wd.stdout).toMatch(/^withdrawn email × direct_marketing: /m);
    const seg = await lupaus(['export', 'segment', '--purpose', 'direct_marketing', '--channel', 'email']);
    expect(
      parseCsv(seg.stdout)
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['Yrjö']);
    const pdfFile = join(work, 'labels.pdf');
    const labels = await lupaus(['export', 'labels', '--purpose', 'mailing_labels', '--out', pdfFile]);
    expect(labels.code, labels.stderr).toBe(0);
    expect(labels.stderr).toMatch(/^3 labels for mailing_labels/m);
    const text = pdfText(readFileSync(pdfFile));
    expect(text).toContain('Aino Äärelä');
    expect(text).toContain('Yrjö Äärelä');
    expect(text.join('\n')).not.toContain('Eero');
    const htmlFile = join(work, 'labels.html');
    const html = await lupaus([
      'export',
      'labels',
      '--purpose',
      'mailing_labels',
      '--format',
      'html',
      '--out',
      htmlFile,
    ]);
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(htmlFile, 'utf8')).not.toContain('Eero');
    expect((await lupaus(['export', 'labels', '--purpose', 'mailing_labels'])).code).toBe(2);
    expect(
      (await lupaus(['export', 'labels', '--purpose', 'x', '--format', 'doc', '--out', htmlFile])).code,
    ).toBe(2);
  });

  it('R3.2 suppress import: an imported list keeps a person added later with that email out', async () => {
    const file = join(work, 'asml.txt');
    writeFileSync(file, 'email\nuusi@example.fi\n');
    const imp = await lupaus([
      'suppress',
      'import',
      file,
      '--channel',
      'email',
      '--list',
      'Kieltolista',
      '--valid-until',
      '2099-12-31',
    ]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('Kieltolista: 1 added, 0 already listed (email, channel email)');
    const reg = await openRegister({ dataDir: dir, databaseUrl: url });
    let later: string;
    try {
      const p = await createPerson(reg, OPERATOR, {
        source: 'update_services',
        fields: { first_name: 'Uusi', last_name: 'U', email: 'UUSI@example.fi' },
      });
      later = p.id;
    } finally {
      await reg.close();
    }
    const rec = await lupaus([
      'consent',
      'record',
      later,
      '--channel',
      'email',
      '--purpose',
      'market_research',
      '--state',
      'given',
      '--source',
      'registrations',
      '--evidence',
      'Lomake',
    ]);
    expect(rec.code, rec.stderr).toBe(0);
    const seg = await lupaus(['export', 'segment', '--purpose', 'market_research', '--channel', 'email']);
    expect(seg.stdout).not.toContain('Uusi');
    const missing = await lupaus([
      'suppress',
      'import',
      join(work, 'nope.txt'),
      '--channel',
      'email',
      '--list',
      'x',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });
});
