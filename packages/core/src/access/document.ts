import type { Address } from '../definition/schema';
import { type Language, type Text, t } from '../definition/text';
import { countryName, formatAddress, formatDate, joinList, oneLine } from '../notice/format';
import { BASIS_NAMES, RECIPIENT_KIND_NAMES, RIGHT_NAMES } from '../notice/labels';
import type { AccessFact, AccessProvenance, AccessReport } from './access-report';
import { ACCESS_LABELS as L } from './labels';

/**
 * The access report as a document: a title, lines under it and sections of paragraphs, lists and tables, in
 * one language. The HTML renderer (`renderAccessReport`) and the engine's PDF renderer both print this, so
 * that both say the same.
 *
 * @example
 * ```ts
 * const doc = accessReportDocument(report, 'fi');
 * doc.sections.map((s) => s.heading); // ['Rekisterinpitäjä', 'Sinusta tallennetut tiedot', ...]
 * ```
 */
export type DocBlock =
  | { kind: 'p'; text: string }
  | { kind: 'h3'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] };

export interface DocSection {
  id: string;
  heading: string;
  blocks: DocBlock[];
}

export interface ReportDocument {
  lang: Language;
  title: string;
  meta: string[];
  sections: DocSection[];
}

/**
 * A date and time (ISO) in Finnish time, written as a reader of `lang` expects: `2.3.2026 klo 11.00`,
 * `2 March 2026 11:00`. A date alone, or midnight UTC (how a record dated by a date is stored), stays a date.
 *
 * @example
 * ```ts
 * formatDateTime('2026-03-02T09:00:00Z', 'fi'); // '2.3.2026 klo 11.00'
 * ```
 */
export function formatDateTime(iso: string | null | undefined, lang: Language): string {
  if (!iso) return '–';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return formatDate(iso, lang);
  if (/^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/.test(iso)) return formatDate(iso.slice(0, 10), lang);
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Helsinki',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(d)
        .map((p) => [p.type, p.value]),
    );
    const date = formatDate(`${parts.year}-${parts.month}-${parts.day}`, lang);
    if (lang === 'en') return `${date} ${parts.hour}:${parts.minute}`;
    return `${date} ${lang === 'sv' ? 'kl.' : 'klo'} ${parts.hour}.${parts.minute}`;
  } catch {
    return iso;
  }
}

function isAddress(v: Record<string, unknown>): boolean {
  return 'country' in v && ('street' in v || 'city' in v || 'postalCode' in v || 'poBox' in v);
}

/**
 * A stored value as text: lists joined, addresses on one line, booleans in words, date-times in local time.
 *
 * @example
 * ```ts
 * formatValue(['a@example.com', 'b@example.com'], 'fi'); // 'a@example.com; b@example.com'
 * ```
 */
export function formatValue(value: unknown, lang: Language): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return t(value ? L.yes : L.no, lang);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value, lang);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, lang);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => formatValue(v, lang)).join('; ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (isAddress(o)) return formatAddress(o as unknown as Address, lang);
    return Object.entries(o)
      .map(([k, v]) => `${k}: ${formatValue(v, lang)}`)
      .join(', ');
  }
  return String(value);
}

function by(savedBy: string, lang: Language): string {
  return savedBy === 'system' ? t(L.system, lang) : t(L.staff, lang);
}

type SourceNames = Map<string, Text>;

function sourceText(p: AccessProvenance | null, names: SourceNames, lang: Language): string {
  if (!p) return '–';
  const name = names.get(p.source);
  return name ? oneLine(t(name, lang)) : p.source;
}

function factRow(f: AccessFact, names: SourceNames, lang: Language): string[] {
  return [
    t(f.label, lang),
    formatValue(f.value, lang),
    sourceText(f.provenance, names, lang),
    f.provenance ? formatDateTime(f.provenance.savedAt, lang) : '–',
    f.provenance ? by(f.provenance.savedBy, lang) : '–',
  ];
}

function nameOr(text: Text | null | undefined, id: string, lang: Language): string {
  return text ? oneLine(t(text, lang)) : id;
}

const HOLDER_ORDER = ['order', 'invoice', 'collection', 'loyalty', 'interaction'];

