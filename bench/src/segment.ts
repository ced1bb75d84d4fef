import { performance } from 'node:perf_hooks';
import { utcDate } from '@lupaus/core';
import { addresseeName, contactHash, exportSegment, type PostalAddress, type Register } from '@lupaus/engine';
import { sql } from 'kysely';
import { MARKETING_SHARES } from './generate';
import { BENCH_ACTOR } from './import';
import type { Backend, Measurement } from './persons';

/**
 * P5, the marketing segment benchmark (R3.2): `exportSegment` (the marketing gate: restrictions, erasure marks,
 * objections, the latest consent per channel and purpose, consumer or business, a contact point, suppression
 * lists; one audit row per page naming the persons selected; the CSV) over the persons of a populated register of 003-auntie,
 * against raw SQL computing the same set. First `loadMarketingFacts` gives a realistic share of the persons
 * consents, withdrawals, prohibitions, objections, restrictions and suppressed contact points
 * (`MARKETING_SHARES`), by set-based SQL (setup, not measured).
 *
 * @example
 * ```ts
 * await loadMarketingFacts(reg, 42);
 * const r = await benchSegment(reg, { backend: 'pglite' });
 * ```
 */
export const SEGMENTS = [
  { purpose: 'direct_marketing', channel: 'email' },
  { purpose: 'direct_marketing', channel: 'post' },
] as const;

/** A per-mille bucket 0–999 of a person, stable for the seed and a salt (md5 of the customer number). */
function bucket(seed: number, salt: string) {
  return sql`(('x' || substr(md5(p.customer_number || ${`:${seed}:${salt}`}), 1, 8))::bit(32)::bigint % 1000)`;
}

export interface MarketingFacts {
  consents: number;
  objections: number;
  restrictions: number;
  suppressions: number;
}

/** Consents, prohibitions, objections, restrictions and suppressions for shares of the persons (`MARKETING_SHARES`). */
export async function loadMarketingFacts(reg: Register, seed: number): Promise<MarketingFacts> {
  const s = MARKETING_SHARES;
  const insertConsents = (channel: string, state: string, salt: string, share: number, at: string) =>
    sql`insert into consents (id, person_id, channel, purpose, state, at, source, notice_version, recorded_at, recorded_by)
      select gen_random_uuid(), p.id, ${channel}, 'direct_marketing', ${state}, ${at}::timestamptz, 'subject',
        (select max(version) from notice_versions), now(), 'bench'
      from persons p where ${bucket(seed, salt)} < ${share}`.execute(reg.db);
  await insertConsents('email', 'given', 'email', s.emailGiven, '2024-03-01T10:00:00Z');
  // The withdrawals fall among the given: the lowest buckets of the same salt.
  await insertConsents('email', 'withdrawn', 'email', s.emailWithdrawn, '2025-02-01T10:00:00Z');
  await insertConsents('sms', 'given', 'sms', s.smsGiven, '2024-04-01T10:00:00Z');
  await insertConsents('post', 'prohibited', 'post', s.postProhibited, '2024-05-01T10:00:00Z');
  await insertConsents('phone', 'prohibited', 'phone', s.phoneProhibited, '2024-05-01T10:00:00Z');
  await sql`insert into objections (id, person_id, kind, channel, purpose, situation, state, received_at, recorded_by)
    select gen_random_uuid(), p.id, 'direct_marketing', null, null, null, 'upheld', timestamptz '2024-06-01', 'bench'
    from persons p where ${bucket(seed, 'objection')} < ${s.objection}`.execute(reg.db);
  await sql`insert into restrictions (id, person_id, ground, reason, started_at, started_by)
    select gen_random_uuid(), p.id, 'accuracy_contested', null, timestamptz '2024-07-01', 'bench'
    from persons p where ${bucket(seed, 'restricted')} < ${s.restricted}`.execute(reg.db);
  // Suppressed contact points: their keyed hashes are the vault's, so they are computed here, a page at a time.
  let suppressions = 0;
  for (const [kind, channel, share] of [
    ['address', 'post', s.addressSuppressed],
    ['phone', 'phone', s.phoneSuppressed],
  ] as const) {
    const rows =
      kind === 'address'
        ? await sql<{ v: PostalAddress }>`select json_build_object('street', a.street, 'poBox', a.po_box,
              'postalCode', a.postal_code, 'city', a.city, 'country', a.country) as v
            from persons p join person_addresses a on a.person_id = p.id and a.position = 0
            where ${bucket(seed, kind)} < ${share}`.execute(reg.db)
        : await sql<{ v: string }>`select ph.value as v from persons p
            join person_phones ph on ph.person_id = p.id and ph.position = 0
            where ${bucket(seed, kind)} < ${share}`.execute(reg.db);
    const hashes = rows.rows.map((r) =>
      contactHash(
        reg,
        kind,
        (typeof r.v === 'string' && kind === 'address' ? JSON.parse(r.v) : r.v) as never,
      ),
    );
    for (let from = 0; from < hashes.length; from += 5000) {
      const part = hashes.slice(from, from + 5000).map((h) => h.toString('hex'));
      await sql`insert into suppressions (id, channel, kind, value_hash, purpose, reason, list_name, valid_until, added_at, added_by)
        select gen_random_uuid(), ${channel}, ${kind}, decode(x, 'hex'), null, 'import', 'bench', null, now(), 'bench'
        from unnest(${part}::text[]) as x`.execute(reg.db);
    }
    suppressions += hashes.length;
  }
  await sql`analyze`.execute(reg.db);
  const n = async (table: string) =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(reg.db)).rows[0]!.n,
    );
  return {
    consents: await n('consents'),
    objections: await n('objections'),
    restrictions: await n('restrictions'),
    suppressions,
  };
}

