import { emailKey, LupausError, type ProblemDetail } from '@lupaus/core';
import {
  type Executor,
  findMergedInto,
  insertAudit,
  loadContactPoints,
  type PersonRow,
  type PersonUpdate,
} from '@lupaus/db';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { addresseeName, contactHash } from '../consents/consent-policy';
import type { Actor, Register } from '../context';
import { ERASURE_MARKS } from '../erasure/erase-person';
import { crashPoint } from '../faults/crash-point';
import { type PersonView, personView, searchNameOf, writeLists } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';

/**
 * Every column that names a person, and what a merge does with the merged person's rows in it. The R2.7 test
 * compares this list with the database's (information_schema): a new table with a person column fails the suite
 * until it is handled here.
 */
export const PERSON_COLUMNS: Record<string, string> = {
  'persons.id': 'the merged row is deleted once everything else has moved',
  'person_emails.person_id': 'united into the kept person: duplicates (by lower-cased key) dropped',
  'person_phones.person_id': 'united into the kept person: duplicates dropped',
  'person_addresses.person_id': 'united into the kept person: duplicates (same address) dropped',
  'contact_roles.person_id': 'moved',
  'interactions.person_id': 'moved',
  'orders.person_id': 'moved',
  'invoices.person_id': 'moved',
  'collection_cases.person_id': 'moved',
  'loyalty_memberships.person_id': 'moved',
  'files.person_id': 'moved',
  'legal_holds.person_id': 'moved',
  'provenance.person_id':
    'moved (records, roles); of the person’s own fields only those taken from the merged person',
  'consents.person_id': 'moved with their history (append-only: re-inserted under the kept person)',
  'restrictions.person_id': 'moved: a restriction of either holds',
  'objections.person_id': 'moved: an objection of either holds',
  'requests.person_id': 'moved',
  'disclosure_log.person_id': 'moved (append-only: re-inserted under the kept person)',
  'notifications.person_id': 'moved',
  'breach_persons.person_id': 'moved (once per breach)',
  'person_not_duplicates.person_a': 'moved (the pair of the two merged persons goes)',
  'person_not_duplicates.person_b': 'moved (the pair of the two merged persons goes)',
  'person_merges.kept_id': 'earlier merges into the merged person now name the kept one',
  'person_merges.merged_id': 'the record of this merge',
  'audit_log.person_id': 'not moved: the audit trail says what happened to whom then (append-only)',
  'audit_log.person_ids': 'not moved: the audit trail says what happened to whom then (append-only)',
};

/** Tables whose rows simply change person. */
const MOVED_TABLES = [
  'contact_roles',
  'interactions',
  'orders',
  'invoices',
  'collection_cases',
  'loyalty_memberships',
  'files',
  'legal_holds',
  'restrictions',
  'objections',
  'requests',
  'notifications',
] as const;

/** Append-only tables (a trigger refuses UPDATE): their rows are deleted and re-inserted, same ids and values. */
const APPEND_ONLY_TABLES = ['consents', 'disclosure_log'] as const;

export interface MergePersonsInput {
  /** The person who stays. */
  keep: string;
  /** The person merged into `keep`: their row goes, everything pointing at them moves. */
  other: string;
  /** Per single-valued field, whose value stays; by default the kept person's unless it is empty. */
  take?: Record<string, 'keep' | 'other'> | undefined;
  purpose?: string | undefined;
}

export interface MergeResult {
  mergeId: string;
  keptId: string;
  mergedId: string;
  at: string;
  /** Rows moved to the kept person, per table. */
  moved: Record<string, number>;
  /** Fields whose value now comes from the merged person. */
  fieldsTaken: string[];
  /** Fields whose value the merged person had and that were not kept (their values are gone). */
  fieldsDropped: string[];
  /** Consent rows added so that a withdrawal or prohibition of either person holds (most restrictive wins). */
  consentsAdded: number;
  /** Suppression entries added for the kept name at an address suppressed for the merged person's name. */
  suppressionsAdded: number;
  person: PersonView;
}

