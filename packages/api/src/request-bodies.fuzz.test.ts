import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { caseCounter, hugeString, oddString } from '@lupaus/core/testing-fuzz';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OPENAPI_PATH } from './scripts/paths';
import { type TestApp, testApp, testHetu } from './test-app';

/**
 * Issue 8 ("bad input"), part 1, R7.3: every API route that takes a JSON body, through `inject()` on the real
 * app, with bodies generated from the route's own schema (docs/openapi.json) and then broken: malformed JSON,
 * wrong types, huge strings, odd Unicode (lone surrogates, NUL, bidi marks, emoji), missing and extra fields.
 * Never a 5xx; every refusal is the catalogue's `{ error: { code, message, problems } }` whose message (or a
 * problem's `at`) says where; a refused request changes no row of any table (a checksum of the whole database);
 * valid-looking bodies that are accepted are accepted without a 5xx. Random seeds: a failure prints its seed
 * and the request.
 */
const counter = caseCounter('request-bodies.fuzz.test.ts');

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
}

interface Route {
  method: 'POST' | 'PATCH' | 'PUT';
  path: string;
  schema: JsonSchema;
}

const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
  >;
};
const ROUTES: Route[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).flatMap(([method, op]) => {
    const schema = op.requestBody?.content['application/json']?.schema;
    return schema ? [{ method: method.toUpperCase() as Route['method'], path, schema }] : [];
  }),
);

/** Plausible values by property name, so that generated bodies get past the first check and reach the engine. */
function plausible(ids: Record<string, string>, sources: string[], channels: string[], purposes: string[]) {
  const isoNow = fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2025-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString());
  const day = isoNow.map((s) => s.slice(0, 10));
  const personFields = fc.record(
    {
      first_name: fc.constantFrom('Aino', 'Åsa', 'Zoë', ' Ilmari '),
      last_name: fc.constantFrom('Fuzz', 'Mäki', "O'Neill"),
      email: fc.constantFrom('fuzz@example.fi', 'Fuzz@Example.FI'),
      phone: fc.constantFrom('040 123 4567', '+358501234567'),
      hetu: fc.constantFrom(testHetu('010190', '-', 901), testHetu('020202', 'A', 950)),
    },
    { requiredKeys: ['first_name', 'last_name'] },
  );
  const byName: Record<string, fc.Arbitrary<unknown>> = {
    source: fc.constantFrom(...sources),
    channel: fc.constantFrom(...channels),
    purpose: fc.constantFrom(...purposes),
    personId: fc.constantFrom(ids.person as string, randomUUID()),
    personIds: fc.constant([ids.person]),
    requestId: fc.constantFrom(ids.request as string, randomUUID()),
    organisationId: fc.constantFrom(ids.organisation as string, randomUUID()),
    fields: personFields,
    at: isoNow,
    occurredAt: isoNow,
    receivedAt: isoNow,
    discoveredAt: isoNow,
    endedAt: day,
    startsOn: day,
    endsOn: day,
    validUntil: day,
    asOf: day,
    email: fc.constant('fuzz@example.fi'),
    recipientEmail: fc.constant('fuzz@example.fi'),
    hetu: fc.constant(testHetu('010190', '-', 901)),
    customerNumber: fc.constantFrom('C-1', 'FUZZ-1'),
  };
  return byName;
}

/** A value that fits `schema` (mostly), preferring plausible values for known property names. */
function fromSchema(
  schema: JsonSchema,
  byName: Record<string, fc.Arbitrary<unknown>>,
  name?: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (name && byName[name] && depth > 0) return byName[name] as fc.Arbitrary<unknown>;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fromSchema(s, byName, name, depth)));
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) record[k] = fromSchema(s, byName, k, depth + 1);
      if (Object.keys(props).length === 0)
        return fc.dictionary(
          fc.stringMatching(/^[a-z_]{1,10}$/),
          fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
          {
            maxKeys: 3,
          },
        );
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case 'array':
      return fc.array(schema.items ? fromSchema(schema.items, byName, undefined, depth + 1) : fc.string(), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.max(Math.min(schema.maxItems ?? 3, 3), Math.min(schema.minItems ?? 0, 3)),
      });
    case 'string':
      if (schema.format === 'uuid') return fc.constant(randomUUID());
      if (schema.format === 'date-time') return fc.constant(new Date('2024-05-01T10:00:00Z').toISOString());
      if (schema.format === 'date') return fc.constant('2024-05-01');
      return fc.string({
        unit: 'grapheme-ascii',
        minLength: Math.min(schema.minLength ?? 1, 20),
        maxLength: Math.max(Math.min(schema.maxLength ?? 20, 20), Math.min(schema.minLength ?? 1, 20)),
      });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 100, 1e6) });
    case 'number':
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 100, noNaN: true });
    case 'boolean':
      return fc.boolean();
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

