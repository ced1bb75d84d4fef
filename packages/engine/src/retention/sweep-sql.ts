import {
  afterFiscalYearEndCutoff,
  type BlockerKind,
  contactRoleBlocks,
  DAY_MS,
  type Holder,
  openAccountsBlock,
  parseDuration,
  type RetentionRule,
  subtractDuration,
} from '@lupaus/core';
import { type Executor, RECORD_TABLES, type RecordTableHolder } from '@lupaus/db';
import { type RawBuilder, sql } from 'kysely';
import type { Register } from '../context';
import type { SubjectKind, SweepTarget } from './targets';

/**
 * The sweep's SQL, built from a target (a category and its rule) as of one instant. The due predicates compute
 * exactly what `dueDate` (core) computes, set-wise: all calendar arithmetic is done on UTC timestamps
 * (`timestamptz at time zone 'UTC'`, then `+ interval`), which clamps month ends as `addDuration` does and does
 * not depend on the session's time zone. Where a rule allows, a cutoff computed once per category lets the
 * indexes on (category, occurred_at), the relationship end and the last contact find the candidates.
 */
type Sql = RawBuilder<unknown>;

export interface SweepQuery {
  target: SweepTarget;
  subject: SubjectKind;
  /** `from` clause: the subject's table as `t` (persons as `p`, joined for rules that need the person). */
  from: Sql;
  id: Sql;
  personId: Sql;
  /** The rule says the item is due (and, for a person's data, there is something left to erase). */
  due: Sql;
  /** When it fell due (timestamptz), or null where only the JS computation gives it (fiscal years). */
  dueAt: Sql | null;
  /** What the due date is counted from (for ordering and for the fiscal due date). */
  basis: Sql;
  /**
   * For rules with one cutoff per category (from creation, fiscal years): the order that makes a batch an
   * index range scan on (category, occurred_at) instead of a scan of the table past rows already deleted.
   */
  indexOrder?: Sql | undefined;
  blockers: { kind: BlockerKind; present: Sql }[];
}

export interface SweepClock {
  asOf: Date;
  /** `asOf` as a timestamptz literal. */
  at: Sql;
  /** `asOf` as a UTC timestamp, the zone of all calendar arithmetic. */
  utcAt: Sql;
  /**
   * When legal holds are judged: the later of `asOf` and now. A hold in force now stops a run as of a past
   * instant (the data would go now); a dry run as of a future instant shows what goes once a hold has ended.
   */
  holdsAt: Date;
  holdsAtSql: Sql;
  holdsAtUtc: Sql;
}

export function sweepClock(asOf: Date, now: Date): SweepClock {
  const at = sql`${asOf.toISOString()}::timestamptz`;
  const holdsAt = asOf.getTime() > now.getTime() ? asOf : now;
  const holdsAtSql = sql`${holdsAt.toISOString()}::timestamptz`;
  return {
    asOf,
    at,
    utcAt: sql`(${at} at time zone 'UTC')`,
    holdsAt,
    holdsAtSql,
    holdsAtUtc: sql`(${holdsAtSql} at time zone 'UTC')`,
  };
}

export const BLOCKER_KINDS: readonly BlockerKind[] = [
  'legal_hold',
  'open_invoice',
  'open_collection',
  'contact_role',
  'linked_records',
];

const utc = (e: Sql): Sql => sql`(${e} at time zone 'UTC')`;

/** A period as a PostgreSQL interval of years, months and days (weeks counted as days). */
export function interval(period: string | undefined): Sql {
  if (!period) return sql`interval '0 days'`;
  const p = parseDuration(period);
  return sql`make_interval(years => ${sql.lit(p.years)}, months => ${sql.lit(p.months)}, days => ${sql.lit(p.days)})`;
}

/** An upper bound on the dates whose `date + period` is not after `asOf` (month-end clamping moves it by days). */
function upperBound(asOf: Date, ...periods: (string | undefined)[]): Date {
  let t = asOf;
  for (const p of periods) if (p) t = subtractDuration(t, p);
  return new Date(t.getTime() + 7 * DAY_MS * periods.length);
}

