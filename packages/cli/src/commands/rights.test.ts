import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPerson } from '@lupaus/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, useTestSmtpServer, withRegister } from '../testing';

/** `lupaus rectify`, `refuse-rectification`, `restrict`, `objection` and `notifications`, run in-process. */
const cli = useCliHarness('lupaus-rights-');
const smtp = useTestSmtpServer();

/** `lupaus args`, with the test SMTP server as LUPAUS_SMTP_URL unless `withSmtp` is false. */
function lupaus(args: string[], databaseUrl?: string, withSmtp = true) {
  return cli.lupaus(args, databaseUrl, withSmtp ? { LUPAUS_SMTP_URL: smtp.url } : {});
}

describe('lupaus rectify, restrict, objection and notifications', () => {
  let dir: string;
  let url: string | undefined;
  let personId: string;

  beforeAll(async () => {
    ({ dir, url } = await cli.initRegister('003-auntie'));
    await withRegister(dir, url, async (reg) => {
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
    });
  }, 120_000);

  it('R4.3 rectify corrects the field and emails the recipient; without SMTP the notice waits, and notifications send delivers it', async () => {
    const r = await lupaus(['rectify', personId, '--set', 'last_name=Koski', '--dir', dir], url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rectified last_name');
    expect(r.stdout).toContain('told recipient partners (Kumppani Oy) of last_name');
    expect(r.stdout).toContain('notices: 1 sent, 0 failed');
    expect(smtp.messages.at(-1)?.to).toEqual(['tietosuoja@kumppani.example']);
    expect(smtp.messages.at(-1)?.raw).toContain('Koski');

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
    const before = smtp.messages.length;
    const send = await lupaus(['notifications', 'send', '--json', '--dir', dir], url);
    expect(send.code, send.stderr).toBe(0);
    expect(JSON.parse(send.stdout)).toEqual({ sent: 1, failed: 0, undeliverable: 0 });
    expect(smtp.messages.length).toBe(before + 1);
    expect(smtp.messages.at(-1)?.raw).toContain('Koskinen');

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
    const out = join(cli.work, 'todistus.html');
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
    expect(smtp.messages.at(-1)?.to).toEqual(['maija@example.fi']);
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
