import {
  anonymisePerson,
  type ErasureBlocker,
  type ErasureResult,
  erasePerson,
  listBlockedErasures,
  resumeBlockedErasures,
  scrubErasedData,
} from '@lupaus/engine';
import type { Command } from 'commander';
import { print, withRegister } from '../context';

/**
 * `lupaus erase PERSON [--request ID]` (R4.4), `lupaus anonymise PERSON [--request ID]` (R4.9) and
 * `lupaus erasures blocked|resume`: erasure and anonymisation on request, the erasures that wait for a blocker,
 * and their completion. After an erasure the database files are scrubbed of the deleted rows' old versions
 * (`--no-scrub` skips it; the next retention run does it then). A blocked erasure is not a failure: it erased
 * what it could, prints each blocker with its end, and exits 0.
 */
const DIR = ['--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)'] as const;

interface EraseOpts {
  request?: string;
  purpose?: string;
  scrub?: boolean;
  json?: boolean;
  dir?: string;
}

/** One line per blocker: what, which, until when. */
export function blockerLine(b: ErasureBlocker): string {
  const until = b.until === null ? 'open-ended' : `until ${b.until}`;
  switch (b.kind) {
    case 'open_invoice':
      return `open invoice ${b.id} (${until}: until it is paid or credited)`;
    case 'open_collection':
      return `open debt collection case ${b.id} (${until}: until it is closed)`;
    case 'contact_role':
      return `contact-person role ${b.id} (${until})`;
    case 'legal_hold':
      return `legal hold ${b.id}${b.category ? ` on ${b.category}` : ''} (${until})`;
    case 'retention':
      return `${b.count} of ${b.category} kept by rule ${b.rule} (${until})`;
  }
}

function report(r: ErasureResult): string[] {
  const verb = r.mode === 'erase' ? 'erased' : 'anonymised';
  const e = r.erased;
  const lines = [
    r.state === 'completed'
      ? `person ${r.personId} ${verb}`
      : `person ${r.personId}: ${r.mode === 'erase' ? 'erasure' : 'anonymisation'} blocked; the rest is ${verb}`,
    `  records: ${e.deleted} deleted, ${e.anonymised} anonymised, ${e.kept} kept; fields ${e.fields}, files ${e.files}, consents ${e.consents}, disclosures ${e.disclosures}; notices to recipients ${e.notices}, suppressions ${e.suppressions}`,
  ];
  if (r.state === 'blocked') {
    lines.push('  blocked by:');
    for (const b of r.blockers) lines.push(`    ${blockerLine(b)}`);
    lines.push(`  kept on the person: ${r.keptFields.join(', ') || '(nothing)'}`);
    lines.push('  it completes by itself after the retention run once the blockers end');
  }
  return lines;
}

function eraseAction(mode: 'erase' | 'anonymise') {
  return async (person: string, opts: EraseOpts) => {
    await withRegister(opts, async (reg, actor) => {
      const input = {
        personId: person,
        ...(opts.request !== undefined ? { requestId: opts.request } : {}),
        ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}),
      };
      const r =
        mode === 'erase' ? await erasePerson(reg, actor, input) : await anonymisePerson(reg, actor, input);
      if (opts.scrub !== false) await scrubErasedData(reg);
      print(opts.json ? JSON.stringify(r, null, 2) : report(r).join('\n'));
    });
  };
}

export function eraseCommands(program: Command): void {
  program
    .command('erase')
    .description('erase a person on request (art. 17): everything not held by a blocker goes')
    .argument('<person>', 'the person id')
    .option('--request <id>', 'the verified erasure request: completed, or marked blocked')
    .option('--purpose <purpose>', 'the purpose recorded in the audit trail (default erasure)')
    .option('--no-scrub', 'do not rewrite the database files now (the next retention run does)')
    .option('--json', 'print the result as JSON')
    .option(...DIR)
    .action(eraseAction('erase'));

  program
    .command('anonymise')
    .description('anonymise a person on request (R4.9): identifying data goes, records stay linked to nobody')
    .argument('<person>', 'the person id')
    .option('--request <id>', 'the verified anonymisation request: completed, or marked blocked')
    .option('--purpose <purpose>', 'the purpose recorded in the audit trail (default anonymisation)')
    .option('--no-scrub', 'do not rewrite the database files now (the next retention run does)')
    .option('--json', 'print the result as JSON')
    .option(...DIR)
    .action(eraseAction('anonymise'));

  const erasures = program.command('erasures').description('erasures that wait for a blocker to end (R4.4)');
  erasures
    .command('blocked')
    .description('list the blocked erasures with each blocker and its end')
    .option('--json', 'print the list as JSON')
    .option(...DIR)
    .action(async (opts: { json?: boolean; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listBlockedErasures(reg, actor);
        if (opts.json) return print(JSON.stringify(items, null, 2));
        if (items.length === 0) return print('no blocked erasures');
        for (const i of items) {
          print(
            `${i.personId} (${i.mode === 'erase' ? 'erasure' : 'anonymisation'}${i.since ? ` since ${i.since.slice(0, 10)}` : ''}${i.requests.length ? `, request ${i.requests.map((q) => q.id).join(', ')}` : ''})`,
          );
          for (const b of i.blockers) print(`  ${blockerLine(b)}`);
        }
      });
    });
  erasures
    .command('resume')
    .description('finish the blocked erasures whose blockers have ended (the retention run does this too)')
    .option('--json', 'print the result as JSON')
    .option(...DIR)
    .action(async (opts: { json?: boolean; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const r = await resumeBlockedErasures(reg, actor, { scrub: true });
        print(
          opts.json
            ? JSON.stringify(r, null, 2)
            : `${r.completed.length} completed, ${r.blocked.length} still blocked, ${r.requests.length} requests completed`,
        );
      });
    });
}
