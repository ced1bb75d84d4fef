import { performance } from 'node:perf_hooks';
import { anonymiseData, endOfDay, LupausError, utcDate } from '@lupaus/core';
import {
  type AuditEntry,
  arrayLiteral,
  type Executor,
  insertAudit,
  insertRetentionRun,
  markInterruptedRuns,
  queueScrub,
  updateRetentionRun,
} from '@lupaus/db';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { journalErasures, journalRetentionRun } from '../backup/erasure-journal';
import { type Actor, type Register, SYSTEM_ACTOR } from '../context';
import { erasePersonFields, writeAnonymisedRecords } from '../erasure/erase-person-fields';
import { resumeBlockedErasures } from '../erasure/resume-blocked-erasures';
import { crashPoint } from '../faults/crash-point';
import { deleteFilesOf, deleteFilesOfPersons, drainFileDeletions } from '../files/delete-files';
import { authorize } from '../policy/authorize';
import { purgeOldLinks } from '../public/public-page';
import { groupOf, planRetention, reviewGroups } from './plan-retention';
import { parseAsOf, type RetentionReport, type RetentionRunGroup } from './report';
import { withSweepLock } from './sweep-lock';
import {
  countDue,
  personDeletionQuery,
  personHasValues,
  recordTable,
  type SweepQuery,
  selectDue,
  sweepClock,
  sweepQuery,
} from './sweep-sql';
import { isRecordHolder, sweepTargets } from './targets';

/**
 * The retention sweep (R5.2): deletes or anonymises what is due by the register's retention rules, as of an
 * instant, and reports what it did. For each category by its rule, the due items are found by set-based SQL
 * (see sweep-sql.ts) and dealt with in batches, **each batch one transaction**: the rows deleted (erasure
 * strategy delete, or keep: a keep reason holds against an erasure request, not past the retention period) or
 * anonymised (unlinked from the person, each value anonymised by its field type), their files and provenance
 * with them, an audit row per person and category, and the run's progress in its `retention_runs` row. After each
 * commit the files' bytes are removed.
 *
 * Crash safety: every batch recomputes what is still due, so a run killed at any point and run again leaves
 * nothing half done and misses nothing; a run left `running` by a dead process is marked `interrupted` by the
 * next. Two runs never overlap (see sweep-lock.ts). A dry run (`dryRun`) only stores and returns the plan.
 *
 * @example
 * ```ts
 * const report = await runRetention(reg, SYSTEM_ACTOR, { asOf: '2026-03-01', onProgress: (p) => bar(p) });
 * report.totals; // { deleted: 120, anonymised: 0, erased: 3, persons: 2, files: 40, blocked: 1, review: 17 }
 * ```
 */
export interface RetentionProgress {
  /** Items dealt with so far, of `total` found due at the start. */
  done: number;
  total: number;
  category: string | null;
}

export interface RunRetentionOptions {
  asOf?: string | Date | undefined;
  dryRun?: boolean | undefined;
  /** Items per transaction (default 1000). */
  batchSize?: number | undefined;
  onProgress?: ((p: RetentionProgress) => void) | undefined;
  /** Stops the run between two batches (e.g. when the server shuts down); the run is then `interrupted`. */
  signal?: AbortSignal | undefined;
  /** For crash tests: called inside each batch's transaction after its writes, before the commit. */
  faultInjection?: ((batch: { index: number; category: string | null }) => void | Promise<void>) | undefined;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const MAX_BATCH_SIZE = 100_000;
/** The purpose in the audit rows of the sweep: storage limitation (GDPR art. 5(1)(e)). */
export const RETENTION_PURPOSE = 'retention';

export function checkBatchSize(value: number | undefined, at = 'batchSize'): number {
  if (value === undefined) return DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_BATCH_SIZE) {
    throw new LupausError('VALIDATION_FAILED', { [at]: value }, [
      { at, message: `the batch size is a whole number from 1 to ${MAX_BATCH_SIZE}, not ${String(value)}` },
    ]);
  }
  return value;
}

