import {
  type CatalogueCategory,
  emailKey,
  findControlCharacter,
  LupausError,
  type ProblemDetail,
  parseEmail,
  validateFields,
} from '@lupaus/core';
import {
  findPersonsByIdentifiers,
  insertInteractionBatch,
  insertResolvingInteractionBatch,
  lockPersons,
  type NewInteraction,
} from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { isId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import { contactCategories, dateFieldOf, dateOf, planRecordWrite } from './record-store';

/** Who an event is about: the person's id, customer number or email address. */
export type PersonRef = { id: string } | { customerNumber: string } | { email: string };

export interface InteractionEvent {
  person: PersonRef;
  /** A category of the definition held by interaction (web visits, emails sent, logins ...). */
  kind: string;
  /** A source id of the definition (R2.6). */
  source: string;
  /** Declared fields of the kind (R1.5). The kind's dating field dates the event; else the time of ingestion. */
  fields: Record<string, unknown>;
}

export interface IngestInput {
  events: readonly InteractionEvent[];
  purpose?: string | undefined;
}

export interface IngestResult {
  /** The ids of the records made, in the order of the events. */
  ids: string[];
  /** How many distinct persons the events were about. */
  persons: number;
}

/** The most events a batch may have; 1 000 a batch is what the benchmark measures (bench/README.md). */
export const MAX_INGEST_EVENTS = 5000;
/** Problems reported at most; the rest are counted in one last problem. */
const MAX_PROBLEMS = 1000;

type Resolved = { kind: 'id' | 'customerNumber' | 'email'; value: string };

interface PreparedEvent {
  category: CatalogueCategory;
  ref: Resolved | undefined;
  data: Record<string, unknown>;
  occurredAt: Date;
  source: string;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Reads `person` of an event; a problem when it is not exactly one of id, customerNumber, email. */
function personRef(raw: unknown, at: string): Resolved | ProblemDetail {
  const keys = isObject(raw) ? Object.keys(raw) : [];
  if (!isObject(raw) || keys.length !== 1) {
    return { at, message: 'person must be an object with one of id, customerNumber or email' };
  }
  const key = keys[0]!;
  const value = raw[key];
  if (typeof value !== 'string') return { at: `${at}.${key}`, message: `${key} must be text` };
  switch (key) {
    case 'id':
      return isId(value)
        ? { kind: 'id', value: value.toLowerCase() }
        : { at: `${at}.id`, message: `"${value.slice(0, 60)}" is not a valid person id (ids are UUIDs)` };
    case 'customerNumber': {
      const c = value.trim();
      const control = findControlCharacter(c, `${at}.customerNumber`);
      if (control) return control;
      return c.length > 0 && c.length <= 100
        ? { kind: 'customerNumber', value: c }
        : { at: `${at}.customerNumber`, message: 'a customer number is 1–100 characters' };
    }
    case 'email': {
      const r = parseEmail(value);
      return r.ok ? { kind: 'email', value: emailKey(r.value) } : { at: `${at}.email`, message: r.reason };
    }
    default:
      return { at: `${at}.${key}`, message: `a person is found by id, customerNumber or email, not ${key}` };
  }
}

function refKey(r: Resolved): string {
  return `${r.kind}:${r.value}`;
}

/**
 * Takes in a batch of interactions (web visits, emails sent and opened, logins, ...: R2.4) for many persons at
 * once, as an analytics feed or a mailing system would send them. The whole batch is validated first, and every
 * problem is reported with its path (`events[17].fields.ip_address`, `events[3].person`); if any event is bad,
 * nothing is written. Then one statement finds each person (by id, customer number or email), inserts the
 * records, moves each person's last service contact forward where the register uses it and writes one audit
 * row per person and kind (naming the records, never values): `insertResolvingInteractionBatch`. If a person is not
 * found, nothing is written and a second transaction finds out which, to name each in the error.
 * Each record's source, time and author are the provenance of its fields (R2.6).
 *
 * @example
 * ```ts
 * await ingestInteractions(reg, actor, {
 *   events: [{ person: { customerNumber: 'A-1001' }, kind: 'web_usage', source: 'transactions',
 *              fields: { ip_address: '192.0.2.1', visited_at: '2024-05-01T10:00:00Z', pages: ['/'] } }],
 * }); // { ids: ['0190…'], persons: 1 }
 * ```
 */
export async function ingestInteractions(
  reg: Register,
  actor: Actor,
  input: IngestInput,
): Promise<IngestResult> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const events = input.events as readonly unknown[];
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_INGEST_EVENTS) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'events', message: `a batch has 1–${MAX_INGEST_EVENTS} events` },
    ]);
  }

  const problems: ProblemDetail[] = [];
  let undeclared = false;
  const report = (p: ProblemDetail) => {
    problems.push(p);
  };
  const now = reg.clock.now();
  const interactionKinds = new Map(
    reg.catalogue.categoriesOf('interaction').map((c) => [c.id, { category: c, dateField: dateFieldOf(c) }]),
  );
  const prepared: (PreparedEvent | undefined)[] = new Array(events.length);
  const refs: (Resolved | undefined)[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const at = `events[${i}]`;
    const e = events[i];
    if (!isObject(e)) {
      report({ at, message: 'an event is an object with person, kind, source and fields' });
      continue;
    }
    const extra = Object.keys(e).find(
      (k) => k !== 'person' && k !== 'kind' && k !== 'source' && k !== 'fields',
    );
    if (extra)
      report({ at: `${at}.${extra}`, message: `an event has person, kind, source and fields, not ${extra}` });
    const ref = personRef(e.person, `${at}.person`);
    if ('at' in ref) report(ref);
    else refs[i] = ref;
    if (typeof e.source !== 'string' || !reg.catalogue.sourceIds.has(e.source)) {
      report({
        at: `${at}.source`,
        message: `"${String(e.source).slice(0, 60)}" is not a source of this register; declared: ${[...reg.catalogue.sourceIds].join(', ')}`,
      });
    }
    const kind = typeof e.kind === 'string' ? interactionKinds.get(e.kind) : undefined;
    if (!kind) {
      report({
        at: `${at}.kind`,
        message: `"${String(e.kind).slice(0, 60)}" is not a kind of interaction this register declares; declared: ${[...interactionKinds.keys()].join(', ')}`,
      });
      continue;
    }
    const v = validateFields(reg.catalogue, 'interaction', e.fields as Record<string, unknown>, {
      category: kind.category.id,
      requireRequired: true,
      at: `${at}.fields`,
    });
    if (v.problems.length > 0) {
      if (v.undeclared.length > 0) undeclared = true;
      for (const p of v.problems) report(p);
      continue;
    }
    if ('at' in ref || typeof e.source !== 'string') continue;
    prepared[i] = {
      category: kind.category,
      ref,
      data: planRecordWrite('interaction', v.values).data,
      occurredAt: dateOf(kind.dateField, v.values[kind.category.dateField ?? '']) ?? now,
      source: e.source,
    };
  }

  const contacts = contactCategories(reg);
  if (problems.length === 0) {
    // A valid batch goes in one statement that also finds the persons; only if one is not found (or an email
    // names several) does the batch take the path below, which writes nothing and says which.
    const rows = prepared.map((p, i) => ({
      id: uuidv7(),
      person: refs[i]!,
      category: p!.category.id,
      occurred_at: p!.occurredAt,
      data: p!.data,
      source: p!.source,
    }));
    const written = await reg.db.transaction().execute((tx) =>
      insertResolvingInteractionBatch(tx, {
        rows,
        recordedAt: now,
        actor: actor.id,
        purpose,
        contactCategories: [...contacts],
        auditKey: reg.vault.auditKey,
        lock: reg.dbKind === 'postgres',
      }),
    );
    if (written.ok) return { ids: rows.map((r) => r.id), persons: written.persons };
  }
  return reg.db.transaction().execute(async (tx) => {
    // Resolve every identifier, also of a batch with problems, so that unknown persons are reported with the rest.
    const distinct = new Map<string, Resolved>();
    for (const r of refs) if (r) distinct.set(refKey(r), r);
    const of = (kind: Resolved['kind']) =>
      [...distinct.values()].filter((r) => r.kind === kind).map((r) => r.value);
    const found = await findPersonsByIdentifiers(tx, {
      ids: of('id'),
      customerNumbers: of('customerNumber'),
      emailKeys: of('email'),
    });
    const ids = found.ids;
    const byNumber = found.byCustomerNumber;
    const byEmail = found.byEmailKey;
    const personOf = (r: Resolved): string | ProblemDetail => {
      if (r.kind === 'id') return ids.has(r.value) ? r.value : { at: '', message: `no person ${r.value}` };
      const found = (r.kind === 'customerNumber' ? byNumber : byEmail).get(r.value) ?? [];
      const what = r.kind === 'customerNumber' ? 'customer number' : 'email address';
      if (found.length === 1) return found[0]!;
      return {
        at: '',
        message:
          found.length === 0
            ? `no person has this ${what}`
            : `${found.length} persons have this ${what}; name the person by id`,
      };
    };
    const rows: NewInteraction[] = [];
    const resolvedIds: string[] = [];
    for (let i = 0; i < events.length; i++) {
      const r = refs[i];
      if (!r) continue;
      const person = personOf(r);
      if (typeof person !== 'string') {
        report({ at: `events[${i}].person.${r.kind}`, message: person.message });
        continue;
      }
      const p = prepared[i];
      if (!p) continue;
      const id = uuidv7();
      resolvedIds.push(id);
      rows.push({
        id,
        person_id: person,
        category: p.category.id,
        occurred_at: p.occurredAt,
        data: p.data,
        source: p.source,
      });
    }
    if (problems.length > 0) {
      problems.sort((a, b) => eventIndex(a.at) - eventIndex(b.at));
      const shown = problems.slice(0, MAX_PROBLEMS);
      if (problems.length > MAX_PROBLEMS) {
        shown.push({ at: 'events', message: `and ${problems.length - MAX_PROBLEMS} more problems` });
      }
      throw new LupausError(undeclared ? 'FIELD_NOT_DECLARED' : 'VALIDATION_FAILED', {}, shown);
    }

    // PGlite has one connection: nobody can delete a person between the lookup and the insert. A server can.
    if (reg.dbKind === 'postgres') await lockPersons(tx, [...new Set(rows.map((r) => r.person_id))]);
    await insertInteractionBatch(tx, {
      rows,
      recordedAt: now,
      actor: actor.id,
      purpose,
      contactCategories: [...contacts],
      auditKey: reg.vault.auditKey,
    });
    return { ids: resolvedIds, persons: new Set(rows.map((r) => r.person_id)).size };
  });
}

function eventIndex(at: string): number {
  const m = /^events\[(\d+)\]/.exec(at);
  return m ? Number(m[1]) : -1;
}
