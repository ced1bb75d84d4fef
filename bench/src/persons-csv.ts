import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { hetuCheckCharacter } from '@lupaus/core';
import { createRandom, type GeneratedPerson, personStream } from './generate';

/**
 * A CSV file of generated persons in the layout `importPersons` takes: a header of catalogue field ids of
 * example 003-auntie (the address in sub-columns `address.street`, `address.postalCode`, `address.city`,
 * `address.country`), one person a line, written as a stream (constant memory at any size), optionally with
 * deliberately broken rows at known lines.
 *
 * @example
 * ```ts
 * const r = await writePersonsCsv('/tmp/p.csv', { persons: 1_000_000, broken: 3000, seed: 42 });
 * r.broken[0]; // { line: 297, kind: 'hetu', column: 'hetu' }
 * ```
 */
export const CSV_COLUMNS = [
  'customer_number',
  'first_name',
  'last_name',
  'nickname',
  'hetu',
  'gender',
  'language',
  'email',
  'phone',
  'address.street',
  'address.postalCode',
  'address.city',
  'address.country',
] as const;

/** The ways a broken row is broken; each is a row the import must reject, naming its line. */
export const BROKEN_KINDS = ['hetu', 'email', 'missing', 'undeclared', 'postal'] as const;
export type BrokenKind = (typeof BROKEN_KINDS)[number];

/** The column each kind of break is in. */
export const BROKEN_COLUMN: Record<BrokenKind, (typeof CSV_COLUMNS)[number]> = {
  hetu: 'hetu', // a wrong check character
  email: 'email', // no @
  missing: 'last_name', // a required field left empty
  undeclared: 'gender', // a value the enum does not declare
  postal: 'address.postalCode', // four digits
};

export interface BrokenRow {
  /** The 1-based physical line of the file (the header is line 1). */
  line: number;
  kind: BrokenKind;
  column: string;
}

export interface PersonsCsv {
  file: string;
  /** Data rows written: the good persons and the broken rows. */
  rows: number;
  /** Good rows: persons the import must create. */
  persons: number;
  broken: BrokenRow[];
  bytes: number;
}

function cell(v: string | undefined): string {
  if (v === undefined) return '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function cells(p: GeneratedPerson): string[] {
  const f = p.fields;
  const a = f.address[0]!;
  return [
    f.customer_number,
    f.first_name,
    f.last_name,
    f.nickname ?? '',
    f.hetu,
    f.gender,
    f.language,
    f.email[0]!,
    f.phone[0]!,
    a.street,
    a.postalCode,
    a.city,
    a.country,
  ];
}

/** A wrong check character for the hetu: any other of the 31 the alphabet has. */
function wrongCheck(hetu: string): string {
  const right = hetuCheckCharacter(`${hetu.slice(0, 6)}${hetu.slice(7, 10)}`);
  const alphabet = '0123456789ABCDEFHJKLMNPRSTUVWXY';
  const wrong = alphabet[(alphabet.indexOf(right) + 7) % alphabet.length]!;
  return `${hetu.slice(0, 10)}${wrong}`;
}

function breakRow(row: string[], kind: BrokenKind): string[] {
  const out = [...row];
  const at = (c: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(c);
  switch (kind) {
    case 'hetu':
      out[at('hetu')] = wrongCheck(row[at('hetu')]!);
      break;
    case 'email':
      out[at('email')] = row[at('email')]!.replace('@', '.at.');
      break;
    case 'missing':
      out[at('last_name')] = '';
      break;
    case 'undeclared':
      out[at('gender')] = 'tuntematon';
      break;
    case 'postal':
      out[at('address.postalCode')] = row[at('address.postalCode')]!.slice(1);
      break;
  }
  return out;
}

/**
 * Writes `persons` good rows (the persons of `personStream(persons, seed)`, in order) and `broken` broken rows
 * between them, each at a seeded position, of the kinds in turn, made from persons of another stream (customer
 * numbers `X…`) so that none of them names a good person. Returns the broken lines.
 */
export async function writePersonsCsv(
  file: string,
  opts: { persons: number; broken?: number; seed?: number },
): Promise<PersonsCsv> {
  const seed = opts.seed ?? 20240601;
  const brokenCount = opts.broken ?? 0;
  const total = opts.persons + brokenCount;
  const rand = createRandom(seed ^ 0xb40c);
  // One broken row in each window of `stride` rows, at a random place in it: distinct, increasing, spread.
  const brokenAt = new Map<number, BrokenKind>();
  const stride = total / Math.max(1, brokenCount);
  for (let k = 0; k < brokenCount; k++) {
    const at = Math.min(total - 1, Math.floor(k * stride + rand() * stride));
    brokenAt.set(at, BROKEN_KINDS[k % BROKEN_KINDS.length]!);
  }
  const good = personStream(opts.persons, seed);
  const bad = personStream(brokenCount, seed ^ 0x7a11);
  const out = createWriteStream(file, { encoding: 'utf8' });
  const broken: BrokenRow[] = [];
  let bytes = 0;
  let chunk: string[] = [CSV_COLUMNS.join(',')];
  const flush = async () => {
    const text = `${chunk.join('\n')}\n`;
    chunk = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  for (let r = 0; r < total; r++) {
    const kind = brokenAt.get(r);
    if (kind) {
      const p = bad.next().value as GeneratedPerson;
      const row = cells(p);
      row[0] = `X${row[0]!.slice(1)}`;
      chunk.push(breakRow(row, kind).map(cell).join(','));
      broken.push({ line: r + 2, kind, column: BROKEN_COLUMN[kind] });
    } else {
      chunk.push(
        cells(good.next().value as GeneratedPerson)
          .map(cell)
          .join(','),
      );
    }
    if (chunk.length >= 2000) await flush();
  }
  if (chunk.length > 0) await flush();
  out.end();
  await once(out, 'finish');
  return { file, rows: total, persons: opts.persons, broken, bytes };
}
