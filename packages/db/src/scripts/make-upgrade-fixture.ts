import { createCipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { hetuCheckCharacter } from '@lupaus/core';
import { Kysely, Migrator } from 'kysely';
import { pgliteParsers } from '../connect';
import { PGliteDialect } from '../dialect/pglite-dialect';
import { migrationProvider } from '../migrations/index';
import { AUDIT_GENESIS, canonicalAudit, chainHash } from '../repositories/audit';
import { UPGRADE_FIXTURE_DIR as FIXTURE_DIR } from '../testing';

/**
 * Issue 8, upgrades: writes the fixture of the OLDEST supported schema, a register at migration 0001-initial (the
 * first release's schema: every register ever created started there), to `packages/db/test/fixtures/`:
 *
 * - `register-0001.sql`: the schema exactly as Kysely's Migrator created it up to 0001 (every statement it ran,
 *   its own `kysely_migration` tables included, parameters inlined) and then realistic rows by plain SQL: a notice
 *   version, persons with emails, phones and addresses, the hetu encrypted (AES-256-GCM, the vault's format) and
 *   its keyed lookup under a FIXED TEST KEY, an organisation and a contact role, the provenance of every field, and
 *   audit rows HMAC-chained under the audit key derived from that lookup key;
 * - `register-0001.json`: the fixed test keys and what the test expects to read back (the persons in plain text,
 *   the audit chain's length and head);
 * - `register-0001.pglite.tar.br`: a PGlite data directory (`dumpDataDir`, a tar, brotli-compressed) holding the
 *   same, as PGlite of this release writes it to disk.
 *
 * Run once and commit its output (`node packages/cli/bin/run-ts.js packages/db/src/scripts/make-upgrade-fixture.ts`);
 * it never runs in the tests. Running it again rewrites the same rows (fixed ids, times and IVs), but the tarball's
 * bytes differ.
 */
const require = createRequire(import.meta.url);
const SCHEMA = '0001-initial';

/** Fixed test keys: derived from labels, so that anyone can see they protect nothing. */
const KEYS = {
  encryption: createHash('sha256').update('lupaus upgrade fixture encryption key').digest(),
  lookup: createHash('sha256').update('lupaus upgrade fixture lookup key').digest(),
};
const AUDIT_KEY = Buffer.from(hkdfSync('sha256', KEYS.lookup, Buffer.alloc(0), 'lupaus audit chain v1', 32));

/** The vault's format: version 1, a 12-byte IV, the 16-byte tag, the ciphertext (IV fixed here, from the value). */
function encrypt(plain: string): Buffer {
  const iv = createHash('sha256').update(`iv:${plain}`).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', KEYS.encryption, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
}

/** The vault's keyed lookup of a hetu. */
function lookup(value: string): Buffer {
  return createHmac('sha256', KEYS.lookup).update(value).digest();
}

/** A test-range hetu (individual number 900–999) with its check character. */
function hetu(day: number, month: number, year: number, individual: number): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const digits = `${pad(day, 2)}${pad(month, 2)}${pad(year % 100, 2)}${pad(individual, 3)}`;
  const check = hetuCheckCharacter(digits);
  const sign = year >= 2000 ? 'A' : '-';
  return `${digits.slice(0, 6)}${sign}${digits.slice(6)}${check}`;
}

export interface FixturePerson {
  id: string;
  customer_number: string;
  first_name: string;
  last_name: string;
  nickname: string | null;
  hetu: string | null;
  gender: string;
  language: string;
  email: string[];
  phone: string[];
  address: { street: string; postalCode: string; city: string; country: string }[];
}

const PERSONS: FixturePerson[] = [
  {
    id: '0190a1b2-0001-7000-8000-000000000001',
    customer_number: 'A-1001',
    first_name: 'Aino',
    last_name: 'Virtanen',
    nickname: null,
    hetu: hetu(12, 3, 1984, 921),
    gender: 'female',
    language: 'fi',
    email: ['aino.virtanen@example.fi'],
    phone: ['+358401234567'],
    address: [{ street: 'Mannerheimintie 12 B 7', postalCode: '00100', city: 'Helsinki', country: 'FI' }],
  },
  {
    id: '0190a1b2-0001-7000-8000-000000000002',
    customer_number: 'A-1002',
    first_name: 'Matti',
    last_name: 'Mäkinen',
    nickname: 'Masa',
    hetu: hetu(30, 11, 1957, 934),
    gender: 'male',
    language: 'fi',
    email: ['matti.makinen@example.fi', 'masa@example.com'],
    phone: ['+358501112223', '+35891234567'],
    address: [{ street: 'Hämeenkatu 5', postalCode: '33100', city: 'Tampere', country: 'FI' }],
  },
  {
    id: '0190a1b2-0001-7000-8000-000000000003',
    customer_number: 'A-1003',
    first_name: 'Björn',
    last_name: 'Lindqvist',
    nickname: null,
    hetu: hetu(1, 1, 2001, 955),
    gender: 'male',
    language: 'sv',
    email: ['bjorn.lindqvist@example.ax'],
    phone: [],
    address: [{ street: 'Torggatan 2', postalCode: '22100', city: 'Mariehamn', country: 'FI' }],
  },
  {
    id: '0190a1b2-0001-7000-8000-000000000004',
    customer_number: 'A-1004',
    first_name: 'Elina',
    last_name: "O'Brien-Korhonen",
    nickname: 'Ellu',
    hetu: null,
    gender: 'not_stated',
    language: 'en',
    email: ['elina.obrien@example.com'],
    phone: ['+358449998877'],
    address: [],
  },
];

