import type { Catalogue, CatalogueField } from '../catalogue/catalogue';
import type { Holder } from '../definition/schema';
import type { ProblemDetail } from '../errors/catalogue';
import { parseEmail } from '../validators/email';
import { parseHetu } from '../validators/hetu';
import { parsePhone } from '../validators/phone';
import { findControlCharacter } from '../validators/text';
import { parseYTunnus } from '../validators/ytunnus';

/**
 * Validates values for a holder's fields against the data catalogue (R1.5): a field the definition does not
 * declare for that holder is refused, and every declared field is checked and normalised by its type (hetu,
 * phone to E.164, email, y-tunnus, dates, enums, addresses ...). Pure: no I/O.
 *
 * @example
 * ```ts
 * const r = validateFields(catalogue, 'person', { first_name: ' Matti ', phone: '040 123 4567' });
 * // r.values = { first_name: 'Matti', phone: ['+358401234567'] }, r.problems = []
 * ```
 */
export interface AddressValue {
  street?: string;
  poBox?: string;
  postalCode?: string;
  city?: string;
  country: string;
}

export interface ValidatedFields {
  /** Normalised values; `null` means "remove". Multiple-valued fields are arrays. */
  values: Record<string, unknown>;
  problems: ProblemDetail[];
  /** Fields that were not declared for the holder (also in `problems`). */
  undeclared: string[];
}

const DEFAULT_TEXT_MAX = 500;
const LONGTEXT_MAX = 10_000;

export function validateFields(
  catalogue: Catalogue,
  holder: Holder,
  input: Record<string, unknown>,
  options: {
    at?: string;
    requireRequired?: boolean;
    /** Only the fields of this category (for records, whose category is their kind). */
    category?: string;
  } = {},
): ValidatedFields {
  const prefix = options.at ?? 'fields';
  const values: Record<string, unknown> = {};
  const problems: ProblemDetail[] = [];
  const undeclared: string[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    problems.push({
      at: prefix,
      message: 'fields must be an object of field names and values',
      code: 'fields.object',
      params: {},
    });
    return { values, problems, undeclared };
  }
  const declared = options.category
    ? (catalogue.category(options.category)?.fields ?? [])
    : catalogue.fieldsOf(holder);
  const byId = new Map(declared.map((f) => [f.id, f]));
  for (const [name, raw] of Object.entries(input)) {
    const field = byId.get(name);
    const at = `${prefix}.${name}`;
    if (!field) {
      undeclared.push(name);
      problems.push({
        at,
        message: `the register definition does not declare the field "${name}" for ${options.category ? `category ${options.category}` : holder}; declared fields: ${declared
          .map((f) => f.id)
          .join(', ')}`,
        code: 'field.undeclared',
        params: { field: name, declared: declared.map((f) => f.id).join(', ') },
      });
      continue;
    }
    const control = findControlCharacter(raw, at);
    if (control) {
      problems.push(control);
      continue;
    }
    if (raw === null) {
      if (field.required)
        problems.push({
          at,
          message: `${name} is required and cannot be removed`,
          code: 'field.required',
          params: { field: name },
        });
      else values[name] = null;
      continue;
    }
    if (field.multiple) {
      const list = Array.isArray(raw) ? raw : [raw];
      const out: unknown[] = [];
      list.forEach((item, i) => {
        const r = validateValue(field, item, `${at}[${i}]`);
        if ('problem' in r) problems.push(r.problem);
        else out.push(r.value);
      });
      values[name] = out;
    } else {
      const r = validateValue(field, raw, at);
      if ('problem' in r) problems.push(r.problem);
      else values[name] = r.value;
    }
  }
  if (options.requireRequired) {
    for (const f of declared) {
      if (f.required && (input[f.id] === undefined || input[f.id] === null)) {
        problems.push({
          at: `${prefix}.${f.id}`,
          message: `${f.id} is required`,
          code: 'field.required',
          params: { field: f.id },
        });
      }
    }
  }
  return { values, problems, undeclared };
}

type Result = { value: unknown } | { problem: ProblemDetail };

/** A problem with its English message, its code and the values the translated message names. */
function fail(
  at: string,
  message: string,
  code = 'field.invalid',
  params: Record<string, string | number> = {},
): Result {
  return { problem: { at, message, code, params } };
}