export function recordTable(holder: Holder): string {
  return RECORD_TABLES[holder as RecordTableHolder].table;
}

interface Refs {
  own: Sql;
  person: Sql | null;
}

function refsOf(subject: SubjectKind): Refs {
  switch (subject) {
    case 'record':
      return { own: sql.ref('t.occurred_at'), person: sql.ref('t.person_id') };
    case 'person':
      return { own: sql.ref('p.created_at'), person: sql.ref('p.id') };
    case 'contact_role':
      return { own: sql.ref('t.created_at'), person: sql.ref('t.person_id') };
    case 'organisation':
      return { own: sql.ref('t.created_at'), person: null };
  }
}

/** When the person's customer relationship ended, as a UTC timestamp; null while it lasts (relationshipStatus). */
function relationshipEnd(reg: Register, clock: SweepClock): { end: Sql; prefilter: Sql } {
  const rule = reg.definition.retention?.relationshipEnd;
  const recorded = sql`p.relationship_ended_at <= ${clock.at}`;
  if (rule?.kind === 'last_contact' && rule.inactivityPeriod) {
    const judged = sql`(${utc(sql`greatest(p.last_contact_at, p.created_at)`)} + ${interval(rule.inactivityPeriod)})`;
    return {
      end: sql`case when ${recorded} then ${utc(sql`p.relationship_ended_at`)} when ${judged} <= ${clock.utcAt} then ${judged} end`,
      prefilter: sql`(${recorded} or coalesce(p.last_contact_at, p.created_at) <= ${upperBound(clock.asOf, rule.inactivityPeriod).toISOString()}::timestamptz)`,
    };
  }
  return {
    end: sql`case when ${recorded} then ${utc(sql`p.relationship_ended_at`)} end`,
    prefilter: recorded,
  };
}

interface RulePredicate {
  due: Sql;
  /** A UTC timestamp, or null (fiscal years: computed in JS from the basis). */
  dueUtc: Sql | null;
  needsPerson: boolean;
}

function rulePredicate(
  reg: Register,
  rule: RetentionRule,
  subject: SubjectKind,
  clock: SweepClock,
  refs: Refs,
): RulePredicate {
  const p = interval(rule.period);
  switch (rule.kind) {
    case 'from_creation': {
      const dueUtc = sql`(${utc(refs.own)} + ${p})`;
      const upper = upperBound(clock.asOf, rule.period).toISOString();
      return {
        due: sql`(${refs.own} <= ${upper}::timestamptz and ${dueUtc} <= ${clock.utcAt})`,
        dueUtc,
        needsPerson: false,
      };
    }
    case 'after_fiscal_year_end': {
      const fye = reg.definition.retention?.fiscalYearEnd ?? '12-31';
      const cutoff = afterFiscalYearEndCutoff(clock.asOf, fye, rule.period ?? 'P0D').toISOString();
      return { due: sql`${refs.own} < ${cutoff}::timestamptz`, dueUtc: null, needsPerson: false };
    }
    case 'after_relationship_end':
    case 'until_relationship_ended': {
      const rel = relationshipEnd(reg, clock);
      const period = rule.kind === 'after_relationship_end' ? rule.period : undefined;
      const dueUtc = sql`(${rel.end} + ${interval(period)})`;
      return { due: sql`(${rel.prefilter} and ${dueUtc} <= ${clock.utcAt})`, dueUtc, needsPerson: true };
    }
    case 'while_contact_person': {
      let from: Sql;
      if (subject === 'contact_role') from = sql`(t.ends_on + 1)::timestamp`;
      else if (subject === 'organisation') {
        from = sql`coalesce((select max(r.ends_on) + 1 from contact_roles r where r.organisation_id = t.id)::timestamp,
          case when not exists (select 1 from contact_roles r where r.organisation_id = t.id) then ${utc(refs.own)} end)`;
      } else {
        from = sql`(select max(r.ends_on) + 1 from contact_roles r where r.person_id = ${refs.person})::timestamp`;
      }
      const dueUtc = sql`(${from} + ${p})`;
      return { due: sql`${dueUtc} <= ${clock.utcAt}`, dueUtc, needsPerson: false };
    }
    case 'until_no_longer_needed':
      return { due: sql`false`, dueUtc: null, needsPerson: false };
  }
}

