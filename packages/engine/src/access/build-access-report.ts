import {
  type AccessCategory,
  type AccessConsent,
  type AccessCounts,
  type AccessFact,
  type AccessProcessing,
  type AccessProvenance,
  type AccessRecord,
  type AccessReport,
  BASIS_SENTENCES,
  describeRetention,
  formatAddress,
  type Language,
  type LegalBasis,
  RIGHTS,
  rightName,
  SAFEGUARD_NAMES,
  type Text,
} from '@lupaus/core';
import {
  type Executor,
  loadContactPoints,
  type PersonRow,
  RECORD_TABLE_HOLDERS,
  RECORD_TABLES,
  type RecordRow,
} from '@lupaus/db';
import { sql } from 'kysely';
import type { Register } from '../context';
import { listDisclosuresIn } from '../disclosures/list-disclosures';
import { personFieldValue } from '../persons/person-store';

/**
 * Who saved a fact, without naming another person (R4.2: others' personal data is left out): the system, or
 * staff. An actor id is a staff member's account, which is their personal data, not the subject's.
 *
 * @example
 * ```ts
 * savedByRole('maija.virtanen'); // 'staff'
 * savedByRole('system'); // 'system'
 * ```
 */
export function savedByRole(actorId: string): 'system' | 'staff' {
  return actorId === 'system' ? 'system' : 'staff';
}

function iso(d: Date | string | null | undefined): string | null {
  return d === null || d === undefined ? null : new Date(d).toISOString();
}

/** The texts of a phrase in every language of the report. */
function texts(langs: readonly Language[], f: (lang: Language) => string): Text {
  const out: Record<string, string> = {};
  for (const l of ['fi', 'en', ...langs] as Language[]) out[l] = f(l);
  return out as Text;
}

/**
 * Gathers everything the register holds on one person into one typed object (R4.2), inside the caller's
 * transaction: the person's own fields in full (the hetu unmasked: the copy is for the subject; the caller
 * audits it), each with its provenance; contact roles (the organisation's name only); every order, invoice,
 * debt collection case, loyalty level and interaction with its fields and their provenance; files (name, type,
 * size, never bytes); consents; requests and their events; restrictions; objections; disclosures with their
 * actual recipients; and from the definition the purposes with legal bases, the categories held with their
 * retention, sources, recipients, transfers, rights, profiling and the supervisory authority. No one else's
 * data: who saved a fact is `staff` or `system`.
 *
 * @example
 * ```ts
 * const report = await reg.db.transaction().execute((tx) => buildAccessReportIn(tx, reg, person));
 * report.counts.interactions; // 12
 * ```
 */
