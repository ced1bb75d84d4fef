import { createHash } from 'node:crypto';
import { type CatalogueField, LupausError, type ProblemDetail } from '@lupaus/core';
import { buildAccessReportIn } from '../access/build-access-report';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { DISCLOSURES_PURPOSE } from '../disclosures/list-disclosures';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireWhole } from '../policy/field-access';
import { requireId } from '../policy/ids';
import { completeRequestIn } from '../requests/complete-request';
import { requireVerifiedRequestIn } from '../requests/require-verified-request';

export const PORTABLE_FORMATS = ['json', 'csv'] as const;
export type PortableFormat = (typeof PORTABLE_FORMATS)[number];

/** The legal bases under which provided data is portable (art. 20(1)(a)). */
const PORTABLE_BASES = new Set(['consent', 'contract']);

/**
 * Whether a field is portable (R4.7, art. 20): the data subject provided it (the catalogue's
 * `providedBySubject`, a field's own flag overriding its category's) and a purpose of its category rests on
 * consent or contract.
 *
 * @example
 * ```ts
 * reg.catalogue.fields.filter(isPortableField).map((f) => f.key); // ['person.first_name', ...]
 * ```
 */
export function isPortableField(field: CatalogueField): boolean {
  return field.providedBySubject && field.legalBases.some((b) => PORTABLE_BASES.has(b));
}

interface Saved {
  source: string;
  savedAt: string;
}

export interface PortableRecord {
  id: string;
  holder: string;
  kind: string;
  occurredAt: string;
  fields: Record<string, unknown>;
  sources: Record<string, Saved>;
  files: { id: string; field: string; name: string; mediaType: string; size: number }[];
}

export interface PortableData {
  kind: 'lupaus.portable-data';
  version: 1;
  generatedAt: string;
  register: { id: string; controller: string };
  /** What is included: per category, the portable fields and the bases that make them so. */
  included: { category: string; holder: string; fields: string[]; bases: string[] }[];
  person: { id: string; fields: Record<string, unknown>; sources: Record<string, Saved> };
  contactRoles: { organisation: string; title: string | null; startsOn: string; endsOn: string | null }[];
  records: PortableRecord[];
  consents: { channel: string; purpose: string; state: string; at: string; source: string }[];
}

export interface PortableResult {
  format: PortableFormat;
  mediaType: string;
  body: Buffer;
  sha256: string;
  fileName: string;
  data: PortableData;
}

const MEDIA: Record<PortableFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * The person's portable data as the object both formats are written from: only fields of `isPortableField`
 * (derived and observed data, such as web visits or invoices the controller issued, are left out), with the
 * source and time each was saved.
 */
async function gather(
  tx: Parameters<typeof buildAccessReportIn>[0],
  reg: Register,
  personId: string,
): Promise<PortableData> {
  const person = await requirePersonRow(tx, personId, 'personId');
  const report = await buildAccessReportIn(tx, reg, person);
  const cat = reg.catalogue;
  const portable = new Set(cat.fields.filter(isPortableField).map((f) => `${f.category.id}.${f.id}`));
  const ok = (category: string, field: string) => portable.has(`${category}.${field}`);
  const saved = (p: { source: string; savedAt: string } | null) =>
    p ? { source: p.source, savedAt: p.savedAt } : undefined;

  const personFields: Record<string, unknown> = {};
  const personSources: Record<string, Saved> = {};
  for (const f of report.person.facts) {
    if (!ok(f.category, f.field)) continue;
    personFields[f.field] = f.value;
    const s = saved(f.provenance);
    if (s) personSources[f.field] = s;
  }
  const roleCategories = cat.categoriesOf('contact_role');
  const rolesPortable = roleCategories.some((c) => c.fields.some((f) => isPortableField(f)));
  const records: PortableRecord[] = [];
  for (const r of report.records) {
    const fields: Record<string, unknown> = {};
    const sources: Record<string, Saved> = {};
    for (const [field, value] of Object.entries(r.fields)) {
      if (!ok(r.kind, field)) continue;
      fields[field] = value;
      const s = saved(r.changed[field] ?? r.provenance);
      if (s) sources[field] = s;
    }
    const files = r.files.filter((f) => ok(r.kind, f.field));
    if (Object.keys(fields).length === 0 && files.length === 0) continue;
    records.push({
      id: r.id,
      holder: r.holder,
      kind: r.kind,
      occurredAt: r.occurredAt,
      fields,
      sources,
      files,
    });
  }
  const consentPortable = cat.categoriesOf('consent').some((c) => c.fields.some((f) => isPortableField(f)));
  return {
    kind: 'lupaus.portable-data',
    version: 1,
    generatedAt: report.generatedAt,
    register: { id: reg.definition.id, controller: reg.definition.controller.name },
    included: cat.categories
      .map((c) => ({
        category: c.id,
        holder: c.holder,
        fields: c.fields.filter(isPortableField).map((f) => f.id),
        bases: [...new Set(c.fields.flatMap((f) => f.legalBases.filter((b) => PORTABLE_BASES.has(b))))],
      }))
      .filter((c) => c.fields.length > 0),
    person: { id: person.id, fields: personFields, sources: personSources },
    contactRoles: rolesPortable
      ? report.person.contactRoles.map((r) => ({
          organisation: r.organisation,
          title: r.title,
          startsOn: r.startsOn,
          endsOn: r.endsOn,
        }))
      : [],
    records,
    consents: consentPortable
      ? report.consents.map((c) => ({
          channel: c.channel,
          purpose: c.purpose,
          state: c.state,
          at: c.at,
          source: c.source,
        }))
      : [],
  };
}

