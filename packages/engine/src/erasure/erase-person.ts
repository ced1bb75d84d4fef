import { anonymiseData, type RecordHolder } from '@lupaus/core';
import {
  arrayLiteral,
  clearScrubs,
  type Executor,
  hasPendingScrubs,
  insertAudit,
  pendingScrubs,
  queueFileDeletions,
  queueScrub,
  RECORD_TABLES,
  type RecordTableHolder,
} from '@lupaus/db';
import { sql } from 'kysely';
import { journalErasures } from '../backup/erasure-journal';
import { channels, purposes } from '../consents/consent-policy';
import { suppressPersonIn } from '../consents/suppress-person';
import type { Actor, Register } from '../context';
import { crashPoint } from '../faults/crash-point';
import { deleteFilesOfPersons, drainFileDeletions } from '../files/delete-files';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import { completeRequestIn } from '../requests/complete-request';
import { requireVerifiedRequestIn } from '../requests/require-verified-request';
import { earlierErasure } from './earlier-erasure';
import { erasePersonFields, writeAnonymisedRecords } from './erase-person-fields';
import { decideErasureIn } from './erasure-blockers';

/**
 * Erasure on request (R4.4, GDPR art. 17) and anonymisation on request (R4.9): everything of a person goes as
 * the data catalogue says, in one transaction, except what a blocker holds.
 *
 * What goes, in this order:
 * 1. prohibitions and direct-marketing objections become suppression entries (keyed hashes of the contact
 *    points, `suppressPersonIn`) before the contact points go, so that a later import does not bring the person
 *    back into marketing;
 * 2. every recipient the person's data was disclosed to (disclosure log, with an email address) gets an art. 19
 *    notice in the outbox; the notice names the disclosure by its log reference, time and categories, never the
 *    person, so that the outbox holds no copy of what was erased;
 * 3. records (interactions, orders, invoices, collection cases, loyalty): deleted (strategy `delete`, and
 *    `keep` once its retention has ended) or anonymised (strategy `anonymise`: unlinked from the person, each
 *    value anonymised by its type, `anonymised_at` set); in anonymisation mode every record not held is
 *    anonymised, whatever its strategy, so that the statistics stay;
 * 4. files (the rows now, the bytes after the commit), provenance, consents, restrictions, objections, the
 *    disclosure log, ended contact roles and legal holds no longer active, unsent notices about the person;
 * 5. the person's own fields (`erasePersonFields`), and the person row itself when nothing blocks. The person's
 *    requests stay (their person link becomes null; their outcome holds counts and blocker ids only) and audit
 *    rows stay (they hold ids and field names only).
 *
 * What blocks (each named with its end, `until`, a date through which it holds, or null when open-ended):
 * an open invoice (the invoice, its order and its collection cases stay), an open debt collection case, data of a
 * category whose erasure strategy is `keep` (a legal reason such as the Accounting Act) until its retention due
 * date (`kind: 'retention'`, computed by the core's `dueDate`; the erasure counts as the end of the customer
 * relationship), an active contact-person role, an active legal hold on the person or on a category of theirs.
 *
 * A blocked erasure erases the rest and keeps the person row with the least the held data needs: names and
 * customer number while any record is held (a record must say whose it is); the postal address too while an
 * invoice or collection case is open (a debt must be claimable); names, email and phone and the categories kept
 * "while a contact person" while a contact role lasts; the fields of a category under a legal hold; everything
 * under a legal hold on the whole person. The row's relationship end is recorded (reason `erasure` or
 * `anonymisation`), which marks it for `resumeBlockedErasures`, run after every retention sweep, to finish when
 * the blockers have ended.
 *
 * Old versions of deleted rows stay in the database files until they are vacuumed; see `scrubErasedData`.
 *
 * @example
 * ```ts
 * const r = await erasePerson(reg, actor, { personId, requestId });
 * r.state; // 'blocked'
 * r.blockers; // [{ kind: 'open_invoice', id: '0193…', until: null }]
 * ```
 */
export type ErasureMode = 'erase' | 'anonymise';

export type ErasureBlocker =
  | { kind: 'open_invoice'; id: string; until: null }
  | { kind: 'open_collection'; id: string; until: null }
  | { kind: 'contact_role'; id: string; until: string | null }
  | { kind: 'legal_hold'; id: string; category: string | null; until: string }
  | { kind: 'retention'; category: string; rule: string; count: number; until: string | null };

