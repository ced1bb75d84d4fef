import { sql } from 'kysely';
import type { Executor } from '../executor';

/**
 * Why two persons look like one (R2.7): the same email (its lower-cased key), the same phone (E.164), or a
 * similar name (trigram similarity of `search_name`) at the same street address or, weaker, in the same postal
 * code. The same hetu cannot occur twice: `persons.hetu_lookup` is unique, so a second person with a hetu already
 * held is refused at entry (CONFLICT naming the person who has it).
 */
export type DuplicateReason = 'email' | 'phone' | 'name_address' | 'name_postal_code';
export const DUPLICATE_REASONS: readonly DuplicateReason[] = [
  'email',
  'phone',
  'name_address',
  'name_postal_code',
];

export interface DuplicatePairRow {
  /** The smaller id of the pair. */
  a: string;
  b: string;
  /** 0–1, four decimals, as text (numeric). */
  score: string;
  reasons: DuplicateReason[];
}

export interface DuplicateQuery {
  reasons: readonly DuplicateReason[];
  limit: number;
  /** The last pair of the previous page. */
  after?: { score: string; a: string; b: string } | undefined;
  /** An email or phone shared by more persons than this is a shared one (a switchboard, an office), not a sign. */
  maxShared: number;
  /** The least trigram similarity of two names that counts (0–1). */
  minSimilarity: number;
  /**
   * The most persons of one name block (a postal code and a surname, or a postal code and a first name) whose
   * pairs are compared: a larger block (a very common first name in a very large postal code) is left to the
   * other block key, so that one block never costs block² comparisons beyond this.
   */
  maxBlock: number;
  /** Relationship-end reasons that mark a person waiting to be erased: never listed. */
  excludedEndReasons: readonly string[];
}

/** The strength of each sign; a pair with several signs scores 1 − Π(1 − s). */
export const REASON_WEIGHTS = {
  email: 0.9,
  phone: 0.6,
  /** 0.5 + 0.45 × similarity: an identical name at the same street address scores 0.95. */
  nameAddress: { base: 0.5, perSimilarity: 0.45 },
  /** 0.3 + 0.4 × similarity. */
  namePostalCode: { base: 0.3, perSimilarity: 0.4 },
} as const;

/**
 * One page of likely duplicate pairs, strongest first (score descending, then ids), in one set-based statement:
 *
 * - email and phone: the keys held by 2..maxShared persons (one pass over the key's index, grouped), then those
 *   persons paired within each key;
 * - names: persons with a postal address are grouped into blocks of the same postal code and the same last
 *   name, and of the same postal code and the same first name (two hash aggregates), every pair within a block
 *   (of at most `maxBlock` persons) is compared, and a pair counts when the trigram similarity of their whole
 *   names reaches `minSimilarity`. So a typo in one of the names is found; a typo in both, or a person who
 *   moved, is not.
 *
 * Every arm is linear in the number of contact points and addresses (hash aggregates and joins on the keys),
 * and the pairs compared are bounded by the block sizes (Σ block²/2, each block ≤ maxBlock), never persons²; see list-duplicates.ts for the
 * figures. Pairs marked "not duplicates" and persons waiting for erasure are left out.
 */