/** A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. Values are written as they are. */
function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Scalars as text; a list of scalars one row per item; anything else (an address, order lines) as JSON. */
function values(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.flatMap(values);
  if (typeof v === 'object') return [JSON.stringify(v)];
  return [String(v)];
}

/**
 * The portable data as one CSV (RFC 4180, UTF-8, CRLF), one row per value:
 * `holder,record_id,category,field,value,source,saved_at`. The person's own fields have holder `person` and
 * the person's id; a list gives one row per item; structured values (addresses, order lines) are JSON in the
 * value cell; a file gives its name (the bytes are downloaded separately); a consent gives
 * `channel.purpose` as field and its state as value.
 *
 * @example
 * ```ts
 * portableCsv(data, reg).split('\r\n')[0]; // 'holder,record_id,category,field,value,source,saved_at'
 * ```
 */
export function portableCsv(data: PortableData, reg: Register): string {
  const rows: string[][] = [['holder', 'record_id', 'category', 'field', 'value', 'source', 'saved_at']];
  const categoryOf = (field: string) =>
    reg.catalogue.fieldsOf('person').find((f) => f.id === field)?.category.id ?? '';
  for (const [field, v] of Object.entries(data.person.fields)) {
    const s = data.person.sources[field];
    for (const value of values(v))
      rows.push([
        'person',
        data.person.id,
        categoryOf(field),
        field,
        value,
        s?.source ?? '',
        s?.savedAt ?? '',
      ]);
  }
  const roleCategory = reg.catalogue.categoriesOf('contact_role')[0]?.id ?? 'contact_role';
  for (const r of data.contactRoles) {
    rows.push(['contact_role', '', roleCategory, 'organisation', r.organisation, '', r.startsOn]);
    if (r.title) rows.push(['contact_role', '', roleCategory, 'title', r.title, '', r.startsOn]);
  }
  for (const r of data.records) {
    for (const [field, v] of Object.entries(r.fields)) {
      const s = r.sources[field];
      for (const value of values(v))
        rows.push([r.holder, r.id, r.kind, field, value, s?.source ?? '', s?.savedAt ?? '']);
    }
    for (const f of r.files) rows.push([r.holder, r.id, r.kind, f.field, f.name, '', '']);
  }
  const consentCategory = reg.catalogue.categoriesOf('consent')[0]?.id ?? 'consent';
  for (const c of data.consents) {
    rows.push(['consent', '', consentCategory, `${c.channel}.${c.purpose}`, c.state, c.source, c.at]);
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/**
 * The data the person provided, processed on consent or contract (R4.7, GDPR art. 20), as JSON or CSV (see
 * `portableCsv`), in one transaction. Chosen by the catalogue: fields whose data the subject provided
 * (`providedBySubject`, field overrides included) in categories with a purpose on consent or contract; derived
 * or observed data (web visits, invoices issued) is left out. Files are listed by name, type and size; their
 * bytes are downloaded with `GET /files/:id`. With `requestId` the portability request must be verified and
 * open, and is completed with the document's hash. Audited.
 *
 * @example
 * ```ts
 * const r = await exportPortableData(reg, actor, { personId, format: 'csv' });
 * writeFileSync(r.fileName, r.body);
 * ```
 */
export async function exportPortableData(
  reg: Register,
  actor: Actor,
  input: { personId: string; requestId?: string | undefined; format: PortableFormat },
): Promise<PortableResult> {
  authorize(reg, actor, 'requests.manage');
  const problems: ProblemDetail[] = [];
  const ids: { personId?: string; requestId?: string } = {};
  for (const [key, what] of [
    ['personId', 'person'],
    ['requestId', 'request'],
  ] as const) {
    if (key === 'requestId' && input.requestId === undefined) continue;
    try {
      ids[key] = requireId(input[key] as string, what, key);
    } catch (e) {
      if (e instanceof LupausError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (!(PORTABLE_FORMATS as readonly string[]).includes(input.format)) {
    problems.push({ at: 'format', message: `the format is one of ${PORTABLE_FORMATS.join(', ')}` });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  // The copy holds every portable field in full: only who may read (and reveal) each may prepare it.
  requireWhole(reg.catalogue.fields.filter(isPortableField), actor, 'the portable data');
  const personId = ids.personId!;
  const requestId = ids.requestId;
  return reg.db.transaction().execute(async (tx) => {
    if (requestId) await requireVerifiedRequestIn(tx, reg, requestId, { type: 'portability', personId });
    const data = await gather(tx, reg, personId);
    const text = input.format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : portableCsv(data, reg);
    const body = Buffer.from(text, 'utf8');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const counts = { fields: Object.keys(data.person.fields).length, records: data.records.length };
    await audit(tx, reg, actor, {
      action: 'portability_export',
      entityType: 'person',
      entityId: personId,
      personId,
      purpose: DISCLOSURES_PURPOSE,
      details: {
        format: input.format,
        sha256,
        fields: Object.keys(data.person.fields),
        records: data.records.map((r) => r.id),
        ...(requestId ? { requestId } : {}),
      },
    });
    if (requestId) {
      await completeRequestIn(tx, reg, actor, requestId, {
        state: 'completed',
        outcome: { portableData: { format: input.format, sha256, bytes: body.length, counts } },
      });
    }
    return {
      format: input.format,
      mediaType: MEDIA[input.format],
      body,
      sha256,
      fileName: `portable-data-${personId}.${input.format}`,
      data,
    };
  });
}
