import { LupausError, type ProblemDetail } from '@lupaus/core';
import type { Register } from '../context';

/**
 * The CSV layout of an update-service batch (R2.8): which columns name the person, which carry the new name and
 * postal address, and how a file's header is mapped onto them. Pure: no I/O.
 *
 * A column is one of these targets, by its header name (case and spaces ignored; Finnish and English names are
 * known, see `UPDATE_COLUMN_ALIASES`) or by the caller's mapping (CSV column → target):
 *
 * | target                | Finnish header        | what                                                   |
 * |-----------------------|-----------------------|--------------------------------------------------------|
 * | `customer_number`     | asiakasnumero         | key: the person's customer number                       |
 * | `hetu`                | henkilötunnus, hetu   | key: the personal identity code (found by keyed hash)   |
 * | `person_id`           | henkilö_id            | key: the person's id in Lupaus                           |
 * | `first_name`          | etunimet, etunimi     | new first name(s)                                       |
 * | `last_name`           | sukunimi              | new last name                                           |
 * | `nickname`            | kutsumanimi           | new nickname (*kutsumanimi*), where the register keeps it |
 * | `address.street`      | katuosoite, lähiosoite| new postal address: street                               |
 * | `address.poBox`       | postilokero           | ... or PO box                                           |
 * | `address.postalCode`  | postinumero           | ... postal code                                          |
 * | `address.city`        | postitoimipaikka      | ... post office                                          |
 * | `address.country`     | maa, maakoodi         | ... ISO 3166 country code (default FI)                   |
 * | `moved_on`            | muuttopäivä           | the day of the move (YYYY-MM-DD or D.M.YYYY)             |
 *
 * Only names and the postal address can be changed by an update service: any other column is refused, naming it,
 * before anything is read further. An empty cell changes nothing.
 */
export const UPDATE_KEYS = ['customer_number', 'hetu', 'person_id'] as const;
export type UpdateKey = (typeof UPDATE_KEYS)[number];
export const UPDATE_NAME_FIELDS = ['first_name', 'last_name', 'nickname'] as const;
export type UpdateNameField = (typeof UPDATE_NAME_FIELDS)[number];
export const UPDATE_ADDRESS_PARTS = ['street', 'poBox', 'postalCode', 'city', 'country'] as const;
export type UpdateAddressPart = (typeof UPDATE_ADDRESS_PARTS)[number];

export type UpdateTarget = UpdateKey | UpdateNameField | `address.${UpdateAddressPart}` | 'moved_on';

export const UPDATE_TARGETS: readonly UpdateTarget[] = [
  ...UPDATE_KEYS,
  ...UPDATE_NAME_FIELDS,
  ...UPDATE_ADDRESS_PARTS.map((p) => `address.${p}` as const),
  'moved_on',
];

/** Header names known without a mapping (lower case, spaces and hyphens as `_`), Finnish and English. */
export const UPDATE_COLUMN_ALIASES: Record<string, UpdateTarget> = {
  customer_number: 'customer_number',
  asiakasnumero: 'customer_number',
  asiakasnro: 'customer_number',
  hetu: 'hetu',
  henkilötunnus: 'hetu',
  person_id: 'person_id',
  henkilö_id: 'person_id',
  first_name: 'first_name',
  first_names: 'first_name',
  etunimet: 'first_name',
  etunimi: 'first_name',
  last_name: 'last_name',
  sukunimi: 'last_name',
  nickname: 'nickname',
  kutsumanimi: 'nickname',
  street: 'address.street',
  'address.street': 'address.street',
  katuosoite: 'address.street',
  lähiosoite: 'address.street',
  po_box: 'address.poBox',
  'address.pobox': 'address.poBox',
  postilokero: 'address.poBox',
  postal_code: 'address.postalCode',
  'address.postalcode': 'address.postalCode',
  postinumero: 'address.postalCode',
  city: 'address.city',
  'address.city': 'address.city',
  postitoimipaikka: 'address.city',
  country: 'address.country',
  'address.country': 'address.country',
  maa: 'address.country',
  maakoodi: 'address.country',
  moved_on: 'moved_on',
  muuttopäivä: 'moved_on',
  muuttopvm: 'moved_on',
};

/** How each column of a file is read: column → target. */
export interface UpdateColumnPlan {
  columns: { column: string; target: UpdateTarget }[];
  /** The column of each target present. */
  byTarget: Partial<Record<UpdateTarget, string>>;
  /** The person fields the file can change (`first_name`, `last_name`, `nickname`, `address`). */
  fields: string[];
}

