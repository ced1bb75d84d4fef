import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPerson } from '@lupaus/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus request`, run in-process (R4.1). */
const cli = useCliHarness('lupaus-request-');
const lupaus = cli.lupaus;

describe('lupaus request', () => {
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
    });
  }, 300_000);

  it('R4.1 a written request: add, verify refused without the letter and for the hetu, letter, verify, list --overdue, show', async () => {
    const add = await lupaus(
      [
        'request',
        'add',
        '--person',
        personId,
        '--type',
        'access',
        '--via',
        'written',
        '--received-at',
        '2024-01-31T23:30:00Z',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(add.code, add.stderr).toBe(0);
    const created = JSON.parse(add.stdout) as { id: string; dueOn: string; receivedOn: string };
    expect(created).toMatchObject({ receivedOn: '2024-02-01', dueOn: '2024-03-01' });
    const id = created.id;

    const noLetter = await lupaus(['request', 'verify', id, '--method', 'id_document', '--dir', dir], url);
    expect(noLetter.code).toBe(1);
    expect(noLetter.stderr).toMatch(/letter: .*attach the signed letter/);
    expect(noLetter.stderr).not.toMatch(/\n\s+at /);

    const letterPath = join(cli.work, 'kirje.pdf');
    writeFileSync(letterPath, '%PDF-1.4 allekirjoitettu');
    const letter = await lupaus(['request', 'letter', id, letterPath, '--dir', dir], url);
    expect(letter.code, letter.stderr).toBe(0);
    expect(letter.stdout).toContain('attached letter kirje.pdf');

    const hetu = await lupaus(['request', 'verify', id, '--method', 'hetu', '--dir', dir], url);
    expect(hetu.code).toBe(1);
    expect(hetu.stderr).toMatch(/method: the personal identity code \(hetu\) alone never verifies identity/);

    const verify = await lupaus(
      ['request', 'verify', id, '--method', 'strong_electronic_identification', '--dir', dir],
      url,
    );
    expect(verify.code, verify.stderr).toBe(0);

    const overdue = await lupaus(['request', 'list', '--overdue', '--dir', dir], url);
    expect(overdue.code, overdue.stderr).toBe(0);
    expect(overdue.stdout).toMatch(/^id +type +state +person +received +deadline +overdue +identity$/m);
    expect(overdue.stdout).toMatch(
      new RegExp(
        `^${id} +access +verified +${personId} +2024-02-01 +2024-03-01 +OVERDUE +strong_electronic_identification$`,
        'm',
      ),
    );

    const show = await lupaus(['request', 'show', id, '--dir', dir], url);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`request ${id}: access, verified, OVERDUE, deadline 2024-03-01`);
    expect(show.stdout).toMatch(/letter +kirje\.pdf \(application\/pdf, 24 bytes\)/);
    expect(show.stdout).toMatch(/ received +\{.*"receivedVia":"written"/);
    expect(show.stdout).toMatch(/letter_attached/);
    expect(show.stdout).toMatch(/identity_verified/);
  }, 300_000);

  it('R4.1 an electronic request: extend within the first month, then refuse with a reason; bad usage exits 2', async () => {
    const add = await lupaus(
      [
        'request',
        'add',
        '--person',
        personId,
        '--type',
        'erasure',
        '--via',
        'electronic',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(add.code, add.stderr).toBe(0);
    const { id, dueOn } = JSON.parse(add.stdout) as { id: string; dueOn: string };
    const extend = await lupaus(
      ['request', 'extend', id, '--months', '2', '--reason', 'Useita järjestelmiä', '--dir', dir],
      url,
    );
    expect(extend.code, extend.stderr).toBe(0);
    expect(extend.stdout).toContain(`extended request ${id} from ${dueOn} to `);
    const refuse = await lupaus(
      [
        'request',
        'refuse',
        id,
        '--ground',
        'manifestly_unfounded',
        '--reason',
        'Koskee toisen tietoja',
        '--json',
        '--dir',
        dir,
      ],
      url,
    );
    expect(refuse.code, refuse.stderr).toBe(0);
    expect(JSON.parse(refuse.stdout)).toMatchObject({
      state: 'refused',
      charge: 'refused',
      chargeReason: 'Koskee toisen tietoja',
    });
    const list = await lupaus(['request', 'list', '--person', personId, '--json', '--dir', dir], url);
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ id, state: 'refused' }));

    expect(
      (
        await lupaus(
          ['request', 'add', '--person', personId, '--type', 'complaint', '--via', 'written', '--dir', dir],
          url,
        )
      ).code,
    ).toBe(2);
    expect(
      (await lupaus(['request', 'extend', id, '--months', '3', '--reason', 'x', '--dir', dir], url)).code,
    ).toBe(2);
    expect((await lupaus(['request', 'refuse', id, '--reason', 'x', '--dir', dir], url)).code).toBe(2);
  }, 300_000);
});
