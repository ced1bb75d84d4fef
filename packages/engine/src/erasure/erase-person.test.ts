import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, pendingScrubs, queueScrub } from '@lupaus/db';
import { createServerDatabase, TEST_DATABASE_URL } from '@lupaus/db/testing';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { recordConsent } from '../consents/record-consent';
import type { Register } from '../context';
import { recordDisclosure } from '../disclosures/record-disclosure';
import { attachFile } from '../files/attach-file';
import { selectForMarketing } from '../marketing/marketing-gate';
import { createPerson } from '../persons/create-person';
import { updatePerson } from '../persons/update-person';
import { createRecord } from '../records/create-record';
import { DEFINITION_FILE, EXAMPLES_DIR, initRegister, openRegister } from '../register/open-register';
import { endRelationship } from '../relationship/end-relationship';
import { receiveRequest } from '../requests/receive-request';
import { verifyIdentity } from '../requests/verify-identity';
import { runRetention } from '../retention/run-retention';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { anonymisePerson } from './anonymise-person';
import { erasePerson, scrubErasedData, scrubPending } from './erase-person';
import { resumeBlockedErasures } from './resume-blocked-erasures';

let reg: Register | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lupaus-erasure-'));
  dirs.push(d);
  return d;
}

/**
 * Seed 003 (Auntie) holds the hetu, a customer number, interactions with IP addresses and call recordings; this
 * copy adds invoices kept as accounting material (Kirjanpitolaki 2:10), so that one register holds all of it.
 */
function auntieWithInvoices(): string {
  const source = readFileSync(join(EXAMPLES_DIR, '003-auntie', DEFINITION_FILE), 'utf8');
  const category = `  - id: invoices
    name: { fi: Laskut, en: Invoices }
    holder: invoice
    purposes: [customer_relationship]
    sources: [transactions]
    retention: accounting
    erasure:
      strategy: keep
      reason: { fi: Kirjanpitolaki 2:10, en: Accounting Act 2:10 }
    providedBySubject: false
    dateField: issued_on
    fields:
      - { id: number, label: { fi: Numero, en: Number }, type: text }
      - { id: issued_on, label: { fi: Päivä, en: Date }, type: date, required: true }
      - { id: due_on, label: { fi: Eräpäivä, en: Due date }, type: date, required: true }
      - { id: amount, label: { fi: Summa, en: Amount }, type: money, required: true }
      - id: state
        label: { fi: Tila, en: State }
        type: enum
        required: true
        options:
          - { value: open, label: { fi: Avoin, en: Open } }
          - { value: paid, label: { fi: Maksettu, en: Paid } }
          - { value: credited, label: { fi: Hyvitetty, en: Credited } }
      - { id: paid_on, label: { fi: Maksupäivä, en: Date paid }, type: date }

`;
  const rule = `    - id: accounting
      kind: after_fiscal_year_end
      period: P6Y
      description: { fi: Kirjanpitoaineisto, en: Accounting material }
      legalReason: { fi: Kirjanpitolaki 2:10, en: Accounting Act 2:10 }

`;
  const withCategory = source.replace(/\n(# Seed §7\.)/, `\n${category}$1`);
  const withRule = withCategory.replace(/\n(# Seed §9\.)/, `\n${rule}$1`);
  if (withRule === source || withCategory === source || withRule === withCategory) {
    throw new Error('the 003 definition changed: the test cannot add its invoices');
  }
  return withRule;
}

const PERSON = {
  first_name: 'Ulpukka',
  last_name: 'Vääräniemi',
  nickname: 'Pukkis',
  hetu: '131052-9085',
  customer_number: 'AS-778899',
  email: 'ulpukka.vaaraniemi@example.fi',
  phone: '040 123 4567',
  address: { street: 'Kielokuja 17 B 5', postalCode: '00930', city: 'Helsinki' },
};

/** Every form the person's identifiers could take in the database. */
const IDENTIFIERS = [
  'Ulpukka',
  'Vääräniemi',
  'Vaaraniemi',
  'Pukkis',
  '131052-9085',
  '1310529085',
  'AS-778899',
  'ulpukka.vaaraniemi@example.fi',
  '+358401234567',
  '0401234567',
  '040 123 4567',
  'Kielokuja',
];

/** The needles in UTF-8, UTF-16 (both byte orders) and case-folded. */
function needles(): { id: string; bytes: Buffer }[] {
  const out: { id: string; bytes: Buffer }[] = [];
  for (const id of IDENTIFIERS) {
    for (const form of new Set([id, id.toLowerCase(), id.toUpperCase()])) {
      const le = Buffer.from(form, 'utf16le');
      const be = Buffer.from(le);
      be.swap16();
      out.push({ id: `${form} (utf-8)`, bytes: Buffer.from(form, 'utf8') });
      out.push({ id: `${form} (utf-16le)`, bytes: le }, { id: `${form} (utf-16be)`, bytes: be });
    }
  }
  return out;
}

function scanDir(dir: string): string[] {
  const hits: string[] = [];
  const ns = needles();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) {
        const bytes = readFileSync(path);
        for (const n of ns) if (bytes.includes(n.bytes)) hits.push(`${path}: ${n.id}`);
      }
    }
  };
  walk(dir);
  return hits;
}

/** Every row of every table of the public schema, as text. */
async function dumpDatabase(r: Register): Promise<string> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(r.db);
  expect(tables.rows.length).toBeGreaterThan(20);
  const parts: string[] = [];
  for (const t of tables.rows) {
    const rows = await sql<{ row: string }>`select x::text as row from ${sql.table(t.table_name)} x`.execute(
      r.db,
    );
    parts.push(`-- ${t.table_name}`, ...rows.rows.map((x) => x.row));
  }
  return parts.join('\n');
}

