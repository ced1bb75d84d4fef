import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPerson, getPerson } from '@lupaus/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus update-service apply`, run in-process (R2.8). Example 003: source `address_update`. */
const cli = useCliHarness('lupaus-update-service-');
let dir: string;
let url: string | undefined;
let id: string;
const lupaus = (args: string[]) => cli.lupaus([...args, '--dir', dir], url);

beforeAll(async () => {
  ({ dir, url } = await cli.initRegister('003-auntie'));
  await withRegister(dir, url, async (reg) => {
    const p = await createPerson(reg, OPERATOR, {
      source: 'subject',
      fields: {
        first_name: 'Maija',
        last_name: 'Meikäläinen',
        customer_number: 'A-1',
        address: { street: 'Vanhakatu 1', postalCode: '00100', city: 'Helsinki' },
      },
    });
    id = p.id;
  });
}, 120_000);

describe('lupaus update-service apply', () => {
  it('R2.8 a dry run, then the batch with a mapping: bad lines printed with line and column, the summary last', async () => {
    const file = join(cli.work, 'posti.csv');
    writeFileSync(
      file,
      'ASNRO;SNIMI;KATU;PNRO;TMP\nA-1;Virtanen;Uusikatu 2;00500;Helsinki\nA-2;Tuntematon;;;\n',
    );
    const mapping = join(cli.work, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        ASNRO: 'customer_number',
        SNIMI: 'last_name',
        KATU: 'address.street',
        PNRO: 'address.postalCode',
        TMP: 'address.city',
      }),
    );
    const dry = await lupaus([
      'update-service',
      'apply',
      file,
      '--source',
      'update_service',
      '--mapping',
      mapping,
      '--dry-run',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('line 3, column ASNRO: no person has this customer number');
    expect(dry.stdout).toMatch(
      /dry run from address_update, nothing written: 2 lines, 1 would change, 0 unchanged, 1 rejected/,
    );
    const run = await lupaus([
      'update-service',
      'apply',
      file,
      '--source',
      'address_update',
      '--mapping',
      mapping,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /update batch [0-9a-f-]{36} from address_update: 2 lines, 1 changed, 0 unchanged, 1 rejected \(last_name 1, address 1\)/,
    );
    await withRegister(dir, url, async (reg) => {
      const p = await getPerson(reg, OPERATOR, id);
      expect(p.fields.last_name).toBe('Virtanen');
      expect(p.provenance.last_name?.source).toBe('address_update');
    });
    // A column an update service may not change: exit 1 naming it, nothing written.
    writeFileSync(file, 'asiakasnumero;sähköposti\nA-1;x@example.fi\n');
    const bad = await lupaus(['update-service', 'apply', file, '--source', 'address_update']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('sähköposti');
  });
});
