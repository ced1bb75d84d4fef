import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCliHarness, withRegister } from '../testing';

/** `lupaus import persons`, run in-process (R2.8). Example 003-auntie. */
const cli = useCliHarness('lupaus-import-');
let dir: string;
let url: string | undefined;
const lupaus = (args: string[]) => cli.lupaus([...args, '--dir', dir], url);

beforeAll(async () => {
  ({ dir, url } = await cli.initRegister('003-auntie'));
}, 120_000);

describe('lupaus import persons', () => {
  it('R2.8 a dry run, then the import with a mapping: problems printed and written to --errors, exit 1 with the summary; a rerun updates', async () => {
    const file = join(cli.work, 'asiakkaat.csv');
    writeFileSync(
      file,
      'nro;etunimi;sukunimi;email\nC-1;Aino;Aalto;aino@example.fi\nC-2;Eino;;eino@example.fi\nC-3;"Iida, ""Ii""";Ilola;iida@example.fi\n',
    );
    const mapping = join(cli.work, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({ nro: 'customer_number', etunimi: 'first_name', sukunimi: 'last_name' }),
    );
    const dry = await lupaus(['import', 'persons', file, '--mapping', mapping, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(1);
    expect(dry.stdout).toContain('line 3, column sukunimi: last_name is required');
    expect(dry.stdout).toMatch(/dry run from subject, nothing written: 3 rows, 2 would be created/);

    const errors = join(cli.work, 'errors.csv');
    const run = await lupaus(['import', 'persons', file, '--mapping', mapping, '--errors', errors]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /import \S+ from subject: 3 rows, 2 created, 0 updated, 0 unchanged, 1 rejected/,
    );
    expect(readFileSync(errors, 'utf8')).toBe('line,column,reason\n3,sukunimi,last_name is required\n');
    await withRegister(dir, url, async (reg) => {
      const rows = await reg.db
        .selectFrom('persons')
        .select(['customer_number', 'first_name'])
        .orderBy('customer_number')
        .execute();
      expect(rows).toEqual([
        { customer_number: 'C-1', first_name: 'Aino' },
        { customer_number: 'C-3', first_name: 'Iida, "Ii"' },
      ]);
    });

    writeFileSync(
      file,
      'customer_number,first_name,last_name\nC-1,Aino,Aalto-Koski\nC-3,"Iida, ""Ii""",Ilola\n',
    );
    const again = await lupaus(['import', 'persons', file, '--source', 'transactions', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      rows: 2,
      created: 0,
      updated: 1,
      unchanged: 1,
      rejected: 0,
    });
  });
});
