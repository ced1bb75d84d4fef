import { createReadStream, statSync } from 'node:fs';
import {
  importSuppressions,
  listConsents,
  objectToDirectMarketing,
  recordConsent,
  withdrawConsents,
} from '@lupaus/engine';
import { type Command, InvalidArgumentError } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { table } from './retention';

/**
 * `lupaus consent record|list|withdraw|object` and `lupaus suppress import`: consents and prohibitions per
 * channel × purpose (R3.1), their withdrawal (R4.8), the objection to direct marketing (R4.6) and imported
 * suppression lists such as ASML's restriction services (R3.2).
 */
function stateOption(value: string): 'given' | 'withdrawn' | 'prohibited' {
  if (value !== 'given' && value !== 'withdrawn' && value !== 'prohibited') {
    throw new InvalidArgumentError('the state is given, withdrawn or prohibited');
  }
  return value;
}

interface EvidenceOpts {
  source: string;
  evidence?: string;
  evidenceFile?: string;
  at?: string;
  request?: string;
  dir?: string;
}

function evidenceOf(opts: EvidenceOpts) {
  return {
    source: opts.source,
    ...(opts.evidence !== undefined ? { evidenceText: opts.evidence } : {}),
    ...(opts.evidenceFile !== undefined ? { evidenceFileId: opts.evidenceFile } : {}),
    ...(opts.at !== undefined ? { at: opts.at } : {}),
    ...(opts.request !== undefined ? { requestId: opts.request } : {}),
  };
}

function withEvidence(cmd: Command): Command {
  return cmd
    .requiredOption('--source <id>', 'where the choice came from: a source id of the definition')
    .option('--evidence <text>', 'the evidence: what the person said or signed, and where')
    .option('--evidence-file <id>', 'or a stored file holding it')
    .option('--at <datetime>', 'when the person made the choice (default now)')
    .option('--request <id>', 'the data subject’s request this answers')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)');
}

export function consentCommand(program: Command): void {
  const consent = program
    .command('consent')
    .description('consents and prohibitions per channel and purpose (R3.1, R4.6, R4.8)');

  withEvidence(
    consent
      .command('record <person>')
      .description('record a consent, its withdrawal or a prohibition of one channel × purpose')
      .requiredOption('--channel <id>', 'a marketing channel of the definition')
      .requiredOption('--purpose <id>', 'a marketing purpose of the definition')
      .requiredOption('--state <state>', 'given, withdrawn or prohibited', stateOption),
  ).action(
    async (
      person: string,
      opts: EvidenceOpts & { channel: string; purpose: string; state: 'given' | 'withdrawn' | 'prohibited' },
    ) => {
      await withRegister(opts, async (reg, actor) => {
        const { id } = await recordConsent(reg, actor, {
          personId: person,
          channel: opts.channel,
          purpose: opts.purpose,
          state: opts.state,
          ...evidenceOf(opts),
        });
        print(`recorded ${opts.state} ${opts.channel} × ${opts.purpose}: ${id}`);
      });
    },
  );

  consent
    .command('list <person>')
    .description('a person’s consent history and the current state of every channel × purpose')
    .option('--json', 'print as JSON')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .action(async (person: string, opts: { json?: boolean; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const list = await listConsents(reg, actor, person);
        if (opts.json) {
          print(JSON.stringify(list, null, 2));
          return;
        }
        print(
          table(
            ['channel', 'purpose', 'state', 'model', 'since'],
            list.current.map((c) => [
              c.channel,
              c.purpose,
              c.state,
              c.electronic ? `${c.model} (electronic)` : c.model,
              c.since ?? '',
            ]),
          ),
        );
        if (list.history.length > 0) {
          print();
          print('History, newest first:');
          print(
            table(
              ['at', 'channel', 'purpose', 'state', 'source', 'notice', 'evidence'],
              list.history.map((h) => [
                h.at,
                h.channel,
                h.purpose,
                h.state,
                h.source,
                String(h.noticeVersion),
                h.evidenceText ?? `file ${h.evidenceFileId}`,
              ]),
            ),
          );
        }
      });
    });

  withEvidence(
    consent
      .command('withdraw <person>')
      .description('withdraw consent: one channel × purpose, or every given consent (R4.8)')
      .option('--channel <id>', 'one channel (default every channel)')
      .option('--purpose <id>', 'one purpose (default every purpose)'),
  ).action(async (person: string, opts: EvidenceOpts & { channel?: string; purpose?: string }) => {
    await withRegister(opts, async (reg, actor) => {
      const res = await withdrawConsents(reg, actor, {
        personId: person,
        ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
        ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}),
        ...evidenceOf(opts),
      });
      if (res.withdrawn.length === 0) print('nothing to withdraw: no consent was in force');
      for (const w of res.withdrawn) print(`withdrawn ${w.channel} × ${w.purpose}: ${w.id}`);
      if (res.requestCompleted) print(`request ${opts.request} completed`);
    });
  });

  withEvidence(
    consent
      .command('object <person>')
      .description(
        'the person objects to direct marketing on a channel or all: absolute, upheld at once (R4.6)',
      )
      .option('--channel <id>', 'one channel (default every channel)')
      .option('--situation <text>', 'anything the person said'),
  ).action(async (person: string, opts: EvidenceOpts & { channel?: string; situation?: string }) => {
    await withRegister(opts, async (reg, actor) => {
      const res = await objectToDirectMarketing(reg, actor, {
        personId: person,
        ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
        ...(opts.situation !== undefined ? { situation: opts.situation } : {}),
        ...evidenceOf(opts),
      });
      print(
        `objection ${res.objectionId} upheld: ${res.prohibited.length} prohibitions recorded, ${res.suppressed} contact points suppressed`,
      );
    });
  });
}

export function suppressCommand(program: Command): void {
  const suppress = program
    .command('suppress')
    .description('suppression lists that keep contacts out of marketing (R3.2)');
  suppress
    .command('import <file>')
    .description(
      'import a suppression list, streamed (one email or phone a line; addresses as street;postal code;city[;country[;name]], or a CSV whose header names sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka)',
    )
    .requiredOption('--channel <id>', 'the channel the list is for')
    .requiredOption('--list <name>', 'the list’s name, such as "ASML puhelin 2026-03"')
    .option('--valid-until <date>', 'the last day the list is valid (YYYY-MM-DD)')
    .option('--purpose <id>', 'one marketing purpose (default every purpose)')
    .option('--replace', 'replace an earlier import of the same list name and channel')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .action(
      async (
        file: string,
        opts: {
          channel: string;
          list: string;
          validUntil?: string;
          purpose?: string;
          replace?: boolean;
          dir?: string;
        },
      ) => {
        try {
          statSync(file);
        } catch {
          throw new ExitError(1, `error: cannot read ${file}`);
        }
        await withRegister(opts, async (reg, actor) => {
          // Streamed: a list of hundreds of thousands of entries is never held whole.
          const res = await importSuppressions(reg, actor, {
            channel: opts.channel,
            listName: opts.list,
            file: createReadStream(file),
            ...(opts.validUntil !== undefined ? { validUntil: opts.validUntil } : {}),
            ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}),
            ...(opts.replace ? { replace: true } : {}),
          });
          print(
            `${res.listName}: ${res.added} added, ${res.skipped} already listed${res.replaced ? `, ${res.replaced} of the earlier import replaced` : ''} (${res.kind}, channel ${res.channel})`,
          );
        });
      },
    );
}
