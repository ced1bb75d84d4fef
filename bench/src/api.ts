import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { buildApp } from '@lupaus/api';
import { permissionsOf } from '@lupaus/core';
import { createApiToken, createUser, type Register, signCommitment } from '@lupaus/engine';
import fastify from 'fastify';
import { sql } from 'kysely';
import { BENCH_ACTOR } from './import';
import { type Backend, type Measurement, percentile } from './persons';

/**
 * P6, the API benchmark: GET /api/v1/persons/:id through the real app (`buildApp`, listening on 127.0.0.1, an
 * API token of a signed-in administrator: authentication, the permission, the purpose, getPerson's one read
 * of the person, contact points, provenance and contact roles, its audit row committed through the group-commit
 * appender, the response schema) with
 * `clients` concurrent keep-alive clients for `seconds`, against a bare Fastify route on the same database
 * running the same reads in one statement (no authentication, transaction or audit). The clients run in a worker
 * thread (Node's fetch), so that they do not share the server's thread.
 *
 * @example
 * ```ts
 * const r = await benchApi(reg, { backend: 'pglite', seconds: 15, clients: 50 });
 * r.measurements; // api req/s, api p50 ms, api p99 ms
 * ```
 */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
}

export interface ApiBenchResult {
  backend: Backend;
  clients: number;
  seconds: number;
  app: LoadResult;
  bare: LoadResult;
  measurements: Measurement[];
}

/** An API token of a new administrator who has signed the commitment, as request headers (as `lupaus serve` needs). */
export async function benchApiHeaders(reg: Register): Promise<{ authorization: string }> {
  const username = `bench${randomBytes(4).toString('hex')}`;
  const { user } = await createUser(reg, BENCH_ACTOR, {
    username,
    displayName: username,
    roles: ['administrator'],
    password: `${randomBytes(12).toString('base64url')}-pw`,
  });
  await signCommitment(reg, { id: user.id, roles: user.roles, commitmentSigned: false });
  const scopes = [...permissionsOf(reg.definition, user.roles)];
  const { token } = await createApiToken(reg, BENCH_ACTOR, { userId: user.id, name: 'bench', scopes });
  return { authorization: `Bearer ${token}` };
}

/** `count` person ids picked at random from the register. */
export async function samplePersonIds(reg: Register, count: number): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from persons order by md5(id::text) limit ${count}`.execute(
    reg.db,
  );
  return r.rows.map((x) => x.id);
}

// The load generator, run in a worker thread: `clients` loops of GET for `seconds` after `warmup` seconds.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { base, ids, headers, clients, seconds, warmup } = workerData;
(async () => {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  let n = 0;
  const startAt = performance.now() + warmup * 1000;
  const endAt = startAt + seconds * 1000;
  const client = async () => {
    for (;;) {
      const t = performance.now();
      if (t >= endAt) return;
      const id = ids[n++ % ids.length];
      let ok = false;
      try {
        const res = await fetch(base + id, { headers });
        const body = await res.arrayBuffer();
        ok = res.status === 200;
        if (!ok && !firstError) firstError = res.status + ' ' + Buffer.from(body).toString().slice(0, 200);
      } catch (e) {
        if (!firstError) firstError = String(e);
      }
      const done = performance.now();
      if (t >= startAt && done <= endAt) {
        if (ok) latencies.push(done - t);
        else errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  parentPort.postMessage({ latencies, errors, firstError });
})();
`;

/** Drives `base + id` with `clients` concurrent keep-alive clients for `seconds` (after `warmup`), from a worker. */
export async function driveLoad(opts: {
  base: string;
  ids: string[];
  headers: Record<string, string>;
  clients: number;
  seconds: number;
  warmup?: number;
}): Promise<LoadResult & { firstError: string | null }> {
  const worker = new Worker(WORKER, { eval: true, workerData: { warmup: 1, ...opts } });
  const out = await new Promise<{ latencies: number[]; errors: number; firstError: string | null }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  await worker.terminate();
  const sorted = out.latencies.sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors: out.errors,
    seconds: opts.seconds,
    rate: sorted.length / opts.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    firstError: out.firstError,
  };
}

