import { sql } from 'kysely';
import { auditEach } from '../audit/audit';
import { journalErasures } from '../backup/erasure-journal';
import type { Actor, Register } from '../context';
import { crashPoint } from '../faults/crash-point';
import { drainFileDeletions } from '../files/delete-files';
import { authorize } from '../policy/authorize';
import { resolvePurpose } from '../policy/purpose';
import { completeRequestIn } from '../requests/complete-request';
import {
  ANONYMISATION_PURPOSE,
  ERASURE_MARKS,
  ERASURE_PURPOSE,
  type ErasureBlocker,
  type ErasureMode,
  erasePersonIn,
  erasureOutcome,
  scrubErasedData,
  scrubPending,
} from './erase-person';

export interface ResumeResult {
  /** Persons whose erasure or anonymisation was finished now. */
  completed: string[];
  /** Persons whose erasure still waits for a blocker. */
  blocked: string[];
  /** Requests completed with them. */
  requests: string[];
}

/**
 * Finishes blocked erasures and anonymisations whose blockers have ended (R4.4: "completes by itself when the
 * blocker ends"): the invoice paid, the collection closed, the contact role or legal hold ended, the accounting
 * retention past its date. Each waiting person (marked by the relationship-end reason `erasure` or
 * `anonymisation`, or named by a blocked request) is erased again in a transaction of its own, which erases what
 * has been freed meanwhile; when nothing blocks any more the person goes and their blocked requests are
 * completed with the outcome. Run after every retention sweep (`runRetention`, with `scrub`: then the database
 * files are scrubbed if any erasure, in any process, left its mark since the last scrub) and runnable alone.
 *
 * @example
 * ```ts
 * const r = await resumeBlockedErasures(reg, SYSTEM_ACTOR);
 * r.completed; // ['0193…']
 * ```
 */
export async function resumeBlockedErasures(
  reg: Register,
  actor: Actor,
  opts: { scrub?: boolean } = {},
): Promise<ResumeResult> {
  authorize(reg, actor, 'requests.manage');
  const marks = Object.values(ERASURE_MARKS);
  const waiting = await sql<{ id: string; mark: string | null; request_type: string | null }>`
    select p.id, p.relationship_end_reason as mark,
      (select r.type from requests r where r.person_id = p.id and r.state = 'blocked'
         and r.type in ('erasure', 'anonymisation') order by r.received_at desc, r.id desc limit 1) as request_type
    from persons p
    where p.relationship_end_reason in (${sql.join(marks)})
      or exists (select 1 from requests r where r.person_id = p.id and r.state = 'blocked'
        and r.type in ('erasure', 'anonymisation'))
    order by p.id`.execute(reg.db);
  const out: ResumeResult = { completed: [], blocked: [], requests: [] };
  crashPoint('erasure.resume.after-select');
  for (const w of waiting.rows) {
    const mode: ErasureMode =
      w.request_type === 'anonymisation' || (!w.request_type && w.mark === ERASURE_MARKS.anonymise)
        ? 'anonymise'
        : 'erase';
    const r = await reg.db.transaction().execute(async (tx) => {
      const requests = await tx
        .selectFrom('requests')
        .select(['id', 'type'])
        .where('person_id', '=', w.id)
        .where('state', '=', 'blocked')
        .where('type', 'in', ['erasure', 'anonymisation'])
        .orderBy('id')
        .forUpdate()
        .execute();
      const result = await erasePersonIn(tx, reg, actor, w.id, {
        mode,
        purpose: mode === 'erase' ? ERASURE_PURPOSE : ANONYMISATION_PURPOSE,
        requestId: requests[0]?.id ?? null,
        auditUnchanged: false,
      });
      crashPoint('erasure.resume.tx.after-erase');
      if (result.state === 'completed') {
        for (const q of requests) {
          await completeRequestIn(tx, reg, actor, q.id, {
            state: 'completed',
            outcome: erasureOutcome(result),
          });
          out.requests.push(q.id);
        }
      }
      crashPoint('erasure.resume.tx.after-requests');
      return result;
    });
    crashPoint('erasure.resume.after-commit');
    if (Object.values(r.erased).some((n) => n > 0)) journalErasures(reg, [{ kind: mode, person: w.id }]);
    if (r.erased.files > 0) await drainFileDeletions(reg);
    (r.state === 'completed' ? out.completed : out.blocked).push(w.id);
  }
  // Erasures (these, the API's, a run's killed before its scrub, in any process) leave old row versions in the
  // database files until scrubbed; each left its mark in scrub_queue.
  crashPoint('erasure.resume.before-scrub');
  if (opts.scrub && (await scrubPending(reg))) await scrubErasedData(reg);
  return out;
}

