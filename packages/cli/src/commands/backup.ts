import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { LupausError } from '@lupaus/core';
import { createBackup, type RestoreReport, restoreBackup } from '@lupaus/engine';
import type { Command } from 'commander';
import { databaseUrl, dataDirOf, print, withRegister } from '../context';

/**
 * `lupaus backup FILE` and `lupaus restore FILE` (issue 8): an encrypted, portable backup of the whole register
 * (every table and the stored files), for PGlite and PostgreSQL alike. The passphrase comes from
 * LUPAUS_BACKUP_PASSPHRASE or `--passphrase-file` (its first line); never from the command line, which other
 * users of the machine can see. The register's keys (keys.json) are not in the backup: keep them apart.
 */
const DIR = ['--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)'] as const;
const PASS = [
  '--passphrase-file <file>',
  'read the passphrase from this file (else $LUPAUS_BACKUP_PASSPHRASE)',
] as const;

function passphraseOf(opts: { passphraseFile?: string }): string {
  if (opts.passphraseFile) {
    let text: string;
    try {
      text = readFileSync(opts.passphraseFile, 'utf8');
    } catch (e) {
      throw new LupausError('VALIDATION_FAILED', {}, [
        { at: '--passphrase-file', message: `cannot read ${opts.passphraseFile}: ${(e as Error).message}` },
      ]);
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  return process.env.LUPAUS_BACKUP_PASSPHRASE ?? '';
}

function printRestore(r: RestoreReport): void {
  const rows = r.tables.reduce((n, t) => n + t.rows, 0);
  print(
    `restored ${r.file} (made ${r.backupCreatedAt} on ${r.source}) into ${r.target}, schema ${r.schemaVersion}`,
  );
  print(`  ${r.tables.length} tables, ${rows} rows: counts and checksums match the backup`);
  print(`  files: ${r.files.restored} restored (${r.files.bytes} bytes)`);
  if (r.files.missing.length > 0) {
    print(`  files missing already when the backup was made: ${r.files.missing.length}`);
    for (const k of r.files.missing) print(`    ${k}`);
  }
  if (r.definition === 'written') print('  register.yaml written from the backup');
  if (r.definition === 'differs') print('  register.yaml differs from the backup’s: the current one is kept');
  const p = r.replayed;
  print(
    `  erasures after the backup replayed: ${p.erased.length} erased, ${p.notPresent.length} not present${p.journalMatched ? '' : ' (journal matched by time, not position)'}`,
  );
  for (const e of p.erased)
    print(`    ${e.mode === 'erase' ? 'erased' : 'anonymised'} ${e.person} (${e.state})`);
  for (const f of p.failed) print(`    FAILED ${f.person}: ${f.message}`);
  if (p.retentionRuns.length > 0) print(`  retention sweeps replayed: ${p.retentionRuns.length}`);
}

export function backupCommands(program: Command): void {
  program
    .command('backup')
    .description('write an encrypted backup of the whole register (tables and stored files) to FILE')
    .argument('<file>', 'the backup file to write (never overwritten)')
    .option(...PASS)
    .option('--json', 'print the summary as JSON')
    .option(...DIR)
    .action(async (file: string, opts: { passphraseFile?: string; json?: boolean; dir?: string }) => {
      const passphrase = passphraseOf(opts);
      const s = await withRegister(opts, (reg, actor) => createBackup(reg, actor, { file, passphrase }));
      if (opts.json) {
        print(JSON.stringify(s, null, 2));
        return;
      }
      const rows = s.manifest.tables.reduce((n, t) => n + t.rows, 0);
      print(`backup written: ${s.file} (${s.bytes} bytes), schema ${s.schemaVersion}`);
      print(`  ${s.manifest.tables.length} tables, ${rows} rows; ${s.manifest.files.count} files`);
      if (s.manifest.files.missing.length > 0) {
        print(`  files whose bytes were missing: ${s.manifest.files.missing.join(', ')}`);
      }
      print('  keep keys.json (or LUPAUS_ENCRYPTION_KEY, LUPAUS_LOOKUP_KEY) apart: a restore needs them');
    });

  program
    .command('restore')
    .description('restore a backup into the register (an empty or new one; --force replaces one with data)')
    .argument('<file>', 'the backup file')
    .option(...PASS)
    .option('--force', 'replace a register that holds data')
    .option('--json', 'print the report as JSON')
    .option(...DIR)
    .action(
      async (
        file: string,
        opts: { passphraseFile?: string; force?: boolean; json?: boolean; dir?: string },
      ) => {
        const passphrase = passphraseOf(opts);
        const dataDir = dataDirOf(opts);
        const url = databaseUrl();
        let actorId = 'cli:unknown';
        try {
          actorId = `cli:${userInfo().username || 'unknown'}`;
        } catch {
          // No user name on this system.
        }
        const r = await restoreBackup({
          dataDir,
          databaseUrl: url,
          file,
          passphrase,
          force: opts.force === true,
          actorId,
        });
        if (opts.json) print(JSON.stringify(r, null, 2));
        else printRestore(r);
        if (r.replayed.failed.length > 0) process.exitCode = 1;
      },
    );
}