function holdPresent(clock: SweepClock, categories: readonly string[], person: Sql | null): Sql {
  const who = person ? sql`(h.person_id is null or h.person_id = ${person})` : sql`h.person_id is null`;
  return sql`exists (select 1 from legal_holds h where h.released_at is null and h.starts_at <= ${clock.holdsAtSql}
    and (h.ends_on + 1)::timestamp > ${clock.holdsAtUtc}
    and (h.category is null or h.category in (${sql.join(categories.map((c) => sql`${c}`))})) and ${who})`;
}

function blockersOf(
  target: SweepTarget,
  clock: SweepClock,
  refs: Refs,
  categories: readonly string[],
): SweepQuery['blockers'] {
  const out: SweepQuery['blockers'] = [
    { kind: 'legal_hold', present: holdPresent(clock, categories, refs.person) },
  ];
  const person = refs.person;
  const rules = target.siblings.map((s) => s.rule);
  if (person && rules.some((r) => openAccountsBlock(r, target.holder))) {
    out.push({
      kind: 'open_invoice',
      present: sql`exists (select 1 from invoices i where i.person_id = ${person} and i.state = 'open')`,
    });
    out.push({
      kind: 'open_collection',
      present: sql`exists (select 1 from collection_cases c where c.person_id = ${person} and c.state = 'open')`,
    });
  }
  if (rules.some((r) => contactRoleBlocks(r, target.holder))) {
    const whose =
      target.subject === 'organisation' ? sql`r.organisation_id = t.id` : sql`r.person_id = ${person}`;
    out.push({
      kind: 'contact_role',
      present: sql`exists (select 1 from contact_roles r where ${whose}
        and (r.ends_on is null or (r.ends_on + 1)::timestamp > ${clock.utcAt}))`,
    });
  }
  if (target.subject === 'organisation') {
    out.push({
      kind: 'linked_records',
      present: sql`(exists (select 1 from orders x where x.organisation_id = t.id)
        or exists (select 1 from invoices x where x.organisation_id = t.id))`,
    });
  }
  return out;
}

/** Whether a person holds a value of a person field (null: the field is not declared). */
export function personFieldPresent(reg: Register, id: string): Sql | null {
  const f = reg.catalogue.field('person', id);
  if (!f) return null;
  if (id === 'email') return sql`exists (select 1 from person_emails e where e.person_id = p.id)`;
  if (id === 'phone') return sql`exists (select 1 from person_phones e where e.person_id = p.id)`;
  if (id === 'address') return sql`exists (select 1 from person_addresses e where e.person_id = p.id)`;
  if (f.core && f.type === 'hetu') return sql`p.hetu_cipher is not null`;
  if (f.core) return sql`${sql.ref(`p.${id}`)} is not null`;
  return sql`p.attributes ? ${id}`;
}

/**
 * Whether a person still holds a value of any of these fields that erasure removes. A field that is anonymised
 * keeps a value, so with one of those every due person counts (the run then pages by id and skips the done).
 */
