import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  type Actor,
  attachRequestLetter,
  extendRequest,
  getRequest,
  IDENTITY_METHODS,
  type LetterView,
  listRequests,
  REFUSAL_GROUNDS,
  REQUEST_STATES,
  REQUEST_TYPES,
  type Register,
  type RequestView,
  receiveRequest,
  refuseRequest,
  verifyIdentity,
} from '@lupaus/engine';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { table } from './retention';

/**
 * `lupaus request add|letter|list|show|verify|extend|refuse`: the data subject's requests (R4.1). A written
 * request takes its signed letter (`add --letter` or `letter`) before its identity can be verified; the hetu
 * alone is never a verification; `list --overdue` lists the open requests past their deadline.
 */

const DIR = ['--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)'] as const;

const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.txt': 'text/plain',
};

function parseDetails(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('details are a JSON object, e.g. {"fields":["email"]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('details are a JSON object, e.g. {"fields":["email"]}');
  }
  return parsed as Record<string, unknown>;
}

function parseMonths(value: string): number {
  const n = Number(value);
  if (n !== 1 && n !== 2) throw new InvalidArgumentError('a deadline is extended by 1 or 2 months');
  return n;
}

function readLetter(
  path: string,
  mediaType: string | undefined,
): { name: string; mediaType: string; bytes: Buffer } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ExitError(1, `error: cannot read the letter ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  return {
    name: basename(path),
    mediaType: mediaType ?? MEDIA_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    bytes,
  };
}

function summary(r: RequestView): string {
  const deadline = r.extendedTo ? `${r.deadline} (extended from ${r.dueOn})` : r.deadline;
  return `request ${r.id}: ${r.type}, ${r.state}${r.overdue ? ', OVERDUE' : ''}, deadline ${deadline}`;
}

function printRequest(r: RequestView): void {
  print(summary(r));
  print(`  person       ${r.personId ?? '(erased)'}`);
  print(`  received     ${r.receivedAt} (${r.receivedVia}), on ${r.receivedOn} in Helsinki`);
  print(
    `  due          ${r.dueOn}${r.extendedTo ? `, extended to ${r.extendedTo}: ${r.extensionReason}` : ''}`,
  );
  print(
    `  identity     ${r.identity ? `verified ${r.identity.verifiedAt} by ${r.identity.verifiedBy} (${r.identity.method})` : 'NOT VERIFIED: nothing may be disclosed or changed'}`,
  );
  if (r.receivedVia === 'written') {
    print(
      `  letter       ${r.letter ? `${r.letter.name} (${r.letter.mediaType}, ${r.letter.size} bytes)` : 'MISSING'}`,
    );
  }
  print(`  charge       ${r.charge}${r.chargeReason ? `: ${r.chargeReason}` : ''}`);
  if (Object.keys(r.details).length > 0) print(`  details      ${JSON.stringify(r.details)}`);
  if (Object.keys(r.outcome).length > 0) print(`  outcome      ${JSON.stringify(r.outcome)}`);
  if (r.closedAt) print(`  closed       ${r.closedAt}`);
  if (r.events && r.events.length > 0) {
    print('');
    print(
      table(
        ['at', 'by', 'event', 'details'],
        r.events.map((e) => [
          e.at,
          e.actor,
          e.event,
          Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : '',
        ]),
      ),
    );
  }
}

function output(r: RequestView, json: boolean | undefined): void {
  if (json) print(JSON.stringify(r, null, 2));
  else printRequest(r);
}

async function attach(
  reg: Register,
  actor: Actor,
  id: string,
  path: string,
  mediaType: string | undefined,
): Promise<LetterView> {
  return attachRequestLetter(reg, actor, id, readLetter(path, mediaType));
}

export function requestCommand(program: Command): void {
  const request = program
    .command('request')
    .description("data subjects' requests: receive, verify identity, extend, refuse, list overdue");

  request
    .command('add')
    .description("record a data subject's request; the deadline is one calendar month from receipt")
    .requiredOption('--person <id>', 'the person the request is about')
    .addOption(
      new Option('--type <type>', 'what the subject asks for')
        .choices([...REQUEST_TYPES])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--via <via>', 'how it came: a signed letter, or electronically')
        .choices(['written', 'electronic'])
        .makeOptionMandatory(),
    )
    .option(
      '--received-at <instant>',
      'when it reached the controller, e.g. 2026-03-01T09:30:00+02:00 (now by default)',
    )
    .option('--details <json>', 'what the subject asked, as a JSON object (no identifiers)', parseDetails)
    .option('--letter <file>', 'the signed letter of a written request (PDF or a scan)')
    .option('--letter-type <media-type>', 'the letter’s media type (by default from its extension)')
    .option(...DIR)
    .option('--json', 'print the request as JSON')
    .action(
      async (opts: {
        person: string;
        type: (typeof REQUEST_TYPES)[number];
        via: 'written' | 'electronic';
        receivedAt?: string;
        details?: Record<string, unknown>;
        letter?: string;
        letterType?: string;
        dir?: string;
        json?: boolean;
      }) => {
        if (opts.letter !== undefined && opts.via !== 'written') {
          throw new ExitError(2, 'error: --letter goes with --via written');
        }
        const letter = opts.letter !== undefined ? readLetter(opts.letter, opts.letterType) : undefined;
        await withRegister(opts, async (reg, actor) => {
          let r = await receiveRequest(reg, actor, {
            type: opts.type,
            personId: opts.person,
            receivedVia: opts.via,
            ...(opts.receivedAt !== undefined ? { receivedAt: opts.receivedAt } : {}),
            ...(opts.details !== undefined ? { details: opts.details } : {}),
          });
          if (letter) {
            await attachRequestLetter(reg, actor, r.id, letter);
            r = await getRequest(reg, actor, r.id);
          }
          if (opts.json) print(JSON.stringify(r, null, 2));
          else {
            print(`received request ${r.id} (${r.type}), due ${r.dueOn}`);
            if (r.receivedVia === 'written' && !r.letter) {
              print(`attach the signed letter before verifying: lupaus request letter ${r.id} <file>`);
            }
          }
        });
      },
    );

  request
    .command('letter')
    .description('attach the signed letter of a written request (replaces an earlier one)')
    .argument('<id>', 'the id of the request')
    .argument('<file>', 'the letter (PDF or a scan)')
    .option('--media-type <type>', 'the media type (by default from the file’s extension)')
    .option(...DIR)
    .action(async (id: string, file: string, opts: { mediaType?: string; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const l = await attach(reg, actor, id, file, opts.mediaType);
        print(`attached letter ${l.name} (${l.size} bytes) to request ${id}`);
      });
    });

  request
    .command('list')
    .description('list requests, earliest deadline first')
    .option('--overdue', 'only open requests past their deadline')
    .option('--open', 'only open requests (received, verified or blocked)')
    .addOption(new Option('--state <state>', 'only requests in this state').choices([...REQUEST_STATES]))
    .addOption(new Option('--type <type>', 'only requests of this type').choices([...REQUEST_TYPES]))
    .option('--person <id>', 'only the requests of this person')
    .option(...DIR)
    .option('--json', 'print the requests as JSON')
    .action(
      async (opts: {
        overdue?: boolean;
        open?: boolean;
        state?: (typeof REQUEST_STATES)[number];
        type?: (typeof REQUEST_TYPES)[number];
        person?: string;
        dir?: string;
        json?: boolean;
      }) => {
        await withRegister(opts, async (reg, actor) => {
          const items: RequestView[] = [];
          let after: string | undefined;
          do {
            const page = await listRequests(reg, actor, {
              limit: 200,
              ...(after !== undefined ? { after } : {}),
              ...(opts.overdue ? { overdue: true } : {}),
              ...(opts.open ? { open: true } : {}),
              ...(opts.state !== undefined ? { state: opts.state } : {}),
              ...(opts.type !== undefined ? { type: opts.type } : {}),
              ...(opts.person !== undefined ? { personId: opts.person } : {}),
            });
            items.push(...page.items);
            after = page.next ?? undefined;
          } while (after !== undefined);
          if (opts.json) {
            print(JSON.stringify(items, null, 2));
            return;
          }
          if (items.length === 0) {
            process.stderr.write(opts.overdue ? 'no overdue requests\n' : 'no requests\n');
            return;
          }
          print(
            table(
              ['id', 'type', 'state', 'person', 'received', 'deadline', 'overdue', 'identity'],
              items.map((r) => [
                r.id,
                r.type,
                r.state,
                r.personId ?? '(erased)',
                r.receivedOn,
                r.deadline,
                r.overdue ? 'OVERDUE' : '',
                r.identity ? r.identity.method : 'not verified',
              ]),
            ),
          );
        });
      },
    );

  request
    .command('show')
    .description('show a request with every event of its life')
    .argument('<id>', 'the id of the request')
    .option(...DIR)
    .option('--json', 'print the request as JSON')
    .action(async (id: string, opts: { dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => output(await getRequest(reg, actor, id), opts.json));
    });

  request
    .command('verify')
    .description('record how the requester’s identity was verified (never the hetu alone)')
    .argument('<id>', 'the id of the request')
    .requiredOption('--method <method>', `how: ${IDENTITY_METHODS.join(', ')}`)
    .option('--note <text>', 'what was checked, without the identifiers themselves')
    .option(...DIR)
    .option('--json', 'print the request as JSON')
    .action(async (id: string, opts: { method: string; note?: string; dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const r = await verifyIdentity(reg, actor, id, {
          method: opts.method,
          ...(opts.note !== undefined ? { note: opts.note } : {}),
        });
        if (opts.json) print(JSON.stringify(r, null, 2));
        else print(`verified the identity of the requester of request ${r.id} (${opts.method})`);
      });
    });

  request
    .command('extend')
    .description('extend the deadline by up to two months, within the first month; the subject is told')
    .argument('<id>', 'the id of the request')
    .requiredOption('--reason <text>', 'why (told to the subject)')
    .option('--months <n>', 'by 1 or 2 further months (default 2)', parseMonths)
    .option(...DIR)
    .option('--json', 'print the request as JSON')
    .action(async (id: string, opts: { reason: string; months?: number; dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const r = await extendRequest(reg, actor, id, {
          reason: opts.reason,
          ...(opts.months !== undefined ? { months: opts.months } : {}),
        });
        if (opts.json) print(JSON.stringify(r, null, 2));
        else print(`extended request ${r.id} from ${r.dueOn} to ${r.extendedTo}; the subject is told`);
      });
    });

  request
    .command('refuse')
    .description(
      'refuse a manifestly unfounded or excessive request (or, with --fee, charge a fee); the subject is told of the right to complain',
    )
    .argument('<id>', 'the id of the request')
    .addOption(
      new Option('--ground <ground>', 'why it may be refused')
        .choices([...REFUSAL_GROUNDS])
        .makeOptionMandatory(),
    )
    .requiredOption('--reason <text>', 'the reasons, told to the subject')
    .option('--fee <amount>', 'charge a reasonable fee instead of refusing, e.g. "25 EUR"')
    .option(...DIR)
    .option('--json', 'print the request as JSON')
    .action(
      async (
        id: string,
        opts: {
          ground: (typeof REFUSAL_GROUNDS)[number];
          reason: string;
          fee?: string;
          dir?: string;
          json?: boolean;
        },
      ) => {
        await withRegister(opts, async (reg, actor) => {
          const r = await refuseRequest(reg, actor, id, {
            charge: opts.fee !== undefined ? 'fee' : 'refused',
            ground: opts.ground,
            reason: opts.reason,
            ...(opts.fee !== undefined ? { fee: opts.fee } : {}),
          });
          if (opts.json) print(JSON.stringify(r, null, 2));
          else if (r.state === 'refused')
            print(`refused request ${r.id}; the subject is told why and of the right to complain`);
          else print(`a fee (${opts.fee}) is charged for request ${r.id}; the subject is told why`);
        });
      },
    );
}