export async function runRetention(
  reg: Register,
  actor: Actor,
  opts: RunRetentionOptions = {},
): Promise<RetentionReport> {
  authorize(reg, actor, 'retention.manage');
  const startedAt = reg.clock.now();
  const asOf = parseAsOf(opts.asOf, startedAt);
  const batchSize = checkBatchSize(opts.batchSize);
  if (opts.dryRun) return dryRun(reg, actor, asOf, startedAt);
  const today = endOfDay(utcDate(startedAt));
  if (asOf.getTime() > today.getTime()) {
    throw new LupausError('VALIDATION_FAILED', { asOf: asOf.toISOString() }, [
      {
        at: 'asOf',
        message: `a run removes only what is due by the end of today (${today.toISOString()}), not as of ${asOf.toISOString()}; a dry run shows what will go later`,
      },
    ]);
  }
  return withSweepLock(reg, async () => {
    await purgeOldLinks(reg.db, reg.clock.now());
    return sweep(reg, actor, asOf, batchSize, startedAt, opts);
  });
}

async function dryRun(reg: Register, actor: Actor, asOf: Date, startedAt: Date): Promise<RetentionReport> {
  const started = performance.now();
  const plan = await planRetention(reg, actor, { asOf, limit: 0 });
  const finishedAt = reg.clock.now();
  const report: RetentionReport = {
    runId: uuidv7(),
    asOf: plan.asOf,
    dryRun: true,
    status: 'completed',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    groups: plan.groups.map((g) => ({ ...g, deleted: 0, anonymised: 0 })),
    persons: { due: plan.persons.due, deleted: 0, blocked: plan.persons.blocked },
    review: plan.review,
    skipped: plan.skipped,
    totals: {
      deleted: 0,
      anonymised: 0,
      erased: 0,
      persons: 0,
      files: 0,
      blocked: plan.totals.blocked,
      review: plan.totals.review,
    },
    batches: 0,
    interrupted: [],
  };
  await insertRetentionRun(reg.db, {
    id: report.runId,
    asOf,
    dryRun: true,
    status: 'completed',
    startedAt,
    finishedAt,
    actor: actor.id,
    report: report as unknown as Record<string, unknown>,
  });
  return report;
}

interface RunState {
  report: RetentionReport;
  done: number;
  total: number;
  batchIndex: number;
}

