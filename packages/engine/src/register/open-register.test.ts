import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LupausError } from '@lupaus/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPerson } from '../persons/create-person';
import { TEST_ADMIN } from '../testing';
import { listNoticeVersions, renderNoticeVersion } from './notice-versions';
import { initRegister, listExamples, openRegister } from './open-register';

const HETU = '131052-9085';
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lupaus-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scan(dir: string, needle: Buffer): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hits.push(...scan(path, needle));
    else if (readFileSync(path).includes(needle)) hits.push(path);
  }
  return hits;
}

// These run on PGlite in a data directory: what is on disk is the point.
describe('a register in a data directory', () => {
  it('R1.3 init offers the four seed registers as examples', () => {
    expect(listExamples()).toEqual([
      '001-vitec-katrina',
      '002-vastuu-group',
      '003-auntie',
      '004-jari-mensonen',
    ]);
  });

  it('R2.1 no hetu appears in plain text anywhere in the database files, keys or definition', async () => {
    const dir = tempDir();
    await initRegister({ dataDir: dir, example: '003-auntie' });
    const reg = await openRegister({ dataDir: dir });
    await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Testi', last_name: 'Henkilö', hetu: HETU },
    });
    await reg.close();
    expect(scan(dir, Buffer.from('Henkilö'))).not.toEqual([]); // the scan does see stored data
    expect(scan(dir, Buffer.from(HETU))).toEqual([]);
    expect(scan(dir, Buffer.from(HETU.slice(0, 6) + HETU.slice(7)))).toEqual([]);
  });

  it('R1.2 a changed definition makes a new notice version with its date; the earlier one stays retrievable', async () => {
    const dir = tempDir();
    await initRegister({ dataDir: dir, example: '001-vitec-katrina' });
    let reg = await openRegister({ dataDir: dir });
    expect((await listNoticeVersions(reg)).map((v) => v.version)).toEqual([1]);
    await reg.close();
    reg = await openRegister({ dataDir: dir }); // unchanged: no new version
    expect((await listNoticeVersions(reg)).map((v) => v.version)).toEqual([1]);
    await reg.close();
    const file = join(dir, 'register.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('date: 2020-01-30', 'date: 2026-11-22')
        .replace(/^(\s+name: )Vitec Katrina Oy$/m, '$1Vitec Katrina Oy Ab'),
    );
    reg = await openRegister({ dataDir: dir });
    const versions = await listNoticeVersions(reg);
    expect(versions.map((v) => [v.version, v.noticeDate])).toEqual([
      [2, '2026-11-22'],
      [1, '2020-01-30'],
    ]);
    const v1 = await renderNoticeVersion(reg, { version: 1, lang: 'fi', format: 'md' });
    const v2 = await renderNoticeVersion(reg, { lang: 'fi', format: 'md' });
    expect(v1).toContain('30.1.2020');
    expect(v1).not.toContain('Vitec Katrina Oy Ab');
    expect(v2).toContain('22.11.2026');
    expect(v2).toContain('Vitec Katrina Oy Ab');
    await expect(renderNoticeVersion(reg, { version: 9, lang: 'fi', format: 'md' })).rejects.toThrow(
      LupausError,
    );
    await reg.close();
  });

  it('R1.4 refuses to open a register whose definition has problems, listing each with file:line:column', async () => {
    const dir = tempDir();
    await initRegister({ dataDir: dir, example: '004-jari-mensonen' });
    const file = join(dir, 'register.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('lupaus: 1', 'lupaus: 1\nbogus: true'));
    const e = await openRegister({ dataDir: dir }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LupausError);
    expect((e as LupausError).code).toBe('DEFINITION_INVALID');
    expect((e as LupausError).problems[0]?.at).toMatch(/register\.yaml:\d+:\d+$/);
  });

  it('R7.3 init refuses to initialise over an existing register', async () => {
    const dir = tempDir();
    await initRegister({ dataDir: dir, example: '002-vastuu-group' });
    await expect(initRegister({ dataDir: dir, example: '002-vastuu-group' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});