const rowCount = (r: { numAffectedRows?: bigint; numUpdatedRows?: bigint; numDeletedRows?: bigint }) =>
  Number(r.numAffectedRows ?? r.numUpdatedRows ?? r.numDeletedRows ?? 0n);

type ListField = 'email' | 'phone' | 'address';
const LIST_FIELDS: ListField[] = ['email', 'phone', 'address'];
const COLUMN_FIELDS = new Set(['first_name', 'last_name', 'nickname', 'customer_number']);

/**
 * Merges person OTHER into person KEEP (R2.7), in one transaction:
 *
 * - single-valued fields keep KEEP's value unless it is empty, in which case OTHER's is taken; `take:
 *   { field: 'other' }` takes OTHER's value instead (OTHER must have one). Emails, phones and addresses are
 *   united (KEEP's first, in order; a duplicate, by email key, phone number or whole address, once);
 * - uniqueness: two different hetus are two different people, so the merge is refused (CONFLICT). Two
 *   different customer numbers: KEEP's stays and OTHER's is dropped (the merge record names the field
 *   `customer_number` in `fieldsDropped`, never the value), unless `take: { customer_number: 'other' }`;
 * - every row that points at OTHER moves to KEEP (`PERSON_COLUMNS` lists them all): records, files, consents
 *   with their history, objections, restrictions, requests, disclosures, notifications, contact roles, legal
 *   holds, breach persons and the provenance of moved facts. The person's creation is the earlier of the two, the
 *   last contact the later; the relationship has ended only if both had ended (then at the later end);
 * - the most restrictive choice wins: for each channel and purpose where the latest choice of either person was
 *   a withdrawal or a prohibition but the latest of the two together is a consent, a row repeating that
 *   withdrawal or prohibition is appended (evidence: this merge), so that the marketing gate leaves the merged
 *   person out. A restriction or objection of either moves, so it holds too. An address suppressed for OTHER's
 *   name is suppressed for the kept name as well;
 * - OTHER's row is deleted; `person_merges` records the merge (ids, time, actor, counts moved and field names
 *   taken and dropped) so that a later lookup of OTHER's id answers PERSON_MERGED naming KEEP; one chained
 *   audit row names both persons (ids and field names only).
 *
 * Refused, with nothing written: merging a person with itself, an unknown id (an id merged earlier answers
 * PERSON_MERGED), a person waiting for erasure or anonymisation, a `take` naming an undeclared or list field
 * or a field OTHER has no value of, and two different hetus.
 *
 * @example
 * ```ts
 * const r = await mergePersons(reg, actor, { keep: a.id, other: b.id, take: { last_name: 'other' } });
 * r.moved; // { orders: 2, consents: 3, interactions: 14, ... }
 * await getPerson(reg, actor, b.id); // throws PERSON_MERGED, details.mergedInto === a.id
 * ```
 */