async function sweep(
  reg: Register,
  actor: Actor,
  asOf: Date,
  batchSize: number,
  startedAt: Date,
  opts: RunRetentionOptions,
): Promise<RetentionReport> {
  const interrupted = await markInterruptedRuns(reg.db, startedAt);
  crashPoint('retention.run.after-mark-interrupted');
  const runId = uuidv7();
  const clock = sweepClock(asOf, startedAt);
  const targets = sweepTargets(reg);
  const queries = targets.due.map((t) => sweepQuery(reg, t, clock));
  const personQuery = personDeletionQuery(reg, targets.personCategories, clock);
  // Counted as the dry run counts them: with their records that go in this run.
  const personCount = personDeletionQuery(reg, targets.personCategories, clock, queries);
  const started = performance.now();

  // What is due at the start: the totals of the progress, and what stays blocked.
  const { groups, persons, review } = await reg.db.transaction().execute(async (tx) => {
    const groups: RetentionRunGroup[] = [];
    for (const q of queries)
      groups.push({ ...groupOf(reg, q.target, await countDue(tx, q)), deleted: 0, anonymised: 0 });
    const pc = personCount ? await countDue(tx, personCount) : undefined;
    return {
      groups,
      persons: { due: pc?.due ?? 0, deleted: 0, blocked: pc?.blocked ?? 0 },
      review: await reviewGroups(tx, reg, targets.review, clock),
    };
  });
  crashPoint('retention.run.after-count');
  const state: RunState = {
    report: {
      runId,
      asOf: asOf.toISOString(),
      dryRun: false,
      status: 'running',
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      durationMs: null,
      groups,
      persons,
      review,
      skipped: targets.skipped,
      totals: {
        deleted: 0,
        anonymised: 0,
        erased: 0,
        persons: 0,
        files: 0,
        blocked: groups.reduce((n, g) => n + g.blocked, 0),
        review: review.reduce((n, g) => n + g.count, 0),
      },
      batches: 0,
      interrupted,
    },
    done: 0,
    total: groups.reduce((n, g) => n + g.due, 0) + persons.due,
    batchIndex: 0,
  };
  await insertRetentionRun(reg.db, {
    id: runId,
    asOf,
    dryRun: false,
    status: 'running',
    startedAt,
    actor: actor.id,
    report: state.report as unknown as Record<string, unknown>,
  });
  crashPoint('retention.run.after-insert');
  opts.onProgress?.({ done: 0, total: state.total, category: null });
  try {
    // Whole persons go before their fields would be erased one category at a time, and once more at the end,
    // after the contact roles, which keep a person until they go.
    let personsSwept = false;
    for (const [i, q] of queries.entries()) {
      if (personQuery && !personsSwept && q.subject !== 'record') {
        await sweepPersons(reg, actor, personQuery, batchSize, state, opts);
        personsSwept = true;
      }
      await sweepTarget(reg, actor, q, groups[i]!, batchSize, state, opts);
    }
    if (personQuery) await sweepPersons(reg, actor, personQuery, batchSize, state, opts);
    // Erasures on request that waited for a blocker that has now ended (R4.4); then the database files scrubbed
    // if any erasure (this run's persons and person fields too, any process's) left its mark in scrub_queue.
    // They finish by themselves (the erasure was asked and checked then): system work, not the runner's.
    crashPoint('retention.run.before-resume');
    await resumeBlockedErasures(reg, SYSTEM_ACTOR, { scrub: true });
    crashPoint('retention.run.after-resume');
    await drainFileDeletions(reg);
    crashPoint('retention.run.before-complete');
    const finishedAt = reg.clock.now();
    state.report.status = 'completed';
    state.report.finishedAt = finishedAt.toISOString();
    state.report.durationMs = Math.round(performance.now() - started);
    await updateRetentionRun(reg.db, runId, {
      status: 'completed',
      finishedAt,
      report: state.report as unknown as Record<string, unknown>,
    });
    crashPoint('retention.run.after-complete');
    opts.onProgress?.({ done: state.done, total: state.total, category: null });
    return state.report;
  } catch (e) {
    const finishedAt = reg.clock.now();
    if (e instanceof SweepStopped) {
      state.report.status = 'interrupted';
      state.report.finishedAt = finishedAt.toISOString();
      state.report.durationMs = Math.round(performance.now() - started);
      await updateRetentionRun(reg.db, runId, {
        status: 'interrupted',
        finishedAt,
        report: state.report as unknown as Record<string, unknown>,
      });
      return state.report;
    }
    state.report.status = 'failed';
    state.report.finishedAt = finishedAt.toISOString();
    state.report.durationMs = Math.round(performance.now() - started);
    await updateRetentionRun(reg.db, runId, {
      status: 'failed',
      finishedAt,
      error: e instanceof Error ? e.message.slice(0, 2000) : String(e),
    }).catch(() => {});
    throw e;
  }
}

class SweepStopped extends Error {}

