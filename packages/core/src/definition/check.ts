import { CORE_FIELDS, coreField, RECORD_HOLDERS } from '../catalogue/core-fields';
import { parseYTunnus } from '../validators/ytunnus';
import { type LoadOptions, loadDefinition } from './load';
import { findPlaceholders } from './placeholders';
import type { Problem } from './problem';
import { rolesOf } from './roles';
import type { Definition, FieldType, Holder, RetentionKind, Right } from './schema';
import { SAFEGUARDS } from './schema';

/**
 * The checks of a register definition (R1.4). The schema checks shape; these check meaning: the business id's
 * check digit, unfilled template placeholders, legal bases, retention rules, transfers outside the EU/EEA,
 * references between sections, and every item GDPR art. 13, 14 and 30 require a notice or record to carry.
 *
 * Every problem is reported, not just the first, each at the path in the definition it concerns.
 *
 * @example
 * ```ts
 * for (const p of checkSource(readFileSync('register.yaml', 'utf8'))) {
 *   console.log(formatProblem('register.yaml', p)); // register.yaml:7:3: controller.businessId: the check digit …
 * }
 * ```
 */

type Path = (string | number)[];

/** EU member states (27) and the other EEA states (Iceland, Liechtenstein, Norway), ISO 3166-1 alpha-2. */
export const EU_EEA_COUNTRIES: ReadonlySet<string> = new Set([
  // EU 27
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  // EEA
  'IS',
  'LI',
  'NO',
]);

export function isEuEea(country: string): boolean {
  return EU_EEA_COUNTRIES.has(country.toUpperCase());
}

/** Retention kinds that count a period and so must say how long. */
export const KINDS_NEEDING_PERIOD: readonly RetentionKind[] = [
  'after_relationship_end',
  'from_creation',
  'after_fiscal_year_end',
];

/** Retention kinds that count no period (a `period` on them would be ignored). */
const KINDS_WITHOUT_PERIOD: readonly RetentionKind[] = [
  'until_relationship_ended',
  'while_contact_person',
  'until_no_longer_needed',
];

/** The holders of data a person has as a contact person: the only ones a while_contact_person rule can keep. */
export const CONTACT_PERSON_HOLDERS: readonly Holder[] = ['person', 'contact_role', 'organisation'];

/** The types a field that dates a record (`Category.dateField`) may have. */
const DATE_TYPES: readonly FieldType[] = ['date', 'datetime'];

/**
 * Core fields of a record holder that the behaviour depends on, so that a register holding such records must
 * declare them, each with why.
 */
export const REQUIRED_CORE_FIELDS: Partial<Record<Holder, { field: string; why: string }[]>> = {
  invoice: [
    { field: 'state', why: 'an open invoice blocks erasure (R4.4)' },
    { field: 'due_on', why: 'an open invoice is overdue after its due date' },
    { field: 'amount', why: 'the amount is what is owed' },
  ],
  collection: [{ field: 'state', why: 'an open debt collection case blocks erasure (R4.4)' }],
  loyalty: [{ field: 'level', why: 'the level is what the loyalty programme records' }],
};

function isRecordHolder(holder: Holder): boolean {
  return (RECORD_HOLDERS as readonly string[]).includes(holder);
}