function findIn(dump: string): string[] {
  const lower = dump.toLowerCase();
  return IDENTIFIERS.filter((id) => lower.includes(id.toLowerCase()));
}

/** The person with everything the register can hold of them; the request to erase them, verified. */
async function fullPerson(r: Register, clock: ReturnType<typeof fixedClock>) {
  clock.set('2018-03-01T09:00:00Z');
  const p = await createPerson(r, TEST_ADMIN, { source: 'subject', fields: PERSON });
  await createRecord(r, TEST_ADMIN, p.id, {
    kind: 'invoices',
    source: 'transactions',
    fields: {
      number: 'AS-778899-1',
      issued_on: '2018-03-01',
      due_on: '2018-03-15',
      amount: 89.5,
      state: 'paid',
      paid_on: '2018-03-10',
    },
  });
  clock.set('2026-10-01T09:00:00Z');
  await createRecord(r, TEST_ADMIN, p.id, {
    kind: 'feedback',
    source: 'subject',
    fields: {
      feedback: `Ulpukka Vääräniemi kiittää, vastaukset osoitteeseen ${PERSON.email} tai Kielokuja 17 B 5`,
      satisfaction: 5,
    },
  });
  await createRecord(r, TEST_ADMIN, p.id, {
    kind: 'web_usage',
    source: 'transactions',
    fields: {
      ip_address: '192.0.2.57',
      visited_at: '2026-10-01T09:05:00Z',
      referrer: `https://example.fi/?u=${PERSON.email}`,
    },
  });
  await createRecord(r, TEST_ADMIN, p.id, {
    kind: 'services',
    source: 'transactions',
    fields: {
      service: 'Kotisiivous',
      status: 'used',
      service_date: '2026-09-15',
      price: 120,
      payment_details: 'AS-778899 / kortti',
    },
  });
  const call = await createRecord(r, TEST_ADMIN, p.id, {
    kind: 'call_recordings',
    source: 'transactions',
    fields: { called_at: '2026-10-01T10:00:00Z' },
  });
  await attachFile(r, TEST_ADMIN, call.id, 'call_recording', {
    name: 'Ulpukka-Vaaraniemi.txt',
    mediaType: 'text/plain',
    bytes: Buffer.from('Puhelu: Ulpukka Vääräniemi, 040 123 4567, Kielokuja 17 B 5'),
  });
  await recordConsent(r, TEST_ADMIN, {
    personId: p.id,
    channel: 'email',
    purpose: 'direct_marketing',
    state: 'given',
    source: 'subject',
    evidenceText: `Tilaus verkkolomakkeella osoitteesta ${PERSON.email}`,
  });
  await recordConsent(r, TEST_ADMIN, {
    personId: p.id,
    channel: 'sms',
    purpose: 'direct_marketing',
    state: 'prohibited',
    source: 'subject',
    evidenceText: 'Kielsi tekstiviestimarkkinoinnin puhelimessa',
  });
  await recordDisclosure(r, TEST_ADMIN, {
    personId: p.id,
    disclosure: 'contract_or_consent',
    recipientName: 'Vakuutusyhtiö Turva',
    recipientEmail: 'tietosuoja@turva.example',
    categories: ['basic_details', 'feedback'],
  });
  const q = await receiveRequest(r, TEST_ADMIN, {
    type: 'erasure',
    personId: p.id,
    receivedVia: 'electronic',
  });
  await verifyIdentity(r, TEST_ADMIN, q.id, { method: 'strong_electronic_identification' });
  return { personId: p.id, requestId: q.id };
}

