import { readFileSync } from 'node:fs';
import {
  addBreachPersons,
  type BreachView,
  closeBreach,
  decideSubjectNotification,
  getBreach,
  listBreaches,
  notifyBreachSubjects,
  recordAuthorityNotification,
  recordBreach,
  type SubjectNotificationExemption,
} from '@lupaus/engine';
import type { Command } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { table } from './retention';

const DIR_OPTION = ['--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)'] as const;

function clockText(b: BreachView): string {
  if (b.closedAt) return 'closed';
  if (b.authorityNotifiedAt) return `authority notified ${b.authorityNotifiedAt}`;
  if (!b.authorityNotificationRequired) return 'no notification due (unlikely risk)';
  if (b.overdue) return `OVERDUE by ${Math.abs(b.hoursLeft ?? 0)} h (deadline ${b.authorityDeadline})`;
  return `${b.hoursLeft} h left (deadline ${b.authorityDeadline})`;
}

function showBreach(b: BreachView): void {
  print(`breach ${b.id}: ${b.title}`);
  print(`  risk: ${b.risk}; categories: ${b.categories.join(', ')}`);
  print(`  discovered: ${b.discoveredAt}${b.occurredAt ? `; occurred: ${b.occurredAt}` : ''}`);
  print(`  authority (art. 33): ${clockText(b)}`);
  if (b.authorityReference) print(`  authority reference: ${b.authorityReference}`);
  if (b.delayReason) print(`  delay reason: ${b.delayReason}`);
  print(
    `  persons (art. 34): ${b.subjectsDecision ?? 'not decided'}${
      b.subjectsDecisionReason ? ` (${b.subjectsDecisionReason})` : ''
    }; ${b.persons.total} affected, ${b.persons.notified} notified`,
  );
}