/** `controller.businessId`, `categories[0].fields[2].type`. */
export function pathToString(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

function problem(path: Path, message: string): Problem {
  const where = pathToString(path);
  return { path, message: where ? `${where}: ${message}` : message };
}

/** Runs every check on a loaded definition. Pure: problems carry their path but no line yet. */
export function checkDefinition(def: Definition): Problem[] {
  return [
    ...checkController(def),
    ...checkPlaceholdersAndRepealedLaw(def),
    ...checkDuplicateIds(def),
    ...checkPurposes(def),
    ...checkCategories(def),
    ...checkRequiredCoreFields(def),
    ...checkRetention(def),
    ...checkRecipientsAndDisclosures(def),
    ...checkTransfers(def),
    ...checkRequiredItems(def),
    ...checkMarketing(def),
  ];
}

/** Every marketing channel names the contact point its messages go to (the gate selects and suppresses on it). */
function checkMarketing(def: Definition): Problem[] {
  const out: Problem[] = [];
  def.marketing?.channels.forEach((channel, i) => {
    if (!channel.contact) {
      out.push(
        problem(
          ['marketing', 'channels', i],
          `marketing channel "${channel.id}" does not say which contact point its messages go to; add contact: email, phone or address`,
        ),
      );
    }
  });
  return out;
}

/**
 * Loads a definition from YAML and checks it. A definition that does not load reports its load problems; one
 * that loads reports every check problem with its line and column, sorted by position.
 */
export function checkSource(source: string, options: LoadOptions = {}): Problem[] {
  const loaded = loadDefinition(source, options);
  if (!loaded.ok) return sortProblems(loaded.problems);
  const problems = checkDefinition(loaded.definition).map((p) => {
    const { line, column } = loaded.locate(p.path);
    return { ...p, line, column };
  });
  return sortProblems(problems);
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

// ---------------------------------------------------------------------------------------------------------
// Controller

function checkController(def: Definition): Problem[] {
  const out: Problem[] = [];
  const c = def.controller;
  if (c.businessId !== undefined) {
    const parsed = parseYTunnus(c.businessId);
    if (!parsed.ok) out.push(problem(['controller', 'businessId'], parsed.reason));
  } else if (c.kind === 'company') {
    out.push(
      problem(
        ['controller', 'businessId'],
        `the controller ${c.name} is a company (kind: company) but gives no business id (y-tunnus); add it`,
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Every string: placeholders and the repealed Personal Data Act

/** Every string value in the definition with its path. */
function* strings(value: unknown, path: Path): Generator<{ path: Path; text: string }> {
  if (typeof value === 'string') {
    yield { path, text: value };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* strings(value[i], [...path, i]);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) yield* strings(v, [...path, key]);
  }
}

/**
 * The repealed Personal Data Act (henkilötietolaki 523/1999) in any inflection, its English and Swedish names,
 * and its statute number; "henkilötietolainsäädäntö" (data protection legislation in general) is fine.
 */
const REPEALED_ACT =
  /henkilötietola(?:ki|i)(?!nsäädän)\p{L}*|personal data act|personuppgiftslag\p{L}*|\b523\/1999\b/giu;

function checkPlaceholdersAndRepealedLaw(def: Definition): Problem[] {
  const out: Problem[] = [];
  for (const { path, text } of strings(def, [])) {
    for (const placeholder of findPlaceholders(text)) {
      out.push(
        problem(
          path,
          `unfilled template placeholder "${placeholder}"; replace it with the real value or remove it`,
        ),
      );
    }
    // The change log may say that a reference to the old act was removed.
    const isChangeLog = path[0] === 'notice' && path[1] === 'changes';
    for (const m of isChangeLog ? [] : text.matchAll(REPEALED_ACT)) {
      out.push(
        problem(
          path,
          `refers to the repealed Personal Data Act ("${m[0]}", henkilötietolaki 523/1999, repealed 1.1.2019); refer to the GDPR and the Data Protection Act (tietosuojalaki 1050/2018) instead`,
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Duplicate ids

function duplicates(list: readonly { id: string }[] | undefined, path: Path, what: string): Problem[] {
  const out: Problem[] = [];
  const first = new Map<string, number>();
  (list ?? []).forEach((item, i) => {
    const seen = first.get(item.id);
    if (seen === undefined) first.set(item.id, i);
    else
      out.push(
        problem(
          [...path, i, 'id'],
          `duplicate ${what} id "${item.id}" (already used by ${pathToString([...path, seen])}); ids must be unique`,
        ),
      );
  });
  return out;
}

function checkDuplicateIds(def: Definition): Problem[] {
  const out: Problem[] = [
    ...duplicates(def.subjects, ['subjects'], 'subject group'),
    ...duplicates(def.purposes, ['purposes'], 'purpose'),
    ...duplicates(def.categories, ['categories'], 'category'),
    ...duplicates(def.sources, ['sources'], 'source'),
    ...duplicates(def.recipients, ['recipients'], 'recipient'),
    ...duplicates(def.disclosures, ['disclosures'], 'disclosure'),
    ...duplicates(def.transfers?.items, ['transfers', 'items'], 'transfer'),
    ...duplicates(def.retention?.rules, ['retention', 'rules'], 'retention rule'),
    ...duplicates(def.roles, ['roles'], 'role'),
    ...duplicates(def.marketing?.channels, ['marketing', 'channels'], 'marketing channel'),
    ...duplicates(def.marketing?.purposes, ['marketing', 'purposes'], 'marketing purpose'),
  ];
  // A field is known to storage as holder.field, so its id is unique per holder across categories.
  const fieldsByHolder = new Map<string, Path>();
  def.categories.forEach((category, ci) => {
    category.fields.forEach((field, fi) => {
      const key = `${category.holder}.${field.id}`;
      const seen = fieldsByHolder.get(key);
      if (seen) {
        out.push(
          problem(
            ['categories', ci, 'fields', fi, 'id'],
            `duplicate field id "${field.id}": a ${category.holder} field of that id is already declared at ${pathToString(seen)}; a field is declared once per holder`,
          ),
        );
      } else {
        fieldsByHolder.set(key, ['categories', ci, 'fields', fi]);
      }
      const values = new Map<string, number>();
      (field.options ?? []).forEach((option, oi) => {
        const seenOption = values.get(option.value);
        if (seenOption === undefined) values.set(option.value, oi);
        else
          out.push(
            problem(
              ['categories', ci, 'fields', fi, 'options', oi, 'value'],
              `duplicate option "${option.value}" (already at options[${seenOption}]); option values must be unique`,
            ),
          );
      });
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Purposes

function checkPurposes(def: Definition): Problem[] {
  const out: Problem[] = [];
  def.purposes.forEach((purpose, i) => {
    if (!purpose.basis) {
      out.push(
        problem(
          ['purposes', i, 'basis'],
          `purpose "${purpose.id}" has no legal basis (GDPR art. 6(1), art. 13(1)(c)); give one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interest`,
        ),
      );
    } else if (purpose.basis === 'legitimate_interest' && !purpose.legitimateInterest) {
      out.push(
        problem(
          ['purposes', i, 'legitimateInterest'],
          `purpose "${purpose.id}" is based on legitimate interest but does not name the interest (art. 13(1)(d)); describe it in legitimateInterest`,
        ),
      );
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Categories and fields

function roleIds(def: Definition): Set<string> {
  return new Set(rolesOf(def).map((r) => r.id));
}

function refs(
  ids: readonly string[] | undefined,
  known: Set<string>,
  path: Path,
  owner: string,
  what: string,
  where: string,
): Problem[] {
  const out: Problem[] = [];
  (ids ?? []).forEach((id, i) => {
    if (!known.has(id)) {
      out.push(problem([...path, i], `${owner} refers to ${what} "${id}", which is not defined in ${where}`));
    }
  });
  return out;
}

function checkCategories(def: Definition): Problem[] {
  const out: Problem[] = [];
  const purposes = new Set(def.purposes.map((p) => p.id));
  const sources = new Set(def.sources.map((s) => s.id));
  const rules = new Set((def.retention?.rules ?? []).map((r) => r.id));
  const roles = roleIds(def);
  const rolesWhere =
    def.roles && def.roles.length > 0 ? 'roles' : 'the default roles (no roles are declared)';

  def.categories.forEach((category, ci) => {
    const at: Path = ['categories', ci];
    const owner = `category "${category.id}"`;
    out.push(...refs(category.purposes, purposes, [...at, 'purposes'], owner, 'purpose', 'purposes'));
    out.push(...refs(category.sources, sources, [...at, 'sources'], owner, 'source', 'sources'));
    out.push(...refs(category.readRoles, roles, [...at, 'readRoles'], owner, 'role', rolesWhere));

    if (category.retention === undefined) {
      if (category.holder !== 'organisation') {
        out.push(
          problem(
            [...at, 'retention'],
            `${owner} has no retention rule (art. 5(1)(e), art. 13(2)(a)); name one of retention.rules`,
          ),
        );
      }
    } else if (!rules.has(category.retention)) {
      out.push(
        problem(
          [...at, 'retention'],
          `${owner} refers to retention rule "${category.retention}", which is not defined in retention.rules`,
        ),
      );
    }

    if (category.erasure.strategy === 'keep' && !category.erasure.reason) {
      out.push(
        problem(
          [...at, 'erasure', 'reason'],
          `${owner} is kept on erasure (strategy keep) without a reason; give the legal reason (art. 17(3)), such as Kirjanpitolaki 2:10`,
        ),
      );
    }

    category.fields.forEach((field, fi) => {
      const fat: Path = [...at, 'fields', fi];
      const fowner = `field "${field.id}" of ${owner}`;
      out.push(...refs(field.readRoles, roles, [...fat, 'readRoles'], fowner, 'role', rolesWhere));
      out.push(...refs(field.revealRoles, roles, [...fat, 'revealRoles'], fowner, 'role', rolesWhere));
      const core = coreField(category.holder, field.id);
      if (core && core.type !== field.type) {
        out.push(
          problem(
            [...fat, 'type'],
            `${field.id} is a core ${category.holder} field of type ${core.type}, but it is declared as ${field.type}; declare it with type ${core.type} or choose another id`,
          ),
        );
      }
      if (core?.options && field.type === core.type) {
        const declared = (field.options ?? []).map((o) => o.value);
        const missing = core.options.filter((v) => !declared.includes(v));
        const extra = declared.filter((v) => !core.options?.includes(v));
        if (missing.length > 0 || extra.length > 0) {
          const found = [
            missing.length > 0 ? `missing ${missing.join(', ')}` : '',
            extra.length > 0 ? `not known: ${extra.join(', ')}` : '',
          ].filter((s) => s !== '');
          out.push(
            problem(
              field.options ? [...fat, 'options'] : fat,
              `${field.id} is a core ${category.holder} field whose values the system acts on: its options must be exactly ${core.options.join(', ')} (the labels are free); ${found.join('; ')}`,
            ),
          );
        }
      }
      if (field.erasure?.strategy === 'keep' && !field.erasure.reason) {
        out.push(
          problem(
            [...fat, 'erasure', 'reason'],
            `${fowner} is kept on erasure (strategy keep) without a reason; give the legal reason (art. 17(3)), such as Kirjanpitolaki 2:10`,
          ),
        );
      }
    });

    if (category.dateField !== undefined) out.push(...checkDateField(category, at, owner));
  });
  return out;
}

function checkDateField(category: Definition['categories'][number], at: Path, owner: string): Problem[] {
  const id = category.dateField;
  if (id === undefined) return [];
  const path: Path = [...at, 'dateField'];
  if (!isRecordHolder(category.holder)) {
    return [
      problem(
        path,
        `${owner} is held by ${category.holder}, but only records (${RECORD_HOLDERS.join(', ')}) are dated by a field; remove dateField`,
      ),
    ];
  }
  const field = category.fields.find((f) => f.id === id);
  if (!field) {
    return [
      problem(
        path,
        `${owner} is dated by field "${id}", which is not one of its fields; name a date or datetime field of the category`,
      ),
    ];
  }
  const type = coreField(category.holder, field.id)?.type ?? field.type;
  if (!DATE_TYPES.includes(type)) {
    return [
      problem(
        path,
        `${owner} is dated by field "${id}" of type ${type}; the field that dates a record must be of type date or datetime`,
      ),
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------
// Core fields that the behaviour of a record holder depends on

function checkRequiredCoreFields(def: Definition): Problem[] {
  const out: Problem[] = [];
  for (const [holder, required] of Object.entries(REQUIRED_CORE_FIELDS) as [
    Holder,
    { field: string; why: string }[],
  ][]) {
    const first = def.categories.findIndex((c) => c.holder === holder);
    if (first < 0) continue;
    // A field is declared once per holder, so any category of the holder may declare it.
    const declared = new Set(
      def.categories.filter((c) => c.holder === holder).flatMap((c) => c.fields.map((f) => f.id)),
    );
    const missing = required.filter((r) => !declared.has(r.field));
    if (missing.length === 0) continue;
    const category = def.categories[first]!;
    out.push(
      problem(
        ['categories', first, 'fields'],
        `category "${category.id}" holds ${holder} records, but no ${holder} category declares ${missing
          .map((m) => m.field)
          .join(', ')}: ${missing.map((m) => m.why).join('; ')}; declare ${
          missing.length === 1 ? 'it' : 'them'
        } with ${missing
          .map((m) => `${m.field} (${CORE_FIELDS[holder]?.[m.field]?.type ?? 'text'})`)
          .join(', ')}`,
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Retention

function checkRetention(def: Definition): Problem[] {
  const out: Problem[] = [];
  const retention = def.retention;
  if (!retention) return out;
  let needsRelationshipEnd: string | undefined;
  retention.rules.forEach((rule, i) => {
    if (KINDS_NEEDING_PERIOD.includes(rule.kind) && !rule.period) {
      out.push(
        problem(
          ['retention', 'rules', i, 'period'],
          `retention rule "${rule.id}" (${rule.kind}) needs a period, such as P10Y or P6M`,
        ),
      );
    }
    if (KINDS_WITHOUT_PERIOD.includes(rule.kind) && rule.period) {
      out.push(
        problem(
          ['retention', 'rules', i, 'period'],
          `retention rule "${rule.id}" (${rule.kind}) counts no period, so period ${rule.period} would be ignored; remove it or choose a kind that counts one (${KINDS_NEEDING_PERIOD.join(', ')})`,
        ),
      );
    }
    // A missing reviewEvery is allowed: the seeds keep data "until no longer needed" without a review interval.
    if (rule.kind !== 'until_no_longer_needed' && rule.reviewEvery) {
      out.push(
        problem(
          ['retention', 'rules', i, 'reviewEvery'],
          `retention rule "${rule.id}" (${rule.kind}) has reviewEvery, which only a rule of kind until_no_longer_needed uses; remove it`,
        ),
      );
    }
    if (rule.kind === 'after_fiscal_year_end' && !rule.legalReason) {
      out.push(
        problem(
          ['retention', 'rules', i, 'legalReason'],
          `retention rule "${rule.id}" keeps data for a period after the end of the accounting period (after_fiscal_year_end) but names no law that requires it; give legalReason, such as Kirjanpitolaki (1336/1997) 2 luku 10 §`,
        ),
      );
    }
    if (rule.kind === 'until_relationship_ended') needsRelationshipEnd ??= rule.id;
  });

  // A contact-person rule keeps data only while a person is a contact person: data about that person or role.
  const kinds = new Map(retention.rules.map((r) => [r.id, r.kind]));
  def.categories.forEach((category, ci) => {
    if (category.retention === undefined || kinds.get(category.retention) !== 'while_contact_person') return;
    if (!CONTACT_PERSON_HOLDERS.includes(category.holder)) {
      out.push(
        problem(
          ['categories', ci, 'retention'],
          `category "${category.id}" is held by ${category.holder}, but retention rule "${category.retention}" (while_contact_person) keeps data only while a person is a contact person, which applies to data held by ${CONTACT_PERSON_HOLDERS.join(', ')}; choose another rule`,
        ),
      );
    }
  });

  // The categories whose records count as a service contact.
  const categories = new Map(def.categories.map((c) => [c.id, c]));
  (retention.relationshipEnd?.contactCategories ?? []).forEach((id, i) => {
    const path: Path = ['retention', 'relationshipEnd', 'contactCategories', i];
    const category = categories.get(id);
    if (!category) {
      out.push(
        problem(
          path,
          `retention.relationshipEnd refers to category "${id}", which is not defined in categories`,
        ),
      );
    } else if (!isRecordHolder(category.holder)) {
      out.push(
        problem(
          path,
          `category "${id}" is held by ${category.holder}, but only records (${RECORD_HOLDERS.join(', ')}) count as a service contact; name a category of records`,
        ),
      );
    }
  });
  if (needsRelationshipEnd !== undefined) {
    const end = retention.relationshipEnd;
    if (!end) {
      out.push(
        problem(
          ['retention', 'relationshipEnd'],
          `retention rule "${needsRelationshipEnd}" keeps data until the customer relationship has ended, but the definition does not say how the end is known; add retention.relationshipEnd (kind explicit or last_contact)`,
        ),
      );
    } else if (end.kind === 'last_contact' && !end.inactivityPeriod) {
      out.push(
        problem(
          ['retention', 'relationshipEnd', 'inactivityPeriod'],
          'the customer relationship is judged ended from the last contact, but no inactivity period says after how long; add inactivityPeriod, such as P3Y',
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Recipients, disclosures

function checkRecipientsAndDisclosures(def: Definition): Problem[] {
  const out: Problem[] = [];
  const recipients = new Set(def.recipients.map((r) => r.id));
  const purposes = new Set(def.purposes.map((p) => p.id));
  const categories = new Set(def.categories.map((c) => c.id));
  def.disclosures.forEach((d, i) => {
    const at: Path = ['disclosures', i];
    const owner = `disclosure "${d.id}"`;
    if (!recipients.has(d.recipient)) {
      out.push(
        problem(
          [...at, 'recipient'],
          `${owner} refers to recipient "${d.recipient}", which is not defined in recipients`,
        ),
      );
    }
    out.push(...refs(d.purposes, purposes, [...at, 'purposes'], owner, 'purpose', 'purposes'));
    out.push(...refs(d.categories, categories, [...at, 'categories'], owner, 'category', 'categories'));
  });

  // A recipient processing data outside the EU/EEA needs a transfer that names it and the country.
  const covered = new Set<string>();
  for (const t of def.transfers?.items ?? []) {
    for (const r of t.recipients) for (const c of t.countries) covered.add(`${r} ${c.toUpperCase()}`);
  }
  def.recipients.forEach((r, i) => {
    r.countries.forEach((country, ci) => {
      if (!isEuEea(country) && !covered.has(`${r.id} ${country.toUpperCase()}`)) {
        out.push(
          problem(
            ['recipients', i, 'countries', ci],
            `recipient "${r.id}" processes data in ${country}, outside the EU/EEA, but no transfer covers it; add a transfers.items entry naming recipient "${r.id}" and country ${country} with its safeguard (art. 13(1)(f), 44–49)`,
          ),
        );
      }
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Transfers

function checkTransfers(def: Definition): Problem[] {
  const out: Problem[] = [];
  const recipients = new Set(def.recipients.map((r) => r.id));
  (def.transfers?.items ?? []).forEach((t, i) => {
    const at: Path = ['transfers', 'items', i];
    const owner = `transfer "${t.id}"`;
    out.push(...refs(t.recipients, recipients, [...at, 'recipients'], owner, 'recipient', 'recipients'));
    const outside = t.countries.filter((c) => !isEuEea(c));
    if (outside.length > 0 && !t.safeguard) {
      out.push(
        problem(
          [...at, 'safeguard'],
          `${owner} goes to ${outside.join(', ')}, outside the EU/EEA, without a safeguard (art. 44–49); give one of ${SAFEGUARDS.join(', ')}`,
        ),
      );
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// What art. 13, 14 and 30 require

const RIGHT_ITEMS: { right: Right; article: string; what: string }[] = [
  { right: 'access', article: 'art. 13(2)(b)', what: 'the right of access (art. 15)' },
  { right: 'rectification', article: 'art. 13(2)(b)', what: 'the right to rectification (art. 16)' },
  { right: 'erasure', article: 'art. 13(2)(b)', what: 'the right to erasure (art. 17)' },
  {
    right: 'restriction',
    article: 'art. 13(2)(b)',
    what: 'the right to restriction of processing (art. 18)',
  },
  { right: 'objection', article: 'art. 13(2)(b)', what: 'the right to object (art. 21)' },
  { right: 'portability', article: 'art. 13(2)(b)', what: 'the right to data portability (art. 20)' },
  {
    right: 'complaint',
    article: 'art. 13(2)(d)',
    what: 'the right to lodge a complaint with a supervisory authority (art. 77)',
  },
];

function hasContact(c: { email?: string | undefined; phone?: string | undefined; address?: unknown }) {
  return Boolean(c.email || c.phone || c.address);
}

function checkRequiredItems(def: Definition): Problem[] {
  const out: Problem[] = [];
  const missing = (path: Path, article: string, what: string) =>
    out.push(problem(path, `${article} requires ${what}; it is missing`));

  if (!hasContact(def.controller)) {
    missing(['controller'], 'art. 13(1)(a)', "the controller's contact details (email, phone or address)");
  }
  if (def.dpo?.appointed && !hasContact(def.dpo)) {
    missing(
      ['dpo'],
      'art. 13(1)(b)',
      "the data protection officer's contact details (email, phone or address)",
    );
  }
  if (def.subjects.length === 0) {
    missing(['subjects'], 'art. 30(1)(c)', 'the groups of data subjects (subjects)');
  }
  if (def.purposes.length === 0) {
    missing(['purposes'], 'art. 13(1)(c)', 'the purposes of the processing (purposes)');
  }
  if (!def.provisionRequirement) {
    missing(
      ['provisionRequirement'],
      'art. 13(2)(e)',
      'saying whether providing the data is a statutory or contractual requirement and what follows from not providing it (provisionRequirement)',
    );
  }
  if (def.categories.length === 0) {
    missing(['categories'], 'art. 14(1)(d)', 'the categories of personal data (categories)');
  }
  if (def.sources.length === 0) {
    missing(['sources'], 'art. 14(2)(f)', 'the sources of the personal data (sources)');
  }
  if (def.recipients.length === 0) {
    missing(['recipients'], 'art. 13(1)(e)', 'the recipients or categories of recipients (recipients)');
  }
  if (!def.transfers) {
    missing(
      ['transfers'],
      'art. 13(1)(f)',
      'a statement on transfers outside the EU/EEA (transfers.statement)',
    );
  }
  // A statement alone does not do: the periods are what the retention sweep enforces, so they are rules.
  if (!def.retention || def.retention.rules.length === 0) {
    missing(
      ['retention'],
      'art. 13(2)(a)',
      'the retention period or the criteria used to determine it, as rules (retention.rules)',
    );
  }
  if (!def.security || (!def.security.manual && !def.security.it)) {
    missing(
      ['security'],
      'art. 30(1)(g)',
      'a description of the security measures (security.manual or security.it)',
    );
  }
  if (!def.cookies) {
    out.push(
      problem(
        ['cookies'],
        'the notice must say whether cookies are used (laki sähköisen viestinnän palveluista 917/2014, 205 §, supervised by Traficom); add cookies with used and text',
      ),
    );
  }
  if (!def.profiling) {
    missing(
      ['profiling'],
      'art. 13(2)(f)',
      'a statement on profiling and automated decisions, even that there are none (profiling)',
    );
  }
  for (const { right, article, what } of RIGHT_ITEMS) {
    if (!def.rights[right]) missing(['rights', right], article, `informing of ${what}`);
  }
  const consentPurpose = def.purposes.find((p) => p.basis === 'consent');
  if (consentPurpose && !def.rights.withdraw_consent) {
    missing(
      ['rights', 'withdraw_consent'],
      'art. 13(2)(c)',
      `informing of the right to withdraw consent (art. 7(3)), as purpose "${consentPurpose.id}" is based on consent`,
    );
  }
  if (!def.authority) {
    missing(
      ['authority'],
      'art. 13(2)(d)',
      'naming the supervisory authority (Tietosuojavaltuutetun toimisto) to which complaints are made (authority)',
    );
  }
  return out;
}
