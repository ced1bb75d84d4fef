import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataDirRegister } from './import';
import type { Backend, Measurement } from './persons';
import { childEnv, ROOT, send, startServe } from './serve-process';

/**
 * P7, the memory benchmark: the peak memory (VmHWM of /proc/PID/status) and the resident set at the end (VmRSS) of
 * `lupaus serve` on the data directory the import filled, while requests go through it (`requests` GET
 * /persons/:id, 10 at a time, 50 name searches, one email segment of every person the gate admits). Raw: a bare Node
 * process (plain JavaScript, no tsx, no Fastify) that opens the same database (PGlite on the data directory, or a
 * `pg` client to the server: then, as for `lupaus serve`, only the Node side is measured) and runs the same
 * person reads, the name searches and one read of every person with their email.
 *
 * @example
 * ```ts
 * await target.closeRegister(); // PGlite: one process at a time
 * const r = await benchMemory(target, { persons: 1000, headers, ids, requests: 2000 });
 * ```
 */

export interface MemoryFigures {
  /** Peak resident set (VmHWM), MiB. */
  peakMiB: number;
  /** Resident set when the requests were done (VmRSS), MiB. */
  rssMiB: number;
}

export interface MemoryBenchResult {
  backend: Backend;
  persons: number;
  serve: MemoryFigures & { requests: number };
  bare: MemoryFigures;
  measurements: Measurement[];
}

/** VmHWM and VmRSS of a process, in MiB. */
export function processMemory(pid: number | 'self'): MemoryFigures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<string> {
  const res = await send(url, 'POST', headers, body);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.text;
}

/** `count` GETs of `base + id`, `clients` at a time; throws on any answer but 200. */
async function getPersons(
  base: string,
  ids: string[],
  headers: Record<string, string>,
  count: number,
  clients: number,
): Promise<number> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      const id = ids[next++ % ids.length]!;
      const res = await send(base + id, 'GET', headers);
      if (res.status !== 200) throw new Error(`GET ${base + id}: ${res.status} ${res.text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return count;
}

/** The name prefixes searched: four letters of common last names. */
const NAME_PREFIXES = ['virt', 'kor', 'mäki', 'niem', 'laine', 'heik', 'kosk', 'järv', 'lehto', 'salm'];

// The bare process: opens the database, runs the same reads, prints its memory as JSON.
const BARE = `
import { readFileSync } from 'node:fs';
const [kind, target, idsFile, reads] = process.argv.slice(1);
const ids = JSON.parse(readFileSync(idsFile, 'utf8'));
const prefixes = ${JSON.stringify(NAME_PREFIXES)};
let query, close;
if (kind === 'pglite') {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create({ dataDir: target, extensions: { pg_trgm } });
  query = (text, params) => db.query(text, params).then((r) => r.rows);
  close = () => db.close();
} else {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  query = (text, params) => client.query(text, params).then((r) => r.rows);
  close = () => client.end();
}
const person = \`select p.*, (select json_agg(e.value) from person_emails e where e.person_id = p.id) as email,
  (select json_agg(x.value) from person_phones x where x.person_id = p.id) as phone,
  (select json_agg(a) from person_addresses a where a.person_id = p.id) as address,
  (select json_agg(v) from provenance v where v.entity_type = 'person' and v.entity_id = p.id) as provenance
  from persons p where p.id = $1\`;
let n = 0;
for (let i = 0; i < Number(reads); i++) { await query(person, [ids[i % ids.length]]); n++; }
for (let i = 0; i < 50; i++) {
  await query("select id, first_name, last_name from persons where lower(last_name) like $1 order by id limit 20", [prefixes[i % prefixes.length] + '%']);
}
const all = await query("select p.id, p.customer_number, p.first_name, p.last_name, e.value from persons p join person_emails e on e.person_id = p.id and e.position = 0");
const csv = all.map((r) => [r.customer_number, r.first_name, r.last_name, r.value].join(',')).join('\\r\\n');
const status = readFileSync('/proc/self/status', 'utf8');
const kib = (k) => Number(new RegExp('^' + k + ':\\\\s+(\\\\d+) kB', 'm').exec(status)[1]);
await close();
console.log(JSON.stringify({ peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024, reads: n, rows: all.length, csv: csv.length }));
`;

/** Runs the bare process on the database of `target` (closed in this process first for PGlite). */
async function bareProcess(target: DataDirRegister, ids: string[], reads: number): Promise<MemoryFigures> {
  const idsFile = join(target.dataDir, 'bench-ids.json');
  writeFileSync(idsFile, JSON.stringify(ids));
  const where = target.backend === 'pglite' ? join(target.dataDir, 'pgdata') : target.databaseUrl!;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', BARE, target.backend, where, idsFile, String(reads)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(undefined) },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the bare process exited with ${code}: ${err.slice(-800)}`);
  const r = JSON.parse(out.trim().split('\n').pop()!) as MemoryFigures & { rows: number };
  return { peakMiB: r.peakMiB, rssMiB: r.rssMiB };
}

/**
 * Measures `lupaus serve` and the bare process on the register of `target`, which must be closed in this process
 * (PGlite admits one process). `headers`: an API token of the register; `ids`: persons to read.
 */
export async function benchMemory(
  target: DataDirRegister,
  opts: {
    persons: number;
    headers: Record<string, string>;
    ids: string[];
    /** GET /persons/:id requests (10 at a time). */
    requests: number;
    log?: (line: string) => void;
  },
): Promise<MemoryBenchResult> {
  const log = opts.log ?? (() => {});
  log(
    `${target.backend}: lupaus serve on the data directory, ${opts.requests} GET /persons/:id, 50 searches, a segment`,
  );
  const server = await startServe(target);
  let serve: MemoryBenchResult['serve'];
  try {
    const address = server.address;
    const load = await getPersons(`${address}/api/v1/persons/`, opts.ids, opts.headers, opts.requests, 10);
    for (let i = 0; i < 50; i++) {
      await post(`${address}/api/v1/persons/search`, opts.headers, {
        q: NAME_PREFIXES[i % NAME_PREFIXES.length],
      });
    }
    await post(`${address}/api/v1/marketing/segment`, opts.headers, {
      purpose: 'direct_marketing',
      channel: 'email',
    });
    serve = { ...processMemory(server.pid), requests: load + 51 };
  } catch (e) {
    // Say what became of the server: a request that failed because it died says little by itself.
    throw new Error(
      `${e instanceof Error ? e.message : String(e)}; lupaus serve ${server.state()}; its stderr: ${server.stderr().slice(-800) || '(none)'}`,
      { cause: e },
    );
  } finally {
    await server.stop();
  }
  log(`${target.backend}: a bare process opening the same database`);
  const bare = await bareProcess(target, opts.ids, opts.requests);
  return {
    backend: target.backend,
    persons: opts.persons,
    serve,
    bare,
    measurements: [
      {
        metric: 'serve peak memory',
        backend: target.backend,
        unit: 'MiB',
        value: serve.peakMiB,
        raw: bare.peakMiB,
        ratio: serve.peakMiB / bare.peakMiB,
      },
      {
        metric: 'serve RSS after requests',
        backend: target.backend,
        unit: 'MiB',
        value: serve.rssMiB,
        raw: bare.rssMiB,
        ratio: serve.rssMiB / bare.rssMiB,
      },
    ],
  };
}
