import {
  findControlCharacter,
  isIsoDate,
  LupausError,
  type ProblemDetail,
  parseEmail,
  parsePhone,
} from '@lupaus/core';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { readCsv } from '../imports/read-csv';
import { authorize } from '../policy/authorize';
import {
  type ContactKind,
  contactHash,
  type PostalAddress,
  purposeProblem,
  requireChannel,
} from './consent-policy';
import { SUPPRESSION_PURPOSE } from './suppress-person';

/** One entry of an imported list: an email or phone as text, a postal address as its parts. */
export type SuppressionEntry = string | PostalAddress;

export interface ImportSuppressionsInput {
  /** The channel the list is for (a channel of the definition whose contact point the register knows). */
  channel: string;
  /**
   * The list's name, such as "ASML Puhelintarjonnan rajoituspalvelu": the gate names it as the reason a person is
   * left out. Name a list by its service rather than its date, so that its renewal (`replace`) replaces it.
   */
  listName: string;
  /** The last day (YYYY-MM-DD, through that day) or instant the list is valid; for ever when omitted. */
  validUntil?: string | undefined;
  /** One marketing purpose; every purpose when omitted. */
  purpose?: string | undefined;
  /** The entries (problems are named `entries[i]`); or give `file`. */
  entries?: SuppressionEntry[] | undefined;
  /**
   * The list as a file, text or a stream, read as it streams (see `suppressionFileEntries`; problems are named
   * `line N`): one email or phone a line, or postal addresses, with or without a header.
   */
  file?: string | AsyncIterable<string | Buffer> | undefined;
  /** Replace the entries of an earlier import of the same list name and channel (a renewed list). */
  replace?: boolean | undefined;
}

export interface ImportSuppressionsResult {
  channel: string;
  kind: ContactKind;
  listName: string;
  added: number;
  /** Entries already on this list (or twice in the file). */
  skipped: number;
  /** Entries of the earlier import removed (with `replace`). */
  replaced: number;
}

export const MAX_SUPPRESSION_ENTRIES = 2_000_000;
const BATCH = 5000;
const MAX_PROBLEMS = 100;

function entryHash(
  reg: Register,
  kind: ContactKind,
  entry: SuppressionEntry,
  at: string,
): { hash: Buffer } | { problem: ProblemDetail } {
  if (kind === 'address') {
    if (typeof entry !== 'object' || entry === null) {
      return { problem: { at, message: 'an address is given as { street, postalCode, city, country }' } };
    }
    const a = entry as PostalAddress;
    if (!a.postalCode || (!a.street && !a.poBox)) {
      return { problem: { at, message: 'an address needs a postal code and a street or PO box' } };
    }
    const bad = findControlCharacter(a, at);
    if (bad) return { problem: bad };
    return { hash: contactHash(reg, 'address', a) };
  }
  if (typeof entry !== 'string') return { problem: { at, message: `a ${kind} is given as text` } };
  if (kind === 'email') {
    const r = parseEmail(entry);
    if (!r.ok) return { problem: { at, message: r.reason } };
    return { hash: contactHash(reg, 'email', r.value) };
  }
  const r = parsePhone(entry);
  if (!r.ok) return { problem: { at, message: r.reason } };
  // contactKey('phone', e164) is `phone:` and the number: hashed without parsing the number a second time.
  return { hash: reg.vault.lookup(`phone:${r.value}`) };
}

/**
 * Imports a suppression list (R3.2), such as ASML's restriction services (*Puhelintarjonnan* and *Osoitteellisen
 * suoramainonnan rajoituspalvelu*), a DVV/Traficom ban list or a company's own list: emails, phones or postal
 * addresses (with the addressee's name or without) for one channel, with the list's name and how long it is
 * valid. Only the keyed hash of each normalised, kind-prefixed contact point is stored (`contactKey`), never the
 * value; the gate leaves out everyone with a contact point on the list, including persons created or imported
 * later, and names the list as the reason (`suppressedBy`). A file is streamed (100 000 entries take seconds) and
 * written in batches of 5 000 in one transaction: one bad entry (named by its index or line) and nothing is
 * stored. A renewed list (`replace`) replaces the earlier import of the same name and channel in that
 * transaction. Audited with counts only.
 *
 * @example
 * ```ts
 * await importSuppressions(reg, actor, { channel: 'phone', listName: 'ASML Puhelintarjonnan rajoituspalvelu',
 *   validUntil: '2029-03-31', entries: ['+358401234567', '040 765 4321'] });
 * await importSuppressions(reg, actor, { channel: 'post', listName: 'ASML Osoitteellinen suoramainonta',
 *   replace: true, file: createReadStream('asml-osoite.csv') });
 * ```
 */
