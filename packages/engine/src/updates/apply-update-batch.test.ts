import { LupausError } from '@lupaus/core';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { erasePerson } from '../erasure/erase-person';
import { selectForMarketing } from '../marketing/marketing-gate';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { startRestriction } from '../restriction/start-restriction';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { applyUpdateBatch, UPDATE_BATCH_CHUNK } from './apply-update-batch';

/** R2.8: name and address changes from an update service (seed 003 `address_update`, seed 001 `update_services`). */
let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

const NOW = '2026-03-02T10:00:00Z';
const HEADER = 'asiakasnumero;sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka';
// Test-range personal identity codes (900–999).
const HETU_A = '010594Y9021';
const HETU_B = '131052-900W';

async function open(example = '003-auntie'): Promise<Register> {
  reg = await openTestRegister(example, { clock: fixedClock(NOW) });
  return reg;
}

async function customer(r: Register, n: number, extra: Record<string, unknown> = {}) {
  return createPerson(r, TEST_ADMIN, {
    source: 'subject',
    fields: {
      first_name: 'Maija',
      last_name: 'Meikäläinen',
      customer_number: `A-${n}`,
      address: [
        { street: 'Vanhakatu 1', postalCode: '00100', city: 'Helsinki' },
        { poBox: 'PL 5', postalCode: '00101', city: 'Helsinki' },
      ],
      ...extra,
    },
  });
}

async function failure(p: Promise<unknown>): Promise<LupausError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LupausError);
  return e as LupausError;
}

async function auditRows(r: Register) {
  return r.db
    .selectFrom('audit_log')
    .select(['action', 'entity_id', 'person_id', 'person_ids', 'details'])
    .where('action', '=', 'update_batch')
    .orderBy('at')
    .execute();
}

