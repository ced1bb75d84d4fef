import { performance } from 'node:perf_hooks';
import {
  type Actor,
  createAccessReport,
  createPerson,
  createRecord,
  erasePerson,
  type Register,
  recordDisclosure,
} from '@lupaus/engine';
import { fixedClock } from '@lupaus/engine/testing';
import { sql } from 'kysely';
import { type Backend, type Measurement, openBenchRegister } from './persons';

/**
 * The data subject's rights benchmark (issue 4, item 13): one person with `interactions` web visits (default
 * 10 000) among `others` persons with 10 visits each, in seed 002's register.
 *
 * - access report: `createAccessReport` as JSON (R4.2: every table read, each fact with its provenance, the
 *   definition's processing, the document serialised and hashed, an audit row), against raw SQL selecting
 *   the same person's rows from the same tables (`select *` of each, no transaction, no audit, no JSON);
 *   the median of `runs` interleaved runs each.
 * - erasure: `erasePerson` (R4.4: blockers checked, records, files, provenance and the person deleted, audit
 *   rows, art. 19 notices), against one transaction of raw `DELETE`s of the same rows on a fresh copy of the
 *   same data. Measured last, once each.
 *
 * The load is direct SQL (generate_series) and not measured.
 *
 * @example
 * ```ts
 * const r = await benchRights({ backend: 'pglite', interactions: 10_000, others: 1000, runs: 3 });
 * r.measurements; // [{ metric: 'access report', unit: 'ms', ... }, { metric: 'erasure', unit: 'ms', ... }]
 * ```
 */