export async function importSuppressions(
  reg: Register,
  actor: Actor,
  input: ImportSuppressionsInput,
): Promise<ImportSuppressionsResult> {
  authorize(reg, actor, 'consents.write');
  const problems: ProblemDetail[] = [];
  const channel = requireChannel(reg, input.channel);
  if (!channel.kind) {
    throw new LupausError('VALIDATION_FAILED', { channel: channel.id }, [
      {
        at: 'channel',
        message: `the register does not know what contact point channel "${channel.id}" uses (email, sms, phone, post do)`,
      },
    ]);
  }
  const kind = channel.kind;
  const listName = typeof input.listName === 'string' ? input.listName.trim() : '';
  if (listName === '' || listName.length > 200) {
    problems.push({
      at: 'listName',
      message: 'name the list (1–200 characters), such as its service and date',
    });
  } else {
    const bad = findControlCharacter(listName, 'listName');
    if (bad) problems.push(bad);
  }
  const now = reg.clock.now();
  let validUntil: Date | null = null;
  if (input.validUntil !== undefined) {
    const v = input.validUntil;
    const parsed =
      typeof v === 'string' && isIsoDate(v)
        ? new Date(`${v}T23:59:59.999Z`)
        : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))
          ? new Date(v)
          : null;
    if (!parsed) {
      problems.push({ at: 'validUntil', message: 'validUntil is a date YYYY-MM-DD or an ISO 8601 instant' });
    } else if (parsed.getTime() <= now.getTime()) {
      problems.push({ at: 'validUntil', message: `validUntil ${v} is already past` });
    } else validUntil = parsed;
  }
  if (input.purpose !== undefined) {
    const p = purposeProblem(reg, input.purpose);
    if (p) problems.push(p);
  }
  let entries: AsyncIterable<{ at: string; entry: SuppressionEntry }>;
  if (input.file !== undefined) {
    if (input.entries !== undefined) {
      problems.push({ at: 'entries', message: 'give the entries or a file, not both' });
    }
    entries = suppressionFileEntries(input.file, kind);
  } else if (!Array.isArray(input.entries) || input.entries.length === 0) {
    problems.push({ at: 'entries', message: 'the list has no entries' });
    entries = fromArray([]);
  } else if (input.entries.length > MAX_SUPPRESSION_ENTRIES) {
    problems.push({ at: 'entries', message: `at most ${MAX_SUPPRESSION_ENTRIES} entries at a time` });
    entries = fromArray([]);
  } else entries = fromArray(input.entries);
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const purpose = input.purpose ?? null;
  return reg.db.transaction().execute(async (tx) => {
    let replaced = 0;
    if (input.replace) {
      const gone = await tx
        .deleteFrom('suppressions')
        .where('reason', '=', 'import')
        .where('channel', '=', channel.id)
        .where('list_name', '=', listName)
        .executeTakeFirst();
      replaced = Number(gone.numDeletedRows);
    }
    let added = 0;
    let duplicates = 0;
    let count = 0;
    let batch = new Map<string, true>();
    const flush = async () => {
      if (batch.size === 0 || problems.length > 0) {
        batch = new Map();
        return;
      }
      const hashes = [...batch.keys()];
      batch = new Map();
      // One statement a batch, the hashes as one jsonb parameter (binding 5 000 parameters costs more than the
      // insert on PGlite): those not yet on this list go in.
      const rows = JSON.stringify(hashes.map((h) => [uuidv7(), h]));
      const r = await sql<{ n: number }>`
        with ins as (
          insert into suppressions (id, channel, kind, value_hash, purpose, reason, list_name, valid_until,
            added_at, added_by)
          select (x.e->>0)::uuid, ${channel.id}::text, ${kind}::text, decode(x.e->>1, 'hex'), ${purpose}::text,
            'import', ${listName}::text, ${validUntil}::timestamptz, ${now}::timestamptz, ${actor.id}::text
          from jsonb_array_elements(${rows}::jsonb) as x(e)
          -- A scalar subquery, not NOT EXISTS: never turned into an anti-join that scans the whole list (the
          -- planner has no statistics on a list being written), one index probe (kind, value_hash) a row.
          where (select s.id from suppressions s
            where s.kind = ${kind} and s.value_hash = decode(x.e->>1, 'hex') and s.channel = ${channel.id}
              and s.reason = 'import' and s.list_name = ${listName} and s.purpose is not distinct from ${purpose}
            limit 1) is null
          returning 1)
        select count(*)::int as n from ins`.execute(tx);
      const inserted = r.rows[0]?.n ?? 0;
      duplicates += hashes.length - inserted;
      added += inserted;
    };
    for await (const { at, entry } of entries) {
      count++;
      if (count > MAX_SUPPRESSION_ENTRIES) {
        problems.push({ at, message: `at most ${MAX_SUPPRESSION_ENTRIES} entries at a time` });
        break;
      }
      const r = entryHash(reg, kind, entry, at);
      if ('problem' in r) {
        if (problems.length < MAX_PROBLEMS) problems.push(r.problem);
        continue;
      }
      const hex = r.hash.toString('hex');
      if (batch.has(hex)) duplicates++;
      else batch.set(hex, true);
      if (batch.size >= BATCH) await flush();
    }
    await flush();
    if (count === 0)
      problems.push({
        at: input.file !== undefined ? 'file' : 'entries',
        message: 'the list has no entries',
      });
    // One bad entry and nothing of the list is stored: the transaction is rolled back.
    if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
    await audit(tx, reg, actor, {
      action: 'suppression_import',
      entityType: 'suppression_list',
      entityId: null,
      personId: null,
      purpose: purpose ?? SUPPRESSION_PURPOSE,
      details: { channel: channel.id, kind, listName, added, skipped: duplicates, replaced },
    });
    return { channel: channel.id, kind, listName, added, skipped: duplicates, replaced };
  });
}

