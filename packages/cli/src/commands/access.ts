import { writeFileSync } from 'node:fs';
import {
  ACCESS_REPORT_FORMATS,
  type AccessReportFormat,
  createAccessReport,
  exportPortableData,
  listDisclosures,
  PORTABLE_FORMATS,
  type PortableFormat,
  recordDisclosure,
} from '@lupaus/engine';
import { type Command, InvalidArgumentError } from 'commander';
import { print, withRegister } from '../context';
import { table } from './retention';

/**
 * `lupaus access report PERSON`, `lupaus disclosure record|list PERSON` and `lupaus portability export PERSON`:
 * the data subject's access report (R4.2), the log of disclosures (R6.5) and portable data (R4.7) of the
 * register in the data directory. A document is written to `--out` (or stdout); with `--request` the verified
 * request is completed by it.
 */
function choice<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} is one of ${allowed.join(', ')}`);
    }
    return value as T;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Writes a document to a file, or to stdout; says where on stderr. */
function deliver(body: Buffer, out: string | undefined, sha256: string): void {
  if (out) {
    writeFileSync(out, body, { mode: 0o600 });
    process.stderr.write(`written ${out} (${body.length} bytes, sha256 ${sha256})\n`);
  } else process.stdout.write(body);
}

export function accessCommand(program: Command): void {
  const access = program.command('access').description("the data subject's right of access (R4.2)");
  access
    .command('report <person>')
    .description('everything held on a person, with its sources, purposes, bases, retention and rights')
    .option(
      '--format <format>',
      'html, pdf or json (default html)',
      choice('--format', ACCESS_REPORT_FORMATS),
    )
    .option(
      '--lang <lang>',
      "the language: one of the register's (default its first)",
      choice('--lang', ['fi', 'en', 'sv'] as const),
    )
    .option('--request <id>', 'the verified access request this answers (it is completed)')
    .option('--out <file>', 'write the report here (default stdout)')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .action(
      async (
        person: string,
        opts: {
          format?: AccessReportFormat;
          lang?: 'fi' | 'en' | 'sv';
          request?: string;
          out?: string;
          dir?: string;
        },
      ) => {
        await withRegister(opts, async (reg, actor) => {
          const r = await createAccessReport(reg, actor, {
            personId: person,
            format: opts.format ?? 'html',
            lang: opts.lang,
            requestId: opts.request,
          });
          deliver(r.body, opts.out, r.sha256);
        });
      },
    );

  const disclosure = program
    .command('disclosure')
    .description('the log of disclosures of personal data (R6.5)');
  disclosure
    .command('record <person>')
    .description("record a disclosure of a person's data under one of the definition's disclosures")
    .requiredOption(
      '--disclosure <id>',
      "the definition's disclosure id (its recipient and basis come from it)",
    )
    .requiredOption(
      '--recipient-name <name>',
      'the actual recipient: the company or authority the data went to',
    )
    .option('--recipient-email <email>', "the actual recipient's email")
    .option('--category <id>', 'a category given (repeatable; default the disclosure’s own)', collect)
    .option('--field <id>', 'a field given (repeatable)', collect)
    .option('--reason <text>', "why: the authority's order and its reference ...")
    .option('--at <datetime>', 'when it was given (ISO 8601 with its zone; default now)')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the entry as JSON')
    .action(
      async (
        person: string,
        opts: {
          disclosure: string;
          recipientName: string;
          recipientEmail?: string;
          category?: string[];
          field?: string[];
          reason?: string;
          at?: string;
          dir?: string;
          json?: boolean;
        },
      ) => {
        await withRegister(opts, async (reg, actor) => {
          const entry = await recordDisclosure(reg, actor, {
            personId: person,
            disclosure: opts.disclosure,
            recipientName: opts.recipientName,
            recipientEmail: opts.recipientEmail,
            categories: opts.category,
            fields: opts.field,
            reason: opts.reason,
            at: opts.at,
          });
          if (opts.json) print(JSON.stringify(entry, null, 2));
          else
            print(
              `recorded disclosure ${entry.id}: ${entry.disclosure} to ${entry.recipientName} (${entry.basis})`,
            );
        });
      },
    );
  disclosure
    .command('list <person>')
    .description("the disclosures made of a person's data, oldest first")
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the entries as JSON')
    .action(async (person: string, opts: { dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const items = await listDisclosures(reg, actor, person);
        if (opts.json) {
          print(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          process.stderr.write('no disclosures recorded\n');
          return;
        }
        print(
          table(
            ['at', 'disclosure', 'recipient', 'actual recipient', 'basis', 'categories', 'reason'],
            items.map((d) => [
              d.at,
              d.disclosure,
              d.recipient,
              [d.recipientName, d.recipientEmail].filter(Boolean).join(' '),
              d.basis,
              d.categories.join(','),
              d.reason ?? '',
            ]),
          ),
        );
      });
    });

  const portability = program.command('portability').description('data portability (R4.7)');
  portability
    .command('export <person>')
    .description('the data the person provided, processed on consent or contract, as JSON or CSV')
    .option('--format <format>', 'json or csv (default json)', choice('--format', PORTABLE_FORMATS))
    .option('--request <id>', 'the verified portability request this answers (it is completed)')
    .option('--out <file>', 'write the export here (default stdout)')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .action(
      async (
        person: string,
        opts: { format?: PortableFormat; request?: string; out?: string; dir?: string },
      ) => {
        await withRegister(opts, async (reg, actor) => {
          const r = await exportPortableData(reg, actor, {
            personId: person,
            format: opts.format ?? 'json',
            requestId: opts.request,
          });
          deliver(r.body, opts.out, r.sha256);
        });
      },
    );
}
