import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Actor, type Clock, createPerson, type Register, searchPersons } from '@lupaus/engine';
import { openTestRegister } from '@lupaus/engine/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { type GeneratedPerson, generatePersons } from './generate';

/**
 * The person benchmarks: inserting persons and searching them through the use cases (`createPerson`,
 * `searchPersons`), each against a raw SQL baseline doing the same work on the same backend, so that the ratio
 * shows what the register's guarantees (validation, encryption, provenance, audit) cost.
 *
 * @example
 * ```ts
 * const r = await benchPersons({ backend: 'pglite', persons: 2000, searches: 500 });
 * r.measurements; // [{ metric: 'insert', unit: 'persons/s', value: 812, raw: 9400, ratio: 0.086 }, ...]
 * ```
 */
export type Backend = 'pglite' | 'postgres';

export const SEARCH_KINDS = ['name', 'email', 'phone', 'hetu'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export interface Measurement {
  metric: string;
  backend: Backend;
  unit: 'persons/s' | 'events/s' | 'rows/s' | 'req/s' | 'ms' | 's' | 'MiB';
  /** Through the use case. */
  value: number;
  /** Raw SQL doing the same work. */
  raw: number;
  /** value / raw. For a rate below 1 means the use case is slower; for a latency, above 1 does. */
  ratio: number;
}

export interface SearchStats {
  count: number;
  p50: number;
  p95: number;
  mean: number;
  /** Average number of persons found per search. */
  hits: number;
}

export interface BackendResult {
  backend: Backend;
  persons: number;
  searches: number;
  measurements: Measurement[];
  insert: {
    useCase: { seconds: number; rate: number };
    raw: { seconds: number; rate: number; batchSize: number };
  };
  search: Record<SearchKind, { useCase: SearchStats; raw: SearchStats }>;
}

export interface PersonsBenchOptions {
  backend: Backend;
  persons: number;
  /** Searches of each kind (name prefix, email, phone, hetu). */
  searches: number;
  /** The PostgreSQL server (backend `postgres`); a fresh database is created on it for each run. */
  databaseUrl?: string | undefined;
  seed?: number | undefined;
  /** Rows per INSERT statement in the raw baseline. */
  batchSize?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

const EXAMPLE = '003-auntie';
const SOURCE = 'subject';
const SEARCH_LIMIT = 20;
const ACTOR: Actor = { id: 'bench', roles: ['administrator'], commitmentSigned: true };

/** Whether a PostgreSQL server answers at `url`; the reason when it does not. */
export async function postgresUnreachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message || e.constructor.name : String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A new, empty database `lupaus_bench_<random>` on the server at `url`; `drop` removes it again. */
export async function createBenchDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lupaus_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/**
 * A register of an example definition on a fresh database of the backend (a new database on the server, dropped
 * on close; or PGlite in memory), for every benchmark suite.
 */
export async function openBenchRegister(opts: {
  backend: Backend;
  databaseUrl?: string | undefined;
  example: string;
  clock?: Clock;
}): Promise<Register> {
  const clock = opts.clock ? { clock: opts.clock } : {};
  if (opts.backend === 'postgres') {
    if (!opts.databaseUrl) throw new Error('the postgres backend needs a database URL');
    const database = await createBenchDatabase(opts.databaseUrl);
    try {
      const reg = await openTestRegister(opts.example, { databaseUrl: database.url, ...clock });
      return {
        ...reg,
        close: async () => {
          try {
            await reg.close();
          } finally {
            await database.drop();
          }
        },
      };
    } catch (e) {
      await database.drop();
      throw e;
    }
  }
  const reg = await openTestRegister(opts.example, clock);
  if (reg.dbKind !== 'pglite') {
    await reg.close();
    throw new Error(
      `the test register opened ${reg.dbKind}, not PGlite: unset LUPAUS_TEST_DATABASE_URL to benchmark PGlite`,
    );
  }
  return reg;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function stats(latencies: number[], hits: number[]): SearchStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    count: latencies.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    mean: latencies.length ? sum / latencies.length : Number.NaN,
    hits: hits.length ? hits.reduce((a, b) => a + b, 0) / hits.length : 0,
  };
}

async function countPersons(reg: Register): Promise<number> {
  const row = await reg.db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** (a) Every person through `createPerson`, one at a time, as a user or an import would. */
async function insertThroughUseCase(reg: Register, persons: GeneratedPerson[]): Promise<number> {
  const started = performance.now();
  for (const p of persons) {
    await createPerson(reg, ACTOR, { source: SOURCE, fields: p.fields });
  }
  return (performance.now() - started) / 1000;
}

/**
 * (b) The same rows by plain batched INSERTs into persons, person_emails, person_phones and person_addresses,
 * one transaction per batch, the hetu encrypted and hashed by the register's vault. No validation,
 * provenance or audit.
 */
async function insertRaw(reg: Register, persons: GeneratedPerson[], batchSize: number): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < persons.length; from += batchSize) {
    const batch = persons.slice(from, from + batchSize);
    const now = new Date();
    const rows = batch.map((p) => {
      const f = p.fields;
      return {
        id: uuidv7(),
        customer_number: f.customer_number,
        first_name: f.first_name,
        last_name: f.last_name,
        nickname: f.nickname ?? null,
        search_name: [f.first_name, f.last_name, f.nickname].filter(Boolean).join(' ').toLowerCase(),
        hetu_cipher: reg.vault.encrypt(f.hetu),
        hetu_lookup: reg.vault.lookup(f.hetu),
        attributes: '{}',
        created_at: now,
        updated_at: now,
        created_by: ACTOR.id,
        updated_by: ACTOR.id,
      };
    });
    await reg.db.transaction().execute(async (tx) => {
      await tx.insertInto('persons').values(rows).execute();
      await tx
        .insertInto('person_emails')
        .values(
          batch.map((p, i) => ({
            id: uuidv7(),
            person_id: rows[i]!.id,
            position: 0,
            value: p.stored.emailValue,
            value_key: p.stored.emailKey,
          })),
        )
        .execute();
      await tx
        .insertInto('person_phones')
        .values(
          batch.map((p, i) => ({
            id: uuidv7(),
            person_id: rows[i]!.id,
            position: 0,
            value: p.stored.phoneE164,
          })),
        )
        .execute();
      await tx
        .insertInto('person_addresses')
        .values(
          batch.map((p, i) => {
            const a = p.fields.address[0]!;
            return {
              id: uuidv7(),
              person_id: rows[i]!.id,
              position: 0,
              street: a.street,
              po_box: null,
              postal_code: a.postalCode,
              city: a.city,
              country: a.country,
            };
          }),
        )
        .execute();
    });
  }
  return (performance.now() - started) / 1000;
}