export async function mergePersons(
  reg: Register,
  actor: Actor,
  input: MergePersonsInput,
): Promise<MergeResult> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input?.purpose);
  const keepId = requireId(input?.keep, 'person', 'keep');
  const otherId = requireId(input?.other, 'person', 'other');
  const problems: ProblemDetail[] = [];
  if (keepId === otherId) {
    problems.push({
      at: 'other',
      message: 'a person cannot be merged with itself: give two different persons',
    });
  }
  const take = input.take ?? {};
  if (typeof take !== 'object' || take === null || Array.isArray(take)) {
    problems.push({ at: 'take', message: 'take is an object of field: "keep" | "other"' });
  } else {
    for (const [field, side] of Object.entries(take)) {
      const f = reg.catalogue.field('person', field);
      if (!f)
        problems.push({ at: `take.${field}`, message: `the definition declares no person field ${field}` });
      else if ((LIST_FIELDS as string[]).includes(field) || f.multiple) {
        problems.push({
          at: `take.${field}`,
          message: `${field} holds a list, which a merge unites: there is nothing to choose`,
        });
      }
      if (side !== 'keep' && side !== 'other') {
        problems.push({ at: `take.${field}`, message: 'choose "keep" or "other"' });
      }
    }
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);

  const merged = await reg.db.transaction().execute(async (tx) => {
    const now = reg.clock.now();
    // Both rows locked (in id order, so that two merges never deadlock), which also waits for an ingestion.
    const rows = await tx
      .selectFrom('persons')
      .selectAll()
      .where('id', 'in', [keepId, otherId])
      .orderBy('id')
      .forUpdate()
      .execute();
    const keep = await requireMergeable(tx, rows, keepId, 'keep');
    const other = await requireMergeable(tx, rows, otherId, 'other');
    crashPoint('merge.tx.after-lock');

    // ---- The person's own fields.
    const plan = planFields(reg, keep, other, take);
    const keepPoints = await loadContactPoints(tx, keepId);
    const otherPoints = await loadContactPoints(tx, otherId);
    const lists = uniteLists(keepPoints, otherPoints);
    const moved: Record<string, number> = {};
    for (const f of LIST_FIELDS) if (lists.added[f] > 0) moved[`person_${f}s`] = lists.added[f];

    // Suppressions keyed by OTHER's name at an address: carried to the kept name (computed before the rows move).
    const keptName = addresseeName(plan.columns.first_name ?? null, plan.columns.last_name ?? null);
    const suppressionsAdded = await carryNamedSuppressions(
      tx,
      reg,
      actor,
      addresseeName(other.first_name, other.last_name),
      keptName,
      lists.addresses,
      now,
    );

    crashPoint('merge.tx.after-fields');
    // ---- The latest consent choices of each person before anything moves.
    const latest = await latestChoices(tx, [keepId, otherId]);

    // ---- Every row pointing at OTHER moves.
    for (const table of MOVED_TABLES) {
      const n = rowCount(
        await sql`update ${sql.table(table)} set person_id = ${keepId} where person_id = ${otherId}`.execute(
          tx,
        ),
      );
      if (n > 0) moved[table] = n;
    }
    for (const table of APPEND_ONLY_TABLES) {
      const n = await reinsertUnder(tx, table, otherId, keepId);
      if (n > 0) moved[table] = n;
    }
    const breaches = rowCount(
      await sql`insert into breach_persons (breach_id, person_id, added_at, notified_at)
        select breach_id, ${keepId}, added_at, notified_at from breach_persons where person_id = ${otherId}
        on conflict (breach_id, person_id) do nothing`.execute(tx),
    );
    await sql`delete from breach_persons where person_id = ${otherId}`.execute(tx);
    if (breaches > 0) moved.breach_persons = breaches;
    // "Not a duplicate" judgements of OTHER hold for KEEP; the pair of the two goes.
    await sql`insert into person_not_duplicates (person_a, person_b, at, by)
      select least(x, ${keepId}::uuid), greatest(x, ${keepId}::uuid), at, by from (
        select case when person_a = ${otherId}::uuid then person_b else person_a end as x, at, by
        from person_not_duplicates where person_a = ${otherId}::uuid or person_b = ${otherId}::uuid
      ) t where x <> ${keepId}::uuid
      on conflict (person_a, person_b) do nothing`.execute(tx);
    await sql`delete from person_not_duplicates where person_a = ${otherId} or person_b = ${otherId}`.execute(
      tx,
    );
    const earlier = rowCount(
      await sql`update person_merges set kept_id = ${keepId} where kept_id = ${otherId}`.execute(tx),
    );
    if (earlier > 0) moved.person_merges = earlier;
    // Files attached to the person itself (not to a record), should there be any.
    await sql`update files set entity_id = ${keepId} where entity_type = 'person' and entity_id = ${otherId}`.execute(
      tx,
    );

    // Provenance: of records and roles, it moves; of the person's own fields, only those now taken from OTHER
    // (and of a list KEEP had no provenance for), which replace KEEP's.
    const prov = rowCount(
      await sql`update provenance set person_id = ${keepId}
        where person_id = ${otherId} and not (entity_type = 'person' and entity_id = ${otherId})`.execute(tx),
    );
    const keepProv = await tx
      .selectFrom('provenance')
      .select('field')
      .where('entity_type', '=', 'person')
      .where('entity_id', '=', keepId)
      .execute();
    const keepHas = new Set(keepProv.map((p) => p.field));
    const provFields = [...plan.taken, ...LIST_FIELDS.filter((f) => lists.added[f] > 0 && !keepHas.has(f))];
    let personProv = 0;
    if (provFields.length > 0) {
      await tx
        .deleteFrom('provenance')
        .where('entity_type', '=', 'person')
        .where('entity_id', '=', keepId)
        .where('field', 'in', provFields)
        .execute();
      personProv = rowCount(
        await tx
          .updateTable('provenance')
          .set({ entity_id: keepId, person_id: keepId })
          .where('entity_type', '=', 'person')
          .where('entity_id', '=', otherId)
          .where('field', 'in', provFields)
          .executeTakeFirst(),
      );
    }
    await tx
      .deleteFrom('provenance')
      .where('entity_type', '=', 'person')
      .where('entity_id', '=', otherId)
      .execute();
    if (prov + personProv > 0) moved.provenance = prov + personProv;
    crashPoint('merge.tx.after-moves');

    // ---- Most restrictive consent wins.
    const consentsAdded = await keepRestrictiveChoices(tx, reg, actor, keepId, otherId, latest, now);
    crashPoint('merge.tx.after-consents');

    // ---- OTHER's row goes (its contact points with it), then KEEP takes the merged values.
    await tx.deleteFrom('persons').where('id', '=', otherId).execute();
    await tx
      .updateTable('persons')
      .set({
        ...(plan.columns as PersonUpdate),
        attributes: JSON.stringify(plan.attributes),
        search_name: searchNameOf(
          plan.columns.first_name ?? null,
          plan.columns.last_name ?? null,
          plan.columns.nickname ?? null,
        ),
        created_at: earliest(keep.created_at, other.created_at),
        last_contact_at: latestOf(keep.last_contact_at, other.last_contact_at),
        ...relationshipEnd(keep, other),
        updated_at: now,
        updated_by: actor.id,
      })
      .where('id', '=', keepId)
      .execute();
    await writeLists(tx, keepId, { email: lists.emails, phone: lists.phones, address: lists.addressValues });
    crashPoint('merge.tx.after-delete-other');

    // ---- The record of the merge and its audit row.
    const mergeId = uuidv7();
    await tx
      .insertInto('person_merges')
      .values({
        id: mergeId,
        kept_id: keepId,
        merged_id: otherId,
        at: now,
        by: actor.id,
        moved: JSON.stringify(moved),
        fields_taken: plan.taken,
        fields_dropped: plan.dropped,
      })
      .execute();
    crashPoint('merge.tx.after-record');
    await insertAudit(tx, reg.vault.auditKey, [
      {
        at: now,
        actor: actor.id,
        action: 'merge',
        entityType: 'person',
        entityId: keepId,
        personId: keepId,
        personIds: [keepId, otherId],
        purpose,
        details: {
          mergeId,
          kept: keepId,
          merged: otherId,
          moved,
          fieldsTaken: plan.taken,
          fieldsDropped: plan.dropped,
          consentsAdded,
          suppressionsAdded,
        },
      },
    ]);
    crashPoint('merge.tx.after-audit');
    const row = await tx.selectFrom('persons').selectAll().where('id', '=', keepId).executeTakeFirstOrThrow();
    return {
      mergeId,
      keptId: keepId,
      mergedId: otherId,
      at: now.toISOString(),
      moved,
      fieldsTaken: plan.taken,
      fieldsDropped: plan.dropped,
      consentsAdded,
      suppressionsAdded,
      person: await personView(tx, reg, actor, row),
    };
  });
  crashPoint('merge.after-commit');
  return merged;
}

