import { performance } from 'node:perf_hooks';
import { validateFields } from '@lupaus/core';
import {
  type Actor,
  contactCategories,
  type InteractionEvent,
  ingestInteractions,
  type Register,
} from '@lupaus/engine';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { createRandom, generatePersons } from './generate';
import { type Backend, type Measurement, openBenchRegister } from './persons';

/**
 * The ingestion benchmark (R2.4): web visits for many persons at once through `ingestInteractions`, a batch at a
 * time, against a raw batched INSERT of the same rows into the same table on the same backend. The ratio shows
 * what the register's guarantees cost for a feed: validation of every event against the definition, finding
 * the persons, the last service contact, and the audit row naming the batch's persons.
 *
 * @example
 * ```ts
 * const r = await benchIngest({ backend: 'pglite', persons: 10_000, events: 100_000 });
 * r.measurements; // [{ metric: 'ingest', unit: 'events/s', value: 31000, raw: 29000, ratio: 1.07 }]
 * ```
 */
export interface IngestBenchOptions {
  backend: Backend;
  persons: number;
  events: number;
  /** Events per `ingestInteractions` call and rows per raw INSERT (default 1000). */
  batchSize?: number | undefined;
  /** The register: 002-vastuu-group (web visits are service contacts) or 003-auntie (they are not). */
  example?: IngestExample | undefined;
  databaseUrl?: string | undefined;
  seed?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface IngestBenchResult {
  backend: Backend;
  example: IngestExample;
  /** Whether each web visit moves the person's last service contact forward (an UPDATE of persons). */
  contacts: boolean;
  persons: number;
  events: number;
  batchSize: number;
  measurements: Measurement[];
  useCase: { seconds: number; rate: number };
  raw: { seconds: number; rate: number };
  /** Where a use-case batch spends its time: validating in memory, and everything else (SQL). */
  profile: { validateMsPerBatch: number; totalMsPerBatch: number };
}

/**
 * The web visits of two examples: IP, time, pages, browser and referrer. In 002-vastuu-group every interaction
 * is a service contact (it declares no contactCategories), so each visit also moves the person's last contact;
 * in 003-auntie web usage is not a service contact.
 */
export const INGEST_EXAMPLES = {
  '002-vastuu-group': { kind: 'web_visits', source: 'web_analytics' },
  '003-auntie': { kind: 'web_usage', source: 'transactions' },
} as const;
export type IngestExample = keyof typeof INGEST_EXAMPLES;
export const DEFAULT_INGEST_EXAMPLE: IngestExample = '002-vastuu-group';
const ACTOR: Actor = { id: 'bench', roles: ['administrator'], commitmentSigned: true };

const PAGES = ['/', '/palvelut', '/hinnasto', '/yhteystiedot', '/tuki', '/blogi', '/kirjaudu', '/tilaa'];
const BROWSERS = ['Firefox 126', 'Chrome 125', 'Safari 17', 'Edge 125'];
const REFERRERS = ['https://www.google.com/', 'https://www.bing.com/', 'https://www.linkedin.com/feed/'];

interface BenchPerson {
  id: string;
  customerNumber: string;
}

/** `count` web visits, deterministic for a seed, each for a person picked at random; half by id, half by customer number. */
export function generateVisits(
  persons: readonly BenchPerson[],
  count: number,
  seed: number,
  example: IngestExample = DEFAULT_INGEST_EXAMPLE,
): InteractionEvent[] {
  const { kind, source } = INGEST_EXAMPLES[example];
  const random = createRandom(seed ^ 0x5bd1e995);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const start = Date.UTC(2024, 0, 1);
  const events: InteractionEvent[] = [];
  for (let i = 0; i < count; i++) {
    const p = pick(persons);
    const pages = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(PAGES));
    events.push({
      person: i % 2 === 0 ? { id: p.id } : { customerNumber: p.customerNumber },
      kind,
      source,
      fields: {
        ip_address: `192.0.2.${1 + Math.floor(random() * 254)}`,
        visited_at: new Date(start + Math.floor(random() * 150 * 86_400_000)).toISOString(),
        pages,
        browser: pick(BROWSERS),
        referrer: pick(REFERRERS),
      },
    });
  }
  return events;
}

/** The persons, inserted directly (setup, not measured). */
async function insertPersons(reg: Register, persons: readonly BenchPerson[], seed: number): Promise<void> {
  const names = generatePersons(Math.min(persons.length, 2000), seed);
  const now = new Date();
  for (let from = 0; from < persons.length; from += 1000) {
    const rows = persons.slice(from, from + 1000).map((p, i) => {
      const n = names[(from + i) % names.length]!.fields;
      return {
        id: p.id,
        customer_number: p.customerNumber,
        first_name: n.first_name,
        last_name: n.last_name,
        nickname: null,
        search_name: `${n.first_name} ${n.last_name}`.toLowerCase(),
        hetu_cipher: null,
        hetu_lookup: null,
        attributes: '{}',
        created_at: now,
        updated_at: now,
        created_by: ACTOR.id,
        updated_by: ACTOR.id,
      };
    });
    await reg.db.insertInto('persons').values(rows).execute();
  }
}

