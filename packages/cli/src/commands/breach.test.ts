import { createPerson } from '@lupaus/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus breach`, run in-process (GDPR art. 33–34). The CLI's clock is the real one. */
const cli = useCliHarness('lupaus-breach-');
const lupaus = cli.lupaus;

describe('lupaus breach', () => {
  let dir: string;
  let url: string | undefined;
  let maija: string;
  let liisa: string;

  beforeAll(async () => {
    ({ dir, url } = await cli.initRegister('003-auntie'));
    await withRegister(dir, url, async (reg) => {
      maija = (
        await createPerson(reg, OPERATOR, {
          source: 'subject',
          fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
        })
      ).id;
      liisa = (
        await createPerson(reg, OPERATOR, {
          source: 'subject',
          fields: { first_name: 'Liisa', last_name: 'Laine' },
        })
      ).id;
    });
  }, 300_000);

  it('art. 33 record, add persons, list with the 72-hour clock (overdue), a late notification needs a delay reason, art. 34 notices', async () => {
    const fourDaysAgo = new Date(Date.now() - 96 * 3_600_000).toISOString();
    const undeclared = await lupaus(
      [
        'breach',
        'record',
        '--title',
        'Hukattu kannettava',
        '--description',
        'Salaamaton kannettava varastettiin.',
        '--category',
        'basic_details',
        'x_rays',
        '--risk',
        'high',
        '--dir',
        dir,
      ],
      url,
    );
    expect(undeclared.code).toBe(1);
    expect(undeclared.stderr).toMatch(/categories\[1\]: "x_rays" is not a category/);

    const rec = await lupaus(
      [
        'breach',
        'record',
        '--title',
        'Hukattu kannettava',
        '--description',
        'Salaamaton kannettava varastettiin.',
        '--category',
        'basic_details',
        '--risk',
        'high',
        '--discovered-at',
        fourDaysAgo,
        '--measures',
        'Kannettavan tunnukset suljettiin.',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(rec.code, rec.stderr).toBe(0);
    const b = JSON.parse(rec.stdout) as { id: string; overdue: boolean };
    expect(b.overdue).toBe(true);

    const ghost = '01900000-0000-7000-8000-0000000000cc';
    const unknown = await lupaus(['breach', 'persons', b.id, maija, ghost, '--dir', dir], url);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`personIds[1]: no person ${ghost}`);
    const persons = await lupaus(['breach', 'persons', b.id, maija, liisa, '--dir', dir], url);
    expect(persons.code, persons.stderr).toBe(0);
    expect(persons.stdout).toContain('added 2 persons');

    const list = await lupaus(['breach', 'list', '--overdue', '--dir', dir], url);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(b.id);
    expect(list.stdout).toMatch(/OVERDUE by 2[34](\.\d)? h/);

    const late = await lupaus(
      ['breach', 'notify-authority', b.id, '--reference', 'TSV-9', '--dir', dir],
      url,
    );
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/delayReason: .*72 hours/);
    const ok = await lupaus(
      [
        'breach',
        'notify-authority',
        b.id,
        '--reference',
        'TSV-9',
        '--delay-reason',
        'Found in an audit.',
        '--dir',
        dir,
      ],
      url,
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect((await lupaus(['breach', 'list', '--overdue', '--dir', dir], url)).stdout).not.toContain(b.id);

    expect((await lupaus(['breach', 'decide', b.id, '--decision', 'notify', '--dir', dir], url)).code).toBe(
      0,
    );
    const sent = await lupaus(['breach', 'notify-subjects', b.id, '--dir', dir], url);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('queued 1 notices');
    expect(sent.stdout).toContain(liisa);

    const show = await lupaus(['breach', 'show', b.id, '--dir', dir], url);
    expect(show.stdout).toContain(`person ${maija}: notified`);
    expect(show.stdout).toContain(`person ${liisa}: not notified`);
    expect(show.stdout).not.toContain('maija@example.fi');

    const close = await lupaus(['breach', 'close', b.id, '--dir', dir], url);
    expect(close.code, close.stderr).toBe(0);
    const again = await lupaus(['breach', 'close', b.id, '--dir', dir], url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/closed/);
  }, 300_000);
});