function validateValue(field: CatalogueField, raw: unknown, at: string): Result {
  switch (field.type) {
    case 'text':
    case 'longtext': {
      if (typeof raw !== 'string')
        return fail(at, `${field.id} must be text`, 'text.type', { field: field.id });
      const v = raw.trim();
      const max = field.maxLength ?? (field.type === 'text' ? DEFAULT_TEXT_MAX : LONGTEXT_MAX);
      if (v.length === 0)
        return fail(at, `${field.id} is empty; send null to remove it`, 'text.empty', { field: field.id });
      if (v.length > max)
        return fail(
          at,
          `${field.id} is ${v.length} characters long; at most ${max} are allowed`,
          'text.too_long',
          {
            field: field.id,
            length: v.length,
            max,
          },
        );
      return { value: v };
    }
    case 'text_list': {
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string' || x.trim() === '')) {
        return fail(at, `${field.id} must be a list of non-empty texts`, 'list.type', { field: field.id });
      }
      const items = (raw as string[]).map((x) => x.trim());
      const tooLong = items.find((x) => x.length > (field.maxLength ?? DEFAULT_TEXT_MAX));
      if (tooLong)
        return fail(at, `an item of ${field.id} is too long`, 'list.item_too_long', { field: field.id });
      if (items.length > 200)
        return fail(at, `${field.id} has ${items.length} items; at most 200 are allowed`, 'list.too_many', {
          field: field.id,
          count: items.length,
          max: 200,
        });
      return { value: items };
    }
    case 'integer':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw))
        return fail(at, `${field.id} must be a whole number`, 'integer.type', { field: field.id });
      return { value: raw };
    case 'number':
    case 'money':
      if (typeof raw !== 'number' || !Number.isFinite(raw))
        return fail(at, `${field.id} must be a number`, 'number.type', { field: field.id });
      return { value: raw };
    case 'boolean':
      if (typeof raw !== 'boolean')
        return fail(at, `${field.id} must be true or false`, 'boolean.type', { field: field.id });
      return { value: raw };
    case 'date': {
      if (typeof raw !== 'string' || !isIsoDate(raw))
        return fail(at, `${field.id} must be a date written YYYY-MM-DD`, 'date.invalid', { field: field.id });
      return { value: raw };
    }
    case 'datetime': {
      if (typeof raw !== 'string' || !isIsoDateTime(raw)) {
        return fail(at, `${field.id} must be an ISO 8601 date and time`, 'datetime.invalid', {
          field: field.id,
        });
      }
      return { value: new Date(raw).toISOString() };
    }
    case 'enum': {
      const options = field.options?.map((o) => o.value) ?? [];
      if (typeof raw !== 'string' || !options.includes(raw)) {
        return fail(at, `${field.id} must be one of ${options.join(', ')}`, 'enum.invalid', {
          field: field.id,
          options: options.join(', '),
        });
      }
      return { value: raw };
    }
    case 'email': {
      if (typeof raw !== 'string')
        return fail(at, `${field.id} must be an email address`, 'email.type', { field: field.id });
      const r = parseEmail(raw);
      return r.ok ? { value: r.value } : fail(at, r.reason, r.code, { field: field.id, ...r.params });
    }
    case 'phone': {
      if (typeof raw !== 'string')
        return fail(at, `${field.id} must be a phone number`, 'phone.type', { field: field.id });
      const r = parsePhone(raw);
      return r.ok ? { value: r.value } : fail(at, r.reason, r.code, { field: field.id, ...r.params });
    }
    case 'hetu': {
      if (typeof raw !== 'string')
        return fail(at, `${field.id} must be a personal identity code`, 'hetu.type', { field: field.id });
      const r = parseHetu(raw);
      return r.ok
        ? { value: r.value }
        : fail(at, `invalid personal identity code: ${r.reason}`, r.code, { field: field.id, ...r.params });
    }
    case 'business_id': {
      if (typeof raw !== 'string')
        return fail(at, `${field.id} must be a business id`, 'business_id.type', { field: field.id });
      const r = parseYTunnus(raw);
      return r.ok ? { value: r.value } : fail(at, r.reason, r.code, { field: field.id, ...r.params });
    }
    case 'url': {
      if (typeof raw !== 'string' || !/^https?:\/\/[^\s]+$/.test(raw) || raw.length > 2000) {
        return fail(at, `${field.id} must be an http(s) address`, 'url.invalid', { field: field.id });
      }
      return { value: raw };
    }
    case 'ip_address': {
      if (typeof raw !== 'string' || !isIp(raw))
        return fail(at, `${field.id} must be an IPv4 or IPv6 address`, 'ip.invalid', { field: field.id });
      return { value: raw.toLowerCase() };
    }
    case 'address':
      return validateAddress(field, raw, at);
    case 'order_lines':
      return validateOrderLines(field, raw, at);
    case 'file':
      return fail(at, `${field.id} is a file: files are attached through their own endpoint`);
  }
}

const ADDRESS_KEYS = new Set(['street', 'poBox', 'postalCode', 'city', 'country']);

