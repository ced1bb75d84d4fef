import {
  findControlCharacter,
  isIsoDate,
  LupausError,
  type ProblemDetail,
  parseEmail,
  parsePhone,
} from '@lupaus/core';
import { sql } from 'kysely';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  type ContactKind,
  contactHash,
  type PostalAddress,
  purposeProblem,
  requireChannel,
} from './consent-policy';
import { insertMissingSuppressions, SUPPRESSION_PURPOSE } from './suppress-person';

/** One entry of an imported list: an email or phone as text, a postal address as its parts. */
export type SuppressionEntry = string | PostalAddress;

export interface ImportSuppressionsInput {
  /** The channel the list is for (a channel of the definition whose contact point the register knows). */
  channel: string;
  /** The list's name, such as "ASML Puhelintarjonnan rajoituspalvelu 2026-03". */
  listName: string;
  /** The last day (YYYY-MM-DD, through that day) or instant the list is valid; for ever when omitted. */
  validUntil?: string | undefined;
  /** One marketing purpose; every purpose when omitted. */
  purpose?: string | undefined;
  entries: SuppressionEntry[];
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
  return { hash: contactHash(reg, 'phone', r.value) };
}

/**
 * Imports a suppression list (R3.2), such as ASML's restriction services (*Puhelintarjonnan* and *Osoitteellisen
 * suoramainonnan rajoituspalvelu*) or a DVV/Traficom ban list: emails, phones or postal addresses for one
 * channel, with the list's name and how long it is valid. Only the keyed hash of each normalised, kind-prefixed
 * contact point is stored (`contactKey`), never the value; the gate leaves out everyone with a contact point on
 * the list, including persons created or imported later. The list is validated whole (every bad entry named by
 * its index, nothing stored if one is bad) and written in one transaction; audited with counts only.
 *
 * @example
 * ```ts
 * await importSuppressions(reg, actor, { channel: 'phone', listName: 'ASML puhelin 2026-03',
 *   validUntil: '2029-03-31', entries: ['+358401234567', '040 765 4321'] });
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
  if (!Array.isArray(input.entries) || input.entries.length === 0) {
    problems.push({ at: 'entries', message: 'the list has no entries' });
  } else if (input.entries.length > MAX_SUPPRESSION_ENTRIES) {
    problems.push({ at: 'entries', message: `at most ${MAX_SUPPRESSION_ENTRIES} entries at a time` });
  }
  const hashes = new Map<string, Buffer>();
  let duplicates = 0;
  if (Array.isArray(input.entries)) {
    for (const [i, entry] of input.entries.entries()) {
      const r = entryHash(reg, kind, entry, `entries[${i}]`);
      if ('problem' in r) {
        if (problems.length < 100) problems.push(r.problem);
        continue;
      }
      const hex = r.hash.toString('hex');
      if (hashes.has(hex)) duplicates++;
      else hashes.set(hex, r.hash);
    }
  }
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
    const all = [...hashes.values()];
    let added = 0;
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH);
      const present = await tx
        .selectFrom('suppressions')
        .select('value_hash')
        .where('kind', '=', kind)
        .where('channel', '=', channel.id)
        .where('reason', '=', 'import')
        .where('list_name', '=', listName)
        .where(purpose === null ? sql<boolean>`purpose is null` : sql<boolean>`purpose = ${purpose}`)
        .where('value_hash', 'in', batch)
        .execute();
      const inserted = await insertMissingSuppressions(tx, batch, present, {
        channel: channel.id,
        kind,
        purpose,
        reason: 'import',
        list_name: listName,
        valid_until: validUntil,
        added_at: now,
        added_by: actor.id,
      });
      duplicates += batch.length - inserted;
      added += inserted;
    }
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
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (i === 0 || out.length === 0) {
      const head = line.toLowerCase();
      if (
        /^(email|e-mail|sähköposti|phone|puhelin|street|katuosoite|osoite)\b/.test(head) &&
        !/\d/.test(head)
      ) {
        continue;
      }
    }
    if (kind !== 'address') {
      out.push(line.replace(/^"|"$/g, ''));
      continue;
    }
    const parts = line.split(/[;\t]/).map((p) => p.trim().replace(/^"|"$/g, ''));
    const [first = '', postalCode = '', city = '', country = '', name = ''] = parts;
    const isBox = /^(pl|po box|p\.o\. box|box)\s+\d/i.test(first);
    out.push({
      ...(name !== '' ? { name } : {}),
      ...(isBox ? { poBox: first } : { street: first }),
      postalCode,
      city,
      country: country === '' ? 'FI' : country.toUpperCase(),
    });
  }
  return out;
}
