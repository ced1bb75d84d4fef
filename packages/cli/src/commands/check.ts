import { readFileSync } from 'node:fs';
import { checkSource, formatProblem } from '@lupaus/core';
import type { Command } from 'commander';
import { ExitError, print } from '../context';

/**
 * `lupaus check FILE [--as-seed]`: checks a register definition (R1.4). Prints `ok` when it is valid; else one
 * `file:line:column: message` line per problem and exit code 1. `--as-seed` reads it as its seed notice was,
 * without what Lupaus added, to show every gap the seed had.
 */
export function checkCommand(program: Command): void {
  program
    .command('check')
    .description('check a register definition; print each problem as file:line:column: message')
    .argument('<file>', 'the register definition (register.yaml)')
    .option('--as-seed', 'read the definition as its seed notice was (without !added values)')
    .action((file: string, opts: { asSeed?: boolean }) => {
      const source = readSource(file);
      const problems = checkSource(source, { asSeed: opts.asSeed === true });
      if (problems.length === 0) {
        print(`ok: ${file}`);
        return;
      }
      for (const p of problems) print(formatProblem(file, p));
      throw new ExitError(1, `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}`);
    });
}

/** Reads a definition file, or tells why it cannot (exit 1). */
export function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExitError(
      1,
      `error: cannot read ${file}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`,
    );
  }
}
