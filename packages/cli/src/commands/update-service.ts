import { createReadStream } from 'node:fs';
import { applyUpdateBatch, type UpdateBatchReport } from '@lupaus/engine';
import type { Command } from 'commander';
import { print, withRegister } from '../context';
import { countBytes, fileProgress, readImportInput } from './import-progress';

/**
 * `lupaus update-service apply FILE.csv --source ID [--mapping FILE.json] [--dry-run] [--json]`: applies a batch of
 * name and address changes from an update service (R2.8). The file is streamed; each line that cannot be applied
 * is printed as `line N, column C: reason` (stdout) and the summary follows. Exit 0 when the batch ran (even with
 * rejected lines), 1 when the file or its columns are refused (nothing written).
 */
export function updateServiceCommand(program: Command): void {
  const cmd = program
    .command('update-service')
    .description('name and address changes from an update service (Posti, the population register: R2.8)');
  cmd
    .command('apply <file>')
    .description(
      'apply a CSV of name and address changes (asiakasnumero|hetu|person_id;sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka[;muuttopäivä])',
    )
    .requiredOption(
      '--source <id>',
      'the update service: a source id of the definition, or the kind update_service / population_register',
    )
    .option(
      '--mapping <file>',
      'a JSON file of CSV column → target (customer_number, last_name, address.postalCode, ...)',
    )
    .option('--dry-run', 'write nothing; say what would change')
    .option('--purpose <id>', 'the purpose of the audit rows (default the first purpose)')
    .option('--json', 'print the report as JSON')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .action(
      async (
        file: string,
        opts: {
          source: string;
          mapping?: string;
          dryRun?: boolean;
          purpose?: string;
          json?: boolean;
          dir?: string;
        },
      ) => {
        const { size, mapping } = readImportInput(file, opts.mapping);
        await withRegister(opts, async (reg, actor) => {
          const bar = process.stderr.isTTY ? fileProgress(size, 'lines') : undefined;
          let bytes = 0;
          const report = await applyUpdateBatch(reg, actor, {
            input: countBytes(createReadStream(file), (n) => {
              bytes += n;
            }),
            source: opts.source,
            mapping,
            dryRun: opts.dryRun === true,
            purpose: opts.purpose,
            fileName: file.split(/[\\/]/).pop(),
            onProblem: opts.json
              ? undefined
              : (p) => print(`line ${p.line}${p.column !== null ? `, column ${p.column}` : ''}: ${p.reason}`),
            onProgress: bar ? (p) => bar.update({ rows: p.rows, bytes }) : undefined,
          });
          bar?.done();
          if (opts.json) print(JSON.stringify(report, null, 2));
          else print(summary(report));
        });
      },
    );
}

/** One line saying what the batch did (or would do). */
export function summary(r: UpdateBatchReport): string {
  const fields = Object.entries(r.fields)
    .map(([f, n]) => `${f} ${n}`)
    .join(', ');
  const head = r.dryRun
    ? `dry run from ${r.source}, nothing written: ${r.rows} lines, ${r.changed} would change`
    : `update batch ${r.runId} from ${r.source}: ${r.rows} lines, ${r.changed} changed`;
  return [
    `${head}, ${r.unchanged} unchanged, ${r.rejected} rejected${fields ? ` (${fields})` : ''}`,
    ...(r.restricted > 0
      ? [`${r.restricted} persons whose processing is restricted got the accuracy update only`]
      : []),
    ...(r.newerOnRecord > 0
      ? [`${r.newerOnRecord} addresses kept: the one on record was saved after the move`]
      : []),
  ].join('\n');
}