function fold(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * Maps a file's header onto the update targets and checks it against the register: every column is a key, a
 * name or an address part (anything else is refused naming the column: an update service changes nothing
 * else); a mapping names only columns the file has and only known targets; no target twice; at least one key
 * and one name or address column; each field the file changes is declared by the register, with `source`
 * among its sources (R1.5, R2.6). Throws VALIDATION_FAILED with every problem, `at` naming the column.
 *
 * @example
 * ```ts
 * planUpdateColumns(reg, 'update_services', ['asiakasnumero', 'sukunimi', 'katuosoite', 'postinumero', 'postitoimipaikka']);
 * // { byTarget: { customer_number: 'asiakasnumero', last_name: 'sukunimi', 'address.street': 'katuosoite', ... },
 * //   fields: ['last_name', 'address'] }
 * ```
 */
export function planUpdateColumns(
  reg: Register,
  source: string,
  header: string[],
  mapping?: Record<string, string>,
): UpdateColumnPlan {
  const problems: ProblemDetail[] = [];
  const targets = new Set<string>(UPDATE_TARGETS);
  if (mapping !== undefined) {
    if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
      throw new LupausError('VALIDATION_FAILED', {}, [
        { at: 'mapping', message: 'the mapping is an object of CSV column → target' },
      ]);
    }
    for (const [column, target] of Object.entries(mapping)) {
      if (!header.includes(column)) {
        problems.push({
          at: `mapping.${column}`,
          message: `the mapping names the column "${column}", which the file does not have; its columns: ${header.join(', ')}`,
        });
      }
      if (typeof target !== 'string' || !targets.has(target)) {
        problems.push({
          at: `mapping.${column}`,
          message: `"${String(target).slice(0, 60)}" is not a target of an update batch; use one of ${UPDATE_TARGETS.join(', ')}`,
        });
      }
    }
  }
  const columns: UpdateColumnPlan['columns'] = [];
  const byTarget: UpdateColumnPlan['byTarget'] = {};
  for (const column of header) {
    const mapped = mapping?.[column];
    const target = (
      typeof mapped === 'string' && targets.has(mapped)
        ? mapped
        : mapped === undefined
          ? UPDATE_COLUMN_ALIASES[fold(column)]
          : undefined
    ) as UpdateTarget | undefined;
    if (target === undefined) {
      if (mapped === undefined) {
        problems.push({
          at: `column ${column}`,
          message: `column "${column}": an update-service batch changes only names and the postal address, keyed by ${UPDATE_KEYS.join(', ')}; map the column to one of ${UPDATE_TARGETS.join(', ')} or leave it out of the file`,
        });
      }
      continue;
    }
    const twice = byTarget[target];
    if (twice !== undefined) {
      problems.push({
        at: `column ${column}`,
        message: `columns "${twice}" and "${column}" both give ${target}`,
      });
      continue;
    }
    byTarget[target] = column;
    columns.push({ column, target });
  }
  if (!UPDATE_KEYS.some((k) => byTarget[k] !== undefined)) {
    problems.push({
      at: 'columns',
      message: `the file names no person: it needs a column ${UPDATE_KEYS.join(', ')} (asiakasnumero, henkilötunnus)`,
    });
  }
  const fields: string[] = [];
  for (const f of UPDATE_NAME_FIELDS) if (byTarget[f] !== undefined) fields.push(f);
  if (UPDATE_ADDRESS_PARTS.some((p) => byTarget[`address.${p}`] !== undefined)) fields.push('address');
  if (fields.length === 0) {
    problems.push({
      at: 'columns',
      message: 'the file changes nothing: it needs a name column (sukunimi, etunimet) or a postal address',
    });
  }
  for (const f of fields) {
    const column =
      f === 'address'
        ? UPDATE_ADDRESS_PARTS.map((p) => byTarget[`address.${p}`]).find((c) => c !== undefined)
        : byTarget[f as UpdateNameField];
    const field = reg.catalogue.field('person', f);
    if (!field) {
      problems.push({
        at: `column ${column}`,
        message: `column "${column}": the register definition does not declare the person field ${f}`,
      });
    } else if (!field.sources.some((s) => s.id === source)) {
      problems.push({
        at: `column ${column}`,
        message: `column "${column}": the definition does not name ${source} as a source of ${f} (category ${field.category.id}; its sources: ${field.sources.map((s) => s.id).join(', ')})`,
      });
    }
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return { columns, byTarget, fields };
}

/** The source kinds an update-service batch may come from. */
export const UPDATE_SOURCE_KINDS = ['update_service', 'population_register'] as const;

/**
 * The source of an update batch: a source id of the definition, or a source kind (`update_service`,
 * `population_register`) that exactly one declared source has. The source must be of one of those kinds (a
 * batch from anywhere else is an import: `lupaus import persons`).
 *
 * @example
 * ```ts
 * resolveUpdateSource(reg, 'update_service'); // 'update_services' in seed 001, 'address_update' in seed 003
 * ```
 */
export function resolveUpdateSource(reg: Register, source: string): string {
  const sources = reg.definition.sources;
  const allowed = sources.filter((s) => (UPDATE_SOURCE_KINDS as readonly string[]).includes(s.kind));
  const list = allowed.map((s) => `${s.id} (${s.kind})`).join(', ') || '(none declared)';
  const byId = sources.find((s) => s.id === source);
  const byKind = sources.filter((s) => s.kind === source);
  const found = byId ?? (byKind.length === 1 ? byKind[0] : undefined);
  if (!found) {
    throw new LupausError('SOURCE_NOT_DECLARED', { source }, [
      {
        at: 'source',
        message:
          byKind.length > 1
            ? `several sources are of kind ${source} (${byKind.map((s) => s.id).join(', ')}): name one`
            : `"${String(source).slice(0, 60)}" is not a source of this register; update services declared: ${list}`,
      },
    ]);
  }
  if (!(UPDATE_SOURCE_KINDS as readonly string[]).includes(found.kind)) {
    throw new LupausError('VALIDATION_FAILED', { source }, [
      {
        at: 'source',
        message: `source ${found.id} is of kind ${found.kind}, not an update service or the population register; update services declared: ${list} (other files are imported with "lupaus import persons")`,
      },
    ]);
  }
  return found.id;
}
