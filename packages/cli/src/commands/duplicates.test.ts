import { createPerson } from '@lupaus/engine';
import { describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus duplicates list` and `lupaus duplicates merge`, run in-process (R2.7). */
const cli = useCliHarness('lupaus-duplicates-');
const lupaus = cli.lupaus;

describe('lupaus duplicates', () => {
  it('R2.7 lupaus duplicates list shows the pair; merge KEEP OTHER --take merges it', async () => {
    const { dir, url } = await cli.initRegister('003-auntie');
    const [keep, other] = await withRegister(dir, url, async (reg) => {
      const p = (nickname: string, email: string) =>
        createPerson(reg, OPERATOR, {
          source: 'subject',
          fields: { first_name: 'Matti', last_name: 'Virtanen', nickname, email },
        });
      return [(await p('Matte', 'matti@example.fi')).id, (await p('Masa', 'MATTI@example.fi')).id];
    });
    const list = await lupaus(['duplicates', 'list', '--dir', dir], url);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(keep);
    expect(list.stdout).toContain(other);
    expect(list.stdout).toContain('(email)');
    const merge = await lupaus(
      ['duplicates', 'merge', keep, other, '--take', 'nickname=other', '--json', '--dir', dir],
      url,
    );
    expect(merge.code, merge.stderr).toBe(0);
    const r = JSON.parse(merge.stdout);
    expect(r).toMatchObject({ keptId: keep, mergedId: other, fieldsTaken: ['nickname'] });
    expect(r.person.fields.nickname).toBe('Masa');
  }, 120_000);
});