/** One batch in one transaction: `work` returns how many items it dealt with (0 ends the loop). */
async function batch(
  reg: Register,
  state: RunState,
  opts: RunRetentionOptions,
  category: string | null,
  work: (tx: Executor) => Promise<{ items: number; files: number }>,
): Promise<{ items: number; files: number }> {
  if (opts.signal?.aborted) throw new SweepStopped('stopped');
  // The counts in the report change with the batch's writes: restored if its transaction rolls back.
  const saved = JSON.stringify({
    groups: state.report.groups,
    persons: state.report.persons,
    totals: state.report.totals,
  });
  const restore = () => {
    const s = JSON.parse(saved) as Pick<RetentionReport, 'groups' | 'persons' | 'totals'>;
    for (const [i, g] of state.report.groups.entries()) Object.assign(g, s.groups[i]);
    state.report.persons = s.persons;
    state.report.totals = s.totals;
  };
  const result = await reg.db
    .transaction()
    .execute(async (tx) => {
      const r = await work(tx);
      if (r.items === 0) return r;
      crashPoint('retention.batch.after-work');
      state.batchIndex += 1;
      await opts.faultInjection?.({ index: state.batchIndex, category });
      const progress: RetentionReport = {
        ...state.report,
        batches: state.batchIndex,
        totals: { ...state.report.totals, files: state.report.totals.files + r.files },
      };
      await updateRetentionRun(tx, state.report.runId, {
        report: progress as unknown as Record<string, unknown>,
      });
      crashPoint('retention.batch.after-progress');
      return r;
    })
    .catch((e: unknown) => {
      restore();
      throw e;
    });
  crashPoint('retention.batch.after-commit');
  if (result.items > 0) {
    // Outside the database, for a restore to replay (issue 8).
    journalRetentionRun(reg, state.report.runId, state.report.asOf);
    state.report.batches = state.batchIndex;
    state.report.totals.files += result.files;
    state.done += result.items;
    if (result.files > 0) await drainFileDeletions(reg);
    crashPoint('retention.batch.after-drain');
    opts.onProgress?.({ done: state.done, total: state.total, category });
  }
  return result;
}

function auditRows(
  reg: Register,
  actor: Actor,
  action: 'retention_delete' | 'retention_anonymise',
  entityType: string,
  rows: { person_id: string | null }[],
  details: Record<string, unknown>,
): AuditEntry[] {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.person_id) counts.set(r.person_id, (counts.get(r.person_id) ?? 0) + 1);
  const at = reg.clock.now();
  return [...counts].map(([personId, count]) => ({
    at,
    actor: actor.id,
    action,
    entityType,
    entityId: null,
    personId,
    purpose: RETENTION_PURPOSE,
    details: { ...details, count },
  }));
}

async function sweepTarget(
  reg: Register,
  actor: Actor,
  q: SweepQuery,
  group: RetentionRunGroup,
  batchSize: number,
  state: RunState,
  opts: RunRetentionOptions,
): Promise<void> {
  const t = q.target;
  const details = { rule: t.rule.id, category: t.category.id, runId: state.report.runId };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const r = await batch(reg, state, opts, t.category.id, async (tx) => {
      const now = reg.clock.now();
      switch (t.subject) {
        case 'record':
          return t.action === 'anonymise'
            ? anonymiseRecords(tx, reg, actor, q, batchSize, details, group, state)
            : deleteRows(
                tx,
                reg,
                actor,
                q,
                recordTable(t.holder),
                t.holder,
                batchSize,
                details,
                group,
                state,
                now,
              );
        case 'contact_role':
          return deleteRows(
            tx,
            reg,
            actor,
            q,
            'contact_roles',
            'contact_role',
            batchSize,
            details,
            group,
            state,
            now,
          );
        case 'organisation':
          return deleteRows(
            tx,
            reg,
            actor,
            q,
            'organisations',
            'organisation',
            batchSize,
            details,
            group,
            state,
            now,
          );
        case 'person': {
          const rows = await selectDue(tx, q, { limit: batchSize, after });
          if (rows.length === 0) return { items: 0, files: 0 };
          after = rows[rows.length - 1]!.id;
          const erased = await erasePersonFields(
            tx,
            reg,
            rows.map((x) => x.id),
            t.category.fields.map((f) => f.id),
            { keep: 'delete', now, actorId: actor.id },
          );
          const changed = erased.filter((e) => e.deleted.length + e.anonymised.length > 0);
          await insertAudit(
            tx,
            reg.vault.auditKey,
            changed.map((e) => ({
              at: now,
              actor: actor.id,
              action: e.deleted.length > 0 ? 'retention_delete' : 'retention_anonymise',
              entityType: 'person',
              entityId: e.personId,
              personId: e.personId,
              purpose: RETENTION_PURPOSE,
              details: {
                ...details,
                count: e.deleted.length + e.anonymised.length,
                ...(e.deleted.length ? { deleted: e.deleted } : {}),
                ...(e.anonymised.length ? { anonymised: e.anonymised } : {}),
              },
            })),
          );
          // The persons' old row versions stay in the database files: the run's end scrubs them (R4.4).
          if (changed.length > 0) await queueScrub(tx, now);
          if (t.action === 'anonymise') group.anonymised += changed.length;
          else group.deleted += changed.length;
          state.report.totals.erased += changed.length;
          // Persons with nothing left to change still count as dealt with, so the keyset moves on.
          return { items: rows.length, files: 0 };
        }
      }
    });
    if (r.items < batchSize) break;
  }
}