export interface ErasureCounts {
  /** Records deleted. */
  deleted: number;
  /** Records anonymised (unlinked, kept for statistics). */
  anonymised: number;
  /** Records kept by a blocker. */
  kept: number;
  /** Person fields that lost their value (deleted or anonymised). */
  fields: number;
  files: number;
  provenance: number;
  consents: number;
  restrictions: number;
  objections: number;
  disclosures: number;
  contactRoles: number;
  legalHolds: number;
  notifications: number;
  /** Art. 19 notices put in the outbox for recipients. */
  notices: number;
  /** Suppression entries added from prohibitions and objections. */
  suppressions: number;
  /** 1 when the person row itself went. */
  person: number;
}

export interface ErasureResult {
  personId: string;
  mode: ErasureMode;
  state: 'completed' | 'blocked';
  erased: ErasureCounts;
  blockers: ErasureBlocker[];
  /** Person fields the held data keeps on the person row while blocked (field ids; those with a value stay). */
  keptFields: string[];
}

export interface ErasePersonInput {
  personId: string;
  /** A verified erasure request about this person: completed, or marked blocked with the blockers. */
  requestId?: string | undefined;
  /** The purpose in the audit rows: a purpose of the definition; by default `erasure` (art. 17). */
  purpose?: string | undefined;
}

/** The relationship-end reason that marks a person whose erasure (or anonymisation) waits for a blocker. */
export const ERASURE_MARKS: Record<ErasureMode, string> = { erase: 'erasure', anonymise: 'anonymisation' };
export const ERASURE_PURPOSE = 'erasure';
export const ANONYMISATION_PURPOSE = 'anonymisation';

const REQUEST_TYPE: Record<ErasureMode, 'erasure' | 'anonymisation'> = {
  erase: 'erasure',
  anonymise: 'anonymisation',
};

export async function erasePerson(
  reg: Register,
  actor: Actor,
  input: ErasePersonInput,
): Promise<ErasureResult> {
  authorize(reg, actor, 'requests.manage');
  return runErasure(reg, actor, input, 'erase');
}

/** Shared by erasePerson and anonymisePerson: checks the input, runs one transaction, removes the bytes. */
export async function runErasure(
  reg: Register,
  actor: Actor,
  input: ErasePersonInput,
  mode: ErasureMode,
): Promise<ErasureResult> {
  authorize(reg, actor, 'requests.manage');
  const personId = requireId(input?.personId, 'person', 'personId');
  const requestId =
    input.requestId === undefined ? undefined : requireId(input.requestId, 'request', 'requestId');
  const purpose =
    input.purpose === undefined
      ? mode === 'erase'
        ? ERASURE_PURPOSE
        : ANONYMISATION_PURPOSE
      : resolvePurpose(reg, input.purpose);
  const result = await reg.db.transaction().execute(async (tx) => {
    // A rerun after a crash that followed the commit: the earlier result (issue 8).
    const earlier = await earlierErasure(tx, mode, personId, requestId);
    if (earlier) return earlier;
    if (requestId) await requireVerifiedRequestIn(tx, reg, requestId, { type: REQUEST_TYPE[mode], personId });
    crashPoint('erasure.tx.after-request-check');
    // Earlier requests that wait for this person's blockers: completed with this erasure if it completes.
    const waiting = (await blockedRequestsOf(tx, personId)).filter((id) => id !== requestId);
    const r = await erasePersonIn(tx, reg, actor, personId, { mode, purpose, requestId: requestId ?? null });
    const outcome = erasureOutcome(r);
    if (requestId) {
      await completeRequestIn(tx, reg, actor, requestId, {
        state: r.state === 'blocked' ? 'blocked' : 'completed',
        outcome,
      });
    }
    if (r.state === 'completed') {
      for (const id of waiting) await completeRequestIn(tx, reg, actor, id, { state: 'completed', outcome });
    }
    crashPoint('erasure.tx.after-request-complete');
    return r;
  });
  crashPoint('erasure.after-commit');
  // Outside the database, for a restore to replay (issue 8); a crash before it is caught up at the next open.
  journalErasures(reg, [{ kind: mode, person: personId }]);
  if (result.erased.files > 0) await drainFileDeletions(reg);
  return result;
}

