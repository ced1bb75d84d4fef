import { writeFileSync } from 'node:fs';
import {
  decideObjection,
  liftRestriction,
  listNotifications,
  listObjections,
  listRestrictions,
  type Mailer,
  notifyRestrictionLift,
  objectToProcessing,
  RESTRICTION_GROUNDS,
  type Register,
  type RestrictionGround,
  rectifyPerson,
  refuseRectification,
  registerMailer,
  type SendResult,
  SMTP_URL_ENV,
  sendPendingNotifications,
  startRestriction,
} from '@lupaus/engine';
import { type Command, InvalidArgumentError } from 'commander';
import { ExitError, print, withRegister } from '../context';
import { table } from './retention';

/**
 * `lupaus rectify`, `lupaus refuse-rectification`, `lupaus restrict …`, `lupaus objection …` and
 * `lupaus notifications …`: rectification (R4.3), restriction (R4.5), objection (R4.6) and the outbox of the
 * notices they send. Notices go out through the SMTP server of LUPAUS_SMTP_URL; without one they stay queued
 * until `lupaus notifications send` is run with it set.
 */
const DIR = ['--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)'] as const;

/** `--set field=value`, repeatable: collected into an object. */
function setOption(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('give field=value, e.g. --set last_name=Koski');
  const field = value.slice(0, eq).trim();
  const raw = value.slice(eq + 1);
  return { ...previous, [field]: raw === '' ? null : raw };
}

