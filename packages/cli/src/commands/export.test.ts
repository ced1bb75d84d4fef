import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addContactRole, createOrganisation, createPerson } from '@lupaus/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, pdfText } from '../../../engine/src/marketing/testing';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/**
 * `lupaus consent`, `lupaus suppress import` and `lupaus export segment|labels`, run in-process (R3.1,
 * R3.2, R3.3, R4.6, R4.8). Example 001: post, phone and email; every purpose opt-out.
 */
const cli = useCliHarness('lupaus-export-');
let dir: string;
let url: string | undefined;
const ids: Record<string, string> = {};

/** `lupaus args --dir dir` on this file's register. */
const lupaus = (args: string[]) => cli.lupaus([...args, '--dir', dir], url);

beforeAll(async () => {
  ({ dir, url } = await cli.initRegister('001-vitec-katrina'));
  await withRegister(dir, url, async (reg) => {
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
  });
}, 120_000);

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
    const out = join(cli.work, 'email.csv');
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
    const pdfFile = join(cli.work, 'labels.pdf');
    const labels = await lupaus(['export', 'labels', '--purpose', 'mailing_labels', '--out', pdfFile]);
    expect(labels.code, labels.stderr).toBe(0);
    expect(labels.stderr).toMatch(/^3 labels for mailing_labels/m);
    const text = pdfText(readFileSync(pdfFile));
    expect(text).toContain('Aino Äärelä');
    expect(text).toContain('Yrjö Äärelä');
    expect(text.join('\n')).not.toContain('Eero');
    const htmlFile = join(cli.work, 'labels.html');
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
    const file = join(cli.work, 'asml.txt');
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
    const later = await withRegister(
      dir,
      url,
      async (reg) =>
        (
          await createPerson(reg, OPERATOR, {
            source: 'update_services',
            fields: { first_name: 'Uusi', last_name: 'U', email: 'UUSI@example.fi' },
          })
        ).id,
    );
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
      join(cli.work, 'nope.txt'),
      '--channel',
      'email',
      '--list',
      'x',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });
});