/** The person's erasure and anonymisation requests that wait for a blocker (locked until the transaction ends). */
export async function blockedRequestsOf(tx: Executor, personId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('requests')
    .select('id')
    .where('person_id', '=', personId)
    .where('state', '=', 'blocked')
    .where('type', 'in', ['erasure', 'anonymisation'])
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** What a request's outcome records of an erasure: counts, blocker kinds, ids and dates; no identifiers. */
export function erasureOutcome(r: ErasureResult): Record<string, unknown> {
  return {
    mode: r.mode,
    state: r.state,
    erased: r.erased,
    blockers: r.blockers,
    keptFields: r.keptFields,
  };
}

/**
 * Whether an erasure committed since the last scrub, by any process (its mark in `scrub_queue`, written in the
 * erasure's transaction, migration 0011), so that the database files still hold old versions of erased rows.
 *
 * @example
 * ```ts
 * if (await scrubPending(reg)) await scrubErasedData(reg);
 * ```
 */
export async function scrubPending(reg: Register): Promise<boolean> {
  return hasPendingScrubs(reg.db);
}

/**
 * Removes what deleted rows leave behind in the database files (R4.4: "none of the person's identifiers" in the
 * data directory). A deleted row's bytes stay in its table's and indexes' pages until they are rewritten, and in
 * the write-ahead log until its segments are removed. On PGlite (the data directory) this rewrites every table
 * (`VACUUM FULL`), turns off WAL segment recycling for the session (a recycled segment keeps its old bytes) and
 * moves the WAL on past two checkpoints, so that the segments holding the erased rows are deleted. It locks the
 * tables while they are rewritten. On a PostgreSQL server it vacuums the tables of personal data (a plain
 * `VACUUM`, which takes no lock that stops reads or writes: a daily `VACUUM FULL` of a table of millions of
 * interactions would stop the register for its duration): the erased rows are gone from every query and dump
 * at once, their space is freed for reuse, and the bytes left in freed space, the WAL archive and backups are
 * the database administrator's (encrypted storage, backup retention), out of the register's reach.
 *
 * Every erasure that changed something (and every retention batch that deleted persons or their fields) leaves a
 * mark in `scrub_queue`, committed with it. This reads the marks first and deletes exactly those once the files
 * are scrubbed: a process killed before or during the scrub leaves them, and an erasure committed while it runs
 * keeps its mark for the next scrub. `lupaus erase` runs it after an erasure (unless `--no-scrub`), and every
 * retention run and `lupaus erasures resume` (`resumeBlockedErasures` with `scrub`) whenever a mark is left, by
 * whichever process erased (the API's, a run killed before its scrub).
 *
 * @example
 * ```ts
 * await erasePerson(reg, actor, { personId });
 * await scrubErasedData(reg);
 * ```
 */
export async function scrubErasedData(reg: Register): Promise<void> {
  crashPoint('erasure.scrub.before');
  // The marks this scrub answers for: those committed before it starts.
  const marks = await pendingScrubs(reg.db);
  if (reg.dbKind === 'pglite') {
    await sql`vacuum full`.execute(reg.db);
    crashPoint('erasure.scrub.after-vacuum');
    await sql`set wal_recycle = off`.execute(reg.db);
    for (let i = 0; i < 2; i++) {
      await sql`checkpoint`.execute(reg.db);
      await sql`select pg_switch_wal()`.execute(reg.db);
    }
    await sql`checkpoint`.execute(reg.db);
  } else {
    await sql`vacuum ${sql.join(SCRUBBED_TABLES.map((t) => sql.table(t)))}`.execute(reg.db);
    crashPoint('erasure.scrub.after-vacuum');
  }
  crashPoint('erasure.scrub.after-checkpoint');
  await clearScrubs(reg.db, marks);
}

/** Tables that hold personal data (a server's scrub vacuums these). */
export const SCRUBBED_TABLES = [
  'persons',
  'person_emails',
  'person_phones',
  'person_addresses',
  'contact_roles',
  'provenance',
  'interactions',
  'orders',
  'invoices',
  'collection_cases',
  'loyalty_memberships',
  'files',
  'legal_holds',
  'consents',
  'restrictions',
  'objections',
  'disclosure_log',
  'notifications',
  'requests',
  'request_events',
] as const;

const TABLE_OF = (holder: RecordHolder) => RECORD_TABLES[holder as RecordTableHolder].table;

const ZERO = (): ErasureCounts => ({
  deleted: 0,
  anonymised: 0,
  kept: 0,
  fields: 0,
  files: 0,
  provenance: 0,
  consents: 0,
  restrictions: 0,
  objections: 0,
  disclosures: 0,
  contactRoles: 0,
  legalHolds: 0,
  notifications: 0,
  notices: 0,
  suppressions: 0,
  person: 0,
});

const rowCount = (r: { numAffectedRows?: bigint; numDeletedRows?: bigint }) =>
  Number(r.numAffectedRows ?? r.numDeletedRows ?? 0n);

/**
 * The erasure inside the caller's transaction (used by erasePerson, anonymisePerson and resumeBlockedErasures).
 * The caller removes the files' bytes after the commit (`drainFileDeletions`).
 */
export async function erasePersonIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  personId: string,
  opts: {
    mode: ErasureMode;
    purpose: string;
    requestId: string | null;
    /** false: no audit row when the erasure is still blocked and nothing changed (a daily resumption). */
    auditUnchanged?: boolean;
  },
): Promise<ErasureResult> {
  const now = reg.clock.now();
  const erased = ZERO();
  const decided = await decideErasureIn(tx, reg, personId, opts.mode, now);
  const { blockers, roles, activeRoles, activeHolds, wholePersonHeld, heldCategories, heldIds } = decided;
  const { personFields, keptFieldSet } = decided;
  const ids = [personId];
  erased.kept += decided.keptRecords;
  crashPoint('erasure.tx.after-facts');

  // ---- Records, table by table: deleted or anonymised as decided (`decideErasureIn`); held ones stay.
  const goneEntities: { holder: RecordHolder; ids: string[] }[] = [];
  for (const { holder, toDelete, toAnonymise, held: heldList } of decided.records) {
    const table = TABLE_OF(holder);
    if (toDelete.length > 0) {
      // Set-based: the rows' files and provenance first, found by the same condition, then the rows.
      const which = sql`select id from ${sql.table(table)} where person_id = ${personId}
        and category = any(${arrayLiteral(toDelete)}::text[]) and not (id = any(${arrayLiteral(heldList)}::uuid[]))`;
      const keys = await sql<{ storage_key: string }>`delete from files
        where entity_type = ${holder} and entity_id in (${which}) returning storage_key`.execute(tx);
      await queueFileDeletions(
        tx,
        keys.rows.map((k) => k.storage_key),
        now,
      );
      erased.files += keys.rows.length;
      erased.provenance += rowCount(
        await sql`delete from provenance where entity_type = ${holder} and entity_id in (${which})`.execute(
          tx,
        ),
      );
      erased.deleted += rowCount(
        await sql`delete from ${sql.table(table)} where person_id = ${personId}
          and category = any(${arrayLiteral(toDelete)}::text[])
          and not (id = any(${arrayLiteral(heldList)}::uuid[]))`.execute(tx),
      );
    }
    if (toAnonymise.length > 0) {
      const done = await anonymiseRecordsIn(
        tx,
        reg,
        actor,
        holder,
        personId,
        toAnonymise,
        heldList,
        opts.mode,
        now,
      );
      erased.anonymised += done.length;
      if (done.length > 0) goneEntities.push({ holder, ids: done });
    }
  }

  const blocked = blockers.length > 0;
  crashPoint('erasure.tx.after-records');

  // ---- 1. Prohibitions and objections to direct marketing onto the suppression list, while the contact points exist.
  erased.suppressions += await suppressProhibitions(tx, reg, actor, personId);
  crashPoint('erasure.tx.after-suppressions');

  // ---- 2. Art. 19: notices to the recipients of disclosures, then the log of what is no longer held.
  if (!wholePersonHeld) {
    const kept = new Set([
      ...heldCategories,
      ...blockers.flatMap((b) => (b.kind === 'retention' ? [b.category] : [])),
    ]);
    const log = (
      await sql<{
        id: string;
        disclosure: string;
        recipient: string;
        recipient_name: string | null;
        recipient_email: string | null;
        categories: string[];
        at: Date;
      }>`select id, disclosure, recipient, recipient_name, recipient_email, categories, at
        from disclosure_log where person_id = ${personId} order by at, id`.execute(tx)
    ).rows.filter((l) => !(l.categories.length > 0 && l.categories.every((c) => kept.has(c))));
    // Unsent notices about the person (they may quote the data) go; the erasure notices replace them.
    erased.notifications += rowCount(
      await tx
        .deleteFrom('notifications')
        .where('person_id', '=', personId)
        .where('sent_at', 'is', null)
        .where('kind', 'not in', ['erasure', 'anonymisation'])
        .executeTakeFirst(),
    );
    await tx
      .updateTable('notifications')
      .set({ to_address: null, body: null })
      .where('person_id', '=', personId)
      .where('audience', '=', 'subject')
      .execute();
    for (const l of log) {
      if (!l.recipient_email) continue;
      await enqueueNotificationIn(tx, reg, {
        personId,
        requestId: opts.requestId,
        kind: opts.mode === 'erase' ? 'erasure' : 'anonymisation',
        audience: 'recipient',
        audienceId: l.recipient,
        to: l.recipient_email,
        ...erasureNotice(reg, l, opts.mode),
      });
      erased.notices += 1;
    }
    if (log.length > 0) {
      erased.disclosures += rowCount(
        await tx
          .deleteFrom('disclosure_log')
          .where(
            'id',
            'in',
            log.map((l) => l.id),
          )
          .executeTakeFirst(),
      );
    }
  }

  crashPoint('erasure.tx.after-notices');
  // ---- 3. Files, provenance and the person's other rows.
  const heldEntityIds = [...heldIds.values()].flatMap((s) => [...s]);
  if (!blocked) {
    erased.files += await deleteFilesOfPersons(tx, ids, now);
  } else if (!wholePersonHeld) {
    const keys = await sql<{ storage_key: string }>`delete from files
      where person_id = ${personId} and not (entity_id = any(${arrayLiteral(heldEntityIds)}::uuid[]))
        and not (entity_type in ('order', 'invoice', 'collection', 'loyalty', 'interaction')
          and entity_id in (select id from orders where person_id = ${personId} and category = any(${arrayLiteral([...heldCategories])}::text[])
            union all select id from invoices where person_id = ${personId} and category = any(${arrayLiteral([...heldCategories])}::text[])
            union all select id from collection_cases where person_id = ${personId} and category = any(${arrayLiteral([...heldCategories])}::text[])
            union all select id from loyalty_memberships where person_id = ${personId} and category = any(${arrayLiteral([...heldCategories])}::text[])
            union all select id from interactions where person_id = ${personId} and category = any(${arrayLiteral([...heldCategories])}::text[])))
      returning storage_key`.execute(tx);
    await queueFileDeletions(
      tx,
      keys.rows.map((k) => k.storage_key),
      now,
    );
    erased.files += keys.rows.length;
  }
  // Files of records anonymised above (their rows are linked to nobody now, but the files still say whose).
  for (const g of goneEntities) {
    const keys = await sql<{ storage_key: string }>`delete from files
      where entity_type = ${g.holder} and entity_id = any(${arrayLiteral(g.ids)}::uuid[]) returning storage_key`.execute(
      tx,
    );
    await queueFileDeletions(
      tx,
      keys.rows.map((k) => k.storage_key),
      now,
    );
    erased.files += keys.rows.length;
    erased.provenance += rowCount(
      await sql`delete from provenance where entity_type = ${g.holder} and entity_id = any(${arrayLiteral(g.ids)}::uuid[])`.execute(
        tx,
      ),
    );
  }

  crashPoint('erasure.tx.after-files');
  if (!wholePersonHeld) {
    erased.consents += rowCount(
      await tx.deleteFrom('consents').where('person_id', '=', personId).executeTakeFirst(),
    );
    erased.restrictions += rowCount(
      await tx.deleteFrom('restrictions').where('person_id', '=', personId).executeTakeFirst(),
    );
    erased.objections += rowCount(
      await tx.deleteFrom('objections').where('person_id', '=', personId).executeTakeFirst(),
    );
    const endedRoles = roles.filter((r) => !activeRoles.includes(r)).map((r) => r.id);
    if (endedRoles.length > 0) {
      erased.contactRoles += rowCount(
        await tx.deleteFrom('contact_roles').where('id', 'in', endedRoles).executeTakeFirst(),
      );
      erased.provenance += rowCount(
        await sql`delete from provenance where entity_type = 'contact_role' and entity_id = any(${arrayLiteral(endedRoles)}::uuid[])`.execute(
          tx,
        ),
      );
    }
    const activeHoldIds = activeHolds.map((h) => h.id);
    erased.legalHolds += rowCount(
      await sql`delete from legal_holds where person_id = ${personId}
        and not (id = any(${arrayLiteral(activeHoldIds)}::uuid[]))`.execute(tx),
    );
  }

  crashPoint('erasure.tx.after-other-rows');
  // ---- 4. The person's own fields, and the person row when nothing blocks.
  const keptFields = personFields.filter((f) => keptFieldSet.has(f));
  if (blocked) {
    const fields = await erasePersonFields(
      tx,
      reg,
      ids,
      personFields.filter((f) => !keptFieldSet.has(f)),
      {
        keep: 'delete',
        now,
        actorId: actor.id,
        ...(opts.mode === 'anonymise' ? { strategy: 'anonymise' as const } : {}),
      },
    );
    for (const f of fields) erased.fields += f.deleted.length + f.anonymised.length;
    // The end of the relationship, which marks the erasure as waiting; a free-text reason goes.
    await sql`update persons set relationship_ended_at = coalesce(relationship_ended_at, ${now}),
        relationship_end_reason = ${ERASURE_MARKS[opts.mode]}, updated_at = ${now}, updated_by = ${actor.id}
      where id = ${personId}`.execute(tx);
    erased.provenance += rowCount(
      await sql`delete from provenance where person_id = ${personId} and entity_type not in ('person', 'contact_role')
        and not (entity_id = any(${arrayLiteral(heldEntityIds)}::uuid[]))
        and not (entity_id in (select id from orders where person_id = ${personId}
          union all select id from invoices where person_id = ${personId}
          union all select id from collection_cases where person_id = ${personId}
          union all select id from loyalty_memberships where person_id = ${personId}
          union all select id from interactions where person_id = ${personId}))`.execute(tx),
    );
  } else {
    const fieldsWithValues = await erasePersonFields(tx, reg, ids, personFields, {
      keep: 'delete',
      now,
      actorId: actor.id,
    });
    for (const f of fieldsWithValues) erased.fields += f.deleted.length + f.anonymised.length;
    erased.provenance += rowCount(
      await sql`delete from provenance where person_id = ${personId}`.execute(tx),
    );
    erased.provenance += rowCount(
      await sql`delete from provenance where entity_type = 'person' and entity_id = ${personId}`.execute(tx),
    );
    // Interactions have no foreign key to cascade (migration 0002).
    erased.deleted += rowCount(await sql`delete from interactions where person_id = ${personId}`.execute(tx));
    erased.contactRoles += rowCount(
      await tx.deleteFrom('contact_roles').where('person_id', '=', personId).executeTakeFirst(),
    );
    erased.legalHolds += rowCount(
      await tx.deleteFrom('legal_holds').where('person_id', '=', personId).executeTakeFirst(),
    );
    await tx.deleteFrom('persons').where('id', '=', personId).execute();
    erased.person = 1;
  }

  crashPoint('erasure.tx.after-person');
  const result: ErasureResult = {
    personId,
    mode: opts.mode,
    state: blocked ? 'blocked' : 'completed',
    erased,
    blockers,
    keptFields: blocked ? keptFields : [],
  };
  const changed = Object.values(erased).some((n) => n > 0);
  if (changed || !blocked || opts.auditUnchanged !== false) {
    // The scrub this erasure owes, committed with it (scrubErasedData; a mark of no one).
    await queueScrub(tx, now);
    await insertAudit(tx, reg.vault.auditKey, [
      {
        at: now,
        actor: actor.id,
        action: opts.mode === 'erase' ? 'erase' : 'anonymise',
        entityType: 'person',
        entityId: personId,
        personId,
        purpose: opts.purpose,
        details: { ...erasureOutcome(result), ...(opts.requestId ? { requestId: opts.requestId } : {}) },
      },
    ]);
  }
  crashPoint('erasure.tx.after-audit');
  return result;
}