/**
 * The raw SQL of the same set: one statement with the gate's conditions 1–5 for the channel (no paging, no
 * transaction, no audit, no CSV) returning the id and the first contact point, then the suppressed contact points
 * of the channel read once and the candidates' hashed points filtered against them (the list holds keyed hashes,
 * so hashing stays in the process, as in the gate).
 */
export async function rawSegment(
  reg: Register,
  segment: { purpose: string; channel: 'email' | 'post' },
): Promise<string[]> {
  const today = utcDate(reg.clock.now());
  const activeRole = sql`exists (select 1 from contact_roles r where r.person_id = p.id
      and r.starts_on <= ${today}::date and (r.ends_on is null or r.ends_on >= ${today}::date))`;
  const email = segment.channel === 'email';
  const point = email
    ? sql`(select e.value from person_emails e where e.person_id = p.id order by e.position limit 1)`
    : sql`(select json_build_object('street', a.street, 'poBox', a.po_box, 'postalCode', a.postal_code,
          'city', a.city, 'country', a.country) from person_addresses a where a.person_id = p.id order by a.position limit 1)`;
  const rows = await sql<{ id: string; first_name: string | null; last_name: string | null; point: unknown }>`
    select p.id, p.first_name, p.last_name, ${point} as point
    from persons p
    left join lateral (select c.state from consents c where c.person_id = p.id and c.channel = ${segment.channel}
      and c.purpose = ${segment.purpose} order by c.at desc, c.id desc limit 1) lc on true
    where not exists (select 1 from restrictions r where r.person_id = p.id and r.lifted_at is null)
      and (p.relationship_end_reason is null or p.relationship_end_reason not in ('erasure', 'anonymisation'))
      and not exists (select 1 from objections o where o.person_id = p.id and o.state in ('upheld', 'pending')
        and o.kind = 'direct_marketing' and (o.channel is null or o.channel = ${segment.channel}))
      and ${email ? sql`exists (select 1 from person_emails x where x.person_id = p.id)` : sql`exists (select 1 from person_addresses x where x.person_id = p.id)`}
      and (lc.state = 'given' or (lc.state is null and ${email ? activeRole : sql`true`}))`.execute(reg.db);
  const kind = email ? 'email' : 'address';
  const listed = await sql<{ h: string }>`select encode(value_hash, 'hex') as h from suppressions
    where kind = ${kind} and channel = ${segment.channel} and (purpose is null or purpose = ${segment.purpose})
      and (valid_until is null or valid_until > now())`.execute(reg.db);
  const suppressed = new Set(listed.rows.map((r) => r.h));
  if (suppressed.size === 0) return rows.rows.map((r) => r.id);
  return rows.rows
    .filter((r) => {
      const v = typeof r.point === 'string' && !email ? JSON.parse(r.point) : r.point;
      if (email) return !suppressed.has(contactHash(reg, 'email', v as string).toString('hex'));
      const a = v as PostalAddress;
      return (
        !suppressed.has(contactHash(reg, 'address', a).toString('hex')) &&
        !suppressed.has(
          contactHash(reg, 'address', { ...a, name: addresseeName(r.first_name, r.last_name) }).toString(
            'hex',
          ),
        )
      );
    })
    .map((r) => r.id);
}

export interface SegmentBenchResult {
  backend: Backend;
  persons: number;
  facts: MarketingFacts | null;
  segments: { purpose: string; channel: string; count: number; seconds: number; rawSeconds: number }[];
  measurements: Measurement[];
}

/**
 * Each segment of `SEGMENTS` through `exportSegment` and as raw SQL, `runs` times interleaved (the median
 * counts), on the same database; throws unless both select the same number of persons.
 */
export async function benchSegment(
  reg: Register,
  opts: { backend: Backend; persons: number; runs?: number; facts?: MarketingFacts | null },
): Promise<SegmentBenchResult> {
  const runs = opts.runs ?? 3;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const segments: SegmentBenchResult['segments'] = [];
  const measurements: Measurement[] = [];
  for (const seg of SEGMENTS) {
    const times: number[] = [];
    const rawTimes: number[] = [];
    let count = -1;
    let rawCount = -1;
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const r = await exportSegment(reg, BENCH_ACTOR, { purpose: seg.purpose, channel: seg.channel });
      times.push((performance.now() - t) / 1000);
      count = r.count;
      t = performance.now();
      const ids = await rawSegment(reg, seg);
      rawTimes.push((performance.now() - t) / 1000);
      rawCount = ids.length;
    }
    if (count !== rawCount)
      throw new Error(`segment ${seg.channel}: the gate selected ${count} persons, raw SQL ${rawCount}`);
    if (count === 0 || count === opts.persons)
      throw new Error(
        `segment ${seg.channel}: ${count} of ${opts.persons} selected, so the gate had no work`,
      );
    const seconds = median(times);
    const rawSeconds = median(rawTimes);
    segments.push({ ...seg, count, seconds, rawSeconds });
    measurements.push({
      metric: `segment ${seg.channel} s`,
      backend: opts.backend,
      unit: 's',
      value: seconds,
      raw: rawSeconds,
      ratio: seconds / rawSeconds,
    });
  }
  return { backend: opts.backend, persons: opts.persons, facts: opts.facts ?? null, segments, measurements };
}