export interface RightsBenchOptions {
  backend: Backend;
  interactions: number;
  others?: number | undefined;
  runs?: number | undefined;
  databaseUrl?: string | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface RightsBenchResult {
  backend: Backend;
  interactions: number;
  others: number;
  runs: number;
  measurements: Measurement[];
  load: { seconds: number };
  access: { useCase: number[]; raw: number[]; rawRows: number; reportBytes: number };
  erasure: { useCase: number; raw: number; deleted: number; rawRows: number; state: string };
}

const EXAMPLE = '002-vastuu-group';
const ACTOR: Actor = { id: 'bench', roles: ['administrator'], commitmentSigned: true };
const NOW = '2026-06-01T00:00:00Z';

/** The tables holding a person's rows, by the column that names the person. */
const PERSON_TABLES = [
  ['person_emails', 'person_id'],
  ['person_phones', 'person_id'],
  ['person_addresses', 'person_id'],
  ['provenance', 'person_id'],
  ['contact_roles', 'person_id'],
  ['interactions', 'person_id'],
  ['orders', 'person_id'],
  ['invoices', 'person_id'],
  ['collection_cases', 'person_id'],
  ['loyalty_memberships', 'person_id'],
  ['files', 'person_id'],
  ['consents', 'person_id'],
  ['requests', 'person_id'],
  ['restrictions', 'person_id'],
  ['objections', 'person_id'],
  ['disclosure_log', 'person_id'],
] as const;

/** The person (through the use cases: fields with provenance, an order, a disclosure) and the bulk rows. */
async function load(reg: Register, opts: { interactions: number; others: number }): Promise<string> {
  const person = await createPerson(reg, ACTOR, {
    source: 'subject',
    fields: {
      first_name: 'Maija',
      last_name: 'Meikäläinen',
      email: ['maija@example.com'],
      phone: ['+358401234567'],
      job_title: 'Ostopäällikkö',
    },
  });
  await createRecord(reg, ACTOR, person.id, {
    kind: 'orders',
    source: 'subject',
    fields: { service: 'Vastuu-palvelu', ordered_at: '2026-01-15' },
  });
  await recordDisclosure(reg, ACTOR, {
    personId: person.id,
    disclosure: 'authority_orders',
    recipientName: 'Keskusrikospoliisi',
    categories: ['contact_details'],
  });
  await sql`insert into persons (id, first_name, last_name, search_name, attributes, created_at, updated_at, created_by, updated_by)
    select ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'Testi', 'Henkilö', 'testi henkilö', '{}'::jsonb,
      timestamptz '2024-01-01', timestamptz '2024-01-01', 'bench', 'bench'
    from generate_series(1, ${sql.lit(opts.others)}) as n`.execute(reg.db);
  const visit = (person: RawBuilderish, n: string) => sql`
    select gen_random_uuid(), ${person}, 'web_visits',
      timestamptz '2025-01-01' + (${sql.raw(n)} % 300) * interval '1 day' + (${sql.raw(n)} % 86400) * interval '1 second',
      jsonb_build_object('ip_address', '192.0.2.' || (1 + ${sql.raw(n)} % 254), 'pages', jsonb_build_array('/', '/hinnasto'),
        'browser', 'Firefox 126', 'referrer', 'https://www.google.com/',
        'visited_at', to_char(timestamptz '2025-01-01' + (${sql.raw(n)} % 300) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
      'web_analytics', timestamptz '2025-01-01', 'bench'`;
  await sql`insert into interactions (id, person_id, category, occurred_at, data, source, recorded_at, recorded_by)
    ${visit(sql`${person.id}::uuid`, 'n')} from generate_series(1, ${sql.lit(opts.interactions)}) as n`.execute(
    reg.db,
  );
  if (opts.others > 0) {
    await sql`insert into interactions (id, person_id, category, occurred_at, data, source, recorded_at, recorded_by)
      ${visit(sql`('00000000-0000-7000-8000-' || lpad(to_hex(1 + n % ${sql.lit(opts.others)}), 12, '0'))::uuid`, 'n')}
      from generate_series(1, ${sql.lit(opts.others * 10)}) as n`.execute(reg.db);
  }
  await sql`analyze`.execute(reg.db);
  return person.id;
}
type RawBuilderish = ReturnType<typeof sql>;

/** Raw SQL: every row of the person from every table, as the report reads them; no transaction or audit. */
async function rawRead(reg: Register, personId: string): Promise<number> {
  let rows = (await sql`select * from persons where id = ${personId}`.execute(reg.db)).rows.length;
  for (const [table, column] of PERSON_TABLES) {
    rows += (
      await sql`select * from ${sql.table(table)} where ${sql.ref(column)} = ${personId}`.execute(reg.db)
    ).rows.length;
  }
  rows += (
    await sql`select e.* from request_events e join requests r on r.id = e.request_id where r.person_id = ${personId}`.execute(
      reg.db,
    )
  ).rows.length;
  return rows;
}

/** Raw SQL: the person's rows deleted from every table, then the person, in one transaction. */
async function rawDelete(reg: Register, personId: string): Promise<number> {
  return reg.db.transaction().execute(async (tx) => {
    let rows = 0;
    for (const [table, column] of PERSON_TABLES) {
      const r = await sql`delete from ${sql.table(table)} where ${sql.ref(column)} = ${personId}`.execute(tx);
      rows += Number(r.numAffectedRows ?? 0);
    }
    const r = await sql`delete from persons where id = ${personId}`.execute(tx);
    return rows + Number(r.numAffectedRows ?? 0);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchRights(opts: RightsBenchOptions): Promise<RightsBenchResult> {
  const log = opts.log ?? (() => {});
  const others = opts.others ?? 1000;
  const runs = opts.runs ?? 3;
  log(`${opts.backend}: rights of a person with ${opts.interactions} interactions (${others} other persons)`);

  // (a) Access report against raw reads, interleaved, then the erasure (measured last).
  const reg = await openBenchRegister({ ...opts, example: EXAMPLE, clock: fixedClock(NOW) });
  let loadSeconds: number;
  let access: RightsBenchResult['access'];
  let useCaseErasure: { ms: number; deleted: number; state: string };
  try {
    let started = performance.now();
    const personId = await load(reg, { interactions: opts.interactions, others });
    loadSeconds = (performance.now() - started) / 1000;
    log(`${opts.backend}: loaded in ${loadSeconds.toFixed(1)} s`);
    access = { useCase: [], raw: [], rawRows: 0, reportBytes: 0 };
    for (let i = 0; i < runs; i++) {
      started = performance.now();
      const r = await createAccessReport(reg, ACTOR, { personId, format: 'json' });
      access.useCase.push(performance.now() - started);
      if (r.counts.interactions !== opts.interactions)
        throw new Error(`the report holds ${r.counts.interactions} interactions, not ${opts.interactions}`);
      access.reportBytes = r.body.length;
      started = performance.now();
      access.rawRows = await rawRead(reg, personId);
      access.raw.push(performance.now() - started);
    }
    log(
      `${opts.backend}: access report ${median(access.useCase).toFixed(0)} ms, raw reads ${median(access.raw).toFixed(0)} ms (${access.rawRows} rows)`,
    );
    started = performance.now();
    const erased = await erasePerson(reg, ACTOR, { personId });
    const ms = performance.now() - started;
    useCaseErasure = { ms, deleted: erased.erased.deleted, state: erased.state };
    if (erased.state !== 'completed' || erased.erased.deleted < opts.interactions)
      throw new Error(`the erasure was ${erased.state}, ${erased.erased.deleted} records deleted`);
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from interactions where person_id = ${personId}`.execute(reg.db);
    if (left.rows[0]!.n !== 0) throw new Error('interactions are left after the erasure');
    log(`${opts.backend}: erasePerson ${ms.toFixed(0)} ms (${erased.erased.deleted} records)`);
  } finally {
    await reg.close();
  }

  // (b) Raw DELETE of the same rows on a fresh copy of the same data.
  const copy = await openBenchRegister({ ...opts, example: EXAMPLE, clock: fixedClock(NOW) });
  let rawErasure: { ms: number; rows: number };
  try {
    const personId = await load(copy, { interactions: opts.interactions, others });
    const started = performance.now();
    const rows = await rawDelete(copy, personId);
    rawErasure = { ms: performance.now() - started, rows };
    log(`${opts.backend}: raw DELETE ${rawErasure.ms.toFixed(0)} ms (${rows} rows)`);
  } finally {
    await copy.close();
  }

  const accessMs = median(access.useCase);
  const rawMs = median(access.raw);
  return {
    backend: opts.backend,
    interactions: opts.interactions,
    others,
    runs,
    measurements: [
      {
        metric: 'access report',
        backend: opts.backend,
        unit: 'ms',
        value: accessMs,
        raw: rawMs,
        ratio: accessMs / rawMs,
      },
      {
        metric: 'erasure',
        backend: opts.backend,
        unit: 'ms',
        value: useCaseErasure.ms,
        raw: rawErasure.ms,
        ratio: useCaseErasure.ms / rawErasure.ms,
      },
    ],
    load: { seconds: loadSeconds },
    access,
    erasure: {
      useCase: useCaseErasure.ms,
      raw: rawErasure.ms,
      deleted: useCaseErasure.deleted,
      rawRows: rawErasure.rows,
      state: useCaseErasure.state,
    },
  };
}