async function requireMergeable(tx: Executor, rows: PersonRow[], id: string, at: 'keep' | 'other') {
  const row = rows.find((r) => r.id === id);
  if (!row) {
    const merged = await findMergedInto(tx, id);
    if (merged) {
      throw new LupausError('PERSON_MERGED', { id, mergedInto: merged.keptId }, [
        { at, message: `person ${id} was merged into person ${merged.keptId} on ${merged.at.toISOString()}` },
      ]);
    }
    throw new LupausError('NOT_FOUND', { id }, [{ at, message: `no person ${id}` }]);
  }
  if (row.relationship_end_reason && Object.values(ERASURE_MARKS).includes(row.relationship_end_reason)) {
    throw new LupausError('VALIDATION_FAILED', { id }, [
      {
        at,
        message: `person ${id} is being erased or anonymised (waiting for a blocker): what is left of them cannot be merged`,
      },
    ]);
  }
  return row;
}

interface FieldPlan {
  columns: { first_name?: string | null; last_name?: string | null; nickname?: string | null } & Record<
    string,
    unknown
  >;
  attributes: Record<string, unknown>;
  taken: string[];
  dropped: string[];
}

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

function planFields(
  reg: Register,
  keep: PersonRow,
  other: PersonRow,
  take: Record<string, 'keep' | 'other'>,
): FieldPlan {
  const columns: FieldPlan['columns'] = {
    first_name: keep.first_name,
    last_name: keep.last_name,
    nickname: keep.nickname,
  };
  const keepAttrs = (keep.attributes ?? {}) as Record<string, unknown>;
  const otherAttrs = (other.attributes ?? {}) as Record<string, unknown>;
  const attributes: Record<string, unknown> = { ...keepAttrs };
  const taken: string[] = [];
  const dropped: string[] = [];
  const problems: ProblemDetail[] = [];
  const conflicts: ProblemDetail[] = [];
  for (const f of reg.catalogue.fieldsOf('person')) {
    const id = f.id;
    if ((LIST_FIELDS as string[]).includes(id) || f.multiple) {
      if (!(LIST_FIELDS as string[]).includes(id)) {
        // A declared list kept in attributes: united too.
        const a = Array.isArray(keepAttrs[id]) ? (keepAttrs[id] as unknown[]) : [];
        const b = Array.isArray(otherAttrs[id]) ? (otherAttrs[id] as unknown[]) : [];
        const seen = new Set(a.map((x) => JSON.stringify(x)));
        const united = [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
        if (united.length > a.length) {
          attributes[id] = united;
          taken.push(id);
        }
      }
      continue;
    }
    if (id === 'hetu') {
      const k = keep.hetu_lookup ? Buffer.from(keep.hetu_lookup) : null;
      const o = other.hetu_lookup ? Buffer.from(other.hetu_lookup) : null;
      if (k && o && !k.equals(o)) {
        conflicts.push({
          at: 'hetu',
          message: 'the two persons have different personal identity codes: they are two different people',
        });
      } else if (!k && o && take[id] === 'keep') {
        dropped.push(id);
      } else if (!k && o) {
        columns.hetu_cipher = other.hetu_cipher;
        columns.hetu_lookup = other.hetu_lookup;
        taken.push(id);
      } else if (take[id] === 'other' && !o) {
        problems.push({ at: `take.${id}`, message: `the person merged in has no ${id} to take` });
      }
      continue;
    }
    const column = COLUMN_FIELDS.has(id);
    const kv = column ? keep[id as 'first_name'] : keepAttrs[id];
    const ov = column ? other[id as 'first_name'] : otherAttrs[id];
    const wantOther = take[id] === 'other';
    if (wantOther && isEmpty(ov)) {
      problems.push({ at: `take.${id}`, message: `the person merged in has no ${id} to take` });
      continue;
    }
    const same = JSON.stringify(kv ?? null) === JSON.stringify(ov ?? null);
    const useOther = !isEmpty(ov) && !same && (wantOther || (isEmpty(kv) && take[id] !== 'keep'));
    if (useOther) {
      if (column) columns[id] = ov;
      else attributes[id] = ov;
      taken.push(id);
    } else if (!isEmpty(ov) && !same) {
      dropped.push(id);
      if (column) columns[id] = kv ?? null;
    } else if (column) columns[id] = kv ?? null;
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  if (conflicts.length > 0) throw new LupausError('CONFLICT', {}, conflicts);
  return { columns, attributes, taken, dropped };
}

interface AddressValue {
  street?: string;
  poBox?: string;
  postalCode?: string;
  city?: string;
  country: string;
}

function uniteLists(
  keep: Awaited<ReturnType<typeof loadContactPoints>>,
  other: Awaited<ReturnType<typeof loadContactPoints>>,
) {
  const emails = [...keep.emails];
  const emailKeys = new Set(emails.map((e) => emailKey(e)));
  let addedEmails = 0;
  for (const e of other.emails) {
    if (emailKeys.has(emailKey(e))) continue;
    emailKeys.add(emailKey(e));
    emails.push(e);
    addedEmails++;
  }
  const phones = [...keep.phones];
  let addedPhones = 0;
  for (const p of other.phones) {
    if (phones.includes(p)) continue;
    phones.push(p);
    addedPhones++;
  }
  const norm = (s: string | null) => (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  const addrKey = (a: (typeof keep.addresses)[number]) =>
    [a.street, a.po_box, a.postal_code, a.city, a.country].map(norm).join('|');
  const addresses = [...keep.addresses];
  const seen = new Set(addresses.map(addrKey));
  let addedAddresses = 0;
  for (const a of other.addresses) {
    if (seen.has(addrKey(a))) continue;
    seen.add(addrKey(a));
    addresses.push(a);
    addedAddresses++;
  }
  const addressValues: AddressValue[] = addresses.map((a) => ({
    ...(a.street ? { street: a.street } : {}),
    ...(a.po_box ? { poBox: a.po_box } : {}),
    ...(a.postal_code ? { postalCode: a.postal_code } : {}),
    ...(a.city ? { city: a.city } : {}),
    country: a.country,
  }));
  return {
    emails,
    phones,
    addresses,
    addressValues,
    added: { email: addedEmails, phone: addedPhones, address: addedAddresses } as Record<ListField, number>,
  };
}

/** Deletes OTHER's rows of an append-only table and inserts them again, unchanged but for the person. */
async function reinsertUnder(
  tx: Executor,
  table: (typeof APPEND_ONLY_TABLES)[number],
  otherId: string,
  keepId: string,
): Promise<number> {
  const cols = (
    await sql<{ column_name: string }>`select column_name from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(tx)
  ).rows.map((r) => r.column_name);
  const list = sql.join(cols.map((c) => sql.ref(c)));
  const values = sql.join(cols.map((c) => (c === 'person_id' ? sql`${keepId}::uuid` : sql.ref(`gone.${c}`))));
  const r = await sql`with gone as (delete from ${sql.table(table)} where person_id = ${otherId} returning *)
    insert into ${sql.table(table)} (${list}) select ${values} from gone`.execute(tx);
  return rowCount(r);
}

interface Choice {
  person_id: string;
  channel: string;
  purpose: string;
  state: 'given' | 'withdrawn' | 'prohibited';
  at: Date;
  id: string;
  source: string;
  notice_version: number;
}

/** The latest consent row of each person, channel and purpose (the gate's rule: by `at`, then id). */
async function latestChoices(tx: Executor, ids: string[]): Promise<Choice[]> {
  return (
    await sql<Choice>`select distinct on (person_id, channel, purpose)
        person_id, channel, purpose, state, at, id, source, notice_version
      from consents where person_id in (${sql.join(ids)})
      order by person_id, channel, purpose, at desc, id desc`.execute(tx)
  ).rows;
}

/**
 * For each channel and purpose: when the latest choice of either person was a withdrawal or a prohibition and
 * the latest of the two together (now all KEEP's) is a consent, appends the restrictive choice again (a
 * prohibition over a withdrawal), dated now, with its original source and notice version and this merge as its
 * evidence. Returns the rows added.
 */
async function keepRestrictiveChoices(
  tx: Executor,
  reg: Register,
  actor: Actor,
  keepId: string,
  otherId: string,
  before: Choice[],
  now: Date,
): Promise<number> {
  const byKey = new Map<string, Choice[]>();
  for (const c of before) {
    const k = `${c.channel}\u0000${c.purpose}`;
    byKey.set(k, [...(byKey.get(k) ?? []), c]);
  }
  const later = (x: Choice, y: Choice) => {
    const dx = new Date(x.at).getTime();
    const dy = new Date(y.at).getTime();
    return dx !== dy ? dx > dy : x.id > y.id;
  };
  let added = 0;
  for (const choices of byKey.values()) {
    const restrictive = choices.filter((c) => c.state !== 'given');
    if (restrictive.length === 0) continue;
    const overall = choices.reduce((a, b) => (later(b, a) ? b : a));
    if (overall.state !== 'given') continue;
    const winner = restrictive.find((c) => c.state === 'prohibited') ?? restrictive[0]!;
    const at = new Date(Math.max(now.getTime(), new Date(overall.at).getTime() + 1));
    await tx
      .insertInto('consents')
      .values({
        id: uuidv7(),
        person_id: keepId,
        channel: winner.channel,
        purpose: winner.purpose,
        state: winner.state,
        at,
        source: winner.source,
        evidence_text: `Merge of person ${otherId} into ${keepId}: the ${winner.state === 'prohibited' ? 'prohibition' : 'withdrawal'} of person ${winner.person_id} holds over the consent of person ${overall.person_id} (the most restrictive choice wins, R2.7).`,
        evidence_file_id: null,
        notice_version: winner.notice_version,
        request_id: null,
        recorded_at: now,
        recorded_by: actor.id,
      })
      .execute();
    added++;
  }
  void reg;
  return added;
}

/**
 * A postal address suppressed for OTHER's name (a personal prohibition, an ASML entry) is suppressed for the
 * kept name too, for the same channel, purpose, reason and end, so that the merge does not bring the address
 * back into marketing under the other name.
 */
async function carryNamedSuppressions(
  tx: Executor,
  reg: Register,
  actor: Actor,
  otherName: string,
  keptName: string,
  addresses: {
    street: string | null;
    po_box: string | null;
    postal_code: string | null;
    city: string | null;
    country: string;
  }[],
  now: Date,
): Promise<number> {
  if (otherName === keptName || otherName === '' || addresses.length === 0) return 0;
  const pairs = addresses.map((a) => {
    const base = {
      street: a.street,
      poBox: a.po_box,
      postalCode: a.postal_code,
      city: a.city,
      country: a.country,
    };
    return {
      from: contactHash(reg, 'address', { ...base, name: otherName }),
      to: contactHash(reg, 'address', { ...base, name: keptName }),
    };
  });
  const found = await tx
    .selectFrom('suppressions')
    .selectAll()
    .where('kind', '=', 'address')
    .where(
      'value_hash',
      'in',
      pairs.map((p) => p.from),
    )
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', now)]))
    .execute();
  let added = 0;
  for (const s of found) {
    const to = pairs.find((p) => p.from.equals(Buffer.from(s.value_hash)))!.to;
    const exists = await tx
      .selectFrom('suppressions')
      .select('id')
      .where('kind', '=', 'address')
      .where('channel', '=', s.channel)
      .where('value_hash', '=', to)
      .where((eb) => (s.purpose === null ? eb('purpose', 'is', null) : eb('purpose', '=', s.purpose)))
      .executeTakeFirst();
    if (exists) continue;
    await tx
      .insertInto('suppressions')
      .values({
        id: uuidv7(),
        channel: s.channel,
        kind: 'address',
        value_hash: to,
        purpose: s.purpose,
        reason: s.reason,
        list_name: s.list_name,
        valid_until: s.valid_until,
        added_at: now,
        added_by: actor.id,
      })
      .execute();
    added++;
  }
  return added;
}

const earliest = (a: Date, b: Date) => (new Date(a).getTime() <= new Date(b).getTime() ? a : b);
const latestOf = (a: Date | null, b: Date | null) =>
  a === null ? b : b === null ? a : new Date(a).getTime() >= new Date(b).getTime() ? a : b;

/** The relationship has ended only if both had ended: then at the later end, with its reason. */
function relationshipEnd(keep: PersonRow, other: PersonRow) {
  if (keep.relationship_ended_at === null || other.relationship_ended_at === null) {
    return { relationship_ended_at: null, relationship_end_reason: null };
  }
  const laterIsOther =
    new Date(other.relationship_ended_at).getTime() > new Date(keep.relationship_ended_at).getTime();
  const from = laterIsOther ? other : keep;
  return {
    relationship_ended_at: from.relationship_ended_at,
    relationship_end_reason: from.relationship_end_reason,
  };
}