export async function findDuplicatePairs(db: Executor, q: DuplicateQuery): Promise<DuplicatePairRow[]> {
  const want = new Set(q.reasons);
  const arms = [];
  for (const [reason, table, column] of [
    ['email', 'person_emails', 'value_key'],
    ['phone', 'person_phones', 'value'],
  ] as const) {
    if (!want.has(reason)) continue;
    const t = sql.table(table);
    const c = sql.ref(column);
    arms.push(sql`select x.person_id as a, y.person_id as b, ${reason}::text as reason,
        ${REASON_WEIGHTS[reason]}::float8 as s
      from (select ${c} as k from ${t} group by ${c}
        having count(distinct person_id) between 2 and ${q.maxShared}) keys
      join ${t} x on x.${c} = keys.k
      join ${t} y on y.${c} = keys.k and y.person_id > x.person_id`);
  }
  const names = want.has('name_address') || want.has('name_postal_code');
  const na = REASON_WEIGHTS.nameAddress;
  const np = REASON_WEIGHTS.namePostalCode;
  if (names) {
    // Within each block (postal code + surname, postal code + first name) every pair once, by array positions:
    // no join whose estimate could turn into a nested loop over all persons.
    arms.push(sql`select a, b, reason, s from (
        select a, b,
          case when bool_or(same_street) then 'name_address' else 'name_postal_code' end as reason,
          max(case when same_street then ${na.base}::float8 + ${na.perSimilarity}::float8 * sim
            else ${np.base}::float8 + ${np.perSimilarity}::float8 * sim end) as s
        from (
          select k.ids[i] as a, k.ids[j] as b,
            (k.streets[i] <> '' and k.streets[i] = k.streets[j]) as same_street,
            similarity(k.names[i], k.names[j])::float8 as sim
          from blocks k
          cross join lateral generate_series(1, k.n - 1) as i
          cross join lateral generate_series(i + 1, k.n) as j
        ) candidates
        where sim >= ${q.minSimilarity}::float8 and a <> b
        group by a, b
      ) n where reason = any(${[...want]}::text[])`);
  }
  if (arms.length === 0) return [];
  const located = names
    ? sql`located as materialized (
        select a.person_id, a.postal_code, replace(lower(trim(coalesce(a.street, ''))), '  ', ' ') as street,
          lower(p.first_name) as fn, lower(p.last_name) as ln, p.search_name
        from person_addresses a join persons p on p.id = a.person_id
        where a.postal_code is not null and p.search_name <> ''
      ),
      blocks as (
        select count(*)::int as n, array_agg(person_id order by person_id) as ids,
          array_agg(search_name order by person_id) as names, array_agg(street order by person_id) as streets
        from located where ln is not null group by postal_code, ln
        having count(*) between 2 and ${q.maxBlock}
        union all
        select count(*)::int, array_agg(person_id order by person_id),
          array_agg(search_name order by person_id), array_agg(street order by person_id)
        from located where fn is not null group by postal_code, fn
        having count(*) between 2 and ${q.maxBlock}
      ),`
    : sql``;
  const after = q.after
    ? sql`and (s.score < ${q.after.score}::numeric
        or (s.score = ${q.after.score}::numeric and (s.a, s.b) > (${q.after.a}::uuid, ${q.after.b}::uuid)))`
    : sql``;
  // The planner's guess for the pairs of the blocks is far too high (it cannot know the block sizes), which would
  // have a server JIT-compile the statement for longer than it runs; and the grouping wants memory, not disk.
  await sql`set local jit = off`.execute(db);
  await sql`set local work_mem = '64MB'`.execute(db);
  const result = await sql<DuplicatePairRow>`with ${located}
    pairs as (${sql.join(arms, sql` union all `)}),
    scored as (
      select a, b, round((1 - exp(sum(ln(1 - s))))::numeric, 4) as score,
        array_agg(distinct reason order by reason) as reasons
      from pairs group by a, b
    )
    select s.a, s.b, s.score::text as score, s.reasons
    from scored s
    where not exists (select 1 from person_not_duplicates n where n.person_a = s.a and n.person_b = s.b)
      and not exists (select 1 from persons p where p.id in (s.a, s.b)
        and p.relationship_end_reason = any(${[...q.excludedEndReasons]}::text[]))
      ${after}
    order by s.score desc, s.a, s.b
    limit ${q.limit}`.execute(db);
  return result.rows.map((r) => ({ ...r, reasons: parseTextArray(r.reasons) as DuplicateReason[] }));
}

/** A text[] as the driver gives it: an array, or on some paths its literal `{a,b}`. */
function parseTextArray(v: unknown): string[] {
  if (Array.isArray(v)) return v as string[];
  if (typeof v === 'string')
    return v
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean);
  return [];
}

/** Records that two persons are not the same person (idempotent). */
export async function insertNotDuplicate(
  db: Executor,
  row: { a: string; b: string; at: Date; by: string },
): Promise<boolean> {
  const [a, b] = row.a < row.b ? [row.a, row.b] : [row.b, row.a];
  const r = await db
    .insertInto('person_not_duplicates')
    .values({ person_a: a, person_b: b, at: row.at, by: row.by })
    .onConflict((oc) => oc.columns(['person_a', 'person_b']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * The person a merged id now lives on: follows `person_merges` (a merge into a person that was merged later
 * itself) to the end; undefined when the id was never merged.
 */
export async function findMergedInto(
  db: Executor,
  id: string,
): Promise<{ keptId: string; at: Date } | undefined> {
  let found: { keptId: string; at: Date } | undefined;
  let current = id;
  for (let i = 0; i < 20; i++) {
    const row = await db
      .selectFrom('person_merges')
      .select(['kept_id', 'at'])
      .where('merged_id', '=', current)
      .executeTakeFirst();
    if (!row) break;
    found = { keptId: row.kept_id, at: new Date(row.at) };
    current = row.kept_id;
  }
  return found;
}