async function eraseAndCheck(r: Register, clock: ReturnType<typeof fixedClock>) {
  const { personId, requestId } = await fullPerson(r, clock);
  // The dump does see the person before the erasure.
  expect(findIn(await dumpDatabase(r)).sort()).toEqual(
    IDENTIFIERS.filter(
      (id) => !['131052-9085', '1310529085', '0401234567', '040 123 4567'].includes(id),
    ).sort(),
  );
  clock.set('2026-11-20T10:00:00Z');
  const result = await erasePerson(r, TEST_ADMIN, { personId, requestId });
  expect(result).toMatchObject({ state: 'completed', blockers: [] });
  expect(result.erased).toMatchObject({
    person: 1,
    deleted: 5,
    files: 1,
    consents: 2,
    disclosures: 1,
    notices: 1,
  });
  await scrubErasedData(r);
  expect(findIn(await dumpDatabase(r))).toEqual([]);
  // What stays: the request (unlinked, with its outcome), the art. 19 notice to the recipient, the suppression.
  const request = await r.db
    .selectFrom('requests')
    .select(['state', 'person_id'])
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
  expect(request).toEqual({ state: 'completed', person_id: null });
  const notices = await r.db
    .selectFrom('notifications')
    .select(['kind', 'audience', 'to_address', 'body'])
    .execute();
  expect(notices).toMatchObject([
    { kind: 'erasure', audience: 'recipient', to_address: 'tietosuoja@turva.example' },
  ]);
  expect(notices[0]?.body).toContain('GDPR art. 19');
  expect(
    Number(
      (
        await r.db
          .selectFrom('suppressions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  ).toBeGreaterThan(0);
  let stored = 0;
  for await (const _ of r.files.list()) stored++;
  expect(stored).toBe(0);
}

describe('R4.4 erasure leaves nothing of the person', () => {
  it('R4.4 erasure on request: a dump of every table and every file of the data directory holds none of the person’s identifiers', async () => {
    const dir = tempDir();
    const definitionFile = join(tempDir(), 'register.yaml');
    writeFileSync(definitionFile, auntieWithInvoices());
    await initRegister({ dataDir: dir, definitionFile });
    const clock = fixedClock('2018-03-01T09:00:00Z');
    reg = await openRegister({ dataDir: dir, clock });
    const r = reg;
    await eraseAndCheck(r, clock);
    // The data directory: PGlite's files (tables, indexes, WAL), the file store, the keys.
    await reg.close();
    reg = undefined;
    expect(scanDir(dir)).toEqual([]);
    // The scan does see identifiers when they are there: the definition is in the data directory.
    expect(readFileSync(join(dir, DEFINITION_FILE)).includes(Buffer.from('Auntie'))).toBe(true);
  }, 120_000);

  it.runIf(TEST_DATABASE_URL)(
    'R4.4 erasure on request on PostgreSQL: a dump of every table holds none of the person’s identifiers',
    async () => {
      const clock = fixedClock('2018-03-01T09:00:00Z');
      reg = await openTestRegister('003-auntie', { clock, definitionSource: auntieWithInvoices() });
      await eraseAndCheck(reg, clock);
    },
    120_000,
  );

  it('R4.4 a prohibition survives the erasure as a suppression: the same address later is out of the marketing gate', async () => {
    const clock = fixedClock('2026-01-10T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const r = reg;
    const home = { street: 'Kieltokatu 3 A 1', postalCode: '00100', city: 'Helsinki' };
    const cottage = { street: 'Mökkitie 9', postalCode: '41800', city: 'Korpilahti' };
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Kielto', last_name: 'Henkilö', email: 'kielto@example.fi', address: [home] },
    });
    await recordConsent(r, TEST_ADMIN, {
      personId: p.id,
      channel: 'post',
      purpose: 'direct_marketing',
      state: 'prohibited',
      source: 'subject',
      evidenceText: 'Kielsi suoramainonnan kirjeellä',
    });
    // An address given after the prohibition is on the list only once the erasure puts it there.
    await updatePerson(r, TEST_ADMIN, p.id, { source: 'subject', fields: { address: [home, cottage] } });
    const before = await r.db.selectFrom('suppressions').select('value_hash').execute();
    expect(before).toHaveLength(1);
    const result = await erasePerson(r, TEST_ADMIN, { personId: p.id });
    expect(result.state).toBe('completed');
    expect(result.erased.suppressions).toBe(1);
    const rows = await r.db
      .selectFrom('suppressions')
      .select(['channel', 'kind', 'reason', 'purpose'])
      .execute();
    expect(rows).toEqual([
      { channel: 'post', kind: 'address', reason: 'prohibition', purpose: 'direct_marketing' },
      { channel: 'post', kind: 'address', reason: 'prohibition', purpose: 'direct_marketing' },
    ]);
    // The list holds keyed hashes only: the erased person's address is nowhere in it.
    expect(JSON.stringify(await r.db.selectFrom('suppressions').selectAll().execute())).not.toContain(
      'Mökkitie',
    );

    // Imported again at the cottage: the gate keeps them out; someone at another address gets through.
    const again = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Kielto', last_name: 'Henkilö', address: [cottage] },
    });
    const control = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Lupa', last_name: 'Henkilö', address: [{ ...cottage, street: 'Mökkitie 11' }] },
    });
    const selection = await selectForMarketing(r, TEST_ADMIN, {
      purpose: 'direct_marketing',
      channel: 'post',
    });
    expect(selection.contacts.map((c) => c.personId)).toEqual([control.id]);
    expect(again.id).not.toBe(control.id);
  });
});