describe('update-service batches (R2.8)', () => {
  it('R2.8 names and addresses change by customer number, hetu or person id, with the update service as their provenance and one audit row for the batch', async () => {
    const r = await open();
    const a = await customer(r, 1);
    const b = await customer(r, 2, { hetu: HETU_A });
    const c = await customer(r, 3);
    const same = await customer(r, 4);
    const csv = [
      'asiakasnumero;hetu;person_id;sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka',
      'A-1;;;Virtanen;;Uusikatu 2 B 4;00500;HELSINKI',
      `;${HETU_A.toLowerCase()};;;Maija Liisa;;;`,
      `;;${c.id};;;Muuttokatu 9;33100;Tampere`,
      // The same address spelt in other case and spacing: unchanged.
      'A-4;;;Meikäläinen;Maija;vanhakatu  1;00100;HELSINKI',
    ].join('\r\n');
    const res = await applyUpdateBatch(r, TEST_ADMIN, { source: 'address_update', input: csv });
    expect(res).toMatchObject({
      dryRun: false,
      source: 'address_update',
      rows: 4,
      changed: 3,
      unchanged: 1,
      rejected: 0,
      fields: { last_name: 1, first_name: 1, address: 2 },
      problems: [],
    });
    const va = await getPerson(r, TEST_ADMIN, a.id);
    expect(va.fields).toMatchObject({ first_name: 'Maija', last_name: 'Virtanen' });
    // The new address is the first; the one it replaced is gone; the PO box stays.
    expect(va.fields.address).toEqual([
      { street: 'Uusikatu 2 B 4', postalCode: '00500', city: 'HELSINKI', country: 'FI' },
      { poBox: 'PL 5', postalCode: '00101', city: 'Helsinki', country: 'FI' },
    ]);
    expect(va.provenance.last_name?.source).toBe('address_update');
    expect(va.provenance.address?.source).toBe('address_update');
    expect(va.provenance.first_name?.source).toBe('subject'); // not changed, not re-sourced
    expect((await getPerson(r, TEST_ADMIN, b.id)).fields.first_name).toBe('Maija Liisa');
    expect(((await getPerson(r, TEST_ADMIN, c.id)).fields.address as unknown[])[0]).toMatchObject({
      street: 'Muuttokatu 9',
      city: 'Tampere',
    });
    const vs = await getPerson(r, TEST_ADMIN, same.id);
    expect(vs.provenance.address?.source).toBe('subject');
    // Search by the new name finds the person (search_name kept).
    const found = await r.db
      .selectFrom('persons')
      .select('id')
      .where('search_name', 'like', '%virtanen%')
      .execute();
    expect(found.map((x) => x.id)).toEqual([a.id]);
    const run = await r.db.selectFrom('import_runs').selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({
      id: res.runId,
      kind: 'update-batch',
      source: 'address_update',
      status: 'completed',
      dry_run: false,
      rows: 4,
      created: 0,
      updated: 3,
      unchanged: 1,
      rejected: 0,
    });
    const audits = await auditRows(r);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ entity_id: res.runId, person_id: null });
    expect([...(audits[0]?.person_ids ?? [])].sort()).toEqual([a.id, b.id, c.id].sort());
    const text = JSON.stringify(audits).toLowerCase();
    expect(text).not.toContain('virtanen');
    expect(text).not.toContain('uusikatu');
    expect(text).not.toContain(HETU_A.toLowerCase());
  });

  it('R2.8 bad lines are reported with line, column and reason and not applied; the good lines are', async () => {
    const r = await open();
    const a = await customer(r, 1, { hetu: HETU_A });
    const b = await customer(r, 2, { hetu: HETU_B });
    const csv = [
      'asiakasnumero;hetu;sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka',
      'A-1;;Hyvä;;;;', // 2: good
      'A-404;;Tuntematon;;;;', // 3: unknown customer number
      `A-2;${HETU_A};Kaksi;;;;`, // 4: keys name different persons
      ';131052-308X;Virhe;;;;', // 5: bad hetu check character
      'A-2;;;;Katu 1;123;Helsinki', // 6: bad postal code
      'A-1;;Toinen;;;;', // 7: the same person again
      ';;Nimetön;;;;', // 8: no key
      'A-2;;;;Katu 1;00100;', // 9: no post office
      'A-2;;"Rivi\u0007";;;;', // 10: a control character
    ].join('\n');
    const seenProblems: unknown[] = [];
    const res = await applyUpdateBatch(r, TEST_ADMIN, {
      source: 'address_update',
      input: csv,
      onProblem: (p) => seenProblems.push(p),
    });
    expect(res).toMatchObject({ rows: 9, changed: 1, unchanged: 0, rejected: 8 });
    expect(res.problems).toEqual([
      { line: 3, column: 'asiakasnumero', reason: 'no person has this customer number' },
      {
        line: 4,
        column: 'hetu',
        reason: 'ambiguous: the customer number and the personal identity code name different persons',
      },
      { line: 5, column: 'hetu', reason: expect.stringContaining('check character') },
      { line: 6, column: 'postinumero', reason: 'a Finnish postal code has five digits' },
      {
        line: 7,
        column: 'asiakasnumero',
        reason: 'the person is already named on line 2 of this file: one line a person',
      },
      { line: 8, column: null, reason: expect.stringContaining('names no person') },
      { line: 9, column: 'postitoimipaikka', reason: expect.stringContaining('post office') },
      { line: 10, column: 'sukunimi', reason: expect.stringContaining('U+0007') },
    ]);
    expect(seenProblems).toEqual(res.problems);
    const run = await r.db.selectFrom('import_runs').selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({ rows: 9, updated: 1, rejected: 8, problems: res.problems });
    expect((await getPerson(r, TEST_ADMIN, a.id)).fields.last_name).toBe('Hyvä');
    expect((await getPerson(r, TEST_ADMIN, b.id)).fields.last_name).toBe('Meikäläinen');
  });

  it('R2.8 a column other than a key, a name or the address refuses the file naming it, before anything is written; a mapping reads other headers', async () => {
    const r = await open();
    const a = await customer(r, 1);
    const bad = await failure(
      applyUpdateBatch(r, TEST_ADMIN, {
        source: 'address_update',
        input: 'asiakasnumero;sukunimi;sähköposti\nA-1;Virtanen;uusi@example.fi\n',
      }),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.problems).toEqual([
      {
        at: 'column sähköposti',
        message: expect.stringContaining(
          'column "sähköposti": an update-service batch changes only names and the postal address',
        ),
      },
    ]);
    expect((await getPerson(r, TEST_ADMIN, a.id)).fields.last_name).toBe('Meikäläinen');
    expect(await auditRows(r)).toEqual([]);
    expect(await r.db.selectFrom('import_runs').select(['status', 'error']).execute()).toEqual([
      { status: 'failed', error: expect.stringContaining('column sähköposti') },
    ]);
    // A source that is no update service is refused; a kind names the register's one update service.
    const notUpdate = await failure(
      applyUpdateBatch(r, TEST_ADMIN, { source: 'subject', input: `${HEADER}\n` }),
    );
    expect(notUpdate.problems[0]?.message).toContain('not an update service');
    const mapped = await applyUpdateBatch(r, TEST_ADMIN, {
      source: 'update_service',
      mapping: {
        ASNRO: 'customer_number',
        SNIMI: 'last_name',
        PNRO: 'address.postalCode',
        KATU: 'address.street',
        TMP: 'address.city',
      },
      input: 'ASNRO,SNIMI,KATU,PNRO,TMP\nA-1,Korhonen,Rantatie 3,90100,Oulu\n',
    });
    expect(mapped).toMatchObject({
      source: 'address_update',
      changed: 1,
      fields: { last_name: 1, address: 1 },
    });
    const wrongMap = await failure(
      applyUpdateBatch(r, TEST_ADMIN, {
        source: 'address_update',
        mapping: { SNIMI: 'email', PUUTTUU: 'last_name' },
        input: 'asiakasnumero;SNIMI\nA-1;x\n',
      }),
    );
    expect(wrongMap.problems.map((p) => p.at)).toEqual(['mapping.SNIMI', 'mapping.PUUTTUU', 'columns']);
    // Seed 001 keeps no nickname: a column for it is refused as undeclared.
    await reg?.close();
    const r1 = await open('001-vitec-katrina');
    const nick = await failure(
      applyUpdateBatch(r1, TEST_ADMIN, { source: 'update_services', input: 'person_id;kutsumanimi\nx;y\n' }),
    );
    expect(nick.problems[0]?.message).toContain('does not declare the person field nickname');
  });

  it('R2.8 a dry run writes nothing and says what would change', async () => {
    const r = await open();
    const a = await customer(r, 1);
    await customer(r, 2);
    const csv = `${HEADER}\nA-1;Virtanen;Maija;;;\nA-2;Meikäläinen;Maija;;;\nA-9;X;;;;\n`;
    const before = await r.db.selectFrom('provenance').selectAll().execute();
    const dry = await applyUpdateBatch(r, TEST_ADMIN, { source: 'address_update', input: csv, dryRun: true });
    expect(dry).toMatchObject({
      dryRun: true,
      rows: 3,
      changed: 1,
      unchanged: 1,
      rejected: 1,
      fields: { last_name: 1 },
    });
    expect((await getPerson(r, TEST_ADMIN, a.id)).fields.last_name).toBe('Meikäläinen');
    expect(await r.db.selectFrom('provenance').selectAll().execute()).toEqual(before);
    expect(await auditRows(r)).toEqual([]);
    expect(await r.db.selectFrom('import_runs').selectAll().execute()).toEqual([]);
    const real = await applyUpdateBatch(r, TEST_ADMIN, { source: 'address_update', input: csv });
    expect(real).toMatchObject({ changed: 1, unchanged: 1, rejected: 1 });
  });

  it('R2.8 R4.5 a restricted person gets the accuracy update and nothing else: no last-contact move, still out of marketing, the restriction stays', async () => {
    const r = await open();
    const p = await customer(r, 1);
    const free = await customer(r, 2);
    await sql`update persons set last_contact_at = '2025-01-01T00:00:00Z'`.execute(r.db);
    await startRestriction(r, TEST_ADMIN, {
      personId: p.id,
      ground: 'accuracy_contested',
      reason: 'Osoite kiistetty',
    });
    const consentsBefore = await r.db.selectFrom('consents').selectAll().execute();
    const suppressionsBefore = await r.db.selectFrom('suppressions').selectAll().execute();
    const res = await applyUpdateBatch(r, TEST_ADMIN, {
      source: 'address_update',
      input: `${HEADER}\nA-1;Lahtinen;;Uusi tie 1;20100;Turku\nA-2;Lahtinen;;;;\n`,
    });
    expect(res).toMatchObject({ changed: 2, restricted: 1 });
    const view = await getPerson(r, TEST_ADMIN, p.id);
    expect(view.fields.last_name).toBe('Lahtinen');
    expect(view.provenance.address?.source).toBe('address_update');
    const row = await r.db
      .selectFrom('persons')
      .select(['last_contact_at', 'relationship_ended_at'])
      .where('id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(new Date(row.last_contact_at!).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(row.relationship_ended_at).toBeNull();
    const restriction = await r.db
      .selectFrom('restrictions')
      .select('lifted_at')
      .where('person_id', '=', p.id)
      .execute();
    expect(restriction).toEqual([{ lifted_at: null }]);
    expect(await r.db.selectFrom('consents').selectAll().execute()).toEqual(consentsBefore);
    expect(await r.db.selectFrom('suppressions').selectAll().execute()).toEqual(suppressionsBefore);
    const sel = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'post' });
    expect(sel.contacts.map((x) => x.personId)).toEqual([free.id]);
    const audits = await auditRows(r);
    expect(audits.map((a) => (a.details as { restrictedPersonIds?: string[] }).restrictedPersonIds)).toEqual([
      [p.id],
    ]);
  });

  it('R2.8 R4.4 an erased person is not re-created and a person whose erasure waits for a blocker is not filled in again', async () => {
    const r = await open('001-vitec-katrina');
    const mk = (last: string) =>
      createPerson(r, TEST_ADMIN, {
        source: 'registrations',
        fields: {
          first_name: 'Matti',
          last_name: last,
          address: { street: 'Katu 1', postalCode: '00100', city: 'Helsinki' },
        },
      });
    const gone = await mk('Poistettu');
    const blocked = await mk('Velallinen');
    await createRecord(r, TEST_ADMIN, blocked.id, {
      kind: 'invoices',
      source: 'purchases',
      fields: { number: 'L-1', issued_on: '2026-01-01', due_on: '2026-02-01', amount: 50, state: 'open' },
    });
    expect((await erasePerson(r, TEST_ADMIN, { personId: gone.id })).state).toBe('completed');
    expect((await erasePerson(r, TEST_ADMIN, { personId: blocked.id })).state).toBe('blocked');
    const persons = await r.db.selectFrom('persons').select('id').execute();
    const res = await applyUpdateBatch(r, TEST_ADMIN, {
      source: 'update_services',
      input: `person_id;sukunimi;katuosoite;postinumero;postitoimipaikka\n${gone.id};Uusi;Tie 2;00200;Helsinki\n${blocked.id};Uusi;Tie 2;00200;Helsinki\n`,
    });
    expect(res).toMatchObject({ changed: 0, rejected: 2 });
    expect(res.problems).toEqual([
      { line: 2, column: 'person_id', reason: 'no person has this person id' },
      { line: 3, column: null, reason: expect.stringContaining('being erased or anonymised') },
    ]);
    expect(await r.db.selectFrom('persons').select('id').execute()).toEqual(persons);
    const kept = await r.db
      .selectFrom('persons')
      .select('last_name')
      .where('id', '=', blocked.id)
      .executeTakeFirstOrThrow();
    expect(kept.last_name).toBe('Velallinen');
  });

  it('R2.8 with a day of the move, an address saved on record after it is newer and kept', async () => {
    const r = await open();
    const a = await customer(r, 1); // address saved at NOW (2026-03-02)
    await customer(r, 2);
    const res = await applyUpdateBatch(r, TEST_ADMIN, {
      source: 'address_update',
      input: `${HEADER};muuttopäivä\nA-1;;;Vanha muutto 1;00500;Helsinki;1.2.2026\nA-2;;;Uusi muutto 1;00500;Helsinki;2026-03-02\n`,
    });
    expect(res).toMatchObject({ changed: 1, unchanged: 1, newerOnRecord: 1 });
    expect(((await getPerson(r, TEST_ADMIN, a.id)).fields.address as { street: string }[])[0]?.street).toBe(
      'Vanhakatu 1',
    );
  });

  it(`R2.8 a batch larger than one chunk (${UPDATE_BATCH_CHUNK} lines) is applied chunk by chunk, one audit row each`, async () => {
    const r = await open();
    const n = UPDATE_BATCH_CHUNK + 500;
    await sql`insert into persons (id, customer_number, first_name, last_name, search_name, attributes, created_at, updated_at, created_by, updated_by)
      select gen_random_uuid(), 'C-' || i, 'Etu', 'Suku', 'etu suku', '{}'::jsonb, now(), now(), 'test', 'test'
      from generate_series(1, ${n}) as i`.execute(r.db);
    const lines = [HEADER];
    for (let i = 1; i <= n; i++) lines.push(`C-${i};Uusi${i};;Katu ${i};00100;Helsinki`);
    const progress: number[] = [];
    const res = await applyUpdateBatch(r, TEST_ADMIN, {
      source: 'address_update',
      input: lines.join('\n'),
      onProgress: (p) => progress.push(p.rows),
    });
    expect(res).toMatchObject({ rows: n, changed: n, rejected: 0, fields: { last_name: n, address: n } });
    expect(progress).toEqual([UPDATE_BATCH_CHUNK, n]);
    const audits = await auditRows(r);
    expect(audits.map((x) => x.person_ids?.length)).toEqual([UPDATE_BATCH_CHUNK, 500]);
    const count = await sql<{ n: number }>`select count(*)::int as n from person_addresses`.execute(r.db);
    expect(count.rows[0]?.n).toBe(n);
    const prov = await sql<{
      n: number;
    }>`select count(*)::int as n from provenance where source = 'address_update'`.execute(r.db);
    expect(prov.rows[0]?.n).toBe(2 * n);
  });
});