/** Deletes due rows of a table in one statement, with their files and provenance, audited per person. */
async function deleteRows(
  tx: Executor,
  reg: Register,
  actor: Actor,
  q: SweepQuery,
  table: string,
  entityType: string,
  limit: number,
  details: Record<string, unknown>,
  group: RetentionRunGroup,
  state: RunState,
  now: Date,
): Promise<{ items: number; files: number }> {
  const blocked = q.blockers.length
    ? sql`(${sql.join(
        q.blockers.map((b) => b.present),
        sql` or `,
      )})`
    : sql`false`;
  const rolesGone = runOnlyCondition(reg, q);
  // `= any(array(...))`: the rows are found by their primary key, never by scanning the table.
  const deleted = await sql<{ id: string; person_id: string | null }>`delete from ${sql.table(table)} x
    where x.id = any(array(select ${q.id} from ${q.from} where ${q.due} and not ${blocked} and ${rolesGone}
      ${q.indexOrder ? sql`order by ${q.indexOrder}` : sql``} limit ${sql.lit(limit)}))
    returning x.id, ${q.subject === 'organisation' ? sql`null::uuid` : sql`x.person_id`} as person_id`.execute(
    tx,
  );
  const rows = deleted.rows;
  if (rows.length === 0) return { items: 0, files: 0 };
  const ids = rows.map((r) => r.id);
  const files = await deleteFilesOf(tx, entityType, ids, now);
  await sql`delete from provenance where entity_type = ${entityType} and entity_id = any(${arrayLiteral(ids)}::uuid[])`.execute(
    tx,
  );
  await insertAudit(
    tx,
    reg.vault.auditKey,
    q.subject === 'organisation'
      ? // An organisation is nobody's: one row for each, by its id.
        rows.map((r) => ({
          at: now,
          actor: actor.id,
          action: 'retention_delete',
          entityType,
          entityId: r.id,
          personId: null,
          purpose: RETENTION_PURPOSE,
          details: { ...details, count: 1 },
        }))
      : auditRows(reg, actor, 'retention_delete', entityType, rows, details),
  );
  group.deleted += rows.length;
  state.report.totals.deleted += rows.length;
  return { items: rows.length, files };
}

/**
 * What the run also requires (the plan counts without it, as everything due goes in the same run):
 * an organisation goes after its contact roles (they go by their own rule, audited per person), and a contact
 * role stays while data kept "while the person is a contact person" is left, for that data counts from it.
 */
