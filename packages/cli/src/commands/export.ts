import { writeFileSync } from 'node:fs';
import { exportLabels, exportSegment } from '@lupaus/engine';
import { type Command, InvalidArgumentError } from 'commander';
import { withRegister } from '../context';

/**
 * `lupaus export segment` (CSV) and `lupaus export labels` (A4 label sheets, PDF or HTML): marketing lists, both
 * through the marketing gate (R3.2, R3.3), so nobody who prohibited, withdrew, objected, is restricted or is on a
 * suppression list is in them. The count and selection id go to stderr; every person exported is audited.
 */
function listOption(value: string): string[] {
  const items = value
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (items.length === 0) throw new InvalidArgumentError('give a comma-separated list');
  return items;
}

function audienceOption(value: string): 'all' | 'consumers' | 'business' {
  if (value !== 'all' && value !== 'consumers' && value !== 'business') {
    throw new InvalidArgumentError('the audience is all, consumers or business');
  }
  return value;
}

function formatOption(value: string): 'pdf' | 'html' {
  if (value !== 'pdf' && value !== 'html') throw new InvalidArgumentError('the format is pdf or html');
  return value;
}

function delimiterOption(value: string): ',' | ';' {
  if (value !== ',' && value !== ';') throw new InvalidArgumentError('the delimiter is , or ;');
  return value;
}

interface FilterOpts {
  customers?: string[];
  persons?: string[];
  audience?: 'all' | 'consumers' | 'business';
  dir?: string;
}

function filterOf(opts: FilterOpts) {
  return {
    ...(opts.customers ? { customerNumbers: opts.customers } : {}),
    ...(opts.persons ? { personIds: opts.persons } : {}),
    ...(opts.audience ? { audience: opts.audience } : {}),
  };
}

function withFilterOptions(cmd: Command): Command {
  return cmd
    .option('--customers <numbers>', 'only these customer numbers (comma-separated)', listOption)
    .option('--persons <ids>', 'only these persons (comma-separated ids)', listOption)
    .option(
      '--audience <who>',
      'all, consumers or business (persons with an active contact role)',
      audienceOption,
    )
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)');
}

export function exportCommand(program: Command): void {
  const exp = program
    .command('export')
    .description('marketing lists through the marketing gate: segments (CSV) and mailing labels (R3.3)');

  withFilterOptions(
    exp
      .command('segment')
      .description('the persons a marketing purpose may reach on a channel, as CSV')
      .requiredOption('--purpose <id>', 'a marketing purpose of the definition')
      .requiredOption('--channel <id>', 'a marketing channel of the definition')
      .option('--delimiter <char>', 'the CSV delimiter: , (default) or ;', delimiterOption)
      .option('--out <file>', 'write the CSV here (default: standard output)'),
  ).action(
    async (opts: FilterOpts & { purpose: string; channel: string; delimiter?: ',' | ';'; out?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const seg = await exportSegment(reg, actor, {
          purpose: opts.purpose,
          channel: opts.channel,
          ...filterOf(opts),
          ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
        });
        if (opts.out) writeFileSync(opts.out, seg.csv, { mode: 0o600 });
        else process.stdout.write(seg.csv);
        process.stderr.write(
          `${seg.count} ${seg.count === 1 ? 'person' : 'persons'} for ${seg.purpose} by ${seg.channel} (selection ${seg.selectionId})${opts.out ? ` written to ${opts.out}` : ''}\n`,
        );
      });
    },
  );

  withFilterOptions(
    exp
      .command('labels')
      .description('printable A4 mailing label sheets (3 × 8) of the persons a purpose may reach by post')
      .requiredOption('--purpose <id>', 'a marketing purpose of the definition')
      .option('--channel <id>', 'a postal channel (default: the definition’s first, post)')
      .option('--format <format>', 'pdf (default) or html', formatOption)
      .requiredOption('--out <file>', 'write the labels here'),
  ).action(
    async (
      opts: FilterOpts & { purpose: string; channel?: string; format?: 'pdf' | 'html'; out: string },
    ) => {
      await withRegister(opts, async (reg, actor) => {
        const labels = await exportLabels(reg, actor, {
          purpose: opts.purpose,
          format: opts.format ?? 'pdf',
          ...(opts.channel ? { channel: opts.channel } : {}),
          ...filterOf(opts),
        });
        writeFileSync(opts.out, labels.body, { mode: 0o600 });
        process.stderr.write(
          `${labels.count} ${labels.count === 1 ? 'label' : 'labels'} for ${labels.purpose} (selection ${labels.selectionId}) written to ${opts.out}\n`,
        );
      });
    },
  );
}
