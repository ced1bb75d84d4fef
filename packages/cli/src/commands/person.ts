import type { Register } from '@lupaus/engine';
import { createPerson, getPerson, revealHetu, searchPersons } from '@lupaus/engine';
import { type Command, InvalidArgumentError } from 'commander';
import { ExitError, print, withRegister } from '../context';

/**
 * `lupaus person add|show|search`: persons of the register in the data directory (R2.1, R2.7). Every value is
 * checked against the definition (R1.5) and saved with its source (R2.6); the hetu is masked unless
 * `--reveal-hetu` asks for it (an audited reveal).
 */
interface AddOpts {
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  hetu?: string;
  customerNumber?: string;
  source?: string;
  purpose?: string;
  field: Record<string, unknown>;
  dir?: string;
  json?: boolean;
}

/** `key=value` (a string) or `key:=JSON` (a number, a boolean, a list...), collected into one record. */
export function parseField(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const json = /^([a-z][a-z0-9_]*):=(.*)$/s.exec(value);
  if (json) {
    try {
      return { ...previous, [json[1]!]: JSON.parse(json[2]!) as unknown };
    } catch {
      throw new InvalidArgumentError(`the value of ${json[1]} after := is not JSON`);
    }
  }
  const plain = /^([a-z][a-z0-9_]*)=(.*)$/s.exec(value);
  if (!plain) throw new InvalidArgumentError('write a field as key=value or key:=JSON, e.g. nickname=Mimmi');
  return { ...previous, [plain[1]!]: plain[2]! };
}

/** The source the operator enters data from when none is given: the data subject, else the first source. */
export function defaultSource(reg: Register): string {
  const sources = reg.definition.sources;
  const source = sources.find((s) => s.kind === 'subject') ?? sources[0];
  if (!source) throw new ExitError(1, 'error: the register definition declares no sources; give --source');
  return source.id;
}

export function personCommand(program: Command): void {
  const person = program.command('person').description('add, show and search persons of the register');

  person
    .command('add')
    .description('add a person')
    .requiredOption('--first-name <name>', 'first name')
    .requiredOption('--last-name <name>', 'last name')
    .option('--email <email>', 'email address')
    .option('--phone <phone>', 'phone number (normalised to E.164)')
    .option('--hetu <hetu>', 'personal identity code (stored encrypted, shown masked)')
    .option('--customer-number <number>', 'customer number')
    .option(
      '--source <id>',
      'the source of the data: a source id of the definition (default: the data subject)',
    )
    .option('--purpose <id>', 'the purpose of the processing: a purpose id of the definition')
    .option(
      '--field <key=value>',
      'another declared field (repeatable; key:=JSON for non-text values)',
      parseField,
      {},
    )
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the person as JSON')
    .action(async (opts: AddOpts) => {
      await withRegister(opts, async (reg, actor) => {
        const fields: Record<string, unknown> = {
          first_name: opts.firstName,
          last_name: opts.lastName,
          ...(opts.email !== undefined ? { email: [opts.email] } : {}),
          ...(opts.phone !== undefined ? { phone: [opts.phone] } : {}),
          ...(opts.hetu !== undefined ? { hetu: opts.hetu } : {}),
          ...(opts.customerNumber !== undefined ? { customer_number: opts.customerNumber } : {}),
          ...opts.field,
        };
        const created = await createPerson(reg, actor, {
          source: opts.source ?? defaultSource(reg),
          fields,
          ...(opts.purpose ? { purpose: opts.purpose } : {}),
        });
        if (opts.json) print(JSON.stringify(created, null, 2));
        else {
          print(`added person ${created.id}`);
          printFields(created.fields);
        }
      });
    });

  person
    .command('show')
    .description('show a person (the hetu masked unless --reveal-hetu)')
    .argument('<id>', 'the id of the person')
    .option('--reveal-hetu', 'show the hetu unmasked (only roles allowed to; the reveal is audited)')
    .option('--purpose <id>', 'the purpose of the processing: a purpose id of the definition')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the person as JSON')
    .action(
      async (id: string, opts: { revealHetu?: boolean; purpose?: string; dir?: string; json?: boolean }) => {
        await withRegister(opts, async (reg, actor) => {
          const purpose = opts.purpose ? { purpose: opts.purpose } : {};
          const found = await getPerson(reg, actor, id, purpose);
          const fields = { ...found.fields };
          if (opts.revealHetu && fields.hetu !== undefined && fields.hetu !== null) {
            fields.hetu = (await revealHetu(reg, actor, id, purpose)).hetu;
          }
          if (opts.json) {
            print(JSON.stringify({ ...found, fields }, null, 2));
            return;
          }
          print(`person ${found.id}`);
          printFields(fields, found.provenance);
          for (const role of found.contactRoles) {
            print(
              `  contact person of ${role.organisationId}${role.title ? ` (${role.title})` : ''} from ${role.startsOn}${role.endsOn ? ` to ${role.endsOn}` : ''}`,
            );
          }
          print(`  created ${found.createdAt}, updated ${found.updatedAt}`);
        });
      },
    );

  person
    .command('search')
    .description('search persons by name (prefix and fuzzy), email, phone, customer number or exact hetu')
    .option('--name <name>', 'a name or its beginning')
    .option('--email <email>', 'an email address')
    .option('--phone <phone>', 'a phone number')
    .option('--customer-number <number>', 'a customer number')
    .option('--hetu <hetu>', 'a personal identity code (exact)')
    .option('--limit <n>', 'at most this many', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a limit is a positive whole number');
      return n;
    })
    .option('--purpose <id>', 'the purpose of the processing: a purpose id of the definition')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--json', 'print the results as JSON')
    .action(
      async (opts: {
        name?: string;
        email?: string;
        phone?: string;
        customerNumber?: string;
        hetu?: string;
        limit?: number;
        purpose?: string;
        dir?: string;
        json?: boolean;
      }) => {
        if (!opts.name && !opts.email && !opts.phone && !opts.customerNumber && !opts.hetu) {
          throw new ExitError(
            2,
            'error: give at least one of --name, --email, --phone, --customer-number, --hetu',
          );
        }
        await withRegister(opts, async (reg, actor) => {
          const found = await searchPersons(reg, actor, {
            ...(opts.name ? { q: opts.name } : {}),
            ...(opts.email ? { email: opts.email } : {}),
            ...(opts.phone ? { phone: opts.phone } : {}),
            ...(opts.customerNumber ? { customerNumber: opts.customerNumber } : {}),
            ...(opts.hetu ? { hetu: opts.hetu } : {}),
            ...(opts.limit ? { limit: opts.limit } : {}),
            ...(opts.purpose ? { purpose: opts.purpose } : {}),
          });
          if (opts.json) {
            print(JSON.stringify(found, null, 2));
            return;
          }
          if (found.length === 0) {
            process.stderr.write('no persons found\n');
            return;
          }
          for (const p of found) {
            const name = [p.firstName, p.lastName].filter(Boolean).join(' ');
            print([p.id, name, p.customerNumber ?? '', p.email ?? '', p.phone ?? ''].join('\t'));
          }
        });
      },
    );
}

function printFields(
  fields: Record<string, unknown>,
  provenance: Record<string, { source: string; savedAt: string }> = {},
): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    const shown =
      typeof value === 'string'
        ? value
        : Array.isArray(value) && value.every((v) => typeof v === 'string')
          ? value.join(', ')
          : JSON.stringify(value);
    const from = provenance[key];
    print(`  ${key}: ${shown}${from ? `  (from ${from.source}, ${from.savedAt})` : ''}`);
  }
}