export interface SearchCase {
  kind: SearchKind;
  /** What a user types: a name prefix, an email, a phone number as written, a hetu. */
  input: string;
  person: GeneratedPerson;
}

/** `perKind` searches of each kind for persons picked by a seeded PRNG; name prefixes alternate last and first names. */
export function searchCases(persons: GeneratedPerson[], perKind: number, seed: number): SearchCase[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % persons.length;
  };
  const cases: SearchCase[] = [];
  for (let i = 0; i < perKind; i++) {
    for (const kind of SEARCH_KINDS) {
      const person = persons[next()]!;
      const f = person.fields;
      const input =
        kind === 'name'
          ? i % 2 === 0
            ? f.last_name.slice(0, 4)
            : f.first_name.slice(0, 3)
          : kind === 'email'
            ? f.email[0]!
            : kind === 'phone'
              ? f.phone[0]!
              : f.hetu;
      cases.push({ kind, input, person });
    }
  }
  return cases;
}

function useCaseSearch(reg: Register, c: SearchCase) {
  const limit = SEARCH_LIMIT;
  switch (c.kind) {
    case 'name':
      return searchPersons(reg, ACTOR, { q: c.input, limit });
    case 'email':
      return searchPersons(reg, ACTOR, { email: c.input, limit });
    case 'phone':
      return searchPersons(reg, ACTOR, { phone: c.input, limit });
    case 'hetu':
      return searchPersons(reg, ACTOR, { hetu: c.input, limit });
  }
}

/**
 * The raw SQL of the same lookup: the same summary columns (names, customer number, first email and phone) and
 * limit, by index, with no validation, parsing, fuzzy matching, transaction or audit. The phone is looked up
 * by its stored E.164 form; the hetu through the vault's keyed hash.
 */