/** The bare route: the same reads as getPerson (person, contact points, provenance, contact roles) in one statement. */
async function bareServer(reg: Register) {
  const app = fastify();
  app.get<{ Params: { id: string } }>('/persons/:id', async (request, reply) => {
    const r = await sql<{ person: unknown }>`select json_build_object(
        'id', p.id, 'first_name', p.first_name, 'last_name', p.last_name, 'nickname', p.nickname,
        'customer_number', p.customer_number, 'attributes', p.attributes,
        'created_at', p.created_at, 'updated_at', p.updated_at,
        'email', (select json_agg(e.value order by e.position) from person_emails e where e.person_id = p.id),
        'phone', (select json_agg(x.value order by x.position) from person_phones x where x.person_id = p.id),
        'address', (select json_agg(json_build_object('street', a.street, 'postalCode', a.postal_code,
          'city', a.city, 'country', a.country) order by a.position) from person_addresses a where a.person_id = p.id),
        'provenance', (select json_agg(json_build_object('field', v.field, 'source', v.source, 'savedAt', v.saved_at,
          'savedBy', v.saved_by) order by v.field) from provenance v where v.entity_type = 'person' and v.entity_id = p.id),
        'contactRoles', (select json_agg(row_to_json(c)) from contact_roles c where c.person_id = p.id)
      ) as person from persons p where p.id = ${request.params.id}::uuid`.execute(reg.db);
    if (r.rows.length === 0) return reply.code(404).send({ error: 'not found' });
    const person = r.rows[0]!.person;
    return typeof person === 'string' ? JSON.parse(person) : person;
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, address };
}

export async function benchApi(
  reg: Register,
  opts: { backend: Backend; seconds: number; clients?: number; log?: (line: string) => void },
): Promise<ApiBenchResult> {
  const log = opts.log ?? (() => {});
  const clients = opts.clients ?? 50;
  const ids = await samplePersonIds(reg, 5000);
  const headers = await benchApiHeaders(reg);

  log(`${opts.backend}: GET /persons/:id through the app, ${clients} clients, ${opts.seconds} s`);
  const app = await buildApp({ register: reg, logger: false });
  let appLoad: LoadResult & { firstError: string | null };
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    appLoad = await driveLoad({
      base: `${address}/api/v1/persons/`,
      ids,
      headers,
      clients,
      seconds: opts.seconds,
    });
  } finally {
    await app.close();
  }
  if (appLoad.requests === 0 || appLoad.errors > 0)
    throw new Error(
      `the app answered ${appLoad.requests} requests, ${appLoad.errors} errors (${appLoad.firstError})`,
    );

  log(`${opts.backend}: the same through a bare Fastify route`);
  const bare = await bareServer(reg);
  let bareLoad: LoadResult & { firstError: string | null };
  try {
    bareLoad = await driveLoad({
      base: `${bare.address}/persons/`,
      ids,
      headers: {},
      clients,
      seconds: opts.seconds,
    });
  } finally {
    await bare.app.close();
  }
  if (bareLoad.requests === 0 || bareLoad.errors > 0)
    throw new Error(
      `the bare route answered ${bareLoad.requests}, ${bareLoad.errors} errors (${bareLoad.firstError})`,
    );

  const strip = ({ firstError: _, ...r }: LoadResult & { firstError: string | null }): LoadResult => r;
  const m = (metric: string, unit: Measurement['unit'], value: number, raw: number): Measurement => ({
    metric,
    backend: opts.backend,
    unit,
    value,
    raw,
    ratio: value / raw,
  });
  return {
    backend: opts.backend,
    clients,
    seconds: opts.seconds,
    app: strip(appLoad),
    bare: strip(bareLoad),
    measurements: [
      m('api GET person', 'req/s', appLoad.rate, bareLoad.rate),
      m('api GET person p50', 'ms', appLoad.p50, bareLoad.p50),
      m('api GET person p99', 'ms', appLoad.p99, bareLoad.p99),
    ],
  };
}
