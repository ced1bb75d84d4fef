import { LupausError } from '@lupaus/core';
import {
  type DuplicatePair,
  type DuplicateReason,
  listDuplicates,
  type MergeResult,
  markNotDuplicate,
  mergePersons,
} from '@lupaus/engine';
import type { Command } from 'commander';
import { print, withRegister } from '../context';

/**
 * `lupaus duplicates list|merge|not-duplicate` (R2.7): the likely duplicate persons, strongest first; merging
 * one person into another (everything of theirs moves, the most restrictive consent wins); marking a pair as
 * not the same person. Thin adapters over the engine's `listDuplicates`, `mergePersons` and `markNotDuplicate`.
 */
const DIR = ['--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)'] as const;

function name(p: DuplicatePair['a']): string {
  return [p.firstName, p.lastName].filter(Boolean).join(' ') || '(name not shown)';
}

/** `first_name=other,nickname=keep` → `{ first_name: 'other', nickname: 'keep' }`; bad text is a usage error. */
export function parseTake(text: string): Record<string, 'keep' | 'other'> {
  const out: Record<string, 'keep' | 'other'> = {};
  for (const part of text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const [field, side, ...rest] = part.split('=');
    if (!field || rest.length > 0 || (side !== 'other' && side !== 'keep')) {
      throw new LupausError('VALIDATION_FAILED', {}, [
        { at: '--take', message: `"${part}" is not field=other or field=keep` },
      ]);
    }
    out[field] = side;
  }
  return out;
}

function mergeReport(r: MergeResult): string[] {
  const moved = Object.entries(r.moved)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  return [
    `person ${r.mergedId} merged into ${r.keptId}`,
    `  moved: ${moved || '(nothing)'}`,
    `  fields taken from the merged person: ${r.fieldsTaken.join(', ') || '(none)'}`,
    `  fields of the merged person not kept: ${r.fieldsDropped.join(', ') || '(none)'}`,
    ...(r.consentsAdded > 0
      ? [`  ${r.consentsAdded} withdrawal(s) or prohibition(s) of either person repeated so that they hold`]
      : []),
  ];
}

export function duplicatesCommand(program: Command): void {
  const dup = program.command('duplicates').description('likely duplicate persons and merging them (R2.7)');
  dup
    .command('list')
    .description('list likely duplicates, strongest first (same email or phone, similar name and address)')
    .option('--limit <n>', 'pairs per page (1–200)', '50')
    .option('--after <cursor>', 'the cursor printed after the previous page')
    .option('--reasons <list>', 'signs to look for: email,phone,name_address,name_postal_code')
    .option('--purpose <purpose>', 'the purpose recorded in the audit trail')
    .option('--json', 'print the page as JSON')
    .option(...DIR)
    .action(
      async (opts: {
        limit: string;
        after?: string;
        reasons?: string;
        purpose?: string;
        json?: boolean;
        dir?: string;
      }) => {
        await withRegister(opts, async (reg, actor) => {
          const page = await listDuplicates(reg, actor, {
            limit: Number(opts.limit),
            ...(opts.after !== undefined ? { after: opts.after } : {}),
            ...(opts.reasons !== undefined
              ? { reasons: opts.reasons.split(',').map((x) => x.trim()) as DuplicateReason[] }
              : {}),
            ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}),
          });
          if (opts.json) return print(JSON.stringify(page, null, 2));
          if (page.items.length === 0) return print('no likely duplicates');
          for (const p of page.items) {
            print(
              `${p.score.toFixed(2)}  ${p.a.id} ${name(p.a)}  ~  ${p.b.id} ${name(p.b)}  (${p.reasons.join(', ')})`,
            );
          }
          if (page.next) print(`more: --after ${page.next}`);
        });
      },
    );
  dup
    .command('merge')
    .description('merge OTHER into KEEP: everything of OTHER moves to KEEP, OTHER’s id then names KEEP')
    .argument('<keep>', 'the person who stays')
    .argument('<other>', 'the person merged in (their row goes)')
    .option(
      '--take <list>',
      'fields whose value comes from OTHER: field=other,... (default KEEP’s unless empty)',
    )
    .option('--purpose <purpose>', 'the purpose recorded in the audit trail')
    .option('--json', 'print the result as JSON')
    .option(...DIR)
    .action(
      async (
        keep: string,
        other: string,
        opts: { take?: string; purpose?: string; json?: boolean; dir?: string },
      ) => {
        await withRegister(opts, async (reg, actor) => {
          const r = await mergePersons(reg, actor, {
            keep,
            other,
            ...(opts.take !== undefined ? { take: parseTake(opts.take) } : {}),
            ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}),
          });
          print(opts.json ? JSON.stringify(r, null, 2) : mergeReport(r).join('\n'));
        });
      },
    );
  dup
    .command('not-duplicate')
    .description('mark two persons as not the same person, so that the list does not show them again')
    .argument('<a>', 'a person id')
    .argument('<b>', 'another person id')
    .option(...DIR)
    .action(async (a: string, b: string, opts: { dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        await markNotDuplicate(reg, actor, { a, b });
        print(`${a} and ${b} marked as not duplicates`);
      });
    });
}
