import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { emailKey, parsePhone } from '@lupaus/core';
import type { Register } from '@lupaus/engine';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { benchApiHeaders, samplePersonIds } from './api';
import { createRandom, type GeneratedPerson, personStream } from './generate';
import { BENCH_ACTOR, benchImport, openDataDirRegister } from './import';
import { type Backend, type Measurement, percentile } from './persons';
import { send, startServe } from './serve-process';

/**
 * Issue 8, load: `clients` concurrent keep-alive clients for `seconds` over HTTP on loopback against the real app
 * served as `lupaus serve` on a register of `persons` generated persons, mixing reads (GET a person, a name
 * search), writes (create a person, change a person's nickname), consent changes (give, withdraw, prohibit one
 * channel × purpose) and data subject requests (record one). Any answer but 2xx, or a network error, is counted and
 * fails the run. Every acknowledged write is then looked for in the database itself (serve stopped, the register
 * opened directly): each created person, each consent record and request by its id, each changed person with the
 * nickname of its last acknowledged change, and the counts of rows (and of the update audit rows) grown by exactly
 * the acknowledged number; anything missing is `lost`, which fails the run.
 *
 * Raw: the same mix for the same time, `clients` concurrent loops in this process issuing the same statements
 * through a bare database client (Kysely on the same pool size as `lupaus serve`: PGlite on the data directory or 10
 * connections to the server): the person read in one statement, the name prefix search, the person's four inserts
 * in one transaction, the update, the consent row, the request row. No HTTP, authentication, validation,
 * provenance or audit.
 *
 * @example
 * ```ts
 * const r = await benchLoad({ backend: 'pglite', persons: 10_000, clients: 50, seconds: 60 });
 * r.lost; // 0
 * ```
 */
export const LOAD_KINDS = ['get', 'search', 'create', 'update', 'consent', 'request'] as const;
export type LoadKind = (typeof LOAD_KINDS)[number];

/** The mix, in percent of operations. */
export const LOAD_MIX: Record<LoadKind, number> = {
  get: 35,
  search: 15,
  create: 10,
  update: 15,
  consent: 15,
  request: 10,
};

