import {
  type Definition,
  formatProblem,
  type Language,
  loadDefinition,
  renderNotice,
  renderRopa,
} from '@lupaus/core';
import { listNoticeVersions, renderNoticeVersion } from '@lupaus/engine';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { readSource } from './check';

/**
 * `lupaus notice FILE --lang fi|en|sv [--format md|html]`: renders the privacy notice from a definition file
 * (R1.2). `lupaus notice versions` and `lupaus notice show --version N` read the published versions of the
 * register in the data directory. `lupaus ropa FILE`: the record of processing activities (R1.6).
 */
const langOption = () =>
  new Option('--lang <lang>', 'the language of the document').choices(['fi', 'en', 'sv']).default('fi');
const formatOption = () =>
  new Option('--format <format>', 'Markdown or HTML').choices(['md', 'html']).default('md');

interface DocOpts {
  lang: Language;
  format: 'md' | 'html';
}

export function noticeCommand(program: Command): void {
  const notice = program
    .command('notice')
    .description('render the privacy notice of a definition file, or list and show published versions')
    .argument('[file]', 'the register definition (register.yaml)')
    .addOption(langOption())
    .addOption(formatOption())
    .action((file: string | undefined, opts: DocOpts) => {
      if (!file)
        throw new ExitError(2, 'error: give a definition file, or `notice versions` / `notice show`');
      const def = loadChecked(file);
      process.stdout.write(ensureNewline(renderNotice(def, { lang: opts.lang, format: opts.format })));
    });

  notice
    .command('versions')
    .description('list the published versions of the notice of the register')
    .option('--dir <dir>', 'the data directory of the register')
    .action(async (opts: { dir?: string }) => {
      await withRegister(opts, async (reg) => {
        for (const v of await listNoticeVersions(reg)) {
          print(`${v.version}\t${v.noticeDate}\t${v.publishedAt}\t${v.contentHash}`);
        }
      });
    });

  notice
    .command('show')
    .description(
      'show a published version of the notice of the register (the latest when --version is omitted)',
    )
    .option('--version <n>', 'the version number', parseVersion)
    .addOption(langOption())
    .addOption(formatOption())
    .option('--dir <dir>', 'the data directory of the register')
    .action(async (opts: DocOpts & { version?: number; dir?: string }) => {
      await withRegister(opts, async (reg) => {
        const text = await renderNoticeVersion(reg, {
          lang: opts.lang,
          format: opts.format,
          ...(opts.version !== undefined ? { version: opts.version } : {}),
        });
        process.stdout.write(ensureNewline(text));
      });
    });
}

export function ropaCommand(program: Command): void {
  program
    .command('ropa')
    .description('render the record of processing activities (GDPR art. 30) of a definition file')
    .argument('<file>', 'the register definition (register.yaml)')
    .addOption(langOption())
    .addOption(formatOption())
    .action((file: string, opts: DocOpts) => {
      const def = loadChecked(file);
      process.stdout.write(ensureNewline(renderRopa(def, { lang: opts.lang, format: opts.format })));
    });
}

/** Loads a definition for rendering; one that does not load is told as `file:line:column` lines (exit 1). */
function loadChecked(file: string): Definition {
  const loaded = loadDefinition(readSource(file));
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`${formatProblem(file, p)}\n`);
    throw new ExitError(1, `error: ${file} is not a register definition; run \`lupaus check ${file}\``);
  }
  return loaded.definition;
}

function parseVersion(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a version is a positive whole number');
  return n;
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}
