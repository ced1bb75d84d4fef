import type { FieldType } from '../definition/schema';

/**
 * What is left of a value when data is anonymised rather than deleted (erasure strategy `anonymise`): enough
 * for statistics, nothing that points at a person. The rule, by the field's type:
 *
 * | type | anonymised value |
 * |---|---|
 * | text, longtext, text_list, email, phone, hetu, business_id, url, file | removed: free text and identifiers can name a person |
 * | date | the first day of its year (`1987-06-15` → `1987-01-01`) |
 * | datetime | the first instant of its year, UTC |
 * | ip_address | the network only: IPv4 /24 (`192.0.2.57` → `192.0.2.0`), IPv6 /48 (`2001:db8:1:…` → `2001:db8:1::`) |
 * | address | the first two digits of the postal code (a region of Finland) and the country; street, PO box and city removed |
 * | integer, number, money, boolean, enum | kept: a quantity or a choice among declared options names nobody |
 * | order_lines | kept: products, quantities and prices of an order name nobody once the order is unlinked |
 *
 * `undefined` means "remove the value". The rule is idempotent: anonymising an anonymised value changes nothing,
 * so a sweep that is run again after a crash does no harm. Pure.
 *
 * @example
 * ```ts
 * anonymiseValue('date', '1987-06-15'); // '1987-01-01'
 * anonymiseValue('address', { street: 'Mannerheimintie 1', postalCode: '00100', city: 'Helsinki', country: 'FI' });
 * // { postalCode: '00', country: 'FI' }
 * anonymiseValue('email', 'maija@example.fi'); // undefined
 * ```
 */
export function anonymiseValue(type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'integer':
    case 'number':
    case 'money':
    case 'boolean':
    case 'enum':
    case 'order_lines':
      return value;
    case 'date':
      return typeof value === 'string' && /^\d{4}-/.test(value) ? `${value.slice(0, 4)}-01-01` : undefined;
    case 'datetime': {
      const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
      if (!d || Number.isNaN(d.getTime())) return undefined;
      const year = new Date(0);
      year.setUTCFullYear(d.getUTCFullYear(), 0, 1);
      return year.toISOString();
    }
    case 'ip_address':
      return typeof value === 'string' ? ipNetwork(value) : undefined;
    case 'address': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const a = value as { postalCode?: unknown; country?: unknown };
      const out: { postalCode?: string; country?: string } = {};
      if (typeof a.postalCode === 'string' && a.postalCode.length >= 2)
        out.postalCode = a.postalCode.slice(0, 2);
      if (typeof a.country === 'string') out.country = a.country;
      return Object.keys(out).length > 0 ? out : undefined;
    }
    case 'text':
    case 'longtext':
    case 'text_list':
    case 'email':
    case 'phone':
    case 'hetu':
    case 'business_id':
    case 'url':
    case 'file':
      return undefined;
  }
}

/**
 * A record's `data` (its fields without a column) anonymised by its category's `fields`, for the retention
 * sweep and the erasure of a person: a key the category does not declare is removed, and so is a field whose
 * erasure strategy is `delete` when `dropDeleteFields` (erasure; an anonymisation on request keeps it
 * anonymised); every other value is anonymised by `anonymiseValue` (a multiple field element by element), and
 * a value left empty is removed. Pure.
 *
 * @example
 * ```ts
 * anonymiseData(fields, { note: 'x', visited_on: '2024-05-06' }, true); // { visited_on: '2024-01-01' }
 * ```
 */
export function anonymiseData(
  fields: ReadonlyMap<
    string,
    { type: FieldType; multiple?: boolean | undefined; erasure: { strategy: string } }
  >,
  data: Record<string, unknown> | null,
  dropDeleteFields: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    const f = fields.get(key);
    if (!f || (dropDeleteFields && f.erasure.strategy === 'delete')) continue;
    const v =
      f.multiple && Array.isArray(value)
        ? value.map((x) => anonymiseValue(f.type, x)).filter((x) => x !== undefined)
        : anonymiseValue(f.type, value);
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[key] = v;
  }
  return out;
}

/** The network part of an IP address: IPv4 /24, IPv6 /48; `undefined` for anything else. */
export function ipNetwork(ip: string): string | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0`;
  if (!ip.includes(':')) return undefined;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:192.0.2.1) counts as two groups.
  const groups = (parts: string[]) => parts.flatMap((p) => (p.includes('.') ? ['0', '0'] : [p]));
  const l = groups(left);
  const r = groups(right);
  const missing = 8 - l.length - r.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const all = [...l, ...Array<string>(missing).fill('0'), ...r];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const network = all.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, ''));
  return `${network.join(':')}::`;
}