type Path = (string | number)[];

/** What a refused sign-in writes on purpose. */
const AUTH_RECORDS = ['audit_log', 'users', 'sign_in_attempts'];

/** Every path to a value inside `v`. */
function pathsIn(v: unknown, at: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...at, i], ...pathsIn(x, [...at, i])]);
  if (v !== null && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => [[...at, k], ...pathsIn(x, [...at, k])]);
  return [];
}

function setIn(root: unknown, path: Path, value: unknown, remove = false): void {
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
}

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 1e308, 2 ** 53 + 1, '', [], {}, [null], { a: 1 }, '0', 'null'),
  oddString(20),
  fc.constantFrom(
    '\u0000',
    'a\uD800b',
    '\uDFFF',
    '\u202Eevil',
    '\u200F\u200E',
    '😀👩‍👩‍👧🇫🇮',
    'x\u0000y',
    '\uFEFF',
  ),
  hugeString(10_000, 300_000),
);

type Breakage =
  | { kind: 'valid' }
  | { kind: 'remove'; pick: number }
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'extra'; pick: number; key: string; value: unknown }
  | { kind: 'text'; text: string };

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'valid' } as Breakage) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'remove', pick }) as Breakage) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.nat(), wrongValue)
      .map(([pick, value]) => ({ kind: 'set', pick, value }) as Breakage),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.nat(),
        fc.oneof(
          fc.stringMatching(/^[a-z]{1,8}$/),
          oddString(6),
          fc.constantFrom('__proto__', 'constructor'),
        ),
        wrongValue,
      )
      .map(([pick, key, value]) => ({ kind: 'extra', pick, key, value }) as Breakage),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '{',
        '{"a":',
        '[1,2',
        '{"a":1}}',
        'nul',
        '"\\ud800"',
        '{"a":"\\u0000"}',
        '\uFEFF{}',
        '{"a":1,}',
        "{'a':1}",
        'NaN',
        '1e999',
        '{"__proto__":{"x":1}}',
      )
      .map((text) => ({ kind: 'text', text }) as Breakage),
  },
);