export interface BlockedErasureView {
  personId: string;
  mode: ErasureMode;
  /** When the erasure was first asked (the relationship end it recorded), if recorded. */
  since: string | null;
  /** The blockers as of the latest attempt (the erasure's audit row). */
  blockers: ErasureBlocker[];
  /** Person fields kept while blocked. */
  keptFields: string[];
  /** The person's blocked erasure and anonymisation requests. */
  requests: { id: string; type: string; dueOn: string }[];
}

/**
 * Erasures and anonymisations that wait for a blocker (R4.4: "stays open"), each with its blockers and their
 * end dates as of the latest attempt, oldest first. Ids, field names and dates only; each person listed is
 * audited (`list_blocked_erasures`).
 *
 * @example
 * ```ts
 * const { items } = await listBlockedErasures(reg, actor);
 * items[0].blockers; // [{ kind: 'retention', category: 'invoices', rule: 'accounting', count: 1, until: '2030-12-31' }]
 * ```
 */
export async function listBlockedErasures(
  reg: Register,
  actor: Actor,
  opts: { purpose?: string | undefined } = {},
): Promise<{ items: BlockedErasureView[] }> {
  authorize(reg, actor, 'requests.manage');
  const purpose = opts.purpose === undefined ? ERASURE_PURPOSE : resolvePurpose(reg, opts.purpose);
  const marks = Object.values(ERASURE_MARKS);
  return reg.db.transaction().execute(async (tx) => {
    const rows = await sql<{
      id: string;
      mark: string | null;
      since: Date | null;
      details: Record<string, unknown> | null;
      action: string | null;
    }>`select p.id, p.relationship_end_reason as mark, p.relationship_ended_at as since, a.details, a.action
      from persons p
      left join lateral (select details, action from audit_log l
        where l.person_id = p.id and l.action in ('erase', 'anonymise') order by l.id desc limit 1) a on true
      where p.relationship_end_reason in (${sql.join(marks)})
        or exists (select 1 from requests r where r.person_id = p.id and r.state = 'blocked'
          and r.type in ('erasure', 'anonymisation'))
      order by p.relationship_ended_at nulls last, p.id`.execute(tx);
    const ids = rows.rows.map((r) => r.id);
    const requests = ids.length
      ? await tx
          .selectFrom('requests')
          .select(['id', 'type', 'due_on', 'extended_to', 'person_id'])
          .where('person_id', 'in', ids)
          .where('state', '=', 'blocked')
          .where('type', 'in', ['erasure', 'anonymisation'])
          .orderBy('id')
          .execute()
      : [];
    const items = rows.rows.map((r): BlockedErasureView => {
      const d = (r.details ?? {}) as { blockers?: ErasureBlocker[]; keptFields?: string[] };
      return {
        personId: r.id,
        mode: r.action === 'anonymise' || r.mark === ERASURE_MARKS.anonymise ? 'anonymise' : 'erase',
        since: r.since ? new Date(r.since).toISOString() : null,
        blockers: d.blockers ?? [],
        keptFields: d.keptFields ?? [],
        requests: requests
          .filter((q) => q.person_id === r.id)
          .map((q) => ({ id: q.id, type: q.type, dueOn: String(q.extended_to ?? q.due_on) })),
      };
    });
    await auditEach(
      tx,
      reg,
      actor,
      { action: 'list_blocked_erasures', entityType: 'person', purpose },
      items.map((i) => ({ entityId: i.personId, personId: i.personId })),
    );
    return { items };
  });
}
