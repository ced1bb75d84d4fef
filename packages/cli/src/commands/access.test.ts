import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPerson, createRecord, receiveRequest, verifyIdentity } from '@lupaus/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus access report`, `lupaus disclosure record|list` and `lupaus portability export`, run in-process. */
const cli = useCliHarness('lupaus-access-');
let dir: string;
let url: string | undefined;
let maija: string;
let other: string;

/** `lupaus args --dir dir` on this file's register. */
const lupaus = (args: string[]) => cli.lupaus([...args, '--dir', dir], url);

beforeAll(async () => {
  ({ dir, url } = await cli.initRegister('002-vastuu-group'));
  await withRegister(dir, url, async (reg) => {
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
    const html = join(cli.work, 'a.html');
    const r = await lupaus(['access', 'report', maija, '--format', 'html', '--out', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/written .*a\.html \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
    const text = readFileSync(html, 'utf8');
    expect(text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(text).toContain('Keskusrikospoliisi');
    expect(text).not.toContain('Muukalainen');
    const pdf = join(cli.work, 'a.pdf');
    expect((await lupaus(['access', 'report', maija, '--format', 'pdf', '--out', pdf])).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 4).toString()).toBe('%PDF');
    const json = await lupaus(['access', 'report', maija, '--format', 'json']);
    expect(JSON.parse(json.stdout).person.id).toBe(maija);
    const badFormat = await lupaus(['access', 'report', maija, '--format', 'docx']);
    expect(badFormat.code).toBe(2);
  });

  it('R4.2 an unverified --request blocks the report (exit 1, nothing written); a verified one is completed', async () => {
    const [unverified, verified] = await withRegister(dir, url, async (reg) => {
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
    const out = join(cli.work, 'blocked.json');
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
    const state = await withRegister(dir, url, (reg) =>
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
    const csvFile = join(cli.work, 'p.csv');
    const csv = await lupaus(['portability', 'export', maija, '--format', 'csv', '--out', csvFile]);
    expect(csv.code, csv.stderr).toBe(0);
    const text = readFileSync(csvFile, 'utf8');
    expect(text.split('\r\n')[0]).toBe('holder,record_id,category,field,value,source,saved_at');
    expect(text).toContain(`person,${maija},contact_details,job_title,Johtaja,subject,`);
    expect(text).not.toContain('192.0.2.77');
    expect(text).not.toContain(other);
  });
});
