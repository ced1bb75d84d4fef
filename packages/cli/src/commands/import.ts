import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import {
  type Actor,
  type ImportProblem,
  type ImportReport,
  importConsents,
  importOrganisations,
  importPersons,
  type Register,
} from '@lupaus/engine';
import type { Command } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { fileProgress, readImportInput } from './import-progress';

/**
 * `lupaus import persons|consents|organisations FILE.csv [--mapping FILE.json] [--source ID] [--dry-run]
 * [--errors FILE.csv] [--json]` (R2.8). The file is streamed in batches; on a terminal a progress bar (rows, rate,
 * time left) is drawn on stderr. Each rejected row's problems are printed as `line N, column C: reason` (all of
 * them to `--errors` as CSV: line,column,reason) and the summary follows. Exit 0 when every row was imported, 1
 * when any row was rejected or the file was refused.
 */
type Importer = (
  reg: Register,
  actor: Actor,
  input: Parameters<typeof importPersons>[2],
) => Promise<ImportReport>;

interface ImportOpts {
  source?: string;
  mapping?: string;
  dryRun?: boolean;
  errors?: string;
  purpose?: string;
  batchSize?: string;
  json?: boolean;
  dir?: string;
}

const KINDS: { name: string; what: string; run: Importer }[] = [
  {
    name: 'persons',
    what: 'persons (columns named by catalogue field ids, or --mapping)',
    run: importPersons,
  },
  {
    name: 'consents',
    what: 'consents, withdrawals and prohibitions (customer_number|email|hetu, channel, purpose, kind, at, evidence)',
    run: importConsents,
  },
  {
    name: 'organisations',
    what: 'organisations (name, business_id, ...) and their contact persons (person.customer_number|person.email|person.hetu, title, starts_on)',
    run: importOrganisations,
  },
];

export function importCommand(program: Command): void {
  const cmd = program
    .command('import')
    .description('import a CSV file of persons, consents or organisations (R2.8)');
  for (const kind of KINDS) {
    cmd
      .command(`${kind.name} <file>`)
      .description(`import ${kind.what}; a rerun of the file updates rather than duplicates`)
      .option('--source <id>', 'where the data comes from: a source id of the definition (default its first)')
      .option('--mapping <file>', 'a JSON file of CSV column → field id ("" ignores a column)')
      .option('--dry-run', 'validate and match only; write nothing')
      .option('--errors <file>', 'write every problem to this CSV file (line,column,reason)')
      .option('--purpose <id>', 'the purpose of the audit rows (default the first purpose)')
      .option('--batch-size <n>', 'rows per transaction (default 2000)')
      .option('--json', 'print the report as JSON')
      .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
      .action(async (file: string, opts: ImportOpts) => {
        await runImportCommand(kind.run, file, opts);
      });
  }
}

async function runImportCommand(run: Importer, file: string, opts: ImportOpts): Promise<void> {
  const { size, mapping } = readImportInput(file, opts.mapping);
  const batchSize = opts.batchSize === undefined ? undefined : Number(opts.batchSize);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
    throw new ExitError(2, 'error: --batch-size is a whole number from 1 to 100000');
  }
  const errors = opts.errors === undefined ? undefined : createWriteStream(opts.errors);
  errors?.write('line,column,reason\n');
  let printed = 0;
  const report = await withRegister(opts, async (reg, actor) => {
    const bar = process.stderr.isTTY ? fileProgress(size) : undefined;
    try {
      return await run(reg, actor, {
        input: createReadStream(file, { highWaterMark: 1 << 20 }),
        source: opts.source ?? reg.definition.sources[0]?.id ?? '',
        mapping,
        dryRun: opts.dryRun === true,
        purpose: opts.purpose,
        fileName: file.split(/[\\/]/).pop(),
        batchSize,
        onProblem: (p) => {
          if (errors) writeProblem(errors, p);
          // Printed on stdout too, up to a screenful more than the report keeps: the rest are in --errors.
          if (!opts.json && printed++ < 1000) print(problemLine(p));
        },
        onProgress: bar?.update,
      });
    } finally {
      bar?.done();
      if (errors) {
        errors.end();
        await once(errors, 'close');
      }
    }
  });
  if (opts.json) print(JSON.stringify(report, null, 2));
  else print(summary(report));
  if (report.rejected > 0) throw new ExitError(1);
}

export function problemLine(p: ImportProblem): string {
  return `line ${p.line}${p.column !== null ? `, column ${p.column}` : ''}: ${p.reason}`;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeProblem(out: WriteStream, p: ImportProblem): void {
  out.write(`${p.line},${csvCell(p.column ?? '')},${csvCell(p.reason)}\n`);
}

/** What the import did (or, in a dry run, would do). */
export function summary(r: ImportReport): string {
  const head = r.dryRun
    ? `dry run from ${r.source}, nothing written: ${r.rows} rows, ${r.created} would be created, ${r.updated} updated`
    : `import ${r.runId} from ${r.source}: ${r.rows} rows, ${r.created} created, ${r.updated} updated`;
  return `${head}, ${r.unchanged} unchanged, ${r.rejected} rejected`;
}