export function personHasValues(reg: Register, fieldIds: readonly string[]): Sql {
  const parts: Sql[] = [];
  for (const id of fieldIds) {
    if (reg.catalogue.field('person', id)?.erasure.strategy === 'anonymise') return sql`true`;
    const present = personFieldPresent(reg, id);
    if (present) parts.push(present);
  }
  return parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` or `)})`;
}

/** The query parts of a target as of `clock`. */
export function sweepQuery(reg: Register, target: SweepTarget, clock: SweepClock): SweepQuery {
  const refs = refsOf(target.subject);
  const predicates = target.siblings.map((s) => rulePredicate(reg, s.rule, target.subject, clock, refs));
  const needsPerson = predicates.some((p) => p.needsPerson);
  let from: Sql;
  let base: Sql;
  switch (target.subject) {
    case 'record':
      from = needsPerson
        ? sql`${sql.table(recordTable(target.holder))} t join persons p on p.id = t.person_id`
        : sql`${sql.table(recordTable(target.holder))} t`;
      base = sql`t.category = ${target.category.id} and t.person_id is not null`;
      break;
    case 'person':
      from = sql`persons p`;
      base = personHasValues(
        reg,
        target.category.fields.map((f) => f.id),
      );
      break;
    case 'contact_role':
      from = sql`contact_roles t join persons p on p.id = t.person_id`;
      base = sql`true`;
      break;
    case 'organisation':
      from = sql`organisations t`;
      base = sql`true`;
      break;
  }
  const dueUtcs = predicates.map((p) => p.dueUtc);
  const dueAt = dueUtcs.every((d): d is Sql => d !== null)
    ? utc(dueUtcs.length === 1 ? dueUtcs[0]! : sql`greatest(${sql.join(dueUtcs)})`)
    : null;
  return {
    target,
    subject: target.subject,
    from,
    id: target.subject === 'person' ? sql.ref('p.id') : sql.ref('t.id'),
    personId: refs.person ?? sql`null::uuid`,
    due: sql`(${base} and ${sql.join(
      predicates.map((p) => p.due),
      sql` and `,
    )})`,
    dueAt,
    basis: refs.own,
    indexOrder:
      target.subject === 'record' &&
      !needsPerson &&
      target.siblings.every((x) => x.rule.kind !== 'while_contact_person')
        ? sql`t.category, t.occurred_at`
        : undefined,
    blockers: blockersOf(
      target,
      clock,
      refs,
      target.siblings.map((s) => s.category.id),
    ),
  };
}

/**
 * Whole persons that may go: every category the person holds is due, nothing blocks, and no record, contact
 * role or other row of the person is left. Null when a person-held category can never fall due by itself.
 *
 * With `anticipating` (the dry run), a record or contact role that the same run removes before it comes to the
 * persons does not count as left, so that the plan shows the persons the run will delete.
 */
export function personDeletionQuery(
  reg: Register,
  categories: { category: SweepTarget['category']; rule: RetentionRule | undefined }[],
  clock: SweepClock,
  anticipating: readonly SweepQuery[] = [],
): Omit<SweepQuery, 'target'> | null {
  if (categories.length === 0) return null;
  const refs = refsOf('person');
  const predicates: RulePredicate[] = [];
  for (const c of categories) {
    if (!c.rule || c.rule.kind === 'until_no_longer_needed') return null;
    predicates.push(rulePredicate(reg, c.rule, 'person', clock, refs));
  }
  // In a subquery over `<table> t` with `t.person_id = p.id`, a query's predicates about `p` are about the person.
  const goes = (table: string, subject: SubjectKind) => {
    const qs = anticipating.filter(
      (q) => q.subject === subject && (subject !== 'record' || recordTable(q.target.holder) === table),
    );
    if (qs.length === 0) return sql`false`;
    return sql`(${sql.join(
      qs.map((q) => sql`(${q.due} and not ${anyBlocker(q)})`),
      sql` or `,
    )})`;
  };
  const left = Object.values(RECORD_TABLES).map(
    (t) =>
      sql`not exists (select 1 from ${sql.table(t.table)} t where t.person_id = p.id and not ${goes(t.table, 'record')})`,
  );
  left.push(
    sql`not exists (select 1 from contact_roles t where t.person_id = p.id and not ${goes('contact_roles', 'contact_role')})`,
  );
  const dueUtcs = predicates.map((p) => p.dueUtc);
  const dueAt = dueUtcs.every((d): d is Sql => d !== null)
    ? utc(dueUtcs.length === 1 ? dueUtcs[0]! : sql`greatest(${sql.join(dueUtcs)})`)
    : null;
  const ids = categories.map((c) => c.category.id);
  return {
    subject: 'person',
    from: sql`persons p`,
    id: sql.ref('p.id'),
    personId: sql.ref('p.id'),
    due: sql`(${sql.join([...predicates.map((p) => p.due), ...left], sql` and `)})`,
    dueAt,
    basis: refs.own,
    blockers: [{ kind: 'legal_hold', present: holdPresent(clock, ids, refs.person) }],
  };
}

type AnyQuery = Omit<SweepQuery, 'target'>;

function anyBlocker(q: AnyQuery): Sql {
  return q.blockers.length === 0
    ? sql`false`
    : sql`(${sql.join(
        q.blockers.map((b) => b.present),
        sql` or `,
      )})`;
}

export interface DueCounts {
  due: number;
  blocked: number;
  blockedBy: Partial<Record<BlockerKind, number>>;
  earliest: Date | null;
  latest: Date | null;
  /** The earliest and latest date the due items are counted from (for due dates computed in JS). */
  earliestBasis: Date | null;
  latestBasis: Date | null;
}

/** How many items are due and unblocked, how many blocked (by each kind of blocker), and the due date range. */
export async function countDue(tx: Executor, q: AnyQuery): Promise<DueCounts> {
  const flags = q.blockers.map((b, i) => sql`${b.present} as ${sql.ref(`b${i}`)}`);
  const any = q.blockers.length
    ? sql.join(
        q.blockers.map((_, i) => sql.ref(`s.b${i}`)),
        sql` or `,
      )
    : sql`false`;
  const perKind = q.blockers.map(
    (b, i) => sql`count(*) filter (where ${sql.ref(`s.b${i}`)}) as ${sql.ref(b.kind)}`,
  );
  const r = await sql<Record<string, unknown>>`select
      count(*) filter (where not (${any})) as due,
      count(*) filter (where ${any}) as blocked,
      min(s.due_at) filter (where not (${any})) as earliest,
      max(s.due_at) filter (where not (${any})) as latest,
      min(s.basis) filter (where not (${any})) as earliest_basis,
      max(s.basis) filter (where not (${any})) as latest_basis
      ${perKind.length ? sql`, ${sql.join(perKind)}` : sql``}
    from (select ${q.dueAt ?? sql`null::timestamptz`} as due_at, ${q.basis} as basis
      ${flags.length ? sql`, ${sql.join(flags)}` : sql``}
      from ${q.from} where ${q.due}) s`.execute(tx);
  const row = r.rows[0] ?? {};
  const blockedBy: DueCounts['blockedBy'] = {};
  for (const b of q.blockers) {
    const n = Number(row[b.kind] ?? 0);
    if (n > 0) blockedBy[b.kind] = n;
  }
  const date = (v: unknown) => (v ? new Date(v as Date) : null);
  return {
    due: Number(row.due ?? 0),
    blocked: Number(row.blocked ?? 0),
    blockedBy,
    earliest: date(row.earliest),
    latest: date(row.latest),
    earliestBasis: date(row.earliest_basis),
    latestBasis: date(row.latest_basis),
  };
}

export interface DueRow {
  id: string;
  person_id: string | null;
  due_at: Date | null;
  basis: Date;
}

/**
 * Due items, unblocked (or, with `blocked`, only the blocked ones), ordered by due date then id. `after` pages
 * by id (the run's keyset for a person's data, whose anonymised values stay due).
 */
export async function selectDue(
  tx: Executor,
  q: AnyQuery,
  opts: { limit: number; blocked?: boolean; after?: string | undefined; ordered?: boolean },
): Promise<DueRow[]> {
  const blocked = anyBlocker(q);
  const after = opts.after ? sql`and ${q.id} > ${opts.after}::uuid` : sql``;
  const order =
    opts.after !== undefined || opts.ordered === false ? sql`order by ${q.id}` : sql`order by 3, 4, 1`;
  const r = await sql<DueRow>`select ${q.id} as id, ${q.personId} as person_id,
      ${q.dueAt ?? sql`null::timestamptz`} as due_at, ${q.basis} as basis
    from ${q.from} where ${q.due} and ${opts.blocked ? blocked : sql`not ${blocked}`} ${after}
    ${opts.ordered === false ? sql`` : order} limit ${sql.lit(opts.limit)}`.execute(tx);
  return r.rows;
}
