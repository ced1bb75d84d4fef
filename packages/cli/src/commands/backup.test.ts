import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPerson, erasePerson } from '@lupaus/engine';
import { describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus backup` and `lupaus restore`, run in-process (issue 8). */
const cli = useCliHarness('lupaus-backup-');
const lupaus = cli.lupaus;
const PASSPHRASE = 'a passphrase for the backup test';

describe('lupaus backup and restore', () => {
  it('issue 8 R4.4 lupaus backup, then an erasure, then lupaus restore --force: the erased person stays erased', async () => {
    const { dir, url } = await cli.initRegister('001-vitec-katrina');
    let kept = '';
    let erased = '';
    await withRegister(dir, url, async (reg) => {
      const person = (first: string) =>
        createPerson(reg, OPERATOR, {
          source: 'registrations',
          fields: { first_name: first, last_name: 'Asiakas' },
        });
      kept = (await person('Pysyvä')).id;
      erased = (await person('Poistettava')).id;
    });
    const file = join(dir, '..', 'register.backup');
    const env = { LUPAUS_BACKUP_PASSPHRASE: PASSPHRASE };
    const noPass = await lupaus(['backup', file, '--dir', dir], url, { LUPAUS_BACKUP_PASSPHRASE: '' });
    expect(noPass.code).toBe(1);
    expect(noPass.stderr).toMatch(/LUPAUS_BACKUP_PASSPHRASE or give --passphrase-file/);

    const made = await lupaus(['backup', file, '--dir', dir], url, env);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/backup written: .*register\.backup/);
    expect(made.stdout).toContain('keep keys.json');

    await withRegister(dir, url, (reg) => erasePerson(reg, OPERATOR, { personId: erased }));

    const refused = await lupaus(['restore', file, '--dir', dir], url, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/holds data .*--force/);

    const passFile = join(dir, '..', 'pass.txt');
    writeFileSync(passFile, `${PASSPHRASE}\n`);
    const wrong = await lupaus(['restore', file, '--force', '--dir', dir], url, {
      LUPAUS_BACKUP_PASSPHRASE: 'not the right passphrase',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase: the passphrase is not the one this backup was made with/);

    const restored = await lupaus(
      ['restore', file, '--force', '--passphrase-file', passFile, '--dir', dir],
      url,
    );
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('counts and checksums match the backup');
    expect(restored.stdout).toContain(`erased ${erased} (completed)`);

    const list = await lupaus(['audit', 'verify', '--dir', dir], url);
    expect(list.code, list.stderr + list.stdout).toBe(0);
    await withRegister(dir, url, async (reg) => {
      const ids = (await reg.db.selectFrom('persons').select('id').execute()).map((r) => r.id);
      expect(ids).toContain(kept);
      expect(ids).not.toContain(erased);
    });
  }, 300_000);
});