/** Person ids from the arguments and from a file of one id a line (`-` for stdin). */
function personIdsOf(args: string[], file: string | undefined): string[] {
  const fromFile = file
    ? readFileSync(file === '-' ? 0 : file, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
    : [];
  return [...args, ...fromFile];
}

/**
 * `lupaus breach record|persons|list|show|notify-authority|decide|notify-subjects|close`: personal data breaches
 * (GDPR art. 33–34), their 72-hour clock for notifying the supervisory authority, the persons affected and the
 * notices to them.
 */
export function breachCommand(program: Command): void {
  const breach = program
    .command('breach')
    .description('personal data breaches: the 72-hour clock, the persons affected, the notices (art. 33–34)');

  breach
    .command('record')
    .description('record a personal data breach; the 72-hour clock starts when it was discovered')
    .requiredOption('--title <text>', 'a short name for the breach')
    .requiredOption('--description <text>', 'the nature of the breach (art. 33(3)(a))')
    .requiredOption('--category <id...>', "the definition's data categories concerned")
    .requiredOption('--risk <risk>', 'unlikely, risk or high')
    .option('--discovered-at <time>', 'when it was discovered (ISO 8601 with its zone; default now)')
    .option('--occurred-at <time>', 'when it happened, if known')
    .option('--consequences <text>', 'the likely consequences (art. 33(3)(c))')
    .option('--measures <text>', 'the measures taken or proposed (art. 33(3)(d))')
    .option(...DIR_OPTION)
    .option('--json', 'print the breach as JSON')
    .action(
      async (opts: {
        title: string;
        description: string;
        category: string[];
        risk: string;
        discoveredAt?: string;
        occurredAt?: string;
        consequences?: string;
        measures?: string;
        dir?: string;
        json?: boolean;
      }) => {
        await withRegister(opts, async (reg, actor) => {
          const b = await recordBreach(reg, actor, {
            title: opts.title,
            description: opts.description,
            categories: opts.category,
            risk: opts.risk as BreachView['risk'],
            ...(opts.discoveredAt !== undefined ? { discoveredAt: opts.discoveredAt } : {}),
            ...(opts.occurredAt !== undefined ? { occurredAt: opts.occurredAt } : {}),
            ...(opts.consequences !== undefined ? { consequences: opts.consequences } : {}),
            ...(opts.measures !== undefined ? { measures: opts.measures } : {}),
          });
          if (opts.json) print(JSON.stringify(b, null, 2));
          else showBreach(b);
        });
      },
    );

  breach
    .command('persons')
    .description('list persons as affected by a breach (by id; unknown ids refused, nothing written)')
    .argument('<id>', 'the breach')
    .argument('[personIds...]', 'the ids of the persons affected')
    .option('--file <path>', 'a file of person ids, one a line (- for stdin)')
    .option(...DIR_OPTION)
    .action(async (id: string, personIds: string[], opts: { file?: string; dir?: string }) => {
      const ids = personIdsOf(personIds, opts.file);
      if (ids.length === 0) throw new ExitError(2, 'error: give person ids or --file');
      await withRegister(opts, async (reg, actor) => {
        const r = await addBreachPersons(reg, actor, id, ids);
        print(
          `added ${r.added} persons to breach ${id} (${r.alreadyListed} listed already; ${r.breach.persons.total} in all)`,
        );
      });
    });

  breach
    .command('list')
    .description('list breaches with the 72-hour clock for the authority')
    .option('--open', 'only breaches not closed')
    .option('--overdue', 'only breaches whose notification to the authority is overdue')
    .option(...DIR_OPTION)
    .option('--json', 'print the breaches as JSON')
    .action(async (opts: { open?: boolean; overdue?: boolean; dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listBreaches(reg, actor, {
          limit: 200,
          ...(opts.open ? { open: true } : {}),
          ...(opts.overdue ? { overdue: true } : {}),
        });
        if (opts.json) {
          print(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          process.stderr.write('no breaches\n');
          return;
        }
        print(
          table(
            ['id', 'discovered', 'risk', 'authority (72 h)', 'persons', 'title'],
            items.map((b) => [
              b.id,
              b.discoveredAt,
              b.risk,
              clockText(b),
              `${b.persons.notified}/${b.persons.total}`,
              b.title,
            ]),
          ),
        );
      });
    });

  breach
    .command('show')
    .description('show a breach, its clock and the ids of the persons affected')
    .argument('<id>', 'the breach')
    .option(...DIR_OPTION)
    .option('--json', 'print the breach as JSON')
    .action(async (id: string, opts: { dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const b = await getBreach(reg, actor, id);
        if (opts.json) {
          print(JSON.stringify(b, null, 2));
          return;
        }
        showBreach(b);
        for (const p of b.affected ?? []) {
          print(`  person ${p.personId}: ${p.notifiedAt ? `notified ${p.notifiedAt}` : 'not notified'}`);
        }
      });
    });

  breach
    .command('notify-authority')
    .description('record the notification to the supervisory authority (art. 33)')
    .argument('<id>', 'the breach')
    .option('--at <time>', 'when it was notified (ISO 8601 with its zone; default now)')
    .option('--reference <text>', "the authority's case number or the e-form's reference")
    .option('--delay-reason <text>', 'why later than 72 hours after discovery (required then)')
    .option(...DIR_OPTION)
    .action(
      async (id: string, opts: { at?: string; reference?: string; delayReason?: string; dir?: string }) => {
        await withRegister(opts, async (reg, actor) => {
          const b = await recordAuthorityNotification(reg, actor, id, {
            ...(opts.at !== undefined ? { at: opts.at } : {}),
            ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
            ...(opts.delayReason !== undefined ? { delayReason: opts.delayReason } : {}),
          });
          print(`recorded the notification of breach ${b.id} to the authority at ${b.authorityNotifiedAt}`);
        });
      },
    );

  breach
    .command('decide')
    .description('decide whether the persons must be told (art. 34)')
    .argument('<id>', 'the breach')
    .requiredOption('--decision <decision>', 'notify or not_required')
    .option(
      '--exemption <ground>',
      'for a high-risk breach not told: protected, mitigated or public_communication (art. 34(3))',
    )
    .option('--reason <text>', 'why (required for not_required)')
    .option(...DIR_OPTION)
    .action(
      async (id: string, opts: { decision: string; exemption?: string; reason?: string; dir?: string }) => {
        await withRegister(opts, async (reg, actor) => {
          const b = await decideSubjectNotification(reg, actor, id, {
            decision: opts.decision as 'notify' | 'not_required',
            ...(opts.exemption !== undefined
              ? { exemption: opts.exemption as SubjectNotificationExemption }
              : {}),
            ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
          });
          print(`breach ${b.id}: persons ${b.subjectsDecision === 'notify' ? 'to be told' : 'not told'}`);
        });
      },
    );

  breach
    .command('notify-subjects')
    .description('queue the art. 34 notice to each affected person not yet told (sent by the outbox)')
    .argument('<id>', 'the breach')
    .option(...DIR_OPTION)
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const r = await notifyBreachSubjects(reg, actor, id);
        if (opts.json) {
          print(JSON.stringify(r, null, 2));
          return;
        }
        print(`queued ${r.queued.length} notices (${r.alreadyNotified} persons told before)`);
        if (r.notReachableByEmail.length > 0) {
          print(`not reachable by email (${r.notReachableByEmail.length}): tell them another way`);
          for (const p of r.notReachableByEmail) print(`  ${p}`);
        }
      });
    });

  breach
    .command('close')
    .description('close a breach once the authority is notified and the decision on the persons is made')
    .argument('<id>', 'the breach')
    .option(...DIR_OPTION)
    .action(async (id: string, opts: { dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const b = await closeBreach(reg, actor, id);
        print(`closed breach ${b.id}`);
      });
    });
}