function runOnlyCondition(reg: Register, q: SweepQuery) {
  if (q.subject === 'organisation')
    return sql`not exists (select 1 from contact_roles r where r.organisation_id = t.id)`;
  if (q.subject !== 'contact_role') return sql`true`;
  const parts = [];
  for (const c of reg.catalogue.categories) {
    if (c.retention?.kind !== 'while_contact_person') continue;
    if (c.holder === 'person') {
      parts.push(
        sql`not ${personHasValues(
          reg,
          c.fields.map((f) => f.id),
        )}`,
      );
    } else if (isRecordHolder(c.holder)) {
      parts.push(
        sql`not exists (select 1 from ${sql.table(recordTable(c.holder))} x where x.person_id = p.id and x.category = ${c.id})`,
      );
    }
  }
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

/** Anonymises due records: unlinked from the person, each value anonymised by its field type, files deleted. */
async function anonymiseRecords(
  tx: Executor,
  reg: Register,
  actor: Actor,
  q: SweepQuery,
  limit: number,
  details: Record<string, unknown>,
  group: RetentionRunGroup,
  state: RunState,
): Promise<{ items: number; files: number }> {
  const t = q.target;
  const table = recordTable(t.holder);
  const due = await selectDue(tx, q, { limit, ordered: false });
  if (due.length === 0) return { items: 0, files: 0 };
  const ids = due.map((r) => r.id);
  const rows = await sql<{
    id: string;
    person_id: string;
    data: Record<string, unknown>;
  }>`select id, person_id, data
    from ${sql.table(table)} where id = any(${arrayLiteral(ids)}::uuid[]) for update`.execute(tx);
  const fields = new Map(t.category.fields.map((f) => [f.id, f]));
  const patched = rows.rows.map((r) => ({ id: r.id, data: anonymiseData(fields, r.data, true) }));
  const now = reg.clock.now();
  await writeAnonymisedRecords(tx, t.holder, patched, now, actor.id);
  const files = await deleteFilesOf(tx, t.holder, ids, now);
  await sql`delete from provenance where entity_type = ${t.holder} and entity_id = any(${arrayLiteral(ids)}::uuid[])`.execute(
    tx,
  );
  await insertAudit(
    tx,
    reg.vault.auditKey,
    auditRows(reg, actor, 'retention_anonymise', t.holder, rows.rows, details),
  );
  group.anonymised += rows.rows.length;
  state.report.totals.anonymised += rows.rows.length;
  return { items: rows.rows.length, files };
}

async function sweepPersons(
  reg: Register,
  actor: Actor,
  q: Omit<SweepQuery, 'target'>,
  batchSize: number,
  state: RunState,
  opts: RunRetentionOptions,
): Promise<void> {
  const held = sweepTargets(reg).personCategories;
  const categories = held.map((c) => c.category.id);
  const rules = [...new Set(held.flatMap((c) => (c.rule ? [c.rule.id] : [])))];
  let gone: string[] = [];
  for (;;) {
    const r = await batch(reg, state, opts, null, async (tx) => {
      const now = reg.clock.now();
      const rows = await selectDue(tx, q, { limit: batchSize, ordered: false });
      if (rows.length === 0) return { items: 0, files: 0 };
      const ids = rows.map((x) => x.id);
      gone = ids;
      const files = await deleteFilesOfPersons(tx, ids, now);
      await sql`delete from provenance where person_id = any(${arrayLiteral(ids)}::uuid[])`.execute(tx);
      // Interactions have no foreign key to cascade (migration 0002); none should be left, as with a cascade.
      await sql`delete from interactions where person_id = any(${arrayLiteral(ids)}::uuid[])`.execute(tx);
      await sql`delete from persons where id = any(${arrayLiteral(ids)}::uuid[])`.execute(tx);
      // Their old row versions stay in the database files: the run's end scrubs them (R4.4).
      await queueScrub(tx, now);
      await insertAudit(
        tx,
        reg.vault.auditKey,
        ids.map((id) => ({
          at: now,
          actor: actor.id,
          action: 'retention_delete',
          entityType: 'person',
          entityId: id,
          personId: id,
          purpose: RETENTION_PURPOSE,
          details: { rules, categories, person: 'deleted', runId: state.report.runId },
        })),
      );
      state.report.persons.deleted += ids.length;
      state.report.totals.persons += ids.length;
      return { items: ids.length, files };
    });
    if (r.items > 0)
      journalErasures(
        reg,
        gone.map((person) => ({ kind: 'retention-person' as const, person })),
      );
    if (r.items < batchSize) break;
  }
}