describe('R4.9 anonymisation on request', () => {
  it('R4.9 anonymisation on request: the person goes, the records stay for statistics linked to nobody, their values anonymised', async () => {
    const clock = fixedClock('2026-10-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, { source: 'subject', fields: PERSON });
    const feedback = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'feedback',
      source: 'subject',
      fields: { feedback: `Terveisin ${PERSON.first_name}`, satisfaction: 4 },
    });
    const visit = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'web_usage',
      source: 'transactions',
      fields: { ip_address: '192.0.2.57', visited_at: '2026-10-01T09:05:00Z', browser: 'Firefox' },
    });
    const service = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'services',
      source: 'transactions',
      fields: { service: 'Kotisiivous', status: 'used', service_date: '2026-09-15', price: 120 },
    });
    const q = await receiveRequest(r, TEST_ADMIN, {
      type: 'anonymisation',
      personId: p.id,
      receivedVia: 'electronic',
    });
    await verifyIdentity(r, TEST_ADMIN, q.id, { method: 'in_person' });
    // An erasure request is not an anonymisation request.
    await expect(erasePerson(r, TEST_ADMIN, { personId: p.id, requestId: q.id })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    clock.set('2026-11-20T10:00:00Z');
    const result = await anonymisePerson(r, TEST_ADMIN, { personId: p.id, requestId: q.id });
    expect(result).toMatchObject({
      mode: 'anonymise',
      state: 'completed',
      erased: { anonymised: 3, deleted: 0, person: 1 },
    });
    expect(await r.db.selectFrom('persons').select('id').execute()).toEqual([]);

    const interactions = await r.db
      .selectFrom('interactions')
      .select(['id', 'person_id', 'occurred_at', 'data', 'anonymised_at'])
      .orderBy('id')
      .execute();
    expect(interactions.map((i) => [i.id, i.person_id, i.data])).toEqual([
      [feedback.id, null, { satisfaction: 4 }],
      [visit.id, null, { ip_address: '192.0.2.0', visited_at: '2026-01-01T00:00:00.000Z' }],
    ]);
    for (const i of interactions) {
      expect(i.anonymised_at).not.toBeNull();
      expect(new Date(i.occurred_at).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    }
    const order = await r.db
      .selectFrom('orders')
      .select(['person_id', 'data', 'amount'])
      .where('id', '=', service.id)
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      person_id: null,
      data: { status: 'used', service_date: '2026-01-01', price: 120 },
    });
    const request = await r.db
      .selectFrom('requests')
      .select(['state', 'person_id'])
      .where('id', '=', q.id)
      .executeTakeFirstOrThrow();
    expect(request).toEqual({ state: 'completed', person_id: null });
  });
});