export interface LoadBenchOptions {
  backend: Backend;
  /** Persons generated into the register first (through the import, unmeasured). */
  persons: number;
  clients: number;
  seconds: number;
  /** Seconds of the same load before the measured ones (its writes are verified too; default 2). */
  warmup?: number | undefined;
  /** Measure the raw side too (default true). */
  raw?: boolean | undefined;
  databaseUrl?: string | undefined;
  seed?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface KindStats {
  /** Operations completed (2xx for the app). */
  count: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface LoadSide {
  operations: number;
  errors: number;
  seconds: number;
  /** Operations per second, all kinds. */
  rate: number;
  kinds: Record<LoadKind, KindStats>;
  firstError: string | null;
}

export interface LoadVerification {
  acknowledged: { creates: number; updates: number; consents: number; requests: number };
  found: { creates: number; updates: number; consents: number; requests: number };
  /** Rows grown during the run, counted in the database. */
  grown: { persons: number; consents: number; requests: number; updateAuditRows: number };
  /** Acknowledged writes not found (must be 0). */
  lost: number;
}

export interface LoadBenchResult {
  backend: Backend;
  persons: number;
  clients: number;
  seconds: number;
  app: LoadSide;
  verification: LoadVerification;
  raw: LoadSide | null;
  measurements: Measurement[];
}

const NAME_PREFIXES = ['virt', 'kor', 'mäki', 'niem', 'laine', 'heik', 'kosk', 'järv', 'lehto', 'salm'];
const CHANNELS = ['email', 'sms', 'phone', 'post'] as const;
const PURPOSES = ['direct_marketing', 'direct_marketing_profiling', 'market_research'] as const;
const REQUEST_TYPES = ['access', 'rectification', 'portability', 'restriction', 'objection'] as const;
const SOURCE = 'subject';

/** What one operation does, drawn before it is timed. */
type Operation =
  | { kind: 'get'; id: string }
  | { kind: 'search'; prefix: string }
  | { kind: 'create'; person: GeneratedPerson }
  | { kind: 'update'; id: string; nickname: string }
  | {
      kind: 'consent';
      id: string;
      channel: string;
      purpose: string;
      state: 'given' | 'withdrawn' | 'prohibited';
      evidence: string;
    }
  | { kind: 'request'; id: string; type: (typeof REQUEST_TYPES)[number] };

/** The operations of each client: a seeded draw from the mix; updates only on the client's own persons. */
function operationSource(opts: {
  ids: string[];
  clients: number;
  seed: number;
  tag: string;
  fresh: () => GeneratedPerson;
}): (client: number, n: number) => Operation {
  const rands = Array.from({ length: opts.clients }, (_, c) => createRandom(opts.seed + c * 7919));
  const own = Array.from({ length: opts.clients }, (_, c) =>
    opts.ids.filter((_, i) => i % opts.clients === c),
  );
  const cumulative = LOAD_KINDS.map((_k, i) =>
    LOAD_KINDS.slice(0, i + 1).reduce((s, x) => s + LOAD_MIX[x], 0),
  );
  return (client, n) => {
    const rand = rands[client]!;
    const r = rand() * 100;
    const kind = LOAD_KINDS[cumulative.findIndex((c) => r < c)] ?? 'get';
    const anyId = () => opts.ids[Math.floor(rand() * opts.ids.length)]!;
    switch (kind) {
      case 'get':
        return { kind, id: anyId() };
      case 'search':
        return { kind, prefix: NAME_PREFIXES[Math.floor(rand() * NAME_PREFIXES.length)]! };
      case 'create':
        return { kind, person: opts.fresh() };
      case 'update': {
        const mine = own[client]!;
        // A client with no persons of its own (more clients than persons) reads instead.
        if (mine.length === 0) return { kind: 'get', id: anyId() };
        return {
          kind,
          id: mine[Math.floor(rand() * mine.length)]!,
          nickname: `L${opts.tag}c${client}n${n}`,
        };
      }
      case 'consent': {
        const s = rand();
        return {
          kind,
          id: anyId(),
          channel: CHANNELS[Math.floor(rand() * CHANNELS.length)]!,
          purpose: PURPOSES[Math.floor(rand() * PURPOSES.length)]!,
          state: s < 0.4 ? 'given' : s < 0.75 ? 'withdrawn' : 'prohibited',
          evidence: `load ${opts.tag} client ${client} op ${n}`,
        };
      }
      case 'request':
        return {
          kind,
          id: anyId(),
          type: REQUEST_TYPES[Math.floor(rand() * REQUEST_TYPES.length)]!,
        };
    }
    return { kind: 'get', id: anyId() };
  };
}

/** The acknowledged writes of the app side: ids and each changed person's last nickname. */
interface Acknowledged {
  creates: string[];
  updates: number;
  lastNickname: Map<string, string>;
  consents: string[];
  requests: string[];
}

interface Timings {
  latencies: Record<LoadKind, number[]>;
  errors: Record<LoadKind, number>;
  firstError: string | null;
}

const emptyTimings = (): Timings => ({
  latencies: Object.fromEntries(LOAD_KINDS.map((k) => [k, []])) as unknown as Record<LoadKind, number[]>,
  errors: Object.fromEntries(LOAD_KINDS.map((k) => [k, 0])) as Record<LoadKind, number>,
  firstError: null,
});

function summarise(t: Timings, seconds: number): LoadSide {
  const kinds = {} as Record<LoadKind, KindStats>;
  let operations = 0;
  let errors = 0;
  for (const k of LOAD_KINDS) {
    const sorted = t.latencies[k].sort((a, b) => a - b);
    kinds[k] = {
      count: sorted.length,
      errors: t.errors[k],
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
    };
    operations += sorted.length;
    errors += t.errors[k];
  }
  return { operations, errors, seconds, rate: operations / seconds, kinds, firstError: t.firstError };
}

/**
 * Runs `clients` loops of `op` for `warmup` + `seconds`, timing each operation that starts after the warm-up by its
 * kind (operations of the warm-up run, and count as errors, but are not timed); a throw counts as an error.
 */
async function runClients(
  clients: number,
  seconds: number,
  warmup: number,
  next: (client: number, n: number) => Operation,
  op: (client: number, o: Operation) => Promise<void>,
): Promise<LoadSide> {
  const t = emptyTimings();
  const startAt = performance.now() + warmup * 1000;
  const endAt = startAt + seconds * 1000;
  let lastDone = startAt;
  const client = async (c: number) => {
    for (let n = 0; performance.now() < endAt; n++) {
      const o = next(c, n);
      const began = performance.now();
      try {
        await op(c, o);
        const done = performance.now();
        if (began >= startAt) {
          t.latencies[o.kind].push(done - began);
          lastDone = Math.max(lastDone, done);
        }
      } catch (e) {
        t.errors[o.kind]++;
        t.firstError ??= `${o.kind}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  // The measured window: from the end of the warm-up until the last timed operation finished.
  return summarise(t, Math.max(seconds, (lastDone - startAt) / 1000));
}

/** The app side: the mix over HTTP against `lupaus serve` at `address`, recording what was acknowledged. */
async function driveApp(
  address: string,
  headers: Record<string, string>,
  clients: number,
  seconds: number,
  warmup: number,
  next: (client: number, n: number) => Operation,
  ack: Acknowledged,
): Promise<LoadSide> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const api = `${address}/api/v1`;
  const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => {
    const res = await send(api + path, method, headers, body, agent);
    if (res.status < 200 || res.status > 299)
      throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.text;
  };
  try {
    return await runClients(clients, seconds, warmup, next, async (_c, o) => {
      switch (o.kind) {
        case 'get':
          await call('GET', `/persons/${o.id}`);
          return;
        case 'search':
          await call('POST', '/persons/search', { q: o.prefix, limit: 20 });
          return;
        case 'create': {
          const text = await call('POST', '/persons', { source: SOURCE, fields: o.person.fields });
          ack.creates.push((JSON.parse(text) as { id: string }).id);
          return;
        }
        case 'update':
          await call('PATCH', `/persons/${o.id}`, { source: SOURCE, fields: { nickname: o.nickname } });
          // Each client changes only its own persons, one request at a time: its last acknowledged value stands.
          ack.updates++;
          ack.lastNickname.set(o.id, o.nickname);
          return;
        case 'consent': {
          if (o.state === 'withdrawn') {
            const text = await call('POST', `/persons/${o.id}/consents/withdraw`, {
              channel: o.channel,
              purpose: o.purpose,
              source: SOURCE,
              evidenceText: o.evidence,
            });
            for (const w of (JSON.parse(text) as { withdrawn: { id: string }[] }).withdrawn)
              ack.consents.push(w.id);
          } else {
            const text = await call('POST', `/persons/${o.id}/consents`, {
              channel: o.channel,
              purpose: o.purpose,
              state: o.state,
              source: SOURCE,
              evidenceText: o.evidence,
            });
            ack.consents.push((JSON.parse(text) as { id: string }).id);
          }
          return;
        }
        case 'request': {
          const text = await call('POST', '/requests', {
            type: o.type,
            personId: o.id,
            receivedVia: 'electronic',
            details: { load: 'bench' },
          });
          ack.requests.push((JSON.parse(text) as { id: string }).id);
          return;
        }
      }
    });
  } finally {
    agent.destroy();
  }
}

/** The raw side: the same mix as bare statements on the register's own database connection. */
async function driveRaw(
  reg: Register,
  clients: number,
  seconds: number,
  warmup: number,
  next: (client: number, n: number) => Operation,
): Promise<LoadSide> {
  const db = reg.db;
  const notice = await sql<{ v: number }>`select max(version) as v from notice_versions`.execute(db);
  const noticeVersion = Number(notice.rows[0]!.v);
  return runClients(clients, seconds, warmup, next, async (_c, o) => {
    switch (o.kind) {
      case 'get':
        await sql`select json_build_object(
            'id', p.id, 'first_name', p.first_name, 'last_name', p.last_name, 'nickname', p.nickname,
            'customer_number', p.customer_number, 'attributes', p.attributes,
            'email', (select json_agg(e.value order by e.position) from person_emails e where e.person_id = p.id),
            'phone', (select json_agg(x.value order by x.position) from person_phones x where x.person_id = p.id),
            'address', (select json_agg(json_build_object('street', a.street, 'postalCode', a.postal_code,
              'city', a.city, 'country', a.country) order by a.position) from person_addresses a where a.person_id = p.id),
            'provenance', (select json_agg(json_build_object('field', v.field, 'source', v.source, 'savedAt', v.saved_at))
              from provenance v where v.entity_type = 'person' and v.entity_id = p.id),
            'contactRoles', (select json_agg(row_to_json(c)) from contact_roles c where c.person_id = p.id)
          ) as person from persons p where p.id = ${o.id}::uuid`.execute(db);
        return;
      case 'search': {
        const prefix = `${o.prefix}%`;
        await sql`select p.id, p.first_name, p.last_name, p.customer_number,
            (select e.value from person_emails e where e.person_id = p.id order by e.position limit 1) as email,
            (select ph.value from person_phones ph where ph.person_id = p.id order by ph.position limit 1) as phone
          from persons p where lower(p.last_name) like ${prefix} or lower(p.first_name) like ${prefix}
            or lower(p.nickname) like ${prefix} or p.search_name like ${prefix}
          order by p.id limit 20`.execute(db);
        return;
      }
      case 'create': {
        const f = o.person.fields;
        const id = uuidv7();
        const now = new Date();
        await db.transaction().execute(async (tx) => {
          await tx
            .insertInto('persons')
            .values({
              id,
              customer_number: f.customer_number,
              first_name: f.first_name,
              last_name: f.last_name,
              nickname: f.nickname ?? null,
              search_name: [f.first_name, f.last_name, f.nickname].filter(Boolean).join(' ').toLowerCase(),
              hetu_cipher: reg.vault.encrypt(f.hetu),
              hetu_lookup: reg.vault.lookup(f.hetu),
              attributes: JSON.stringify({ gender: f.gender, language: f.language }),
              created_at: now,
              updated_at: now,
              created_by: BENCH_ACTOR.id,
              updated_by: BENCH_ACTOR.id,
            })
            .execute();
          await tx
            .insertInto('person_emails')
            .values({
              id: uuidv7(),
              person_id: id,
              position: 0,
              value: f.email[0]!,
              value_key: emailKey(f.email[0]!),
            })
            .execute();
          const p = parsePhone(f.phone[0]!);
          await tx
            .insertInto('person_phones')
            .values({ id: uuidv7(), person_id: id, position: 0, value: p.ok ? p.value : f.phone[0]! })
            .execute();
          const a = f.address[0]!;
          await tx
            .insertInto('person_addresses')
            .values({
              id: uuidv7(),
              person_id: id,
              position: 0,
              street: a.street,
              po_box: null,
              postal_code: a.postalCode,
              city: a.city,
              country: a.country,
            })
            .execute();
        });
        return;
      }
      case 'update':
        await sql`update persons set nickname = ${o.nickname}, updated_at = now(), updated_by = ${BENCH_ACTOR.id}
          where id = ${o.id}::uuid`.execute(db);
        return;
      case 'consent': {
        const now = new Date();
        await db
          .insertInto('consents')
          .values({
            id: uuidv7(),
            person_id: o.id,
            channel: o.channel,
            purpose: o.purpose,
            state: o.state,
            at: now,
            source: SOURCE,
            evidence_text: o.evidence,
            evidence_file_id: null,
            notice_version: noticeVersion,
            request_id: null,
            recorded_at: now,
            recorded_by: BENCH_ACTOR.id,
          })
          .execute();
        return;
      }
      case 'request': {
        const now = new Date();
        await db
          .insertInto('requests')
          .values({
            id: uuidv7(),
            person_id: o.id,
            type: o.type,
            state: 'received',
            received_via: 'electronic',
            received_at: now,
            due_on: new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
            extended_to: null,
            extension_reason: null,
            identity_verified_at: null,
            identity_method: null,
            identity_verified_by: null,
            charge: 'free',
            charge_reason: null,
            details: JSON.stringify({ load: 'raw' }),
            outcome: JSON.stringify({}),
            closed_at: null,
            created_at: now,
            created_by: BENCH_ACTOR.id,
            updated_at: now,
            updated_by: BENCH_ACTOR.id,
          })
          .execute();
        return;
      }
    }
  });
}

interface Counts {
  persons: number;
  consents: number;
  requests: number;
  updateAuditRows: number;
}

async function countRows(reg: Register): Promise<Counts> {
  const r = await sql<{ persons: string; consents: string; requests: string; updates: string }>`select
      (select count(*) from persons) as persons,
      (select count(*) from consents) as consents,
      (select count(*) from requests) as requests,
      (select count(*) from audit_log where action = 'update' and entity_type = 'person') as updates`.execute(
    reg.db,
  );
  const row = r.rows[0]!;
  return {
    persons: Number(row.persons),
    consents: Number(row.consents),
    requests: Number(row.requests),
    updateAuditRows: Number(row.updates),
  };
}

/** How many of `ids` are rows of `table`. */
async function present(
  reg: Register,
  table: 'persons' | 'consents' | 'requests',
  ids: string[],
): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
      where id = any(${chunk}::uuid[])`.execute(reg.db);
    n += Number(r.rows[0]!.n);
  }
  return n;
}

/** Reads the database after the run: every acknowledged write there, the counts grown by exactly as many. */
export async function verifyAcknowledged(
  reg: Register,
  ack: Acknowledged,
  before: Counts,
): Promise<LoadVerification> {
  const after = await countRows(reg);
  const acknowledged = {
    creates: ack.creates.length,
    updates: ack.updates,
    consents: ack.consents.length,
    requests: ack.requests.length,
  };
  let nicknames = 0;
  const changed = [...ack.lastNickname.entries()];
  for (let i = 0; i < changed.length; i += 5000) {
    const chunk = changed.slice(i, i + 5000);
    const r = await sql<{ id: string; nickname: string | null }>`select id, nickname from persons
      where id = any(${chunk.map(([id]) => id)}::uuid[])`.execute(reg.db);
    const stored = new Map(r.rows.map((x) => [x.id, x.nickname]));
    for (const [id, nickname] of chunk) if (stored.get(id) === nickname) nicknames++;
  }
  const grown = {
    persons: after.persons - before.persons,
    consents: after.consents - before.consents,
    requests: after.requests - before.requests,
    updateAuditRows: after.updateAuditRows - before.updateAuditRows,
  };
  // Updates: each changed person must hold its last acknowledged nickname (a person without it counts as its
  // changes lost), and the audit trail must hold one update row per acknowledged change.
  const lostUpdates = Math.min(
    ack.updates,
    ack.lastNickname.size - nicknames + Math.max(0, ack.updates - grown.updateAuditRows),
  );
  const found = {
    creates: await present(reg, 'persons', ack.creates),
    updates: ack.updates - lostUpdates,
    consents: await present(reg, 'consents', ack.consents),
    requests: await present(reg, 'requests', ack.requests),
  };
  const lost =
    acknowledged.creates -
    found.creates +
    (acknowledged.updates - found.updates) +
    (acknowledged.consents - found.consents) +
    (acknowledged.requests - found.requests);
  return { acknowledged, found, grown, lost };
}

/** Throws, saying what is wrong, on any error, any lost write, or a count that differs from what was acknowledged. */
export function assertLoadOutcome(app: LoadSide, v: LoadVerification): void {
  const wrong: string[] = [];
  if (app.operations === 0) wrong.push('no operation completed');
  if (app.errors > 0) wrong.push(`${app.errors} errors (first: ${app.firstError})`);
  if (v.lost !== 0) wrong.push(`${v.lost} acknowledged writes not found`);
  const pairs: [string, number, number][] = [
    ['persons', v.grown.persons, v.acknowledged.creates],
    ['consents', v.grown.consents, v.acknowledged.consents],
    ['requests', v.grown.requests, v.acknowledged.requests],
    ['update audit rows', v.grown.updateAuditRows, v.acknowledged.updates],
  ];
  for (const [what, grown, acked] of pairs)
    if (grown !== acked) wrong.push(`${what} grew by ${grown}, acknowledged ${acked}`);
  if (wrong.length > 0) throw new Error(`the load benchmark failed: ${wrong.join('; ')}`);
}

export async function benchLoad(opts: LoadBenchOptions): Promise<LoadBenchResult> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 20240601;
  const warmup = opts.warmup ?? 2;
  const target = await openDataDirRegister({ backend: opts.backend, databaseUrl: opts.databaseUrl });
  try {
    log(`${opts.backend}: load: ${opts.persons} persons into the register (setup)`);
    await benchImport(target, { persons: opts.persons, broken: 1, seed, baseline: false });
    const headers = await benchApiHeaders(target.reg);
    const ids = await samplePersonIds(target.reg, Math.min(opts.persons, 5000));
    // New persons continue the generator past the imported ones: distinct hetus, phones, emails, numbers.
    const stream = personStream(opts.persons + 2_000_000, seed);
    for (let i = 0; i < opts.persons; i++) stream.next();
    const fresh = () => {
      const p = stream.next();
      if (p.done) throw new Error('the generator ran out of persons');
      return p.value;
    };
    const before = await countRows(target.reg);
    await target.closeRegister();

    log(
      `${opts.backend}: load: ${opts.clients} clients for ${opts.seconds} s through lupaus serve (${LOAD_KINDS.map((k) => `${k} ${LOAD_MIX[k]} %`).join(', ')})`,
    );
    const ack: Acknowledged = {
      creates: [],
      updates: 0,
      lastNickname: new Map(),
      consents: [],
      requests: [],
    };
    const serve = await startServe(target);
    let app: LoadSide;
    try {
      app = await driveApp(
        serve.address,
        headers,
        opts.clients,
        opts.seconds,
        warmup,
        operationSource({ ids, clients: opts.clients, seed, tag: 'a', fresh }),
        ack,
      );
    } finally {
      await serve.stop();
    }
    if (app.errors > 0 && serve.stderr()) log(`lupaus serve's stderr: ${serve.stderr().slice(-800)}`);

    const reg = await target.reopen();
    const verification = await verifyAcknowledged(reg, ack, before);
    log(
      `${opts.backend}: load: ${app.operations} operations, ${app.errors} errors; acknowledged ${JSON.stringify(verification.acknowledged)}, lost ${verification.lost}`,
    );
    assertLoadOutcome(app, verification);

    let raw: LoadSide | null = null;
    if (opts.raw !== false) {
      log(
        `${opts.backend}: load: the same mix as bare statements, ${opts.clients} loops for ${opts.seconds} s`,
      );
      raw = await driveRaw(
        reg,
        opts.clients,
        opts.seconds,
        warmup,
        operationSource({ ids, clients: opts.clients, seed: seed + 1, tag: 'r', fresh }),
      );
      if (raw.errors > 0) throw new Error(`the raw load had ${raw.errors} errors (first: ${raw.firstError})`);
    }

    const m = (metric: string, unit: Measurement['unit'], value: number, rawValue: number): Measurement => ({
      metric,
      backend: opts.backend,
      unit,
      value,
      raw: rawValue,
      ratio: value / rawValue,
    });
    const measurements = [m('load throughput', 'req/s', app.rate, raw?.rate ?? Number.NaN)];
    for (const k of LOAD_KINDS) {
      measurements.push(m(`load ${k} p50`, 'ms', app.kinds[k].p50, raw?.kinds[k].p50 ?? Number.NaN));
      measurements.push(m(`load ${k} p99`, 'ms', app.kinds[k].p99, raw?.kinds[k].p99 ?? Number.NaN));
    }
    return {
      backend: opts.backend,
      persons: opts.persons,
      clients: opts.clients,
      seconds: opts.seconds,
      app,
      verification,
      raw,
      measurements,
    };
  } finally {
    await target.dispose();
  }
}