function validateAddress(field: CatalogueField, raw: unknown, at: string): Result {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(
      at,
      `${field.id} must be an object with street, postalCode, city and country`,
      'address.type',
      {
        field: field.id,
      },
    );
  }
  const obj = raw as Record<string, unknown>;
  const unknownKey = Object.keys(obj).find((k) => !ADDRESS_KEYS.has(k));
  if (unknownKey)
    return fail(
      `${at}.${unknownKey}`,
      `an address has no "${unknownKey}"; use ${[...ADDRESS_KEYS].join(', ')}`,
      'address.unknown_part',
      { field: field.id, part: unknownKey },
    );
  const out: AddressValue = { country: 'FI' };
  for (const key of ['street', 'poBox', 'postalCode', 'city'] as const) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.trim() === '' || v.length > 200)
      return fail(`${at}.${key}`, `${key} must be text`, 'address.part_text', { field: field.id, part: key });
    out[key] = v.trim();
  }
  if (obj.country !== undefined) {
    if (typeof obj.country !== 'string' || !/^[A-Z]{2}$/.test(obj.country)) {
      return fail(`${at}.country`, 'country must be an ISO 3166 code such as FI', 'address.country', {
        field: field.id,
      });
    }
    out.country = obj.country;
  }
  if (out.country === 'FI' && out.postalCode && !/^\d{5}$/.test(out.postalCode)) {
    return fail(`${at}.postalCode`, 'a Finnish postal code has five digits', 'address.postal_code', {
      field: field.id,
    });
  }
  if (!out.street && !out.poBox && !out.city)
    return fail(at, 'an address needs a street, a PO box or a city', 'address.incomplete', {
      field: field.id,
    });
  return { value: out };
}

export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

/**
 * Whether `s` is an ISO 8601 date and time (`YYYY-MM-DDTHH:MM[:SS[.fff]]`, optionally with `Z` or an offset) on a
 * day the calendar has: `2026-02-30T10:00Z` is refused rather than read as 2 March, as `Date` would.
 *
 * @example
 * ```ts
 * isIsoDateTime('2028-02-29T12:00:00Z'); // true
 * isIsoDateTime('2026-02-30T12:00:00Z'); // false
 * ```
 */
export function isIsoDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (m === null || !isIsoDate(m[1]!) || Number.isNaN(Date.parse(s))) return false;
  // Stored in UTC: an offset may not move the instant out of the years a date may have (0100–9999), or the
  // stored form would not be accepted again.
  const utc = new Date(s).toISOString();
  return /^\d{4}-/.test(utc) && isIsoDate(utc.slice(0, 10));
}

function isIp(s: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
  if (v4.test(s)) return true;
  return /^[0-9a-fA-F:]{2,39}$/.test(s) && s.includes(':') && (s.match(/::/g)?.length ?? 0) <= 1;
}

const LINE_KEYS = new Set(['product', 'quantity', 'unitPrice', 'vatRate']);
const MAX_LINES = 500;

/** An order line: what was bought, how many, at what unit price (VAT included) and, optionally, the VAT rate. */
export interface OrderLineValue {
  product: string;
  quantity: number;
  unitPrice: number;
  vatRate?: number;
}

function validateOrderLines(field: CatalogueField, raw: unknown, at: string): Result {
  if (!Array.isArray(raw) || raw.length === 0)
    return fail(at, `${field.id} must be a non-empty list of lines`);
  if (raw.length > MAX_LINES)
    return fail(at, `${field.id} has ${raw.length} lines; at most ${MAX_LINES} are allowed`);
  const lines: OrderLineValue[] = [];
  for (const [i, line] of raw.entries()) {
    const lat = `${at}[${i}]`;
    if (line === null || typeof line !== 'object' || Array.isArray(line)) {
      return fail(lat, 'a line is an object with product, quantity and unitPrice');
    }
    const extra = Object.keys(line).find((k) => !LINE_KEYS.has(k));
    if (extra)
      return fail(`${lat}.${extra}`, `a line has product, quantity, unitPrice and vatRate, not ${extra}`);
    const { product, quantity, unitPrice, vatRate } = line as Record<string, unknown>;
    if (typeof product !== 'string' || product.trim() === '' || product.length > DEFAULT_TEXT_MAX) {
      return fail(`${lat}.product`, 'product must be a non-empty text of at most 500 characters');
    }
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) {
      return fail(`${lat}.quantity`, 'quantity must be a positive number');
    }
    if (typeof unitPrice !== 'number' || !Number.isFinite(unitPrice)) {
      return fail(`${lat}.unitPrice`, 'unitPrice must be a number');
    }
    if (vatRate !== undefined && (typeof vatRate !== 'number' || vatRate < 0 || vatRate > 100)) {
      return fail(`${lat}.vatRate`, 'vatRate must be a percentage between 0 and 100');
    }
    lines.push({
      product: product.trim(),
      quantity,
      unitPrice,
      ...(vatRate !== undefined ? { vatRate } : {}),
    });
  }
  return { value: lines };
}