async function countInteractions(reg: Register): Promise<number> {
  const r = await reg.db
    .selectFrom('interactions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The raw baseline: the same rows by a plain multi-row INSERT (Kysely `insertInto(...).values(rows)`, one
 * statement and one transaction per batch), the person ids known, the values already valid. No validation,
 * person lookup, last contact or audit.
 */
async function insertRaw(
  reg: Register,
  events: readonly InteractionEvent[],
  persons: ReadonlyMap<string, string>,
  batchSize: number,
): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < events.length; from += batchSize) {
    const now = new Date();
    const rows = events.slice(from, from + batchSize).map((e) => {
      const ref = e.person as { id?: string; customerNumber?: string };
      return {
        id: uuidv7(),
        person_id: ref.id ?? persons.get(ref.customerNumber!)!,
        category: e.kind,
        occurred_at: new Date(e.fields.visited_at as string),
        data: JSON.stringify(e.fields),
        source: e.source,
        recorded_at: now,
        recorded_by: ACTOR.id,
      };
    });
    await reg.db.transaction().execute((tx) => tx.insertInto('interactions').values(rows).execute());
  }
  return (performance.now() - started) / 1000;
}

/** Runs the ingestion benchmark on one backend: the use case on one fresh database, the raw INSERTs on another. */
export async function benchIngest(opts: IngestBenchOptions): Promise<IngestBenchResult> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 20240601;
  const batchSize = opts.batchSize ?? 1000;
  const example = opts.example ?? DEFAULT_INGEST_EXAMPLE;
  const persons: BenchPerson[] = Array.from({ length: opts.persons }, (_, i) => ({
    id: uuidv7(),
    customerNumber: `B-${String(i + 1).padStart(7, '0')}`,
  }));
  const events = generateVisits(persons, opts.events, seed, example);

  log(
    `${opts.backend}: ${opts.persons} persons, then ${opts.events} web visits (${example}) through ingestInteractions`,
  );
  const reg = await openBenchRegister({ ...opts, example: opts.example ?? DEFAULT_INGEST_EXAMPLE });
  let useCaseSeconds: number;
  let validateMs = 0;
  let contacts = false;
  try {
    contacts = contactCategories(reg).has(INGEST_EXAMPLES[example].kind);
    await insertPersons(reg, persons, seed);
    await sql`analyze persons`.execute(reg.db);
    const started = performance.now();
    for (let from = 0; from < events.length; from += batchSize) {
      await ingestInteractions(reg, ACTOR, { events: events.slice(from, from + batchSize) });
    }
    useCaseSeconds = (performance.now() - started) / 1000;
    const stored = await countInteractions(reg);
    if (stored !== events.length)
      throw new Error(`ingestInteractions stored ${stored} of ${events.length} events`);
    // Profile: validation alone of the same events, in memory.
    const v0 = performance.now();
    for (const e of events) {
      validateFields(reg.catalogue, 'interaction', e.fields, { category: e.kind, requireRequired: true });
    }
    validateMs = performance.now() - v0;
  } finally {
    await reg.close();
  }

  log(`${opts.backend}: the same rows by raw batched INSERTs (fresh database)`);
  const rawReg = await openBenchRegister({ ...opts, example: opts.example ?? DEFAULT_INGEST_EXAMPLE });
  let rawSeconds: number;
  try {
    await insertPersons(rawReg, persons, seed);
    await sql`analyze persons`.execute(rawReg.db);
    rawSeconds = await insertRaw(
      rawReg,
      events,
      new Map(persons.map((p) => [p.customerNumber, p.id])),
      batchSize,
    );
    const stored = await countInteractions(rawReg);
    if (stored !== events.length) throw new Error(`raw INSERTs stored ${stored} of ${events.length} events`);
  } finally {
    await rawReg.close();
  }

  const rate = events.length / useCaseSeconds;
  const rawRate = events.length / rawSeconds;
  const batches = Math.ceil(events.length / batchSize);
  return {
    backend: opts.backend,
    example,
    contacts,
    persons: opts.persons,
    events: events.length,
    batchSize,
    measurements: [
      {
        metric: 'ingest',
        backend: opts.backend,
        unit: 'events/s',
        value: rate,
        raw: rawRate,
        ratio: rate / rawRate,
      },
    ],
    useCase: { seconds: useCaseSeconds, rate },
    raw: { seconds: rawSeconds, rate: rawRate },
    profile: { validateMsPerBatch: validateMs / batches, totalMsPerBatch: (useCaseSeconds * 1000) / batches },
  };
}
