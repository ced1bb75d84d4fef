import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LupausError } from '@lupaus/core';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { addBreachPersons } from '../breaches/add-breach-persons';
import { recordBreach } from '../breaches/record-breach';
import { objectToDirectMarketing } from '../consents/object-to-direct-marketing';
import { recordConsent } from '../consents/record-consent';
import type { Actor, Register } from '../context';
import { recordDisclosure } from '../disclosures/record-disclosure';
import { erasePerson } from '../erasure/erase-person';
import { attachFile } from '../files/attach-file';
import { selectForMarketing } from '../marketing/marketing-gate';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import { addContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { ingestInteractions } from '../records/ingest-interactions';
import { DEFINITION_FILE, EXAMPLES_DIR } from '../register/open-register';
import { receiveRequest } from '../requests/receive-request';
import { startRestriction } from '../restriction/start-restriction';
import { placeLegalHold } from '../retention/place-legal-hold';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { listDuplicates } from './list-duplicates';
import { markNotDuplicate } from './mark-not-duplicate';
import { mergePersons, PERSON_COLUMNS } from './merge-persons';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

/**
 * 003-auntie with invoices and debt collection (so that one register holds every kind of record) and a role
 * `support` that may read and write persons but not read the email (R6.2).
 */
export function definitionSource(): string {
  let s = readFileSync(join(EXAMPLES_DIR, '003-auntie', DEFINITION_FILE), 'utf8');
  const edit = (from: string, to: string) => {
    expect(s.split(from).length, `one ${from}`).toBe(2);
    s = s.replace(from, to);
  };
  edit(
    '\ncategories:\n',
    `
roles:
  - id: administrator
    name: { fi: Pääkäyttäjä, en: Administrator }
  - id: privacy_officer
    name: { fi: Tietosuojavastaava, en: Privacy officer }
  - id: support
    name: { fi: Tuki, en: Support }
    permissions: [persons.read, persons.write, consents.read]

categories:
`,
  );
  edit(
    '    sources: [subject, transactions, identification, address_update, population_register, partners]\n    retention: customer_relationship\n',
    '    sources: [subject, transactions, identification, address_update, population_register, partners]\n    retention: customer_relationship\n    readRoles: [administrator, privacy_officer, support]\n',
  );
  edit(
    '        label: { fi: Sähköpostiosoite, en: Email address }\n        type: email\n',
    '        label: { fi: Sähköpostiosoite, en: Email address }\n        type: email\n        readRoles: [administrator, privacy_officer]\n',
  );
  edit(
    '\n# Seed §7.',
    `
  - id: invoices
    name: { fi: Laskut, en: Invoices }
    holder: invoice
    purposes: [customer_relationship]
    sources: [transactions]
    retention: customer_relationship
    erasure: { strategy: delete }
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
  - id: debt_collection
    name: { fi: Perintä, en: Debt collection }
    holder: collection
    purposes: [customer_relationship]
    sources: [transactions]
    retention: customer_relationship
    erasure: { strategy: delete }
    providedBySubject: false
    dateField: opened_on
    fields:
      - id: state
        label: { fi: Tila, en: State }
        type: enum
        required: true
        options:
          - { value: open, label: { fi: Avoin, en: Open } }
          - { value: closed, label: { fi: Päättynyt, en: Closed } }
      - { id: opened_on, label: { fi: Aloitettu, en: Opened }, type: date, required: true }
  - id: organisation
    name: { fi: Edustettu yhteisö, en: Organisation represented }
    holder: contact_role
    purposes: [customer_relationship]
    sources: [subject]
    retention: customer_relationship
    fields:
      - { id: organisation, label: { fi: Yhteisö, en: Organisation }, type: text, required: true }
      - { id: title, label: { fi: Tehtävä, en: Title }, type: text }
  - id: organisations
    name: { fi: Yhteisöt, en: Organisations }
    holder: organisation
    purposes: [customer_relationship]
    sources: [subject]
    retention: customer_relationship
    providedBySubject: false
    fields:
      - { id: name, label: { fi: Nimi, en: Name }, type: text, required: true }

# Seed §7.`,
  );
  return s;
}

const NOW = '2026-03-02T10:00:00Z';

async function open(): Promise<{ r: Register; clock: ReturnType<typeof fixedClock> }> {
  const clock = fixedClock(NOW);
  reg = await openTestRegister('003-auntie', { clock, definitionSource: definitionSource() });
  return { r: reg, clock };
}

async function person(r: Register, fields: Record<string, unknown>) {
  return createPerson(r, TEST_ADMIN, { source: 'subject', fields });
}

async function failure(p: Promise<unknown>): Promise<LupausError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LupausError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** Row counts of every table: what a refusal must leave as it was. */
async function counts(r: Register): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(r.db);
  const out: Record<string, number> = {};
  for (const t of tables.rows) {
    if (t.table_name === 'kysely_migration' || t.table_name === 'kysely_migration_lock') continue;
    const n = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(t.table_name)}`.execute(
      r.db,
    );
    out[t.table_name] = Number(n.rows[0]!.n);
  }
  return out;
}

const pairOf = <T extends { a: { id: string }; b: { id: string } }>(items: T[], x: string, y: string) =>
  items.find((p) => (p.a.id === x && p.b.id === y) || (p.a.id === y && p.b.id === x));

describe('R2.7 likely duplicates', () => {
  it('R2.7 each kind of duplicate is found with its reasons, strongest first; a non-duplicate is not', async () => {
    const { r } = await open();
    const matti = await person(r, {
      first_name: 'Matti',
      last_name: 'Virtanen',
      email: 'matti.virtanen@example.fi',
      phone: '+358401111111',
      address: { street: 'Kotikatu 1 A 2', postalCode: '00100', city: 'Helsinki' },
    });
    const sameEmail = await person(r, {
      first_name: 'Matias',
      last_name: 'Koski',
      email: 'Matti.Virtanen@Example.fi',
      address: { street: 'Hämeenkatu 3', postalCode: '33100', city: 'Tampere' },
    });
    const samePhone = await person(r, {
      first_name: 'Liisa',
      last_name: 'Laine',
      phone: '040 1111111',
      address: { street: 'Isokatu 9', postalCode: '90100', city: 'Oulu' },
    });
    const sameAddress = await person(r, {
      first_name: 'Mati',
      last_name: 'Virtanen',
      address: { street: 'kotikatu  1 a 2', postalCode: '00100', city: 'Helsinki' },
    });
    const samePostalCode = await person(r, {
      first_name: 'Matti',
      last_name: 'Virtane',
      address: { street: 'Toinenkatu 5', postalCode: '00100', city: 'Helsinki' },
    });
    // A spouse at the same address: a different first name is not similar enough.
    const spouse = await person(r, {
      first_name: 'Maija',
      last_name: 'Virtanen',
      address: { street: 'Kotikatu 1 A 2', postalCode: '00100', city: 'Helsinki' },
    });
    // The same name elsewhere is not a sign either.
    const namesake = await person(r, {
      first_name: 'Matti',
      last_name: 'Virtanen',
      address: { street: 'Rantatie 1', postalCode: '96100', city: 'Rovaniemi' },
    });
    // The same hetu cannot be held twice: the second is refused at entry, naming who has it.
    await person(r, { first_name: 'Hetu', last_name: 'Haltija', hetu: '010594Y9021' });
    const hetu = await failure(
      person(r, { first_name: 'Toinen', last_name: 'Haltija', hetu: '010594Y9021' }),
    );
    expect(hetu.code).toBe('CONFLICT');
    expect(hetu.problems[0]?.at).toBe('fields.hetu');

    const { items, next } = await listDuplicates(r, TEST_ADMIN);
    expect(next).toBeNull();
    expect(pairOf(items, matti.id, sameEmail.id)).toMatchObject({ reasons: ['email'], score: 0.9 });
    expect(pairOf(items, matti.id, samePhone.id)).toMatchObject({ reasons: ['phone'], score: 0.6 });
    const address = pairOf(items, matti.id, sameAddress.id)!;
    expect(address.reasons).toEqual(['name_address']);
    expect(address.score).toBeGreaterThan(0.8);
    const postal = pairOf(items, matti.id, samePostalCode.id)!;
    expect(postal.reasons).toEqual(['name_postal_code']);
    expect(postal.score).toBeGreaterThan(0.5);
    expect(postal.score).toBeLessThan(address.score);
    for (const x of [spouse.id, namesake.id]) {
      expect(items.filter((p) => p.a.id === x || p.b.id === x)).toEqual([]);
    }
    // Strongest first.
    const scores = items.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(items[0]).toMatchObject({ reasons: ['email'] });
    expect(items[0]?.a).toMatchObject({ firstName: expect.any(String), email: expect.any(String) });

    // Paged: the same pairs, a page at a time.
    const first = await listDuplicates(r, TEST_ADMIN, { limit: 2 });
    expect(first.items).toHaveLength(2);
    const rest = await listDuplicates(r, TEST_ADMIN, { limit: 200, after: first.next! });
    expect([...first.items, ...rest.items]).toEqual(items);

    // Only the signs asked for.
    const byEmail = await listDuplicates(r, TEST_ADMIN, { reasons: ['email'] });
    expect(byEmail.items.map((p) => p.reasons)).toEqual([['email']]);

    // Marked not a duplicate: not listed again.
    await markNotDuplicate(r, TEST_ADMIN, { a: samePhone.id, b: matti.id });
    const after = await listDuplicates(r, TEST_ADMIN);
    expect(pairOf(after.items, matti.id, samePhone.id)).toBeUndefined();
    expect(after.items).toHaveLength(items.length - 1);

    // Audited: one row per page naming every person shown.
    const audit = await r.db
      .selectFrom('audit_log')
      .select(['person_ids', 'details'])
      .where('action', '=', 'list_duplicates')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(new Set(audit.person_ids)).toEqual(new Set(after.items.flatMap((p) => [p.a.id, p.b.id])));
  });

  it('R2.7 R6.2 the list follows the field read roles: no email shown, no email sign looked for', async () => {
    const { r } = await open();
    const a = await person(r, {
      first_name: 'Anna',
      last_name: 'Laine',
      email: 'anna@example.fi',
      address: { street: 'Kuja 1', postalCode: '00200', city: 'Helsinki' },
    });
    const b = await person(r, {
      first_name: 'Anni',
      last_name: 'Laine',
      email: 'anna@example.fi',
      address: { street: 'Kuja 1', postalCode: '00200', city: 'Helsinki' },
    });
    const support: Actor = { id: 'support-1', roles: ['support'], commitmentSigned: true };
    const admin = await listDuplicates(r, TEST_ADMIN);
    expect(admin.items).toMatchObject([{ reasons: ['email', 'name_address'] }]);
    const seen = await listDuplicates(r, support);
    expect(seen.items).toHaveLength(1);
    expect(seen.items[0]).toMatchObject({
      reasons: ['name_address'],
      a: { email: null, firstName: expect.any(String) },
      b: { email: null },
    });
    expect([seen.items[0]!.a.id, seen.items[0]!.b.id].sort()).toEqual([a.id, b.id].sort());
    const refused = await failure(listDuplicates(r, support, { reasons: ['email'] }));
    expect(refused.code).toBe('FORBIDDEN');
    const bad = await failure(
      listDuplicates(r, TEST_ADMIN, { reasons: ['shoe_size' as 'email'], after: 'x' }),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.problems.map((p) => p.at).sort()).toEqual(['after', 'reasons[0]']);
  });
});

/** A person with one row of every kind the register holds about a person. */
async function everything(r: Register, id: string, clock: ReturnType<typeof fixedClock>) {
  clock.set('2026-01-10T10:00:00Z');
  await recordConsent(r, TEST_ADMIN, {
    personId: id,
    channel: 'email',
    purpose: 'direct_marketing',
    state: 'given',
    source: 'subject',
    evidenceText: 'Lomake',
  });
  await ingestInteractions(r, TEST_ADMIN, {
    events: [
      {
        person: { id },
        kind: 'feedback',
        source: 'subject',
        fields: { feedback: 'Kiitos', satisfaction: 5 },
      },
    ],
  });
  const order = await createRecord(r, TEST_ADMIN, id, {
    kind: 'services',
    source: 'transactions',
    fields: { service: 'Kotisiivous', status: 'used', service_date: '2026-01-05', price: 120 },
  });
  const invoice = await createRecord(r, TEST_ADMIN, id, {
    kind: 'invoices',
    source: 'transactions',
    fields: { number: 'L-1', issued_on: '2026-01-06', due_on: '2026-01-20', amount: 120, state: 'open' },
  });
  await createRecord(r, TEST_ADMIN, id, {
    kind: 'debt_collection',
    source: 'transactions',
    fields: { state: 'open', opened_on: '2026-02-01' },
  });
  await createRecord(r, TEST_ADMIN, id, {
    kind: 'loyalty',
    source: 'transactions',
    fields: { level: 'Kulta', valid_from: '2026-01-01' },
  });
  const call = await createRecord(r, TEST_ADMIN, id, {
    kind: 'call_recordings',
    source: 'transactions',
    fields: { called_at: '2026-01-10T09:00:00Z' },
  });
  await attachFile(r, TEST_ADMIN, call.id, 'call_recording', {
    name: 'puhelu.txt',
    mediaType: 'text/plain',
    bytes: Buffer.from('puhelu'),
  });
  await receiveRequest(r, TEST_ADMIN, { type: 'access', personId: id, receivedVia: 'electronic' });
  const org = await createOrganisation(r, TEST_ADMIN, { source: 'subject', fields: { name: 'Yritys Oy' } });
  await addContactRole(r, TEST_ADMIN, {
    personId: id,
    organisationId: org.id,
    startsOn: '2025-01-01',
    source: 'subject',
  });
  await placeLegalHold(r, TEST_ADMIN, { personId: id, reason: 'Riita-asia', endsOn: '2027-01-01' });
  await recordDisclosure(r, TEST_ADMIN, {
    personId: id,
    disclosure: 'contract_or_consent',
    recipientName: 'Vakuutusyhtiö',
    recipientEmail: 'tietosuoja@vakuutus.example',
    categories: ['basic_details'],
  });
  const breach = await recordBreach(r, TEST_ADMIN, {
    title: 'Lista hukassa',
    description: 'Asiakaslista katosi.',
    categories: ['basic_details'],
    risk: 'risk',
  });
  await addBreachPersons(r, TEST_ADMIN, breach.id, [id]);
  await r.db.transaction().execute((tx) =>
    enqueueNotificationIn(tx, r, {
      personId: id,
      requestId: null,
      kind: 'response',
      audience: 'subject',
      audienceId: null,
      to: 'x@example.fi',
      subject: 'Vastaus',
      body: 'Vastaus pyyntöönne',
    }),
  );
  await objectToDirectMarketing(r, TEST_ADMIN, {
    personId: id,
    channel: 'sms',
    source: 'subject',
    evidenceText: 'Puhelimessa',
  });
  await startRestriction(r, TEST_ADMIN, { personId: id, ground: 'accuracy_contested' });
  return { order, invoice, breach };
}

/** Tables with a person column, from the database itself. */
async function personColumns(r: Register): Promise<string[]> {
  const rows = await sql<{ c: string }>`select table_name || '.' || column_name as c
    from information_schema.columns
    where table_schema = current_schema()
      and (column_name like '%person%' or (table_name = 'persons' and column_name = 'id')
        or (table_name = 'person_merges' and column_name in ('kept_id', 'merged_id')))
    order by 1`.execute(r.db);
  return rows.rows.map((x) => x.c);
}

describe('R2.7 merging two persons', () => {
  it('R2.7 every column that names a person is handled by the merge (a new one fails this test)', async () => {
    const { r } = await open();
    expect(await personColumns(r)).toEqual(Object.keys(PERSON_COLUMNS).sort());
  });

  it('R2.7 a merge moves every kind of row, unites contact points, keeps KEEP’s fields unless empty or chosen, and the merged id names the kept person', async () => {
    const { r, clock } = await open();
    const keep = await person(r, {
      first_name: 'Matti',
      last_name: 'Virtanen',
      customer_number: 'A-1',
      email: ['matti@example.fi'],
      phone: '+358401111111',
      address: { street: 'Kotikatu 1', postalCode: '00100', city: 'Helsinki' },
    });
    const other = await person(r, {
      first_name: 'Mati',
      last_name: 'Virtanen-Koski',
      nickname: 'Masa',
      hetu: '010594Y9021',
      customer_number: 'B-2',
      email: ['MATTI@example.fi', 'masa@example.fi'],
      phone: ['+358401111111', '+358402222222'],
      address: { street: 'Kotikatu 1', postalCode: '00100', city: 'Helsinki' },
    });
    await everything(r, other.id, clock);
    const before: Record<string, number> = {};
    const moving = Object.keys(PERSON_COLUMNS).filter(
      (c) => c.endsWith('.person_id') && !c.startsWith('audit_log.'),
    );
    for (const c of moving) {
      const [table] = c.split('.');
      const n = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table!)}
        where person_id = ${other.id}`.execute(r.db);
      before[table!] = Number(n.rows[0]!.n);
    }
    // One of every kind (the contact points aside, which are united).
    for (const t of moving.map((c) => c.split('.')[0]!)) {
      expect(before[t], t).toBeGreaterThan(0);
    }

    clock.set('2026-03-02T10:00:00Z');
    const result = await mergePersons(r, TEST_ADMIN, {
      keep: keep.id,
      other: other.id,
      take: { last_name: 'other' },
    });
    expect(result.fieldsTaken.sort()).toEqual(['hetu', 'last_name', 'nickname']);
    expect(result.fieldsDropped.sort()).toEqual(['customer_number', 'first_name']);
    expect(result.person.fields).toMatchObject({
      first_name: 'Matti',
      last_name: 'Virtanen-Koski',
      nickname: 'Masa',
      customer_number: 'A-1',
      email: ['matti@example.fi', 'masa@example.fi'],
      phone: ['+358401111111', '+358402222222'],
      address: [{ street: 'Kotikatu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' }],
      hetu: expect.stringMatching(/^010594/),
    });
    for (const c of moving) {
      const [table] = c.split('.');
      const n = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table!)}
        where person_id = ${other.id}`.execute(r.db);
      expect(Number(n.rows[0]!.n), `${table} rows left on the merged person`).toBe(0);
    }
    for (const t of [
      'consents',
      'interactions',
      'orders',
      'invoices',
      'collection_cases',
      'loyalty_memberships',
      'files',
      'requests',
      'contact_roles',
      'legal_holds',
      'disclosure_log',
      'breach_persons',
      'notifications',
      'objections',
      'restrictions',
    ]) {
      expect(result.moved[t], t).toBe(before[t]);
    }
    expect(result.moved).toMatchObject({ person_emails: 1, person_phones: 1 });
    // The provenance of the fields taken moved with them; the merged person's other provenance is gone.
    const prov = await r.db
      .selectFrom('provenance')
      .select(['field', 'entity_id'])
      .where('entity_type', '=', 'person')
      .where('entity_id', 'in', [keep.id, other.id])
      .execute();
    expect(prov.every((p) => p.entity_id === keep.id)).toBe(true);
    expect(prov.map((p) => p.field)).toEqual(expect.arrayContaining(['hetu', 'nickname', 'last_name']));

    // The merged id says where the person went.
    const gone = await failure(getPerson(r, TEST_ADMIN, other.id));
    expect(gone.code).toBe('PERSON_MERGED');
    expect(gone.status).toBe(410);
    expect(gone.details).toMatchObject({ mergedInto: keep.id });
    expect(gone.message).toContain(keep.id);
    const again = await failure(mergePersons(r, TEST_ADMIN, { keep: keep.id, other: other.id }));
    expect(again.code).toBe('PERSON_MERGED');

    // The record of the merge: ids, counts and field names; none of the dropped values.
    const record = await r.db.selectFrom('person_merges').selectAll().executeTakeFirstOrThrow();
    expect(record).toMatchObject({ kept_id: keep.id, merged_id: other.id, by: TEST_ADMIN.id });
    expect(JSON.stringify(record)).not.toContain('B-2');
    expect(JSON.stringify(record)).not.toContain('Mati');
    // Audited in the chain, naming both persons, no values.
    const audit = await r.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'merge')
      .executeTakeFirstOrThrow();
    expect(audit.person_id).toBe(keep.id);
    expect([...(audit.person_ids ?? [])].sort()).toEqual([keep.id, other.id].sort());
    expect(audit.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(audit.details)).not.toMatch(/B-2|Mati\b|masa@/);
  }, 60_000);

  it('R2.7 R3.2 the most restrictive choice wins: a withdrawal, objection or restriction of either keeps the merged person out of the gate', async () => {
    const { r, clock } = await open();
    const mk = (first: string, email: string) =>
      person(r, {
        first_name: first,
        last_name: 'Mäkinen',
        email,
        phone: `+35840${Math.floor(1000000 + Math.random() * 8999999)}`,
        address: { street: `${first}ntie 1`, postalCode: '00500', city: 'Helsinki' },
      });
    const ids = async (purpose: string, channel: string) =>
      (await selectForMarketing(r, TEST_ADMIN, { purpose, channel })).contacts.map((c) => c.personId);
    // Email: OTHER prohibited in January, KEEP consented in February (the later choice, of another record).
    const keep = await mk('Kalle', 'kalle@example.fi');
    const other = await mk('Kalle', 'kalle.makinen@example.fi');
    clock.set('2026-01-05T10:00:00Z');
    await recordConsent(r, TEST_ADMIN, {
      personId: other.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'prohibited',
      source: 'subject',
      evidenceText: 'Kielto puhelimessa',
    });
    clock.set('2026-02-05T10:00:00Z');
    await recordConsent(r, TEST_ADMIN, {
      personId: keep.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'subject',
      evidenceText: 'Lomake',
    });
    // SMS: OTHER objected to direct marketing by SMS. Post: nothing yet.
    await objectToDirectMarketing(r, TEST_ADMIN, {
      personId: other.id,
      channel: 'sms',
      source: 'subject',
      evidenceText: 'Puhelimessa',
    });
    await recordConsent(r, TEST_ADMIN, {
      personId: keep.id,
      channel: 'sms',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'subject',
      evidenceText: 'Lomake',
    });
    // A third pair: OTHER restricted, KEEP free.
    const keep2 = await mk('Ville', 'ville@example.fi');
    const other2 = await mk('Ville', 'ville.m@example.fi');
    await startRestriction(r, TEST_ADMIN, { personId: other2.id, ground: 'accuracy_contested' });

    expect(await ids('direct_marketing', 'email')).toEqual([keep.id]);
    expect(await ids('direct_marketing', 'sms')).toEqual([keep.id]);
    expect((await ids('direct_marketing', 'post')).sort()).toEqual([keep.id, other.id, keep2.id].sort());

    clock.set('2026-03-02T10:00:00Z');
    const merged = await mergePersons(r, TEST_ADMIN, { keep: keep.id, other: other.id });
    // Email (OTHER's prohibition) and SMS (the prohibition its objection recorded) each get the restrictive row.
    expect(merged.consentsAdded).toBe(2);
    await mergePersons(r, TEST_ADMIN, { keep: keep2.id, other: other2.id });

    expect(await ids('direct_marketing', 'email')).toEqual([]);
    expect(await ids('direct_marketing', 'sms')).toEqual([]);
    expect(await ids('direct_marketing', 'post')).toEqual([keep.id]);
    // The history of both is kept, with the merge's own row last.
    const history = await r.db
      .selectFrom('consents')
      .select(['state', 'evidence_text'])
      .where('person_id', '=', keep.id)
      .where('channel', '=', 'email')
      .orderBy('at')
      .execute();
    expect(history.map((h) => h.state)).toEqual(['prohibited', 'given', 'prohibited']);
    expect(history[2]?.evidence_text).toContain(other.id);
  }, 60_000);

  it('R2.7 refusals write nothing: itself, unknown ids, an erasure waiting for a blocker, two hetus, bad choices', async () => {
    const { r } = await open();
    const a = await person(r, { first_name: 'Aino', last_name: 'Aalto', hetu: '010594Y9021' });
    const b = await person(r, { first_name: 'Aino', last_name: 'Aalto', hetu: '131052-9085' });
    const c = await person(r, { first_name: 'Aino', last_name: 'Aalto' });
    const waiting = await person(r, { first_name: 'Aino', last_name: 'Aalto' });
    await placeLegalHold(r, TEST_ADMIN, { personId: waiting.id, reason: 'Riita', endsOn: '2027-01-01' });
    expect((await erasePerson(r, TEST_ADMIN, { personId: waiting.id })).state).toBe('blocked');
    const unknown = '01900000-0000-7000-8000-000000000000';
    const before = await counts(r);
    const cases: [() => Promise<unknown>, string, string][] = [
      [() => mergePersons(r, TEST_ADMIN, { keep: a.id, other: a.id }), 'VALIDATION_FAILED', 'other'],
      [() => mergePersons(r, TEST_ADMIN, { keep: a.id, other: unknown }), 'NOT_FOUND', 'other'],
      [() => mergePersons(r, TEST_ADMIN, { keep: 'nope', other: a.id }), 'VALIDATION_FAILED', 'keep'],
      [() => mergePersons(r, TEST_ADMIN, { keep: c.id, other: waiting.id }), 'VALIDATION_FAILED', 'other'],
      [() => mergePersons(r, TEST_ADMIN, { keep: a.id, other: b.id }), 'CONFLICT', 'hetu'],
      [
        () => mergePersons(r, TEST_ADMIN, { keep: a.id, other: c.id, take: { shoe_size: 'other' } }),
        'VALIDATION_FAILED',
        'take.shoe_size',
      ],
      [
        () => mergePersons(r, TEST_ADMIN, { keep: a.id, other: c.id, take: { email: 'other' } }),
        'VALIDATION_FAILED',
        'take.email',
      ],
      [
        () => mergePersons(r, TEST_ADMIN, { keep: c.id, other: a.id, take: { nickname: 'other' } }),
        'VALIDATION_FAILED',
        'take.nickname',
      ],
      [
        () =>
          mergePersons(
            r,
            { id: 'support-1', roles: ['marketing'], commitmentSigned: true },
            { keep: a.id, other: c.id },
          ),
        'FORBIDDEN',
        '',
      ],
    ];
    for (const [p, code, at] of cases) {
      const e = await failure(p());
      expect(e.code, `${code} ${at}`).toBe(code);
      if (at) expect(e.problems.map((x) => x.at)).toContain(at);
    }
    expect(await counts(r)).toEqual(before);
  });

  it('R2.7 a merged id names the person it lives on, through merges of merges', async () => {
    const { r } = await open();
    const a = await person(r, { first_name: 'Eeva', last_name: 'Ek', customer_number: 'E-1' });
    const b = await person(r, { first_name: 'Eeva', last_name: 'Ek' });
    const c = await person(r, { first_name: 'Eeva', last_name: 'Ek' });
    await mergePersons(r, TEST_ADMIN, { keep: b.id, other: c.id });
    await mergePersons(r, TEST_ADMIN, { keep: a.id, other: b.id });
    for (const id of [b.id, c.id]) {
      const e = await failure(getPerson(r, TEST_ADMIN, id));
      expect(e.code).toBe('PERSON_MERGED');
      expect(e.details.mergedInto).toBe(a.id);
    }
    expect((await getPerson(r, TEST_ADMIN, a.id)).fields).toMatchObject({ customer_number: 'E-1' });
    // Merged pairs are not listed as duplicates again (the merged persons are gone).
    expect((await listDuplicates(r, TEST_ADMIN)).items).toEqual([]);
  });
});