/**
 * On a server, holds the scrub's `VACUUM` at its first table (persons) by a lock it must wait for, so that a test
 * can commit something between the scrub's reading of its marks and its end; on PGlite nothing (its one
 * connection runs a transaction begun meanwhile between two of the scrub's statements).
 */
async function holdVacuum(r: Register): Promise<{ waiting(): Promise<void>; release(): Promise<void> }> {
  if (r.dbKind === 'pglite') return { waiting: async () => {}, release: async () => {} };
  const name = (await sql<{ d: string }>`select current_database() as d`.execute(r.db)).rows[0]!.d;
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  const other = await openDatabase({ url: url.toString(), poolSize: 2 });
  let release!: () => void;
  const released = new Promise<void>((done) => {
    release = done;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((done) => {
    locked = done;
  });
  const holding = other.db.transaction().execute(async (tx) => {
    await sql`lock table persons in share update exclusive mode`.execute(tx);
    locked();
    await released;
  });
  await isLocked;
  return {
    waiting: async () => {
      for (let i = 0; i < 400; i++) {
        const w = await sql<{ n: number }>`select count(*)::int as n from pg_locks l
          join pg_class c on c.oid = l.relation where c.relname = 'persons' and not l.granted`.execute(
          other.db,
        );
        if (w.rows[0]!.n > 0) return;
        await new Promise((done) => setTimeout(done, 25));
      }
      throw new Error('the scrub never waited for the lock on persons');
    },
    release: async () => {
      release();
      await holding;
      await other.close();
    },
  };
}

describe('R4.4 the scrub an erasure owes is kept in the database (issue 8, crash safety)', () => {
  it('R4.4 an erasure’s pending scrub survives its process: the register opened anew (another process) scrubs it on resume and clears it', async () => {
    const dir = tempDir();
    const server = TEST_DATABASE_URL ? await createServerDatabase('lupaus_scrub') : undefined;
    const databaseUrl = server?.url;
    try {
      await initRegister({ dataDir: dir, example: '003-auntie', databaseUrl });
      reg = await openRegister({ dataDir: dir, databaseUrl });
      const p = await createPerson(reg, TEST_ADMIN, { source: 'subject', fields: PERSON });
      expect((await erasePerson(reg, TEST_ADMIN, { personId: p.id })).state).toBe('completed');
      // Committed with the erasure: one mark, holding its time only.
      const marks = await reg.db.selectFrom('scrub_queue').selectAll().execute();
      expect(marks).toHaveLength(1);
      expect(Object.keys(marks[0]!).sort()).toEqual(['at', 'id']);
      // The process stops before any scrub (`lupaus serve` between two sweeps, `erase --no-scrub`, a kill).
      await reg.close();
      reg = undefined;
      // PGlite: the old row versions are still in the data directory's files.
      if (!server) expect(scanDir(dir).length).toBeGreaterThan(0);

      reg = await openRegister({ dataDir: dir, databaseUrl });
      expect(await scrubPending(reg)).toBe(true);
      const vacuumed = async (r: Register) =>
        (
          await sql<{ t: Date | null }>`select last_vacuum as t from pg_stat_user_tables
            where relname = 'persons'`.execute(r.db)
        ).rows[0]?.t ?? null;
      if (server) expect(await vacuumed(reg)).toBeNull();
      // Nothing waits for a blocker: the resumption erases nothing itself, and scrubs for the other process.
      expect(await resumeBlockedErasures(reg, TEST_ADMIN, { scrub: true })).toEqual({
        completed: [],
        blocked: [],
        requests: [],
      });
      expect(await pendingScrubs(reg.db)).toEqual([]);
      expect(await scrubPending(reg)).toBe(false);
      if (server) expect(await vacuumed(reg)).not.toBeNull();
      await reg.close();
      reg = undefined;
      if (!server) expect(scanDir(dir)).toEqual([]);
    } finally {
      await reg?.close();
      reg = undefined;
      await server?.drop();
    }
  }, 120_000);

  it('R4.4 nothing is pending after scrubErasedData, and a scrub clears only the marks it read: an erasure committed while it runs keeps its mark', async () => {
    reg = await openTestRegister('003-auntie');
    const r = reg;
    expect(await scrubPending(r)).toBe(false);
    const first = await createPerson(r, TEST_ADMIN, { source: 'subject', fields: PERSON });
    const second = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Toinen', last_name: 'Henkilö' },
    });
    await erasePerson(r, TEST_ADMIN, { personId: first.id });
    await r.db.transaction().execute((tx) => queueScrub(tx, new Date()));
    const before = await pendingScrubs(r.db);
    expect(before).toHaveLength(2);
    await scrubErasedData(r);
    expect(await pendingScrubs(r.db)).toEqual([]);
    expect(await scrubPending(r)).toBe(false);

    // Another erasure, then a scrub with a third erasure committed between its reading of the marks and its end.
    const third = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Kolmas', last_name: 'Henkilö' },
    });
    await erasePerson(r, TEST_ADMIN, { personId: second.id });
    const read = await pendingScrubs(r.db);
    expect(read).toHaveLength(1);
    const hold = await holdVacuum(r);
    let scrubbed = false;
    const scrub = scrubErasedData(r).then(() => {
      scrubbed = true;
    });
    try {
      await hold.waiting();
      expect((await erasePerson(r, TEST_ADMIN, { personId: third.id })).state).toBe('completed');
      expect(scrubbed).toBe(false);
    } finally {
      await hold.release();
    }
    await scrub;
    const left = await pendingScrubs(r.db);
    expect(left).toHaveLength(1);
    expect(read).not.toContain(left[0]);
    expect(await scrubPending(r)).toBe(true);
    await scrubErasedData(r);
    expect(await pendingScrubs(r.db)).toEqual([]);
  }, 120_000);

  it('R4.4 a retention run that deletes whole persons leaves a mark in the same batch; stopped before its end, the next run scrubs and clears it', async () => {
    const clock = fixedClock('2014-01-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const gone = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'Matti', last_name: 'Asiakas', email: 'matti@example.com' },
    });
    clock.set('2015-06-15T12:00:00Z');
    await endRelationship(r, TEST_ADMIN, gone.id, { endedAt: '2015-06-15', reason: 'Asiakkuus päättyi' });
    clock.set('2026-01-01T00:00:00Z');
    // Stopped after its first batch (the person): no resumption, no scrub at its end.
    const stop = new AbortController();
    const stopped = await runRetention(r, TEST_ADMIN, {
      asOf: '2025-06-15',
      signal: stop.signal,
      onProgress: (p) => {
        if (p.done > 0) stop.abort();
      },
    });
    expect(stopped).toMatchObject({ status: 'interrupted', totals: { persons: 1 } });
    expect(await r.db.selectFrom('persons').select('id').execute()).toEqual([]);
    expect(await pendingScrubs(r.db)).toHaveLength(1);
    const next = await runRetention(r, TEST_ADMIN, { asOf: '2025-06-15' });
    expect(next.status).toBe('completed');
    expect(await pendingScrubs(r.db)).toEqual([]);
  }, 120_000);
});