async function* fromArray(
  entries: SuppressionEntry[],
): AsyncGenerator<{ at: string; entry: SuppressionEntry }> {
  for (const [i, entry] of entries.entries()) yield { at: `entries[${i}]`, entry };
}

/** Header names of an address list with columns (lower case), by the part they give. */
const ADDRESS_HEADERS: Record<string, keyof PostalAddress | 'first' | 'last'> = {
  name: 'name',
  nimi: 'name',
  first_name: 'first',
  etunimet: 'first',
  etunimi: 'first',
  last_name: 'last',
  sukunimi: 'last',
  street: 'street',
  katuosoite: 'street',
  lähiosoite: 'street',
  osoite: 'street',
  po_box: 'poBox',
  postilokero: 'poBox',
  postal_code: 'postalCode',
  postinumero: 'postalCode',
  city: 'city',
  postitoimipaikka: 'city',
  country: 'country',
  maa: 'country',
};

/**
 * The entries of a suppression list file, as it streams, each with its line (`line N`). Email and phone lists,
 * and address lists without a header, are one entry a line as `parseSuppressionText` reads them (blank lines and
 * `#` comments skipped, a header line of `email`, `phone`, `street;...` skipped). An address list whose first line
 * names its columns (`sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka`, or `name`/`nimi`, `street`,
 * `postal_code`, `city`, `country`, `po_box` ...) is read as CSV (`readCsv`): with a name the entry suppresses that
 * addressee, without one everyone at the address.
 *
 * @example
 * ```ts
 * for await (const e of suppressionFileEntries('sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka\n' +
 *   'Meikäläinen;Matti;Katu 1;00100;Helsinki\n', 'address')) console.log(e);
 * // { at: 'line 2', entry: { name: 'Meikäläinen Matti', street: 'Katu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' } }
 * ```
 */