function jsonObjectOption(value: string): Record<string, unknown> {
  try {
    const v = JSON.parse(value) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('give a JSON object of field values, e.g. {"address":{"city":"Oulu"}}');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function groundOption(value: string): RestrictionGround {
  if (!(RESTRICTION_GROUNDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`the ground is one of ${RESTRICTION_GROUNDS.join(', ')}`);
  }
  return value as RestrictionGround;
}

function sentLine(sent: SendResult | undefined, queued: number): string {
  if (!sent) {
    return queued > 0
      ? `${queued} notice(s) queued: set ${SMTP_URL_ENV} and run \`lupaus notifications send\``
      : 'no notices';
  }
  return `notices: ${sent.sent} sent, ${sent.failed} failed (still queued), ${sent.undeliverable} without an address`;
}

function mailerOf(reg: Register): Mailer | null {
  return registerMailer(reg);
}

export function rightsCommands(program: Command): void {
  program
    .command('rectify')
    .description(
      'rectify a person’s data (R4.3): applied with provenance; recipients and sources told (art. 19)',
    )
    .argument('<person>', 'the id of the person')
    .option(
      '--set <field=value>',
      'a corrected value (repeatable); field= with nothing removes it',
      setOption,
    )
    .option(
      '--fields <json>',
      'corrected values as a JSON object (for addresses and lists)',
      jsonObjectOption,
    )
    .option('--source <id>', 'where the correct value came from (default: the subject)')
    .option('--request <id>', 'the rectification request this honours (identity verified)')
    .option(...DIR)
    .option('--json', 'print the result as JSON')
    .action(
      async (
        person: string,
        opts: {
          set?: Record<string, unknown>;
          fields?: Record<string, unknown>;
          source?: string;
          request?: string;
          dir?: string;
          json?: boolean;
        },
      ) => {
        const fields = { ...(opts.fields ?? {}), ...(opts.set ?? {}) };
        if (Object.keys(fields).length === 0)
          throw new ExitError(2, 'error: give --set field=value or --fields');
        await withRegister(opts, async (reg, actor) => {
          const r = await rectifyPerson(
            reg,
            actor,
            {
              personId: person,
              fields,
              ...(opts.source !== undefined ? { source: opts.source } : {}),
              ...(opts.request !== undefined ? { requestId: opts.request } : {}),
            },
            { mailer: mailerOf(reg) },
          );
          if (opts.json) {
            print(JSON.stringify(r, null, 2));
            return;
          }
          print(r.changed.length > 0 ? `rectified ${r.changed.join(', ')}` : 'nothing changed');
          for (const n of r.notified) {
            print(
              `  told ${n.audience} ${n.audienceId}${n.name ? ` (${n.name})` : ''} of ${n.fields.join(', ')}${n.deliverable ? '' : ' — no address: deliver it otherwise'}`,
            );
          }
          for (const n of r.notNotified) print(`  no notice for ${n.field}: ${n.why}`);
          print(sentLine(r.sent, r.notified.length + r.restrictionsEnding.length));
        });
      },
    );

  program
    .command('refuse-rectification')
    .description('refuse a rectification request (R4.3): writes the certificate of refusal with its reasons')
    .argument('<request>', 'the id of the rectification request')
    .requiredOption('--reason <text>', 'a reason (repeatable: each becomes a paragraph)', collect)
    .option('--out <file>', 'write the certificate (HTML) to this file instead of stdout')
    .option(...DIR)
    .action(async (request: string, opts: { reason: string[]; out?: string; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const r = await refuseRectification(
          reg,
          actor,
          { requestId: request, reasons: opts.reason },
          { mailer: mailerOf(reg) },
        );
        if (opts.out) {
          writeFileSync(opts.out, r.html);
          print(`refused request ${r.requestId}; certificate written to ${opts.out}`);
        } else process.stdout.write(r.html);
        process.stderr.write(`${sentLine(r.sent, 1 + r.restrictionsEnding.length)}\n`);
      });
    });

  const restrict = program
    .command('restrict')
    .description('restriction of processing (R4.5): the data is only stored until lifted');

  restrict
    .command('start')
    .description('restrict the processing of a person’s data')
    .argument('<person>', 'the id of the person')
    .requiredOption('--ground <ground>', `art. 18(1): ${RESTRICTION_GROUNDS.join(', ')}`, groundOption)
    .option('--reason <text>', 'why')
    .option('--request <id>', 'the request it belongs to')
    .option(...DIR)
    .option('--json', 'print the restriction as JSON')
    .action(
      async (
        person: string,
        opts: { ground: RestrictionGround; reason?: string; request?: string; dir?: string; json?: boolean },
      ) => {
        await withRegister(opts, async (reg, actor) => {
          const r = await startRestriction(reg, actor, {
            personId: person,
            ground: opts.ground,
            ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
            ...(opts.request !== undefined ? { requestId: opts.request } : {}),
          });
          if (opts.json) print(JSON.stringify(r, null, 2));
          else print(`restriction ${r.id} started (${r.ground})`);
        });
      },
    );

  restrict
    .command('list')
    .description('a person’s restrictions, newest first')
    .argument('<person>', 'the id of the person')
    .option('--active', 'only those not lifted')
    .option(...DIR)
    .option('--json', 'print as JSON')
    .action(async (person: string, opts: { active?: boolean; dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listRestrictions(reg, actor, person, { active: opts.active === true });
        if (opts.json) {
          print(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          process.stderr.write('no restrictions\n');
          return;
        }
        print(
          table(
            ['id', 'ground', 'started', 'told of lifting', 'lifted'],
            items.map((r) => [r.id, r.ground, r.startedAt, r.liftNotifiedAt ?? '', r.liftedAt ?? '']),
          ),
        );
      });
    });

  restrict
    .command('notify-lift')
    .description(
      'tell the subject the restriction will be lifted (art. 18(3)); needed before `restrict lift`',
    )
    .argument('<id>', 'the id of the restriction')
    .option('--message <text>', 'a note added to the notice')
    .option(...DIR)
    .action(async (id: string, opts: { message?: string; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const r = await notifyRestrictionLift(reg, actor, id, {
          ...(opts.message !== undefined ? { message: opts.message } : {}),
        });
        const mailer = mailerOf(reg);
        const sent = mailer ? await sendPendingNotifications(reg, mailer) : undefined;
        print(
          r.to
            ? `notice of lifting queued to ${r.to}`
            : 'the person has no email: tell them by other means, then lift with --notice-delivered-otherwise',
        );
        print(sentLine(sent, 1));
      });
    });

  restrict
    .command('lift')
    .description('lift a restriction once the subject has been told (art. 18(3))')
    .argument('<id>', 'the id of the restriction')
    .option('--notice-delivered-otherwise', 'the person has no email and was told by letter or call')
    .option(...DIR)
    .action(async (id: string, opts: { noticeDeliveredOtherwise?: boolean; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const r = await liftRestriction(reg, actor, id, {
          noticeDeliveredOtherwise: opts.noticeDeliveredOtherwise === true,
        });
        print(`lifted restriction ${r.id}`);
      });
    });

  const objection = program
    .command('objection')
    .description('objections to profiling and legitimate-interest processing (R4.6, art. 21(1))');

  objection
    .command('add')
    .description(
      'record an objection with the person’s particular situation; the person is restricted meanwhile',
    )
    .argument('<person>', 'the id of the person')
    .requiredOption('--kind <kind>', 'profiling or legitimate_interest')
    .requiredOption('--situation <text>', 'the person’s particular situation')
    .option('--purpose <id>', 'the purpose objected to (required for legitimate_interest)')
    .option('--request <id>', 'the objection request it records')
    .option(...DIR)
    .option('--json', 'print the objection as JSON')
    .action(
      async (
        person: string,
        opts: {
          kind: string;
          situation: string;
          purpose?: string;
          request?: string;
          dir?: string;
          json?: boolean;
        },
      ) => {
        await withRegister(opts, async (reg, actor) => {
          const o = await objectToProcessing(reg, actor, {
            personId: person,
            kind: opts.kind as 'profiling',
            situation: opts.situation,
            ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}),
            ...(opts.request !== undefined ? { requestId: opts.request } : {}),
          });
          if (opts.json) print(JSON.stringify(o, null, 2));
          else
            print(`objection ${o.id} pending; restriction ${o.restrictionId} in force until it is decided`);
        });
      },
    );

  objection
    .command('decide')
    .description(
      'the controller’s reasoned decision: upheld (processing stops) or rejected (compelling grounds)',
    )
    .argument('<id>', 'the id of the objection')
    .requiredOption('--outcome <outcome>', 'upheld or rejected')
    .requiredOption('--reasoning <text>', 'the reasons; for a rejection, the compelling legitimate grounds')
    .option(...DIR)
    .option('--json', 'print the decision as JSON')
    .action(
      async (id: string, opts: { outcome: string; reasoning: string; dir?: string; json?: boolean }) => {
        await withRegister(opts, async (reg, actor) => {
          const d = await decideObjection(
            reg,
            actor,
            id,
            { outcome: opts.outcome as 'upheld', reasoning: opts.reasoning },
            { mailer: mailerOf(reg) },
          );
          if (opts.json) {
            print(JSON.stringify(d, null, 2));
            return;
          }
          print(`objection ${d.objection.id} ${d.objection.state}`);
          print(sentLine(d.sent, 1 + d.restrictionsEnding.length));
        });
      },
    );

  objection
    .command('list')
    .description('a person’s objections, newest first')
    .argument('<person>', 'the id of the person')
    .option(...DIR)
    .option('--json', 'print as JSON')
    .action(async (person: string, opts: { dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listObjections(reg, actor, person);
        if (opts.json) {
          print(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          process.stderr.write('no objections\n');
          return;
        }
        print(
          table(
            ['id', 'kind', 'purpose', 'state', 'received', 'decided'],
            items.map((o) => [o.id, o.kind, o.purpose ?? '', o.state, o.receivedAt, o.decidedAt ?? '']),
          ),
        );
      });
    });

  const notifications = program
    .command('notifications')
    .description('the outbox of notices (art. 19 to recipients and sources, and the subject’s own)');

  notifications
    .command('send')
    .description(`send the queued notices through the SMTP server of ${SMTP_URL_ENV}`)
    .option(...DIR)
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg) => {
        const mailer = mailerOf(reg);
        if (!mailer) {
          throw new ExitError(
            1,
            `error: no SMTP server is configured: set ${SMTP_URL_ENV}, e.g. smtp://127.0.0.1:25`,
          );
        }
        const r = await sendPendingNotifications(reg, mailer);
        if (opts.json) print(JSON.stringify(r));
        else print(sentLine(r, 0));
        if (r.failed > 0) throw new ExitError(1);
      });
    });

  notifications
    .command('list')
    .description('the notices, newest first')
    .option('--pending', 'only those not yet sent')
    .option('--person <id>', 'only those about this person')
    .option(...DIR)
    .option('--json', 'print as JSON')
    .action(async (opts: { pending?: boolean; person?: string; dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listNotifications(reg, actor, {
          limit: 200,
          ...(opts.pending ? { state: 'pending' as const } : {}),
          ...(opts.person !== undefined ? { personId: opts.person } : {}),
        });
        if (opts.json) {
          print(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          process.stderr.write('no notices\n');
          return;
        }
        print(
          table(
            ['id', 'kind', 'audience', 'to', 'state', 'attempts', 'last error'],
            items.map((n) => [
              n.id,
              n.kind,
              `${n.audience}${n.audienceId && n.audience !== 'subject' ? ` ${n.audienceId}` : ''}`,
              n.to ?? '',
              n.state,
              String(n.attempts),
              (n.lastError ?? '').slice(0, 60),
            ]),
          ),
        );
      });
    });
}