export async function buildAccessReportIn(
  tx: Executor,
  reg: Register,
  person: PersonRow,
  opts: { requestId?: string | null } = {},
): Promise<AccessReport> {
  const def = reg.definition;
  const cat = reg.catalogue;
  const personId = person.id;
  const sourceNames = new Map(def.sources.map((s) => [s.id, s.name]));
  const used = new Set<string>();
  const prov = (source: string, savedAt: Date | string, savedBy: string): AccessProvenance => {
    used.add(source);
    return {
      source,
      savedAt: new Date(savedAt).toISOString(),
      savedBy: savedByRole(savedBy),
    };
  };

  // Provenance of every fact of the person, one query.
  const provRows = await tx
    .selectFrom('provenance')
    .select(['entity_type', 'entity_id', 'field', 'source', 'saved_at', 'saved_by'])
    .where('person_id', '=', personId)
    .execute();
  const provOf = new Map<string, (typeof provRows)[number]>();
  for (const p of provRows) provOf.set(`${p.entity_type}|${p.entity_id}|${p.field}`, p);
  const factProv = (type: string, id: string, field: string): AccessProvenance | null => {
    const p = provOf.get(`${type}|${id}|${field}`);
    return p ? prov(p.source, p.saved_at, p.saved_by) : null;
  };

  // The person's own fields, in full.
  const points = await loadContactPoints(tx, personId);
  const held = new Map<string, number>();
  const hold = (category: string, n = 1) => held.set(category, (held.get(category) ?? 0) + n);
  const facts: AccessFact[] = [];
  for (const f of cat.fieldsOf('person')) {
    const value = personFieldValue(reg, person, points, f.id, { hetu: 'full' });
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    hold(f.category.id);
    facts.push({
      field: f.id,
      label: f.label,
      category: f.category.id,
      value,
      provenance: factProv('person', personId, f.id),
    });
  }

  // Contact roles: the organisation's name only.
  const roles = await tx
    .selectFrom('contact_roles as r')
    .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
    .select([
      'r.id',
      'r.title',
      'r.starts_on',
      'r.ends_on',
      'r.source',
      'r.created_at',
      'r.created_by',
      'o.name as organisation',
    ])
    .where('r.person_id', '=', personId)
    .orderBy('r.starts_on')
    .orderBy('r.id')
    .execute();
  const contactRoles = roles.map((r) => ({
    id: r.id,
    organisation: r.organisation,
    title: r.title,
    startsOn: String(r.starts_on),
    endsOn: r.ends_on === null ? null : String(r.ends_on),
    provenance: factProv('contact_role', r.id, 'title') ?? prov(r.source, r.created_at, r.created_by),
  }));
  if (roles.length > 0) {
    for (const c of cat.categoriesOf('contact_role')) hold(c.id, roles.length);
    const orgs = new Set(roles.map((r) => r.organisation));
    for (const c of cat.categoriesOf('organisation')) hold(c.id, orgs.size);
  }

  // Records of every holder (one query per table), oldest first within each.
  const rows: RecordRow[] = [];
  for (const holder of RECORD_TABLE_HOLDERS) {
    const t = RECORD_TABLES[holder];
    const extra = [...t.columns, ...Object.keys(t.links)];
    const found = await sql<Record<string, unknown>>`select * from ${sql.table(t.table)}
      where person_id = ${personId} order by occurred_at, id`.execute(tx);
    for (const r of found.rows) {
      rows.push({
        holder,
        id: r.id as string,
        person_id: r.person_id as string | null,
        category: r.category as string,
        occurred_at: r.occurred_at as Date,
        data: (r.data as Record<string, unknown>) ?? {},
        source: r.source as string,
        recorded_at: r.recorded_at as Date,
        recorded_by: r.recorded_by as string,
        anonymised_at: r.anonymised_at as Date | null,
        columns: Object.fromEntries(extra.map((c) => [c, r[c]])),
      });
    }
  }
  const orgIds = [
    ...new Set(
      rows.flatMap((r) =>
        typeof r.columns.organisation_id === 'string' ? [r.columns.organisation_id as string] : [],
      ),
    ),
  ];
  const orgNames = new Map<string, string>();
  if (orgIds.length > 0) {
    for (const o of await tx
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('id', 'in', orgIds)
      .execute())
      orgNames.set(o.id, o.name);
  }
  const fileRows = await tx
    .selectFrom('files')
    .select(['id', 'entity_type', 'entity_id', 'field', 'name', 'media_type', 'size', 'created_at'])
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const filesOf = new Map<string, typeof fileRows>();
  for (const f of fileRows) filesOf.set(f.entity_id, [...(filesOf.get(f.entity_id) ?? []), f]);
  const records: AccessRecord[] = [];
  for (const row of rows) {
    const category = cat.category(row.category);
    const typed = new Set(RECORD_TABLES[row.holder].columns);
    const fields: Record<string, unknown> = {};
    const changed: Record<string, AccessProvenance> = {};
    for (const f of category?.fields ?? []) {
      if (f.type === 'file') continue;
      let value = typed.has(f.id) ? row.columns[f.id] : row.data[f.id];
      if (typeof value === 'string' && f.type === 'money') value = Number(value);
      if (value === null || value === undefined) continue;
      fields[f.id] = value;
      const later = factProv(row.holder, row.id, f.id);
      if (later) changed[f.id] = later;
    }
    hold(row.category);
    const orgId = row.columns.organisation_id;
    records.push({
      id: row.id,
      holder: row.holder,
      kind: row.category,
      occurredAt: new Date(row.occurred_at).toISOString(),
      organisation: typeof orgId === 'string' ? (orgNames.get(orgId) ?? null) : null,
      fields,
      provenance: prov(row.source, row.recorded_at, row.recorded_by),
      changed,
      files: (filesOf.get(row.id) ?? []).map((f) => ({
        id: f.id,
        field: f.field,
        name: f.name,
        mediaType: f.media_type,
        size: Number(f.size),
      })),
      anonymisedAt: iso(row.anonymised_at),
    });
  }

  // Consents, requests and their events, restrictions, objections, disclosures.
  const channelNames = new Map((def.marketing?.channels ?? []).map((c) => [c.id, c.name]));
  const consentPurposeNames = new Map((def.marketing?.purposes ?? []).map((p) => [p.id, p.name]));
  const consentRows = await tx
    .selectFrom('consents')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const consents: AccessConsent[] = consentRows.map((c) => {
    used.add(c.source);
    return {
      id: c.id,
      channel: c.channel,
      channelName: channelNames.get(c.channel) ?? null,
      purpose: c.purpose,
      purposeName: consentPurposeNames.get(c.purpose) ?? null,
      state: c.state,
      at: new Date(c.at).toISOString(),
      source: c.source,
      sourceName: sourceNames.get(c.source) ?? null,
      evidenceText: c.evidence_text,
      evidenceFileId: c.evidence_file_id,
      noticeVersion: c.notice_version,
      requestId: c.request_id,
      recordedAt: new Date(c.recorded_at).toISOString(),
    };
  });
  if (consents.length > 0) for (const c of cat.categoriesOf('consent')) hold(c.id, consents.length);

  const requestRows = await tx
    .selectFrom('requests')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  const eventRows =
    requestRows.length === 0
      ? []
      : await tx
          .selectFrom('request_events')
          .select(['request_id', 'at', 'actor', 'event', 'details'])
          .where(
            'request_id',
            'in',
            requestRows.map((r) => r.id),
          )
          .orderBy('id')
          .execute();
  const requests = requestRows.map((r) => ({
    id: r.id,
    type: r.type,
    state: r.state,
    receivedVia: r.received_via,
    receivedAt: new Date(r.received_at).toISOString(),
    dueOn: String(r.due_on),
    extendedTo: r.extended_to === null ? null : String(r.extended_to),
    extensionReason: r.extension_reason,
    identityVerifiedAt: iso(r.identity_verified_at),
    identityMethod: r.identity_method,
    charge: r.charge,
    chargeReason: r.charge_reason,
    details: (r.details as Record<string, unknown>) ?? {},
    outcome: (r.outcome as Record<string, unknown>) ?? {},
    closedAt: iso(r.closed_at),
    events: eventRows
      .filter((e) => e.request_id === r.id)
      .map((e) => ({
        at: new Date(e.at).toISOString(),
        event: e.event,
        by: savedByRole(e.actor),
        details: (e.details as Record<string, unknown>) ?? {},
      })),
  }));
  if (requests.length > 0) for (const c of cat.categoriesOf('request')) hold(c.id, requests.length);

  const restrictions = (
    await tx
      .selectFrom('restrictions')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('started_at')
      .orderBy('id')
      .execute()
  ).map((r) => ({
    id: r.id,
    ground: r.ground,
    reason: r.reason,
    requestId: r.request_id,
    startedAt: new Date(r.started_at).toISOString(),
    liftNotifiedAt: iso(r.lift_notified_at),
    liftedAt: iso(r.lifted_at),
  }));
  const objections = (
    await tx
      .selectFrom('objections')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('received_at')
      .orderBy('id')
      .execute()
  ).map((o) => ({
    id: o.id,
    kind: o.kind,
    channel: o.channel,
    purpose: o.purpose,
    situation: o.situation,
    state: o.state,
    decision: o.decision,
    decidedAt: iso(o.decided_at),
    requestId: o.request_id,
    receivedAt: new Date(o.received_at).toISOString(),
  }));
  const disclosureNames = new Map(def.disclosures.map((d) => [d.id, d.name]));
  const recipientNames = new Map(def.recipients.map((r) => [r.id, r.name]));
  const disclosures = (await listDisclosuresIn(tx, personId)).map((d) => ({
    ...d,
    disclosureName: disclosureNames.get(d.disclosure) ?? null,
    recipientLabel: recipientNames.get(d.recipient) ?? null,
  }));

  const counts: AccessCounts = {
    facts: facts.length,
    contactRoles: contactRoles.length,
    records: records.length,
    orders: records.filter((r) => r.holder === 'order').length,
    invoices: records.filter((r) => r.holder === 'invoice').length,
    collections: records.filter((r) => r.holder === 'collection').length,
    loyalty: records.filter((r) => r.holder === 'loyalty').length,
    interactions: records.filter((r) => r.holder === 'interaction').length,
    files: fileRows.length,
    consents: consents.length,
    requests: requests.length,
    restrictions: restrictions.length,
    objections: objections.length,
    disclosures: disclosures.length,
  };

  return {
    kind: 'lupaus.access-report',
    version: 1,
    generatedAt: reg.clock.now().toISOString(),
    requestId: opts.requestId ?? null,
    languages: [...def.languages],
    register: { id: def.id, name: def.register.name },
    person: {
      id: personId,
      createdAt: new Date(person.created_at).toISOString(),
      updatedAt: new Date(person.updated_at).toISOString(),
      relationshipEndedAt: iso(person.relationship_ended_at),
      relationshipEndReason: person.relationship_end_reason,
      lastContactAt: iso(person.last_contact_at),
      facts,
      contactRoles,
    },
    records,
    files: fileRows.map((f) => ({
      id: f.id,
      entityType: f.entity_type,
      entityId: f.entity_id,
      field: f.field,
      name: f.name,
      mediaType: f.media_type,
      size: Number(f.size),
      createdAt: new Date(f.created_at).toISOString(),
    })),
    consents,
    requests,
    restrictions,
    objections,
    disclosures,
    processing: processingOf(reg, held, used),
    counts,
  };
}