/**
 * The access report as a document in one language (see `ReportDocument`).
 *
 * @example
 * ```ts
 * accessReportDocument(report, 'en').sections.map((s) => s.id); // ['controller', 'person', 'records', ...]
 * ```
 */
export function accessReportDocument(report: AccessReport, lang: Language): ReportDocument {
  const p = report.processing;
  const sections: DocSection[] = [];
  const section = (id: string, heading: Text): DocBlock[] => {
    const blocks: DocBlock[] = [];
    sections.push({ id, heading: t(heading, lang), blocks });
    return blocks;
  };
  const none = (blocks: DocBlock[]) => blocks.push({ kind: 'p', text: t(L.none, lang) });
  const categoryName = new Map(p.categories.map((c) => [c.id, c.name]));
  const categoryById = new Map(p.categories.map((c) => [c.id, c]));
  const sourceName = new Map(p.sources.map((s) => [s.id, s.name]));
  const purposeName = new Map(p.purposes.map((x) => [x.id, x.name]));

  // Controller
  const controller = section('controller', L.controller);
  controller.push({ kind: 'p', text: p.controller.name });
  const contactLines = [
    p.controller.businessId ? `${t(L.businessId, lang)}: ${p.controller.businessId}` : '',
    p.controller.address ? `${t(L.address, lang)}: ${p.controller.address}` : '',
    p.controller.phone ? `${t(L.phone, lang)}: ${p.controller.phone}` : '',
    p.controller.email ? `${t(L.email, lang)}: ${p.controller.email}` : '',
  ].filter((l) => l !== '');
  if (contactLines.length > 0) controller.push({ kind: 'list', items: contactLines });
  if (p.dpo) {
    controller.push({ kind: 'h3', text: t(L.dpo, lang) });
    controller.push({
      kind: 'list',
      items: [p.dpo.name ?? '', p.dpo.email ?? '', p.dpo.phone ?? ''].filter((x) => x !== ''),
    });
  }

  // The person's own data
  const own = section('person', L.yourData);
  if (report.person.facts.length === 0) none(own);
  else {
    own.push({
      kind: 'table',
      head: [L.field, L.value, L.source, L.savedAt, L.savedBy].map((x) => t(x, lang)),
      rows: report.person.facts.map((f) => factRow(f, sourceName, lang)),
    });
  }
  own.push({
    kind: 'list',
    items: [
      `${t(L.personCreated, lang)}: ${formatDateTime(report.person.createdAt, lang)}`,
      ...(report.person.lastContactAt
        ? [`${t(L.lastContact, lang)}: ${formatDateTime(report.person.lastContactAt, lang)}`]
        : []),
      ...(report.person.relationshipEndedAt
        ? [
            `${t(L.relationshipEnded, lang)}: ${formatDateTime(report.person.relationshipEndedAt, lang)}${
              report.person.relationshipEndReason ? ` (${report.person.relationshipEndReason})` : ''
            }`,
          ]
        : []),
    ],
  });

  // Contact roles
  if (report.person.contactRoles.length > 0) {
    const roles = section('contact-roles', L.contactRoles);
    roles.push({
      kind: 'table',
      head: [L.organisation, L.roleTitle, L.period, L.source].map((x) => t(x, lang)),
      rows: report.person.contactRoles.map((r) => [
        r.organisation,
        r.title ?? '–',
        `${formatDate(r.startsOn, lang)} – ${r.endsOn ? formatDate(r.endsOn, lang) : ''}`,
        sourceText(r.provenance, sourceName, lang),
      ]),
    });
  }

  // Records, by holder and kind
  const records = section('records', L.records);
  if (report.records.length === 0) none(records);
  for (const holder of HOLDER_ORDER) {
    const ofHolder = report.records.filter((r) => r.holder === holder);
    if (ofHolder.length === 0) continue;
    records.push({ kind: 'h3', text: t(L.holders[holder] ?? { fi: holder, en: holder }, lang) });
    const kinds = [...new Set(ofHolder.map((r) => r.kind))];
    for (const kind of kinds) {
      const ofKind = ofHolder.filter((r) => r.kind === kind);
      const category = categoryById.get(kind);
      const labels = new Map((category?.fields ?? []).map((f) => [f.id, f.label]));
      records.push({ kind: 'p', text: `${nameOr(category?.name, kind, lang)} (${ofKind.length})` });
      records.push({
        kind: 'table',
        head: [L.occurredAt, L.details, L.source, L.savedAt].map((x) => t(x, lang)),
        rows: ofKind.map((r) => {
          const label = (id: string) => {
            const l = labels.get(id);
            return l ? t(l, lang) : id;
          };
          const facts = Object.entries(r.fields).map(([id, v]) => {
            const later = r.changed[id];
            return `${label(id)}: ${formatValue(v, lang)}${
              later ? ` (${sourceText(later, sourceName, lang)}, ${formatDateTime(later.savedAt, lang)})` : ''
            }`;
          });
          for (const file of r.files) {
            facts.push(
              `${label(file.field)}: ${file.name} (${file.mediaType}, ${file.size} ${t(L.bytes, lang)})`,
            );
          }
          if (r.organisation) facts.unshift(`${t(L.organisation, lang)}: ${r.organisation}`);
          if (r.anonymisedAt) facts.push(`(${t(L.anonymised, lang)})`);
          return [
            formatDateTime(r.occurredAt, lang),
            facts.join(' · ') || '–',
            sourceText(r.provenance, sourceName, lang),
            formatDateTime(r.provenance.savedAt, lang),
          ];
        }),
      });
    }
  }

  // Files
  const files = section('files', L.files);
  if (report.files.length === 0) none(files);
  else {
    files.push({
      kind: 'table',
      head: [L.fileName, L.mediaType, L.size, L.savedAt].map((x) => t(x, lang)),
      rows: report.files.map((f) => [
        f.name,
        f.mediaType,
        `${f.size} ${t(L.bytes, lang)}`,
        formatDateTime(f.createdAt, lang),
      ]),
    });
  }

  // Consents
  const consents = section('consents', L.consents);
  if (report.consents.length === 0) none(consents);
  else {
    consents.push({
      kind: 'table',
      head: [L.at, L.channel, L.purpose, L.state, L.source, L.evidence, L.noticeVersion].map((x) =>
        t(x, lang),
      ),
      rows: report.consents.map((c) => [
        formatDateTime(c.at, lang),
        nameOr(c.channelName, c.channel, lang),
        nameOr(c.purposeName, c.purpose, lang),
        t(L.consentStates[c.state] ?? { fi: c.state, en: c.state }, lang),
        c.sourceName ? t(c.sourceName, lang) : c.source,
        [c.evidenceText ?? '', c.evidenceFileId ? t(L.files, lang) : ''].filter(Boolean).join(' · ') || '–',
        String(c.noticeVersion),
      ]),
    });
  }

  // Requests
  const requests = section('requests', L.requests);
  if (report.requests.length === 0) none(requests);
  for (const r of report.requests) {
    requests.push({
      kind: 'h3',
      text: `${t(L.request, lang)} ${r.type} (${r.state}), ${t(L.received, lang)} ${formatDateTime(r.receivedAt, lang)}, ${t(L.due, lang)} ${formatDate(r.extendedTo ?? r.dueOn, lang)}`,
    });
    if (r.events.length > 0) {
      requests.push({
        kind: 'table',
        head: [L.at, L.events, L.savedBy].map((x) => t(x, lang)),
        rows: r.events.map((e) => [formatDateTime(e.at, lang), e.event, by(e.by, lang)]),
      });
    }
  }

  // Restrictions and objections
  if (report.restrictions.length > 0) {
    const restrictions = section('restrictions', L.restrictions);
    restrictions.push({
      kind: 'table',
      head: [L.ground, L.reason, L.started, L.lifted].map((x) => t(x, lang)),
      rows: report.restrictions.map((r) => [
        r.ground,
        r.reason ?? '–',
        formatDateTime(r.startedAt, lang),
        r.liftedAt ? formatDateTime(r.liftedAt, lang) : '–',
      ]),
    });
  }
  if (report.objections.length > 0) {
    const objections = section('objections', L.objections);
    objections.push({
      kind: 'table',
      head: [L.type, L.channel, L.state, L.decision, L.received].map((x) => t(x, lang)),
      rows: report.objections.map((o) => [
        o.kind,
        o.channel ?? '–',
        o.state,
        o.decision ?? '–',
        formatDateTime(o.receivedAt, lang),
      ]),
    });
  }

  // Disclosures made
  const disclosures = section('disclosures', L.disclosures);
  if (report.disclosures.length === 0) disclosures.push({ kind: 'p', text: t(L.disclosuresNone, lang) });
  else {
    disclosures.push({
      kind: 'table',
      head: [L.at, L.recipient, L.actualRecipient, L.basis, L.category, L.reason].map((x) => t(x, lang)),
      rows: report.disclosures.map((d) => [
        formatDateTime(d.at, lang),
        `${nameOr(d.disclosureName, d.disclosure, lang)} (${nameOr(d.recipientLabel, d.recipient, lang)})`,
        [d.recipientName ?? '', d.recipientEmail ?? ''].filter(Boolean).join(', ') || '–',
        d.basis in BASIS_NAMES ? t(BASIS_NAMES[d.basis as keyof typeof BASIS_NAMES], lang) : d.basis,
        joinList(
          d.categories.map((c) => nameOr(categoryName.get(c), c, lang)),
          lang,
        ),
        d.reason ?? '–',
      ]),
    });
  }

  // Purposes and legal bases
  const purposes = section('purposes', L.purposes);
  for (const x of p.purposes) {
    purposes.push({ kind: 'h3', text: oneLine(t(x.name, lang)) });
    if (x.description) purposes.push({ kind: 'p', text: oneLine(t(x.description, lang)) });
    purposes.push({
      kind: 'p',
      text: `${t(L.basis, lang)}: ${x.basisText ? t(x.basisText, lang) : '–'}`,
    });
    if (x.legitimateInterest) {
      purposes.push({
        kind: 'p',
        text: `${t(L.legitimateInterest, lang)}: ${oneLine(t(x.legitimateInterest, lang))}`,
      });
    }
    if (x.categories.length > 0) {
      purposes.push({
        kind: 'p',
        text: `${t(L.category, lang)}: ${joinList(
          x.categories.map((c) => nameOr(categoryName.get(c), c, lang)),
          lang,
        )}`,
      });
    }
  }

  // Categories and retention
  const categories = section('retention', L.categoriesHeld);
  if (p.retentionStatement) categories.push({ kind: 'p', text: oneLine(t(p.retentionStatement, lang)) });
  categories.push({
    kind: 'table',
    head: [L.category, L.held, L.purpose, L.source, L.retention].map((x) => t(x, lang)),
    rows: p.categories.map((c) => [
      oneLine(t(c.name, lang)),
      String(c.held),
      joinList(
        c.purposes.map((id) => nameOr(purposeName.get(id), id, lang)),
        lang,
      ),
      joinList(
        c.sources.map((id) => nameOr(sourceName.get(id), id, lang)),
        lang,
      ),
      c.retention
        ? `${t(c.retention.text, lang)}${c.retention.legalReason ? ` (${t(L.legalReason, lang)}: ${oneLine(t(c.retention.legalReason, lang))})` : ''}`
        : t(L.noRetention, lang),
    ]),
  });

  // Sources
  const sources = section('sources', L.sources);
  sources.push({
    kind: 'list',
    items: p.sources.map(
      (s) =>
        `${oneLine(t(s.name, lang))}${s.used ? ` (${t(L.usedForYou, lang)})` : ''}${
          s.description ? `: ${oneLine(t(s.description, lang))}` : ''
        }`,
    ),
  });

  // Recipients and transfers
  const recipients = section('recipients', L.recipients);
  if (p.recipients.length === 0) none(recipients);
  else {
    recipients.push({
      kind: 'list',
      items: p.recipients.map(
        (r) =>
          `${oneLine(t(r.name, lang))}${
            // R6.6: a processor is named as one, with the service it performs.
            r.kind in RECIPIENT_KIND_NAMES
              ? ` (${t(RECIPIENT_KIND_NAMES[r.kind as keyof typeof RECIPIENT_KIND_NAMES], lang)})`
              : ''
          }${r.description ? `: ${oneLine(t(r.description, lang))}` : ''}${
            r.service ? ` ${t(L.service, lang)}: ${oneLine(t(r.service, lang))}.` : ''
          }${
            r.countries.length > 0
              ? ` (${t(L.countries, lang)}: ${joinList(
                  r.countries.map((c) => countryName(c, lang)),
                  lang,
                )})`
              : ''
          }`,
      ),
    });
  }
  if (p.disclosures.length > 0) {
    recipients.push({ kind: 'h3', text: t(L.regularDisclosures, lang) });
    recipients.push({
      kind: 'list',
      items: p.disclosures.map(
        (d) =>
          `${oneLine(t(d.name, lang))}${d.basis ? ` – ${t(BASIS_NAMES[d.basis], lang)}` : ''}${
            d.description ? `: ${oneLine(t(d.description, lang))}` : ''
          }`,
      ),
    });
  }
  if (p.transfers) {
    const transfers = section('transfers', L.transfers);
    transfers.push({ kind: 'p', text: oneLine(t(p.transfers.statement, lang)) });
    for (const tr of p.transfers.items) {
      transfers.push({
        kind: 'list',
        items: [
          oneLine(t(tr.description, lang)),
          `${t(L.countries, lang)}: ${joinList(
            tr.countries.map((c) => countryName(c, lang)),
            lang,
          )}`,
          ...(() => {
            const names = tr.recipients.flatMap((id) => {
              const r = p.recipients.find((x) => x.id === id);
              return r ? [oneLine(t(r.name, lang))] : [];
            });
            return names.length > 0 ? [`${t(L.transferRecipients, lang)}: ${joinList(names, lang)}`] : [];
          })(),
          `${t(L.safeguard, lang)}: ${tr.safeguardName ? t(tr.safeguardName, lang) : '–'}${
            tr.safeguardText ? `. ${oneLine(t(tr.safeguardText, lang))}` : ''
          }`,
          ...(tr.copyAvailable ? [`${t(L.copy, lang)}: ${oneLine(t(tr.copyAvailable, lang))}`] : []),
        ],
      });
    }
  }

  // Profiling
  const profiling = section('profiling', L.profiling);
  if (p.profiling?.used) {
    profiling.push({ kind: 'p', text: oneLine(t(p.profiling.text, lang)) });
    if (p.profiling.logic) {
      profiling.push({ kind: 'p', text: `${t(L.logic, lang)}: ${oneLine(t(p.profiling.logic, lang))}` });
    }
  } else profiling.push({ kind: 'p', text: t(L.noProfiling, lang) });
  if (p.profiling) {
    profiling.push({
      kind: 'p',
      text: t(p.profiling.automatedDecisions ? L.automatedYes : L.automatedNo, lang),
    });
  }

  // Rights
  const rights = section('rights', L.rights);
  for (const r of p.rights) {
    rights.push({ kind: 'h3', text: t(r.name, lang) });
    rights.push({ kind: 'p', text: oneLine(t(r.text, lang)) });
  }
  if (p.rightsContact) {
    rights.push({ kind: 'h3', text: t(L.rightsContact, lang) });
    rights.push({ kind: 'p', text: oneLine(t(p.rightsContact, lang)) });
  }

  // Authority
  const authority = section('authority', L.authority);
  authority.push({ kind: 'p', text: t(L.authorityLead, lang) });
  if (p.authority) {
    authority.push({
      kind: 'list',
      items: [
        oneLine(t(p.authority.name, lang)),
        p.authority.address ? `${t(L.address, lang)}: ${p.authority.address}` : '',
        p.authority.phone ? `${t(L.phone, lang)}: ${p.authority.phone}` : '',
        p.authority.email ? `${t(L.email, lang)}: ${p.authority.email}` : '',
        p.authority.website ? `${t(L.website, lang)}: ${p.authority.website}` : '',
      ].filter((x) => x !== ''),
    });
  }

  return {
    lang,
    title: t(L.title, lang),
    meta: [
      t(L.subtitle, lang),
      `${t(L.register, lang)}: ${oneLine(t(report.register.name, lang))}`,
      `${t(L.generated, lang)}: ${formatDateTime(report.generatedAt, lang)}${
        report.requestId ? ` · ${t(L.request, lang)} ${report.requestId}` : ''
      }`,
      t(L.lead, lang),
    ],
    sections,
  };
}

/**
 * The right's name in words (for the report's JSON).
 *
 * @example
 * ```ts
 * rightName('access').en; // 'Right of access to personal data'
 * ```
 */
export function rightName(right: string): Text {
  return (RIGHT_NAMES as Record<string, Text>)[right] ?? { fi: right, en: right };
}