/** The body to send (its JSON text) and, for a value set or added, where it went. */
function apply(valid: unknown, b: Breakage): { text: string; at?: string } {
  if (b.kind === 'text') return { text: b.text };
  if (b.kind === 'valid') return { text: JSON.stringify(valid) };
  const body = structuredClone(valid) as Record<string, unknown>;
  const paths = pathsIn(body);
  if (b.kind === 'extra') {
    const objects: Path[] = [
      ...(isObject(body) ? [[]] : []),
      ...paths.filter((p) => isObject(getIn(body, p))),
    ];
    if (objects.length === 0) return { text: JSON.stringify({ [b.key]: b.value }) };
    const target = objects[b.pick % objects.length] as Path;
    const obj = getIn(body, target) as Record<string, unknown>;
    Object.defineProperty(obj, b.key, {
      value: b.value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    return { text: JSON.stringify(body), at: ['body', ...target, b.key].join('.') };
  }
  if (paths.length === 0) return { text: JSON.stringify(b.kind === 'set' ? b.value : body) };
  const target = paths[b.pick % paths.length] as Path;
  setIn(body, target, b.kind === 'set' ? b.value : undefined, b.kind === 'remove');
  return { text: JSON.stringify(body), at: ['body', ...target].join('.') };
}

function getIn(root: unknown, path: Path): unknown {
  let node = root as Record<string | number, unknown>;
  for (const k of path) node = node[k] as Record<string | number, unknown>;
  return node;
}

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

describe('issue 8: every API request body against generated bad input (R7.3)', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  let byName: Record<string, fc.Arbitrary<unknown>>;

  /**
   * Which tables were written since the last call: a row trigger on every table of the test database notes each
   * committed insert, update and delete (a rolled-back transaction leaves no note). Cheaper than a checksum of
   * every row after every request, and it sees updates as well as counts.
   */
  async function writtenTables(): Promise<string[]> {
    const r = await sql<{ tbl: string }>`delete from fuzz_writes returning tbl`.execute(t.register.db);
    return [...new Set(r.rows.map((x) => x.tbl))].sort();
  }

  beforeAll(async () => {
    vi.stubEnv('LUPAUS_RATE_LIMIT_SIGN_IN', 'off');
    vi.stubEnv('LUPAUS_RATE_LIMIT_PUBLIC', 'off');
    t = await testApp('003-auntie');
    const person = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: {
        source: 'subject',
        fields: { first_name: 'Aino', last_name: 'Seed', email: 'aino@example.fi' },
      },
    });
    ids.person = (person.json() as { id: string }).id;
    const org = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      payload: { source: 'subject', fields: { name: 'Seed Oy', business_id: '1599535-4' } },
    });
    ids.organisation = (org.json() as { id?: string }).id ?? randomUUID();
    const req = await t.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      payload: { personId: ids.person, type: 'access', receivedVia: 'electronic' },
    });
    ids.request = (req.json() as { id?: string }).id ?? randomUUID();
    const def = t.register.definition;
    byName = plausible(
      ids,
      def.sources.map((s) => s.id),
      def.marketing?.channels.map((c) => c.id) ?? ['email'],
      [...(def.marketing?.purposes.map((p) => p.id) ?? []), ...def.purposes.map((p) => p.id)],
    );
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(t.register.db);
    expect(tables.rows.length).toBeGreaterThan(20);
    await sql`create table fuzz_writes (tbl text not null)`.execute(t.register.db);
    await sql`create function fuzz_note() returns trigger language plpgsql as $$
      begin insert into fuzz_writes values (TG_TABLE_NAME); return null; end $$`.execute(t.register.db);
    await sql`do $$ declare t text; begin
      for t in select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'fuzz_writes' loop
        execute format('create trigger fuzz_note after insert or update or delete on %I for each row execute function fuzz_note()', t);
      end loop; end $$`.execute(t.register.db);
  });

  afterAll(async () => {
    counter.log();
    vi.unstubAllEnvs();
    await t?.close();
  });

  it('issue 8 R7.3 every route with a body: never a 5xx, refusals say what and where, and change nothing', async () => {
    expect(ROUTES.length).toBeGreaterThan(50);
    const runsPerRoute = Number(process.env.LUPAUS_FUZZ_RUNS ?? 5);
    const failures: string[] = [];
    let accepted = 0;
    let refused = 0;
    await writtenTables();
    for (const route of ROUTES) {
      const url = route.path
        .replace(
          /\{id\}/g,
          route.path.startsWith('/api/v1/persons/')
            ? (ids.person as string)
            : route.path.startsWith('/api/v1/requests/')
              ? (ids.request as string)
              : route.path.startsWith('/api/v1/organisations/')
                ? (ids.organisation as string)
                : randomUUID(),
        )
        .replace(/\{field\}/g, 'recording');
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fromSchema(route.schema, byName), breakage, async (valid, b) => {
          const { text, at } = apply(valid, b);
          const res = await t.app.inject({
            method: route.method,
            url,
            payload: text,
            headers: { 'content-type': 'application/json' },
          });
          const what = `${route.method} ${route.path} ${b.kind}${at ? ` at ${at}` : ''}: ${text.slice(0, 300)}`;
          expect(res.statusCode, `${what}\n→ ${res.body.slice(0, 500)}`).toBeLessThan(500);
          if (res.statusCode < 400) {
            accepted++;
            await writtenTables();
            return;
          }
          refused++;
          const body = res.json() as { error?: { code?: unknown; message?: unknown; problems?: unknown } };
          expect(typeof body.error?.code, what).toBe('string');
          expect(typeof body.error?.message, what).toBe('string');
          expect(String(body.error?.message ?? '').length, what).toBeGreaterThan(10);
          expect(Array.isArray(body.error?.problems), what).toBe(true);
          const problems = body.error?.problems as { at?: unknown; message?: unknown }[];
          if (res.statusCode === 422 || body.error?.code === 'VALIDATION_FAILED') {
            // What and where: at least one problem, each naming its place and saying what is wrong.
            expect(problems.length, `${what}\n→ ${res.body.slice(0, 500)}`).toBeGreaterThan(0);
            for (const p of problems) {
              expect(
                typeof p.at === 'string' && p.at.length > 0,
                `${what}\n→ ${res.body.slice(0, 500)}`,
              ).toBe(true);
              expect(typeof p.message === 'string' && p.message.length > 3, what).toBe(true);
            }
          }
          // A failed sign-in is itself recorded (R6.1: the failed attempts that lock an account out, R6.4: audit).
          const expected =
            route.path.startsWith('/api/v1/auth/') && res.statusCode === 401 ? AUTH_RECORDS : [];
          const diff = (await writtenTables()).filter((table) => !expected.includes(table));
          if (diff.length > 0)
            failures.push(`partial write to ${diff.join(', ')} on ${res.statusCode}: ${what}`);
          expect(
            diff,
            `a refused request (${res.statusCode} ${body.error?.code as string}) changed the database: ${what}`,
          ).toEqual([]);
        }),
        { numRuns: runsPerRoute },
      );
      counter.add(runsPerRoute);
      if (process.env.LUPAUS_FUZZ_TIMING)
        console.log(`${route.method} ${route.path}: ${Math.round(performance.now() - started)} ms`);
    }
    expect(failures).toEqual([]);
    // The generator reaches the engine: some bodies are accepted, most are refused.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(accepted);
  }, 300_000);
});
