import { initRegister, listExamples } from '@lupaus/engine';
import type { Command } from 'commander';
import { databaseUrl, dataDirOf, ExitError, print } from '../context';

export const DEFAULT_EXAMPLE = '003-auntie';

/**
 * `lupaus init [--example NAME | --file FILE] [--dir DIR]`: creates a register in a data directory from an
 * example or a definition file of one's own: the definition, the keys, the database and the first notice
 * version. It never overwrites a register that is already there.
 */
export function initCommand(program: Command): void {
  program
    .command('init')
    .description('create a register in the data directory from an example or a definition file')
    .option('--example <name>', `one of the examples (${listExamples().join(', ')})`)
    .option('--file <file>', 'a register definition of your own')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .action(async (opts: { example?: string; file?: string; dir?: string }) => {
      if (opts.example && opts.file) throw new ExitError(2, 'error: give --example or --file, not both');
      const dataDir = dataDirOf(opts);
      await init(
        dataDir,
        opts.file ? { definitionFile: opts.file } : { example: opts.example ?? DEFAULT_EXAMPLE },
      );
      print(`initialised a register in ${dataDir}`);
      print(`next: lupaus serve --dir ${dataDir}`);
    });
}

export async function init(
  dataDir: string,
  from: { example: string } | { definitionFile: string },
): Promise<void> {
  if ('example' in from && !listExamples().includes(from.example)) {
    throw new ExitError(
      2,
      `error: no example "${from.example}"; the examples are ${listExamples().join(', ')}`,
    );
  }
  const url = databaseUrl();
  await initRegister({ dataDir, ...from, ...(url ? { databaseUrl: url } : {}) });
}