export async function* suppressionFileEntries(
  file: string | AsyncIterable<string | Buffer>,
  kind: ContactKind,
): AsyncGenerator<{ at: string; entry: SuppressionEntry }> {
  const iterator =
    typeof file === 'string'
      ? (async function* () {
          yield Buffer.from(file, 'utf8');
        })()
      : file[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let firstLine = '';
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      firstLine = Buffer.concat(head).toString('utf8');
      break;
    }
    head.push(typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value);
    const text = Buffer.concat(head).toString('utf8');
    const nl = text.indexOf('\n');
    if (nl >= 0 || text.length > 100_000) {
      firstLine = nl >= 0 ? text.slice(0, nl) : text;
      break;
    }
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    }
  }
  const columns = firstLine
    .replace(/^\uFEFF/, '')
    .split(/[;,\t]/)
    .map((c) =>
      c
        .trim()
        .replace(/^"|"$/g, '')
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
    );
  const parts = columns.map((c) => ADDRESS_HEADERS[c]);
  if (
    kind === 'address' &&
    parts.includes('postalCode') &&
    (parts.includes('street') || parts.includes('poBox'))
  ) {
    for await (const { line, values } of readCsv(rest())) {
      const a: Record<string, string> = {};
      let first = '';
      let last = '';
      for (const [header, value] of Object.entries(values)) {
        const part =
          ADDRESS_HEADERS[
            header
              .trim()
              .toLowerCase()
              .replace(/[\s-]+/g, '_')
          ];
        const v = value.trim();
        if (part === undefined || v === '') continue;
        if (part === 'first') first = v;
        else if (part === 'last') last = v;
        else a[part] = v;
      }
      const name = a.name ?? [last, first].filter(Boolean).join(' ');
      yield {
        at: `line ${line}`,
        entry: {
          ...(name !== '' ? { name } : {}),
          ...(a.street ? { street: a.street } : {}),
          ...(a.poBox ? { poBox: a.poBox } : {}),
          postalCode: a.postalCode ?? '',
          city: a.city ?? '',
          country: (a.country ?? 'FI').toUpperCase(),
        },
      };
    }
    return;
  }
  // One entry a line.
  let carry = '';
  let lineNo = 0;
  let seen = 0;
  const decoder = new TextDecoder('utf-8');
  const one = (raw: string): { at: string; entry: SuppressionEntry } | null => {
    lineNo++;
    const entry = suppressionLine(raw, kind, seen === 0);
    if (entry === null) return null;
    seen++;
    return { at: `line ${lineNo}`, entry };
  };
  for await (const buf of rest()) {
    carry += decoder.decode(buf, { stream: true });
    let start = 0;
    for (let nl = carry.indexOf('\n'); nl >= 0; nl = carry.indexOf('\n', start)) {
      const e = one(carry.slice(start, nl));
      if (e) yield e;
      start = nl + 1;
    }
    carry = carry.slice(start);
  }
  carry += decoder.decode();
  if (carry !== '') {
    const e = one(carry);
    if (e) yield e;
  }
}

/**
 * Reads a suppression list file for a contact kind: one entry a line; blank lines and lines starting with `#`
 * are skipped, as is a header line (`email`, `phone`, `street;postal_code;city;country;name`). An address line
 * is `street;postal code;city[;country[;name]]` (tab or semicolon separated; a street of the form `PL 123` or
 * `PO Box 123` is a PO box): with a name it suppresses that addressee, without one everyone at the address.
 *
 * @example
 * ```ts
 * parseSuppressionText('email\nmaija@example.fi\n', 'email'); // ['maija@example.fi']
 * parseSuppressionText('Katu 1;00100;Helsinki', 'address'); // [{ street: 'Katu 1', postalCode: '00100', ... }]
 * ```
 */
export function parseSuppressionText(text: string, kind: ContactKind): SuppressionEntry[] {
  const out: SuppressionEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const entry = suppressionLine(raw, kind, out.length === 0);
    if (entry !== null) out.push(entry);
  }
  return out;
}

/**
 * One line of a suppression list file as `parseSuppressionText` reads it: null for a blank line, a `#` comment,
 * or (before the first entry) a header line.
 */
function suppressionLine(raw: string, kind: ContactKind, beforeFirst: boolean): SuppressionEntry | null {
  const line = raw.replace(/^\uFEFF/, '').trim();
  if (line === '' || line.startsWith('#')) return null;
  if (beforeFirst) {
    const head = line.toLowerCase();
    if (
      /^(email|e-mail|sähköposti|phone|puhelin|street|katuosoite|osoite)\b/.test(head) &&
      !/\d/.test(head)
    ) {
      return null;
    }
  }
  if (kind !== 'address') return line.replace(/^"|"$/g, '');
  const parts = line.split(/[;\t]/).map((p) => p.trim().replace(/^"|"$/g, ''));
  const [first = '', postalCode = '', city = '', country = '', name = ''] = parts;
  const isBox = /^(pl|po box|p\.o\. box|box)\s+\d/i.test(first);
  return {
    ...(name !== '' ? { name } : {}),
    ...(isBox ? { poBox: first } : { street: first }),
    postalCode,
    city,
    country: country === '' ? 'FI' : country.toUpperCase(),
  };
}
