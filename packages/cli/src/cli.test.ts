import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hetuCheckCharacter } from '@lupaus/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, BIN, lupausEnv, ROOT, servedAddress, useCliHarness } from './testing';

/**
 * The `lupaus` command in a temporary directory: run in this process (`main`), and the real `bin/lupaus.js` as a
 * child process where the process itself is tested (serve, exit codes, a closed pipe).
 */
const EXAMPLES = ['001-vitec-katrina', '002-vastuu-group', '003-auntie', '004-jari-mensonen'];
const example = (name: string) => join(ROOT, 'examples', name, 'register.yaml');

const cli = useCliHarness('lupaus-cli-');
const lupaus = (...args: string[]) => cli.lupaus(args);

const LOCATED = /^(.+):(\d+):(\d+): (.+)$/;

/** The 1-based number of the first line of YAML `text` that holds `needle` outside a comment. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => !l.trim().startsWith('#') && l.includes(needle)) + 1;
}

function testHetu(ddmmyy: string, sign: string, individual: number): string {
  const nnn = String(individual).padStart(3, '0');
  return `${ddmmyy}${sign}${nnn}${hetuCheckCharacter(`${ddmmyy}${nnn}`)}`;
}

describe('the real lupaus command (bin/lupaus.js in a child process)', () => {
  it('R7.3 --help exits 0, a failed check 1, a wrong command 2, and output into a closed pipe ends quietly with 0', async () => {
    // `| true` closes the pipe before the command writes (as `head` does after its lines): no EPIPE trace.
    const piped = new Promise<{ code: number; stderr: string }>((done) => {
      execFile(
        'bash',
        ['-c', 'set -o pipefail; "$0" "$1" schema | true', process.execPath, BIN],
        { cwd: cli.work, env: lupausEnv() },
        (err, _stdout, stderr) =>
          done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }),
      );
    });
    const broken = join(cli.work, 'broken-e2e.yaml');
    writeFileSync(broken, 'controller: [\n');
    const [help, bad, wrong, pipe] = await Promise.all([
      cli.spawnLupaus(['--help']),
      cli.spawnLupaus(['check', broken]),
      cli.spawnLupaus(['no-such-command']),
      piped,
    ]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: lupaus /);
    expect(help.stdout).toContain('retention');
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toContain(broken);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('no-such-command');
    for (const run of [help, bad, wrong]) expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(pipe.stderr).toBe('');
    expect(pipe.code).toBe(0);
  });
});

describe('lupaus check', () => {
  it('R1.4 exits 0 on each example', async () => {
    const runs = await Promise.all(EXAMPLES.map((name) => lupaus('check', example(name))));
    for (const [i, run] of runs.entries()) {
      expect(run.code, `${EXAMPLES[i]}: ${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/^ok/);
    }
  });

  it('R1.4 a wrong y-tunnus check digit exits 1 with a file:line:column line at the business id', async () => {
    const source = readFileSync(example('001-vitec-katrina'), 'utf8');
    const broken = source.replace('businessId: 1599535-4', 'businessId: 1599535-5');
    expect(broken).not.toBe(source);
    const file = join(cli.work, 'broken.yaml');
    writeFileSync(file, broken);
    const run = await lupaus('check', file);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(LOCATED);
    const hit = lines.map((l) => LOCATED.exec(l)!).find((m) => m[4]!.includes('controller.businessId'));
    expect(hit?.[1]).toBe(file);
    expect(Number(hit?.[2])).toBe(lineOf(broken, 'businessId: 1599535-5'));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('R1.4 --as-seed of example 004 exits 1 and locates the unfilled "(s-postiosoite)"', async () => {
    const file = example('004-jari-mensonen');
    const run = await lupaus('check', '--as-seed', file);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    for (const line of lines) expect(line).toMatch(LOCATED);
    const hit = lines.map((l) => LOCATED.exec(l)!).find((m) => m[4]!.includes('(s-postiosoite)'));
    expect(hit, run.stdout).toBeDefined();
    expect(Number(hit![2])).toBe(lineOf(readFileSync(file, 'utf8'), '(s-postiosoite)'));
  });

  it('R1.4 a file that does not exist exits 1 without a stack trace', async () => {
    const run = await lupaus('check', join(cli.work, 'nothing.yaml'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no such file');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('lupaus notice, ropa, schema', () => {
  it('R1.2 renders the notice of a definition file in Finnish and English, as Markdown and HTML', async () => {
    const file = example('003-auntie');
    const [fiMd, enMd, fiHtml, enHtml] = await Promise.all([
      lupaus('notice', file, '--lang', 'fi'),
      lupaus('notice', file, '--lang', 'en', '--format', 'md'),
      lupaus('notice', file, '--lang', 'fi', '--format', 'html'),
      lupaus('notice', file, '--lang', 'en', '--format', 'html'),
    ]);
    for (const run of [fiMd, enMd, fiHtml, enHtml]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('Auntie Solutions Oy');
    }
    expect(fiMd.stdout).toMatch(/^# /);
    expect(fiMd.stdout).not.toBe(enMd.stdout);
    expect(enMd.stdout).toContain('Privacy notice');
    expect(fiHtml.stdout).toContain('lang="fi"');
    expect(enHtml.stdout).toContain('lang="en"');
    expect(enHtml.stdout).toContain('<h1');
  });

  it('R1.2 a language the notice does not support is a usage error (exit 2)', async () => {
    const run = await lupaus('notice', example('003-auntie'), '--lang', 'de');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--lang');
  });

  it('R1.6 renders the record of processing activities', async () => {
    const [md, html] = await Promise.all([
      lupaus('ropa', example('002-vastuu-group'), '--lang', 'en'),
      lupaus('ropa', example('002-vastuu-group'), '--lang', 'fi', '--format', 'html'),
    ]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('Vastuu Group Oy');
    expect(md.stdout).toMatch(/art(icle|\.) 30/i);
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('<table');
  });

  it('R1.1 schema prints the JSON Schema of a register definition', async () => {
    const run = await lupaus('schema');
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { title: string; properties: Record<string, unknown> };
    expect(schema.title).toBe('Lupaus register definition');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['controller', 'purposes', 'categories']),
    );
  });
});

describe('lupaus init and person', () => {
  let dir: string;
  const hetu = testHetu('131052', '-', 904);
  let id: string;

  beforeAll(async () => {
    dir = join(cli.work, 'register');
    const run = await lupaus('init', '--example', '003-auntie', '--dir', dir);
    expect(run.code, run.stderr).toBe(0);
  });

  it('R7.3 init refuses to overwrite a register (exit 1) and leaves it as it was', async () => {
    const before = readFileSync(join(dir, 'register.yaml'), 'utf8');
    const run = await lupaus('init', '--example', '001-vitec-katrina', '--dir', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/already/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'register.yaml'), 'utf8')).toBe(before);
  });

  it('R2.1 person add stores a person, masking the hetu', async () => {
    const run = await lupaus(
      'person',
      'add',
      '--dir',
      dir,
      '--first-name',
      'Maija',
      '--last-name',
      'Virtanen',
      '--email',
      'Maija@Example.fi',
      '--phone',
      '040 038 38 69',
      '--hetu',
      hetu,
      '--customer-number',
      'C-77',
      '--field',
      'nickname=Mimmi',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const person = JSON.parse(run.stdout) as { id: string; fields: Record<string, unknown> };
    id = person.id;
    expect(person.fields).toMatchObject({
      first_name: 'Maija',
      nickname: 'Mimmi',
      customer_number: 'C-77',
      phone: ['+358400383869'],
      hetu: `${hetu.slice(0, 7)}****`,
    });
    expect(run.stdout).not.toContain(hetu);
  });

  it('R1.5 person add of an undeclared field exits 1 naming the field', async () => {
    const run = await lupaus(
      'person',
      'add',
      '--dir',
      dir,
      '--first-name',
      'K',
      '--last-name',
      'L',
      '--field',
      'shoe_size=44',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('shoe_size');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('R2.7 person search finds by name, email, phone, customer number and hetu', async () => {
    const ids = async (...args: string[]) => {
      const run = await lupaus('person', 'search', '--dir', dir, '--json', ...args);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { id: string }[]).map((p) => p.id);
    };
    expect(await ids('--name', 'virt')).toEqual([id]);
    expect(await ids('--email', 'maija@example.fi')).toEqual([id]);
    expect(await ids('--phone', '+358400383869')).toEqual([id]);
    expect(await ids('--customer-number', 'C-77')).toEqual([id]);
    expect(await ids('--hetu', hetu)).toEqual([id]);
    expect(await ids('--name', 'Korhonen')).toEqual([]);
    const plain = await lupaus('person', 'search', '--dir', dir, '--name', 'maija');
    expect(plain.stdout).toContain(`${id}\tMaija Virtanen\tC-77`);
  });

  it('R2.1 person show masks the hetu; --reveal-hetu shows it', async () => {
    const shown = await lupaus('person', 'show', id, '--dir', dir);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Maija');
    expect(shown.stdout).toContain(`hetu: ${hetu.slice(0, 7)}****`);
    expect(shown.stdout).not.toContain(hetu);
    const revealed = await lupaus('person', 'show', id, '--dir', dir, '--reveal-hetu');
    expect(revealed.code, revealed.stderr).toBe(0);
    expect(revealed.stdout).toContain(`hetu: ${hetu}`);
  });

  it('R1.2 notice versions and notice show read the published versions of the register', async () => {
    const versions = await lupaus('notice', 'versions', '--dir', dir);
    expect(versions.code, versions.stderr).toBe(0);
    expect(versions.stdout.trim().split('\n')).toHaveLength(1);
    expect(versions.stdout).toMatch(/^1\t/);
    const shown = await lupaus('notice', 'show', '--version', '1', '--lang', 'en', '--dir', dir);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Auntie Solutions Oy');
    const missing = await lupaus('notice', 'show', '--version', '9', '--dir', dir);
    expect(missing.code).toBe(1);
  });

  it('R7.3 serve prints its URL and answers the API', async () => {
    const headers = await adminHeaders(dir, undefined);
    const child = cli.spawn(['serve', '--port', '0', '--dir', dir]);
    try {
      const url = await servedAddress(child);
      // R6.1: nobody is let in without signing in; the administrator's token is.
      expect((await fetch(`${url}/api/v1/register`)).status).toBe(401);
      const res = await fetch(`${url}/api/v1/register`, { headers });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { controller: { name: string } }).controller.name).toBe(
        'Auntie Solutions Oy',
      );
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('R7.3 a command used wrongly exits 2, a register not initialised exits 1', async () => {
    expect((await lupaus('person', 'add', '--dir', dir)).code).toBe(2);
    expect((await lupaus('no-such-command')).code).toBe(2);
    const none = await lupaus('person', 'search', '--name', 'x', '--dir', join(cli.work, 'empty'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('lupaus init');
  });
});