/**
 * The latest prohibition per channel and purpose, and direct-marketing objections, as suppression entries.
 * A channel or purpose the definition no longer declares is widened to every channel or purpose.
 */
async function suppressProhibitions(
  tx: Executor,
  reg: Register,
  actor: Actor,
  personId: string,
): Promise<number> {
  const known = new Set(channels(reg).map((c) => c.id));
  const knownPurposes = new Set(purposes(reg).map((p) => p.id));
  const prohibited = await sql<{ channel: string; purpose: string }>`select channel, purpose from (
      select distinct on (channel, purpose) channel, purpose, state from consents
      where person_id = ${personId} order by channel, purpose, at desc, id desc) latest
    where state = 'prohibited'`.execute(tx);
  const objections = await sql<{ channel: string | null; purpose: string | null }>`select channel, purpose
    from objections where person_id = ${personId} and kind = 'direct_marketing' and state <> 'rejected'`.execute(
    tx,
  );
  const wanted = [
    ...prohibited.rows.map((r) => ({ ...r, reason: 'prohibition' as const })),
    ...objections.rows.map((r) => ({ ...r, reason: 'objection' as const })),
  ];
  let added = 0;
  const seen = new Set<string>();
  for (const w of wanted) {
    const channel = w.channel && known.has(w.channel) ? w.channel : null;
    const purpose = w.purpose && knownPurposes.has(w.purpose) ? w.purpose : null;
    const key = `${channel}\u0000${purpose}\u0000${w.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    added += await suppressPersonIn(tx, reg, actor, { personId, channel, purpose, reason: w.reason });
  }
  return added;
}

/** The art. 19 notice to a recipient: names the disclosure by its log reference, time and categories only. */
function erasureNotice(
  reg: Register,
  l: { id: string; disclosure: string; recipient_name: string | null; categories: string[]; at: Date },
  mode: ErasureMode,
): { subject: string; body: string } {
  const controller = reg.definition.controller.name;
  const at = new Date(l.at).toISOString();
  const cats = l.categories.join(', ');
  const fi = mode === 'erase' ? 'poistettu' : 'anonymisoitu';
  const en = mode === 'erase' ? 'erased' : 'anonymised';
  return {
    subject: `${mode === 'erase' ? 'Henkilötietojen poisto' : 'Henkilötietojen anonymisointi'} / ${mode === 'erase' ? 'Erasure' : 'Anonymisation'} of personal data (${l.id})`,
    body: [
      `${controller} ilmoittaa (EU:n tietosuoja-asetus 19 art.): rekisteröidyn pyynnöstä on ${fi} henkilötiedot, joita luovutimme teille ${at} (luovutus ${l.disclosure}, tietoryhmät ${cats}, viite ${l.id}${l.recipient_name ? `, vastaanottaja ${l.recipient_name}` : ''}). Pyydämme teitä käsittelemään saamanne tiedot samoin.`,
      '',
      `${controller} gives notice (GDPR art. 19): at the data subject's request, the personal data we disclosed to you at ${at} (disclosure ${l.disclosure}, categories ${cats}, reference ${l.id}${l.recipient_name ? `, recipient ${l.recipient_name}` : ''}) has been ${en}. Please treat the data you received in the same way.`,
    ].join('\n'),
  };
}

