import { performance } from 'node:perf_hooks';
import { type Actor, type Register, runRetention } from '@lupaus/engine';
import { fixedClock } from '@lupaus/engine/testing';
import { sql } from 'kysely';
import { type Backend, type Measurement, openBenchRegister } from './persons';

/**
 * The retention sweep benchmark (R5.2): many interactions over many persons, a share of them due under a
 * from_creation rule (seed 002's chats, 3 months), swept by `runRetention` (batches of 1 000, each one
 * transaction with the delete, files, provenance, an audit row per person and the run's progress), against one
 * raw `DELETE` of the same rows on a fresh copy of the same data on the same backend. The load is bulk SQL
 * (generate_series) and is not measured.
 *
 * @example
 * ```ts
 * const r = await benchSweep({ backend: 'pglite', rows: 1_000_000, due: 100_000, persons: 50_000 });
 * r.measurements; // [{ metric: 'sweep', unit: 'rows/s', value: 9000, raw: 150000, ratio: 0.06 }]
 * ```
 */
export interface SweepBenchOptions {
  backend: Backend;
  /** Interactions loaded. */
  rows: number;
  /** Of them due as of the sweep. */
  due: number;
  persons: number;
  batchSize?: number | undefined;
  databaseUrl?: string | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface SweepBenchResult {
  backend: Backend;
  rows: number;
  due: number;
  persons: number;
  batchSize: number;
  measurements: Measurement[];
  load: { seconds: number };
  useCase: { seconds: number; rate: number; batches: number; auditRows: number };
  raw: { seconds: number; rate: number };
}

const EXAMPLE = '002-vastuu-group';
const CATEGORY = 'chats';
const ACTOR: Actor = { id: 'bench', roles: ['administrator'], commitmentSigned: true };
/** The sweep runs as of this instant; chats of 2025-01-01 to 2025-08-31 are due (3 months), later ones not. */
const AS_OF = '2025-12-01T00:00:00Z';
const DUE_FROM = '2025-01-01T00:00:00Z';
const KEPT_FROM = '2025-09-02T00:00:00Z';

/**
 * Bulk-loads `persons` persons and `rows` chats spread over them (the due ones over all persons too): `due` dated between 2025-01-01 and 2025-08-31
 * (due as of 2025-12-01), the rest from 2025-09-02 on (not due). The same rows on every call.
 */
async function load(reg: Register, opts: SweepBenchOptions): Promise<void> {
  await sql`insert into persons (id, first_name, last_name, search_name, attributes, created_at, updated_at, created_by, updated_by)
    select ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'Testi', 'Henkilö', 'testi henkilö', '{}'::jsonb,
      timestamptz '2024-01-01', timestamptz '2024-01-01', 'bench', 'bench'
    from generate_series(1, ${sql.lit(opts.persons)}) as n`.execute(reg.db);
  const chunk = 200_000;
  const step = sql.lit(Math.max(1, Math.floor(opts.rows / opts.due)));
  for (let from = 1; from <= opts.rows; from += chunk) {
    const to = Math.min(opts.rows, from + chunk - 1);
    await sql`insert into interactions (id, person_id, category, occurred_at, data, source, recorded_at, recorded_by)
      select ('00000000-0000-7000-9000-' || lpad(to_hex(n), 12, '0'))::uuid,
        ('00000000-0000-7000-8000-' || lpad(to_hex(1 + (n / ${step} + n) % ${sql.lit(opts.persons)}), 12, '0'))::uuid,
        ${CATEGORY},
        case when n % ${step} = 0 and n / ${step} <= ${sql.lit(opts.due)}
          then ${DUE_FROM}::timestamptz + (n % 240) * interval '1 day' + (n % 86400) * interval '1 second'
          else ${KEPT_FROM}::timestamptz + (n % 80) * interval '1 day' end,
        jsonb_build_object('chat_transcript', 'Keskustelu ' || n), 'subject', timestamptz '2025-01-01', 'bench'
      from generate_series(${sql.lit(from)}, ${sql.lit(to)}) as n`.execute(reg.db);
  }
  await sql`analyze`.execute(reg.db);
}

async function countDue(reg: Register): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from interactions
    where category = ${CATEGORY} and occurred_at < ${KEPT_FROM}::timestamptz`.execute(reg.db);
  return Number(r.rows[0]!.n);
}

export async function benchSweep(opts: SweepBenchOptions): Promise<SweepBenchResult> {
  const log = opts.log ?? (() => {});
  const batchSize = opts.batchSize ?? 1000;
  log(`${opts.backend}: sweep of ${opts.due} due among ${opts.rows} interactions of ${opts.persons} persons`);

  // (a) runRetention on one database.
  const reg = await openBenchRegister({ ...opts, example: EXAMPLE, clock: fixedClock(AS_OF) });
  let useCase: SweepBenchResult['useCase'];
  let loadSeconds: number;
  try {
    let started = performance.now();
    await load(reg, opts);
    loadSeconds = (performance.now() - started) / 1000;
    const due = await countDue(reg);
    log(`${opts.backend}: loaded in ${loadSeconds.toFixed(1)} s (${due} due)`);
    started = performance.now();
    const report = await runRetention(reg, ACTOR, { asOf: AS_OF, batchSize });
    const seconds = (performance.now() - started) / 1000;
    if (report.totals.deleted !== due)
      throw new Error(`the sweep deleted ${report.totals.deleted}, not ${due}`);
    if ((await countDue(reg)) !== 0) throw new Error('due rows are left after the sweep');
    const audit = await sql<{
      n: string;
    }>`select count(*) as n from audit_log where action = 'retention_delete'`.execute(reg.db);
    useCase = { seconds, rate: due / seconds, batches: report.batches, auditRows: Number(audit.rows[0]!.n) };
    log(`${opts.backend}: runRetention ${seconds.toFixed(2)} s, ${Math.round(useCase.rate)} rows/s`);
  } finally {
    await reg.close();
  }

  // (b) One raw DELETE of the same rows on a fresh copy: no batches, files, provenance, audit or report.
  const copy = await openBenchRegister({ ...opts, example: EXAMPLE, clock: fixedClock(AS_OF) });
  let raw: SweepBenchResult['raw'];
  try {
    await load(copy, opts);
    const due = await countDue(copy);
    const started = performance.now();
    const r = await sql`delete from interactions where category = ${CATEGORY}
      and occurred_at <= (${AS_OF}::timestamptz - interval '3 months')`.execute(copy.db);
    const seconds = (performance.now() - started) / 1000;
    if (Number(r.numAffectedRows) !== due)
      throw new Error(`the raw delete removed ${r.numAffectedRows}, not ${due}`);
    raw = { seconds, rate: due / seconds };
    log(`${opts.backend}: raw DELETE ${seconds.toFixed(2)} s, ${Math.round(raw.rate)} rows/s`);
  } finally {
    await copy.close();
  }

  return {
    backend: opts.backend,
    rows: opts.rows,
    due: opts.due,
    persons: opts.persons,
    batchSize,
    measurements: [
      {
        metric: 'sweep',
        backend: opts.backend,
        unit: 'rows/s',
        value: useCase.rate,
        raw: raw.rate,
        ratio: useCase.rate / raw.rate,
      },
    ],
    load: { seconds: loadSeconds },
    useCase,
    raw,
  };
}