const ORGANISATION = {
  id: '0190a1b2-0002-7000-8000-000000000001',
  name: 'Esimerkki Oy',
  business_id: '2734094-5',
};
const ROLE_ID = '0190a1b2-0003-7000-8000-000000000001';
const ACTOR = 'fixture-admin';
const T0 = Date.parse('2026-01-15T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** A value as an SQL literal. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`;
  if (v instanceof Date) return `'${v.toISOString()}'::timestamptz`;
  if (typeof v === 'object') return `'${JSON.stringify(v).replace(/'/g, "''")}'::jsonb`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

function insert(table: string, rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const values = rows.map((r) => `  (${cols.map((c) => literal(r[c])).join(', ')})`).join(',\n');
  return `insert into ${table} (${cols.join(', ')}) values\n${values};\n`;
}

/** Replaces $1, $2 … by the literals of `params` (statements of the migrator; no $n inside quoted text). */
function inline(sqlText: string, params: readonly unknown[]): string {
  return sqlText.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));
}

/** The rows of the register, as statements. */
function dataStatements(): { sql: string; auditRows: number; auditHead: string } {
  const parts: string[] = [];
  const definition = { lupaus: 1, id: 'auntie', note: 'the definition as the first release stored it' };
  parts.push(
    insert('notice_versions', [
      {
        version: 1,
        content_hash: createHash('sha256').update(JSON.stringify(definition)).digest('hex'),
        definition,
        notice_date: '2017-06-01',
        published_at: at(0),
        published_by: 'system',
      },
    ]),
  );
  parts.push(
    insert(
      'persons',
      PERSONS.map((p, i) => ({
        id: p.id,
        customer_number: p.customer_number,
        first_name: p.first_name,
        last_name: p.last_name,
        nickname: p.nickname,
        search_name: [p.first_name, p.last_name, p.nickname].filter(Boolean).join(' ').toLowerCase(),
        hetu_cipher: p.hetu ? encrypt(p.hetu) : null,
        hetu_lookup: p.hetu ? lookup(p.hetu) : null,
        attributes: { gender: p.gender, language: p.language },
        created_at: at(10 + i),
        updated_at: at(10 + i),
        created_by: ACTOR,
        updated_by: ACTOR,
      })),
    ),
  );
  const uuid = (kind: number, n: number) =>
    `0190a1b2-00${String(kind).padStart(2, '0')}-7000-8000-${String(n).padStart(12, '0')}`;
  let n = 0;
  parts.push(
    insert(
      'person_emails',
      PERSONS.flatMap((p) =>
        p.email.map((value, position) => ({
          id: uuid(10, ++n),
          person_id: p.id,
          position,
          value,
          value_key: value.toLowerCase(),
        })),
      ),
    ),
  );
  parts.push(
    insert(
      'person_phones',
      PERSONS.flatMap((p) =>
        p.phone.map((value, position) => ({ id: uuid(11, ++n), person_id: p.id, position, value })),
      ),
    ),
  );
  parts.push(
    insert(
      'person_addresses',
      PERSONS.flatMap((p) =>
        p.address.map((a, position) => ({
          id: uuid(12, ++n),
          person_id: p.id,
          position,
          street: a.street,
          po_box: null,
          postal_code: a.postalCode,
          city: a.city,
          country: a.country,
        })),
      ),
    ),
  );
  parts.push(
    insert('organisations', [
      {
        id: ORGANISATION.id,
        name: ORGANISATION.name,
        business_id: ORGANISATION.business_id,
        search_name: ORGANISATION.name.toLowerCase(),
        attributes: {},
        created_at: at(20),
        updated_at: at(20),
        created_by: ACTOR,
        updated_by: ACTOR,
      },
    ]),
  );
  parts.push(
    insert('contact_roles', [
      {
        id: ROLE_ID,
        person_id: PERSONS[1]!.id,
        organisation_id: ORGANISATION.id,
        title: 'Toimitusjohtaja',
        starts_on: '2020-01-01',
        ends_on: null,
        source: 'subject',
        created_at: at(21),
        created_by: ACTOR,
        updated_at: at(21),
        updated_by: ACTOR,
      },
    ]),
  );
  const fieldsOf = (p: FixturePerson) =>
    [
      'first_name',
      'last_name',
      p.nickname ? 'nickname' : null,
      p.hetu ? 'hetu' : null,
      'customer_number',
      'gender',
      'language',
      p.email.length ? 'email' : null,
      p.phone.length ? 'phone' : null,
      p.address.length ? 'address' : null,
    ].filter((f): f is string => f !== null);
  parts.push(
    insert(
      'provenance',
      PERSONS.flatMap((p, i) =>
        fieldsOf(p).map((field) => ({
          entity_type: 'person',
          entity_id: p.id,
          person_id: p.id,
          field,
          source: 'subject',
          saved_at: at(10 + i),
          saved_by: ACTOR,
        })),
      ),
    ),
  );
  // The audit trail: a create per person, the organisation, the contact role, then reads; chained in order.
  const audit = [
    ...PERSONS.map((p, i) => ({
      at: at(10 + i),
      actor: ACTOR,
      action: 'create',
      entity_type: 'person',
      entity_id: p.id,
      person_id: p.id,
      purpose: 'customer_relationship',
      details: { fields: fieldsOf(p) },
    })),
    {
      at: at(20),
      actor: ACTOR,
      action: 'create',
      entity_type: 'organisation',
      entity_id: ORGANISATION.id,
      person_id: null,
      purpose: 'customer_relationship',
      details: {},
    },
    {
      at: at(21),
      actor: ACTOR,
      action: 'create',
      entity_type: 'contact_role',
      entity_id: ROLE_ID,
      person_id: PERSONS[1]!.id,
      purpose: 'customer_relationship',
      details: { organisationId: ORGANISATION.id },
    },
    ...PERSONS.map((p, i) => ({
      at: at(30 + i),
      actor: 'fixture-staff',
      action: 'read',
      entity_type: 'person',
      entity_id: p.id,
      person_id: p.id,
      purpose: 'customer_relationship',
      details: {},
    })),
  ];
  let prev = AUDIT_GENESIS;
  const chained = audit.map((r) => {
    const hash = chainHash(AUDIT_KEY, prev, canonicalAudit(r));
    const row = { ...r, prev_hash: prev, hash };
    prev = hash;
    return row;
  });
  parts.push(insert('audit_log', chained));
  return { sql: parts.join('\n'), auditRows: chained.length, auditHead: prev };
}

