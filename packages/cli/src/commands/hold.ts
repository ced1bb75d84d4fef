import { listLegalHolds, placeLegalHold, releaseLegalHold } from '@lupaus/engine';
import type { Command } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { table } from './retention';

/**
 * `lupaus hold add|release|list`: legal holds that stop the retention sweep (R5.2) on a person, a category, or
 * one person's category, until a date (through that whole day) or until released.
 */
export function holdCommand(program: Command): void {
  const hold = program.command('hold').description('legal holds: keep data the retention sweep would remove');

  hold
    .command('add')
    .description('place a legal hold on a person, a category, or one person’s category')
    .option('--person <id>', 'the person whose data is held')
    .option('--category <id>', 'the category of the definition whose data is held')
    .requiredOption('--reason <text>', 'why the data must be kept (a claim, an authority’s order …)')
    .requiredOption('--until <date>', 'the last day of the hold (YYYY-MM-DD)')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the hold as JSON')
    .action(
      async (opts: {
        person?: string;
        category?: string;
        reason: string;
        until: string;
        dir?: string;
        json?: boolean;
      }) => {
        if (opts.person === undefined && opts.category === undefined) {
          throw new ExitError(2, 'error: give --person, --category or both');
        }
        await withRegister(opts, async (reg, actor) => {
          const placed = await placeLegalHold(reg, actor, {
            ...(opts.person !== undefined ? { personId: opts.person } : {}),
            ...(opts.category !== undefined ? { category: opts.category } : {}),
            reason: opts.reason,
            endsOn: opts.until,
          });
          if (opts.json) print(JSON.stringify(placed, null, 2));
          else print(`placed legal hold ${placed.id} until ${placed.endsOn}`);
        });
      },
    );

  hold
    .command('release')
    .description('release a legal hold: the data it held follows its retention rule again')
    .argument('<id>', 'the id of the hold')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .action(async (id: string, opts: { dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const released = await releaseLegalHold(reg, actor, id);
        print(`released legal hold ${released.id}`);
      });
    });

  hold
    .command('list')
    .description('list the legal holds in force (with --all, every hold)')
    .option('--all', 'also holds released or past their end date')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the holds as JSON')
    .action(async (opts: { all?: boolean; dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listLegalHolds(reg, actor, { current: !opts.all, limit: 200 });
        if (opts.json) {
          print(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          process.stderr.write(opts.all ? 'no legal holds\n' : 'no legal holds in force\n');
          return;
        }
        print(
          table(
            ['id', 'person', 'category', 'until', 'state', 'reason'],
            items.map((h) => [
              h.id,
              h.personId ?? '(all)',
              h.category ?? '(all)',
              h.endsOn,
              h.releasedAt ? 'released' : h.active ? 'in force' : 'ended',
              h.reason,
            ]),
          ),
        );
      });
    });
}