/**
 * Anonymises records of a person: unlinked (person_id null, anonymised_at set), each value by its field type
 * (`anonymiseValue`); values of fields whose strategy is delete go, unless the person asked for anonymisation
 * (then every value is anonymised by type); typed columns likewise, dates to their year. Returns the ids.
 */
async function anonymiseRecordsIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  holder: RecordHolder,
  personId: string,
  categories: string[],
  heldIds: string[],
  mode: ErasureMode,
  now: Date,
): Promise<string[]> {
  const table = TABLE_OF(holder);
  const rows = await sql<{
    id: string;
    category: string;
    data: Record<string, unknown>;
  }>`select id, category, data
    from ${sql.table(table)} where person_id = ${personId} and category = any(${arrayLiteral(categories)}::text[])
      and not (id = any(${arrayLiteral(heldIds)}::uuid[])) for update`.execute(tx);
  if (rows.rows.length === 0) return [];
  const patched = rows.rows.map((r) => {
    const fields = new Map((reg.catalogue.category(r.category)?.fields ?? []).map((f) => [f.id, f]));
    return { id: r.id, data: anonymiseData(fields, r.data, mode === 'erase') };
  });
  await writeAnonymisedRecords(tx, holder, patched, now, actor.id);
  return rows.rows.map((r) => r.id);
}
