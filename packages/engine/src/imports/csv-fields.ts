import { type CatalogueField, type Holder, LupausError, type ProblemDetail } from '@lupaus/core';
import type { Register } from '../context';

/**
 * How the columns of an import file map onto the fields of the catalogue (R2.8), and how a cell's text becomes a
 * field value. A column names a field by its id (case does not matter), or by the `mapping` given; an address
 * field takes one column per part: `address.street`, `address.postalCode` (or `address.postal_code`),
 * `address.poBox` (`address.po_box`), `address.city`, `address.country`. A mapping to "" ignores a column.
 * Several values of a multiple field (emails, phones, lists of text) are separated by `|` in one cell. An empty
 * cell means "not given": an import never removes a stored value.
 */

const ADDRESS_PARTS: Record<string, 'street' | 'poBox' | 'postalCode' | 'city' | 'country'> = {
  street: 'street',
  pobox: 'poBox',
  po_box: 'poBox',
  postalcode: 'postalCode',
  postal_code: 'postalCode',
  city: 'city',
  country: 'country',
};

export interface ColumnTarget {
  header: string;
  field: CatalogueField;
  part?: 'street' | 'poBox' | 'postalCode' | 'city' | 'country';
}

export interface ColumnPlan {
  targets: ColumnTarget[];
  /** Other columns the caller handles itself (e.g. a consent's channel), by target name. */
  extra: Map<string, string>;
  /** Field id → the (first) column it comes from, to name the column of a problem. */
  columnOf: Map<string, string>;
}

/** Fields a CSV cell cannot carry. */
const NOT_IMPORTABLE = new Set(['file', 'order_lines']);

/**
 * Maps the header onto fields of `holder`; `extra` names the non-field columns the caller accepts (a consent's
 * `channel`, a contact role's `person`). Throws `VALIDATION_FAILED` naming every column it cannot place, before
 * anything is read or written.
 */
export function planColumns(
  reg: Register,
  holder: Holder,
  headers: readonly string[],
  mapping: Record<string, string> | undefined,
  extra: readonly string[] = [],
): ColumnPlan {
  const fields = reg.catalogue.fieldsOf(holder);
  const byId = new Map(fields.map((f) => [f.id.toLowerCase(), f]));
  const extraSet = new Map(extra.map((e) => [e.toLowerCase(), e]));
  const problems: ProblemDetail[] = [];
  const plan: ColumnPlan = { targets: [], extra: new Map(), columnOf: new Map() };
  for (const [column, target] of Object.entries(mapping ?? {})) {
    if (!headers.includes(column)) {
      problems.push({ at: `mapping.${column}`, message: `the file has no column "${column}"` });
    }
    if (typeof target !== 'string') {
      problems.push({ at: `mapping.${column}`, message: 'a mapping names a field id (or "" to ignore)' });
    }
  }
  for (const header of headers) {
    const mapped = mapping && Object.hasOwn(mapping, header) ? mapping[header] : undefined;
    if (mapped === '') continue;
    const name = (mapped ?? header).trim();
    const lower = name.toLowerCase();
    const at = mapped === undefined ? `column "${header}"` : `mapping.${header}`;
    const ex = extraSet.get(lower);
    if (ex) {
      plan.extra.set(ex, header);
      continue;
    }
    const dot = lower.indexOf('.');
    const field = byId.get(dot < 0 ? lower : lower.slice(0, dot));
    if (!field) {
      problems.push({
        at,
        message: `"${name}" is not a field of ${holder} in the register definition${
          extra.length > 0 ? ` nor one of ${extra.join(', ')}` : ''
        }; name a column after a field id or map it (declared: ${fields.map((f) => f.id).join(', ')})`,
      });
      continue;
    }
    if (NOT_IMPORTABLE.has(field.type)) {
      problems.push({ at, message: `${field.id} (${field.type}) cannot be imported from a CSV cell` });
      continue;
    }
    let part: ColumnTarget['part'];
    if (field.type === 'address') {
      part = dot < 0 ? undefined : ADDRESS_PARTS[lower.slice(dot + 1)];
      if (!part) {
        problems.push({
          at,
          message: `an address takes one column per part: ${field.id}.street, ${field.id}.postalCode, ${field.id}.poBox, ${field.id}.city, ${field.id}.country`,
        });
        continue;
      }
    } else if (dot >= 0) {
      problems.push({ at, message: `${field.id} has no parts; name the column "${field.id}"` });
      continue;
    }
    const dup = plan.targets.find((t) => t.field.id === field.id && t.part === part);
    if (dup) {
      problems.push({ at, message: `the columns "${dup.header}" and "${header}" both give ${name}` });
      continue;
    }
    plan.targets.push({ header, field, ...(part ? { part } : {}) });
    if (!plan.columnOf.has(field.id)) plan.columnOf.set(field.id, header);
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return plan;
}

/** The field values of one row (not yet validated: `validateFields` does that), empty cells left out. */
export function cellsToFields(plan: ColumnPlan, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of plan.targets) {
    const raw = values[t.header];
    if (raw === undefined) continue;
    const cell = raw.trim();
    if (cell === '') continue;
    const f = t.field;
    if (t.part) {
      let addr = out[f.id] as Record<string, string> | undefined;
      if (!addr) {
        addr = {};
        out[f.id] = addr;
      }
      addr[t.part] = t.part === 'country' ? cell.toUpperCase() : cell;
      continue;
    }
    if (f.type === 'text_list' || f.multiple) {
      const items = cell
        .split(/[|\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
      out[f.id] = items.map((s) => convert(f, s));
      continue;
    }
    out[f.id] = convert(f, cell);
  }
  return out;
}

const TRUE = new Set(['true', 'yes', 'kyllä', 'kylla', 'ja', '1', 'x']);
const FALSE = new Set(['false', 'no', 'ei', 'nej', '0']);

function convert(f: CatalogueField, cell: string): unknown {
  switch (f.type) {
    case 'integer':
    case 'number':
    case 'money': {
      const n = Number(cell.replace(/\s/g, '').replace(',', '.'));
      return Number.isFinite(n) ? n : cell;
    }
    case 'boolean': {
      const l = cell.toLowerCase();
      return TRUE.has(l) ? true : FALSE.has(l) ? false : cell;
    }
    case 'date': {
      // Finnish D.M.YYYY is read as well as YYYY-MM-DD.
      const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(cell);
      return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : cell;
    }
    default:
      return cell;
  }
}

/**
 * The column a validation problem is about: `fields.email[1]` → the email column, `fields.address[0].postalCode`
 * → the `address.postalCode` column.
 */
export function problemColumn(plan: ColumnPlan, at: string): string | null {
  const m = /^fields\.([^.[]+)(?:\[\d+\])?(?:\.(\w+))?/.exec(at);
  if (!m) return null;
  const field = m[1]!;
  if (m[2]) {
    const t = plan.targets.find((x) => x.field.id === field && x.part === m[2]);
    if (t) return t.header;
  }
  return plan.columnOf.get(field) ?? field;
}

/**
 * A problem's reason as the run table keeps it: quoted cell text and dates taken out, so that the stored report
 * of a run holds no personal data (the caller's own report keeps the full reason).
 */
export function scrubReason(reason: string): string {
  return reason
    .replace(/"[^"]*"/g, 'the value')
    .replace(/\b\d{1,2}\.\d{1,2}\.\d{2,4}\b/g, '(a date)')
    .replace(/\(expected \w, got \w\)/g, '');
}

/** JSON with object keys sorted: equal values compare equal whatever order their keys came in. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}