async function main() {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const pglite = await PGlite.create({ extensions: { pg_trgm }, parsers: pgliteParsers });
  const statements: string[] = [];
  const db = new Kysely<unknown>({
    dialect: new PGliteDialect(pglite),
    log: (e) => {
      if (e.level !== 'query') return;
      const text = e.query.sql.trim();
      // The migrator's reads and its lock's updates leave nothing behind; everything else builds the schema.
      if (/^(select|with set_timeout|update "kysely_migration_lock")/i.test(text)) return;
      statements.push(`${inline(text, e.query.parameters)};`);
    },
  });
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateTo(SCHEMA);
  if (error) throw error;
  const applied = (results ?? []).map((r) => r.migrationName);
  if (applied.join() !== SCHEMA) throw new Error(`applied ${applied.join(', ')}, not just ${SCHEMA}`);

  const data = dataStatements();
  const file = [
    `-- Issue 8, upgrades: a register at migration ${SCHEMA}, the oldest supported schema.`,
    '-- Written by packages/db/src/scripts/make-upgrade-fixture.ts; do not edit (the test checks hashes of rows).',
    '-- The schema as Kysely’s Migrator created it, then rows by plain SQL under the fixed test keys of register-0001.json.',
    '',
    ...statements,
    '',
    data.sql,
  ].join('\n');
  const sqlFile = join(FIXTURE_DIR, 'register-0001.sql');
  writeFileSync(sqlFile, file);
  await pglite.exec(data.sql);
  await db.destroy();

  // The same register as a PGlite data directory, from the SQL file exactly.
  const disk = await PGlite.create({ extensions: { pg_trgm } });
  await disk.exec(file);
  const dump = await disk.dumpDataDir('none');
  await disk.close();
  // Brotli with a 16 MiB window: the three near-identical databases of a cluster (template0, template1, postgres)
  // and the zeroed WAL segment compress to a third of what gzip makes of them (1.4 MB, not 4.7 MB).
  const tar = Buffer.from(await dump.arrayBuffer());
  const tarFile = join(FIXTURE_DIR, 'register-0001.pglite.tar.br');
  writeFileSync(
    tarFile,
    brotliCompressSync(tar, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 11,
        [zlib.BROTLI_PARAM_LGWIN]: 24,
        [zlib.BROTLI_PARAM_SIZE_HINT]: tar.length,
      },
    }),
  );

  const pkg = JSON.parse(
    readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '../package.json'), 'utf8'),
  ) as { version: string };
  const jsonFile = join(FIXTURE_DIR, 'register-0001.json');
  writeFileSync(
    jsonFile,
    `${JSON.stringify(
      {
        schema: SCHEMA,
        pgliteVersion: pkg.version,
        keys: { encryption: KEYS.encryption.toString('base64'), lookup: KEYS.lookup.toString('base64') },
        persons: PERSONS,
        organisation: ORGANISATION,
        contactRole: { id: ROLE_ID, personId: PERSONS[1]!.id },
        audit: { rows: data.auditRows, head: data.auditHead },
      },
      null,
      2,
    )}\n`,
  );
  for (const f of [sqlFile, tarFile, jsonFile]) console.log(`written ${relative(process.cwd(), f)}`);
}

await main();
