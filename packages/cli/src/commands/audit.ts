import { searchAudit, verifyAudit } from '@lupaus/engine';
import type { Command } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { table } from './retention';

/**
 * `lupaus audit verify|search`: the audit trail (R6.4). `verify` checks the hash chain and prints its head;
 * keep the head somewhere the database's owner cannot change it (a ticket, a printout, another machine) and
 * give it back with `--head`: a chain alone cannot show that rows were deleted from its end. `search` lists who
 * read or wrote whose data, by person or by user, newest first.
 */
export function auditCommand(program: Command): void {
  const audit = program.command('audit').description('the audit trail: verify its hash chain, search it');

  audit
    .command('verify')
    .description('verify the hash chain of the audit trail; exit 1 and say where if a row was tampered with')
    .option(
      '--head <hash>',
      'a head printed by an earlier verify and kept elsewhere: it must still be in the chain',
    )
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the verification as JSON')
    .action(async (opts: { head?: string; dir?: string; json?: boolean }) => {
      const v = await withRegister(opts, (reg, actor) =>
        verifyAudit(reg, actor, opts.head !== undefined ? { expectedHead: opts.head } : {}),
      );
      if (opts.json) print(JSON.stringify(v, null, 2));
      else if (v.ok) {
        const legacy = v.legacy > 0 ? ` (and ${v.legacy} older rows from before the chain, not covered)` : '';
        print(`${v.rows} rows, chain intact, head ${v.head ?? 'none'}${legacy}`);
      } else {
        for (const p of v.problems) print(`row ${p.id ?? '-'}: ${p.kind}: ${p.message}`);
      }
      if (!v.ok) {
        throw new ExitError(
          1,
          `error: the audit trail has been tampered with (${v.problems.length} problem${v.problems.length === 1 ? '' : 's'})`,
        );
      }
    });

  audit
    .command('search')
    .description('who read or wrote whose data: by person, by user, newest first (ids only)')
    .option('--person <id>', 'whose data')
    .option('--user <id>', 'who (a user id, or system)')
    .option('--from <time>', 'from this date or time on (ISO 8601)')
    .option('--to <time>', 'before this date or time (ISO 8601)')
    .option('--limit <n>', 'rows (default 100, at most 1000)')
    .option('--after <id>', 'the row id the previous page ended with')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the rows as JSON')
    .action(
      async (opts: {
        person?: string;
        user?: string;
        from?: string;
        to?: string;
        limit?: string;
        after?: string;
        dir?: string;
        json?: boolean;
      }) => {
        if (opts.person === undefined && opts.user === undefined) {
          throw new ExitError(2, 'error: give --person, --user or both');
        }
        const limit = opts.limit === undefined ? undefined : Number(opts.limit);
        const page = await withRegister(opts, (reg, actor) =>
          searchAudit(reg, actor, {
            ...(opts.person !== undefined ? { personId: opts.person } : {}),
            ...(opts.user !== undefined ? { actor: opts.user } : {}),
            ...(opts.from !== undefined ? { from: opts.from } : {}),
            ...(opts.to !== undefined ? { to: opts.to } : {}),
            ...(limit !== undefined ? { limit } : {}),
            ...(opts.after !== undefined ? { after: opts.after } : {}),
          }),
        );
        if (opts.json) {
          print(JSON.stringify(page, null, 2));
          return;
        }
        if (page.entries.length === 0) {
          process.stderr.write('no audit rows\n');
          return;
        }
        print(
          table(
            ['id', 'at', 'user', 'action', 'entity', 'entity id', 'person', 'purpose'],
            page.entries.map((e) => [
              e.id,
              e.at,
              e.actor,
              e.action,
              e.entityType,
              e.entityId ?? '',
              e.personId ?? '',
              e.purpose,
            ]),
          ),
        );
        if (page.next) process.stderr.write(`more: --after ${page.next}\n`);
      },
    );
}