/** What the definition says about the processing of the categories held on the person (art. 15(1)(a)–(h)). */
function processingOf(reg: Register, held: Map<string, number>, used: Set<string>): AccessProcessing {
  const def = reg.definition;
  const langs = def.languages;
  const rules = new Map((def.retention?.rules ?? []).map((r) => [r.id, r]));
  const heldCategories = def.categories.filter((c) => (held.get(c.id) ?? 0) > 0);
  const categories: AccessCategory[] = heldCategories.map((c) => {
    const rule = c.retention ? rules.get(c.retention) : undefined;
    const bases = [
      ...new Set(
        c.purposes.flatMap((id) => {
          const b = def.purposes.find((p) => p.id === id)?.basis;
          return b ? [b] : [];
        }),
      ),
    ] as LegalBasis[];
    return {
      id: c.id,
      name: c.name,
      description: c.description ?? null,
      holder: c.holder,
      held: held.get(c.id) ?? 0,
      fields: c.fields.map((f) => ({ id: f.id, label: f.label })),
      purposes: [...c.purposes],
      legalBases: bases,
      sources: [...c.sources],
      retention: rule
        ? {
            rule: rule.id,
            kind: rule.kind,
            period: rule.period ?? null,
            description: rule.description,
            text: texts(langs, (l) => describeRetention(rule, l)),
            legalReason: rule.legalReason ?? null,
          }
        : null,
      erasure: c.erasure.strategy,
      providedBySubject: c.providedBySubject,
    };
  });
  const purposeIds = new Set(heldCategories.flatMap((c) => c.purposes));
  const purposes = def.purposes
    .filter((p) => purposeIds.size === 0 || purposeIds.has(p.id))
    .map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description ?? null,
      basis: p.basis ?? null,
      basisText: p.basis ? BASIS_SENTENCES[p.basis] : null,
      legitimateInterest: p.legitimateInterest ?? null,
      marketing: p.marketing,
      profiling: p.profiling,
      categories: heldCategories.filter((c) => c.purposes.includes(p.id)).map((c) => c.id),
    }));
  const a = def.authority;
  return {
    controller: {
      name: def.controller.name,
      businessId: def.controller.businessId ?? null,
      email: def.controller.email ?? null,
      phone: def.controller.phone ?? null,
      address: def.controller.address ? formatAddress(def.controller.address, 'fi') : null,
    },
    dpo:
      def.dpo && def.dpo.appointed !== false
        ? { name: def.dpo.name ?? null, email: def.dpo.email ?? null, phone: def.dpo.phone ?? null }
        : null,
    purposes,
    categories,
    sources: def.sources.map((s) => ({
      id: s.id,
      kind: s.kind,
      name: s.name,
      description: s.description ?? null,
      used: used.has(s.id),
    })),
    recipients: def.recipients.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      description: r.description ?? null,
      countries: [...r.countries],
      service: r.service ?? null,
    })),
    disclosures: def.disclosures.map((d) => ({
      id: d.id,
      recipient: d.recipient,
      name: d.name,
      description: d.description ?? null,
      basis: d.basis ?? null,
      categories: [...d.categories],
    })),
    transfers: def.transfers
      ? {
          statement: def.transfers.statement,
          items: def.transfers.items.map((tr) => ({
            id: tr.id,
            countries: [...tr.countries],
            recipients: [...tr.recipients],
            description: tr.description,
            safeguard: tr.safeguard ?? null,
            safeguardName: tr.safeguard ? SAFEGUARD_NAMES[tr.safeguard] : null,
            safeguardText: tr.safeguardText ?? null,
            copyAvailable: tr.copyAvailable ?? null,
          })),
        }
      : null,
    retentionStatement: def.retention?.statement ?? null,
    profiling: def.profiling
      ? {
          used: def.profiling.used,
          text: def.profiling.text,
          automatedDecisions: def.profiling.automatedDecisions,
          logic: def.profiling.logic ?? null,
        }
      : null,
    rights: RIGHTS.flatMap((r) => {
      const right = def.rights[r];
      return right ? [{ right: r, name: rightName(r), text: right.text }] : [];
    }),
    rightsContact: def.rightsContact ?? null,
    authority: a
      ? {
          name: a.name,
          address: a.address
            ? formatAddress(a.address, 'fi')
            : a.postal
              ? formatAddress(a.postal, 'fi')
              : null,
          phone: a.phone ?? null,
          email: a.email ?? null,
          website: a.website ?? null,
        }
      : null,
  };
}