async function rawSearch(reg: Register, c: SearchCase): Promise<unknown[]> {
  const select = sql`select p.id, p.first_name, p.last_name, p.customer_number,
      (select e.value from person_emails e where e.person_id = p.id order by e.position limit 1) as email,
      (select ph.value from person_phones ph where ph.person_id = p.id order by ph.position limit 1) as phone
    from persons p`;
  let where: ReturnType<typeof sql>;
  switch (c.kind) {
    case 'name': {
      const prefix = `${c.input.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      where = sql`where lower(p.last_name) like ${prefix} or lower(p.first_name) like ${prefix}
        or lower(p.nickname) like ${prefix} or p.search_name like ${prefix}`;
      break;
    }
    case 'email':
      where = sql`where p.id in (select person_id from person_emails where value_key = ${c.input.toLowerCase()})`;
      break;
    case 'phone':
      where = sql`where p.id in (select person_id from person_phones where value = ${c.person.stored.phoneE164})`;
      break;
    case 'hetu':
      where = sql`where p.hetu_lookup = ${reg.vault.lookup(c.input)}`;
      break;
  }
  const result = await sql`${select} ${where} order by p.id limit ${SEARCH_LIMIT}`.execute(reg.db);
  return result.rows;
}

async function timed<T extends unknown[]>(f: () => Promise<T>): Promise<{ ms: number; hits: number }> {
  const started = performance.now();
  const rows = await f();
  return { ms: performance.now() - started, hits: rows.length };
}

/**
 * (c) Each search through `searchPersons` and as raw SQL, interleaved, on the same database: any register of
 * 003-auntie holding the persons of `cases` (the persons suite's, or the one the import benchmark filled).
 */
export async function searchBoth(
  reg: Register,
  cases: SearchCase[],
): Promise<Record<SearchKind, { useCase: SearchStats; raw: SearchStats }>> {
  // Warm up the code paths and the database's caches; not measured.
  for (const c of cases.slice(0, Math.min(cases.length, 40))) {
    await useCaseSearch(reg, c);
    await rawSearch(reg, c);
  }
  const samples = Object.fromEntries(
    SEARCH_KINDS.map((k) => [
      k,
      { useCase: [] as number[], useCaseHits: [] as number[], raw: [] as number[], rawHits: [] as number[] },
    ]),
  ) as Record<SearchKind, { useCase: number[]; useCaseHits: number[]; raw: number[]; rawHits: number[] }>;
  for (const c of cases) {
    const s = samples[c.kind];
    const u = await timed(() => useCaseSearch(reg, c));
    s.useCase.push(u.ms);
    s.useCaseHits.push(u.hits);
    const r = await timed(() => rawSearch(reg, c));
    s.raw.push(r.ms);
    s.rawHits.push(r.hits);
  }
  return Object.fromEntries(
    SEARCH_KINDS.map((k) => [
      k,
      {
        useCase: stats(samples[k].useCase, samples[k].useCaseHits),
        raw: stats(samples[k].raw, samples[k].rawHits),
      },
    ]),
  ) as Record<SearchKind, { useCase: SearchStats; raw: SearchStats }>;
}

/** Throws unless every exact search (email, phone, hetu) found the person it looked for, both ways. */
export function assertSearchesFound(
  search: Record<SearchKind, { useCase: SearchStats; raw: SearchStats }>,
): void {
  for (const kind of ['email', 'phone', 'hetu'] as const) {
    if (search[kind].useCase.hits < 1 || search[kind].raw.hits < 1) {
      throw new Error(`the ${kind} searches did not find the persons they looked for`);
    }
  }
}

/** p50 and p95 of each kind of search as measurements (`search <kind> p50|p95`, ms). */
export function searchMeasurements(
  backend: Backend,
  search: Record<SearchKind, { useCase: SearchStats; raw: SearchStats }>,
  prefix = 'search',
): Measurement[] {
  return SEARCH_KINDS.flatMap((kind) =>
    (['p50', 'p95'] as const).map((p) => {
      const value = search[kind].useCase[p];
      const raw = search[kind].raw[p];
      return {
        metric: `${prefix} ${kind} ${p}`,
        backend,
        unit: 'ms' as const,
        value,
        raw,
        ratio: value / raw,
      };
    }),
  );
}

/** Runs the person benchmarks on one backend, each part on a fresh database. */
export async function benchPersons(opts: PersonsBenchOptions): Promise<BackendResult> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 20240601;
  const batchSize = opts.batchSize ?? 500;
  const persons = generatePersons(opts.persons, seed);
  const cases = searchCases(persons, opts.searches, seed);

  const reg = await openBenchRegister({ ...opts, example: EXAMPLE });
  try {
    log(`${opts.backend}: inserting ${opts.persons} persons through createPerson`);
    const useCaseSeconds = await insertThroughUseCase(reg, persons);
    const inserted = await countPersons(reg);
    if (inserted !== persons.length)
      throw new Error(`createPerson stored ${inserted} of ${persons.length} persons`);

    log(`${opts.backend}: inserting the same persons by raw batched INSERTs (fresh database)`);
    const rawReg = await openBenchRegister({ ...opts, example: EXAMPLE });
    let rawSeconds: number;
    try {
      rawSeconds = await insertRaw(rawReg, persons, batchSize);
      const rawInserted = await countPersons(rawReg);
      if (rawInserted !== persons.length)
        throw new Error(`raw INSERTs stored ${rawInserted} of ${persons.length} persons`);
    } finally {
      await rawReg.close();
    }

    log(
      `${opts.backend}: ${opts.searches} searches of each kind (${SEARCH_KINDS.join(', ')}), use case and raw SQL`,
    );
    const search = await searchBoth(reg, cases);
    assertSearchesFound(search);

    const useCaseRate = persons.length / useCaseSeconds;
    const rawRate = persons.length / rawSeconds;
    const measurements: Measurement[] = [
      {
        metric: 'insert',
        backend: opts.backend,
        unit: 'persons/s',
        value: useCaseRate,
        raw: rawRate,
        ratio: useCaseRate / rawRate,
      },
    ];
    measurements.push(...searchMeasurements(opts.backend, search));
    return {
      backend: opts.backend,
      persons: persons.length,
      searches: opts.searches,
      measurements,
      insert: {
        useCase: { seconds: useCaseSeconds, rate: useCaseRate },
        raw: { seconds: rawSeconds, rate: rawRate, batchSize },
      },
      search,
    };
  } finally {
    await reg.close();
  }
}
