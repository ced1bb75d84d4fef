import { hetuCheckCharacter } from '@lupaus/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { getPerson } from '../persons/get-person';
import { openTestRegister, rejection, TEST_ADMIN } from '../testing';
import { importPersons } from './import-persons';

/** A hetu from the test range (individual number 900–999). */
function hetu(ddmmyy: string, n: number): string {
  const digits = `${ddmmyy}${n}`;
  return `${ddmmyy}-${n}${hetuCheckCharacter(digits)}`;
}
const H1 = hetu('010190', 901);
const H2 = hetu('020290', 902);
const H3 = hetu('030390', 903);
const H4 = hetu('040490', 904);

async function count(reg: Register, table: 'persons' | 'provenance' | 'audit_log' | 'person_emails') {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(reg.db);
  return r.rows[0]!.n;
}

async function personByCustomerNumber(reg: Register, c: string) {
  const row = await reg.db
    .selectFrom('persons')
    .select('id')
    .where('customer_number', '=', c)
    .executeTakeFirst();
  return row ? getPerson(reg, TEST_ADMIN, row.id) : undefined;
}

const HEADER =
  'customer_number;first_name;last_name;hetu;email;phone;address.street;address.postalCode;address.city;gender;household_size';
const FILE = [
  HEADER,
  `A1;Anna;Aalto;${H1};anna@example.fi;040 123 4567;Katu 1;00100;Helsinki;female;2`, // 2
  'A2;Bertta;Berg;;bertta@example.fi|b.berg@example.fi;;;;;;', // 3
  'A3;Cecilia;Cedar;131052-308X;;;;;;;', // 4 bad hetu (check character)
  'A4;Doris;Dahl;;doris-at-example.fi;;;;;;', // 5 bad email
  'A5;Eero;Eka;;;;;;;robot;', // 6 value the enum does not declare
  'A6;Frans;;;frans@example.fi;;;;;;', // 7 required last_name missing
  `A7;Greta;Grön;${H2};;;;;;;`, // 8
  `A7;Hanna;Holm;${H3};;;;;;;`, // 9 customer number of line 8, another person (another hetu)
  'A2;Bertta;Berg-Björk;;;0401112222;;;;;3', // 10 the same person as line 3, later: updates it
].join('\n');

describe('importPersons (003-auntie)', () => {
  let reg: Register;
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie');
  }, 120_000);
  afterAll(async () => {
    await reg.close();
  });

  it('R2.8 dry run validates and matches but writes nothing (only the run is recorded)', async () => {
    const before = await count(reg, 'audit_log');
    const r = await importPersons(reg, TEST_ADMIN, { input: FILE, source: 'subject', dryRun: true });
    expect(r).toMatchObject({ dryRun: true, rows: 9, created: 3, updated: 1, rejected: 5 });
    expect(await count(reg, 'persons')).toBe(0);
    expect(await count(reg, 'provenance')).toBe(0);
    expect(await count(reg, 'audit_log')).toBe(before);
    const run = await reg.db
      .selectFrom('import_runs')
      .selectAll()
      .where('id', '=', r.runId)
      .executeTakeFirst();
    expect(run).toMatchObject({ dry_run: true, status: 'completed', rows: 9, created: 3, rejected: 5 });
  });

  it('R2.8 reports exactly the broken lines with column and reason, imports every good row with provenance and an audit row', async () => {
    const seen: unknown[] = [];
    const r = await importPersons(reg, TEST_ADMIN, {
      input: FILE,
      source: 'subject',
      fileName: 'customers.csv',
      onProblem: (p) => seen.push(p),
    });
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([
      [4, 'hetu'],
      [5, 'email'],
      [6, 'gender'],
      [7, 'last_name'],
      [9, 'customer_number'],
    ]);
    expect(seen).toEqual(r.problems);
    expect(r.problems[0]!.reason).toMatch(/check character/);
    expect(r.problems[1]!.reason).toMatch(/not an email address/);
    expect(r.problems[2]!.reason).toMatch(/must be one of female/);
    expect(r.problems[3]!.reason).toBe('last_name is required');
    expect(r.problems[4]!.reason).toMatch(/line 8 .*another personal identity code/);
    expect(r).toMatchObject({ rows: 9, created: 3, updated: 1, unchanged: 0, rejected: 5 });
    expect(await count(reg, 'persons')).toBe(3);

    const anna = await personByCustomerNumber(reg, 'A1');
    expect(anna!.fields).toMatchObject({
      first_name: 'Anna',
      last_name: 'Aalto',
      email: ['anna@example.fi'],
      phone: ['+358401234567'],
      address: [{ street: 'Katu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' }],
      gender: 'female',
      household_size: 2,
    });
    expect(anna!.fields.hetu).toMatch(/^010190-\*+/);
    expect(Object.keys(anna!.provenance).sort()).toEqual(
      [
        'address',
        'customer_number',
        'email',
        'first_name',
        'gender',
        'hetu',
        'household_size',
        'last_name',
        'phone',
      ].sort(),
    );
    expect(anna!.provenance.hetu).toMatchObject({ source: 'subject', savedBy: TEST_ADMIN.id });
    // Line 10 updated the person of line 3: the later row wins, its email list left as line 3 gave it.
    const bertta = await personByCustomerNumber(reg, 'A2');
    expect(bertta!.fields).toMatchObject({
      last_name: 'Berg-Björk',
      email: ['bertta@example.fi', 'b.berg@example.fi'],
      phone: ['+358401112222'],
      household_size: 3,
    });
    expect((await personByCustomerNumber(reg, 'A7'))!.fields.first_name).toBe('Greta');

    const audit = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'person_id', 'person_ids', 'details'])
      .where(sql<boolean>`details->>'import' = ${r.runId}`)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe('create');
    expect([...(audit[0]!.person_ids ?? [])].sort()).toEqual(
      [anna!.id, bertta!.id, (await personByCustomerNumber(reg, 'A7'))!.id].sort(),
    );
    const run = await reg.db
      .selectFrom('import_runs')
      .selectAll()
      .where('id', '=', r.runId)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({
      kind: 'persons',
      file_name: 'customers.csv',
      status: 'completed',
      rejected: 5,
    });
    // The stored report names lines and columns but keeps no cell values.
    expect(JSON.stringify(run.problems)).not.toMatch(/doris-at-example/);
    expect(run.problems).toHaveLength(5);
  });

  it('R2.8 re-running the same file updates rather than duplicates; matches by email and by hetu', async () => {
    const persons = await count(reg, 'persons');
    const emails = await count(reg, 'person_emails');
    const r = await importPersons(reg, TEST_ADMIN, { input: FILE, source: 'subject' });
    expect(r).toMatchObject({ created: 0, rejected: 5 });
    expect(await count(reg, 'persons')).toBe(persons);
    expect(await count(reg, 'person_emails')).toBe(emails);
    // Line 3 sets the last name back, line 10 forward again: the person ends as it was, so nothing is written.
    expect(r).toMatchObject({ unchanged: 4, updated: 0 });
    const audit = await reg.db
      .selectFrom('audit_log')
      .select('id')
      .where(sql<boolean>`details->>'import' = ${r.runId}`)
      .execute();
    expect(audit).toHaveLength(0);

    const byKeys = [
      'email;hetu;nickname',
      'ANNA@example.fi;;Annu', // matched by email (case-insensitive key)
      `;${H2};Gege`, // matched by hetu
      `bertta@example.fi;${H2};X`, // email and hetu name two different persons
      `;${H4};Nobody`, // no match: new, but first and last name are required
    ].join('\n');
    const r2 = await importPersons(reg, TEST_ADMIN, { input: byKeys, source: 'transactions' });
    expect(r2).toMatchObject({ created: 0, updated: 2, rejected: 2 });
    expect(r2.problems.map((p) => [p.line, p.column])).toEqual([
      [4, 'email'],
      [5, 'first_name'],
      [5, 'last_name'],
    ]);
    expect(r2.problems[0]!.reason).toMatch(/belong to different persons/);
    const anna = await personByCustomerNumber(reg, 'A1');
    expect(anna!.fields.nickname).toBe('Annu');
    expect(anna!.provenance.nickname?.source).toBe('transactions');
    expect(anna!.provenance.first_name?.source).toBe('subject');
    expect((await personByCustomerNumber(reg, 'A7'))!.fields.nickname).toBe('Gege');
    expect(await count(reg, 'persons')).toBe(persons);
  });

  it('R2.8 a mapping file renames columns and ignores others; an unknown column is refused before anything is written', async () => {
    const file = '\uFEFFasiakasnumero,etunimi,sukunimi,huom\r\nM1,Mikko,Mallikas,ignored\r\n';
    const mapping = {
      asiakasnumero: 'customer_number',
      etunimi: 'first_name',
      sukunimi: 'last_name',
      huom: '',
    };
    const r = await importPersons(reg, TEST_ADMIN, { input: file, source: 'subject', mapping });
    expect(r).toMatchObject({ created: 1, rejected: 0 });
    expect((await personByCustomerNumber(reg, 'M1'))!.fields).toMatchObject({ first_name: 'Mikko' });

    const runs = await count(reg, 'audit_log');
    const e = await rejection(
      importPersons(reg, TEST_ADMIN, { input: 'customer_number;shoe_size\nM2;44\n', source: 'subject' }),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.problems[0]).toMatchObject({ at: 'column "shoe_size"' });
    expect(e.problems[0]!.message).toMatch(/not a field of person/);
    expect(await personByCustomerNumber(reg, 'M2')).toBeUndefined();
    expect(await count(reg, 'audit_log')).toBe(runs);
    const m = await rejection(
      importPersons(reg, TEST_ADMIN, {
        input: 'x;y\n1;2\n',
        source: 'subject',
        mapping: { x: 'first_name', y: 'no_such_field' },
      }),
    );
    expect(m.problems.map((p) => p.at)).toEqual(['mapping.y']);
  });

  it('R2.8 reads ";" and "," files with a BOM and quoted newlines, naming the physical line of each row', async () => {
    for (const [d, c] of [
      [';', 'Q1'],
      [',', 'Q2'],
    ] as const) {
      const file = `\uFEFFcustomer_number${d}first_name${d}last_name${d}notes\r\n${c}a${d}Quinn${d}Quick${d}"line one\r\nline two${d} with ""quotes"""\r\n${c}b${d}Rita${d}${d}x\r\n`;
      const r = await importPersons(reg, TEST_ADMIN, { input: file, source: 'subject' });
      expect(r).toMatchObject({ created: 1, rejected: 1 });
      expect(r.problems).toEqual([{ line: 4, column: 'last_name', reason: 'last_name is required' }]);
      const q = await personByCustomerNumber(reg, `${c}a`);
      expect(q!.fields.notes).toBe(`line one\r\nline two${d} with "quotes"`);
    }
  });

  it('R2.8 a malformed CSV names its line; the batches before it stay written, the unfinished batch is not', async () => {
    const lines = ['customer_number,first_name,last_name'];
    for (let i = 1; i <= 5; i++) lines.push(`B${i},Bea,Batch${i}`);
    lines.push('B6,"Unclosed,Quote', 'B7,Bo,After');
    const e = await rejection(
      importPersons(reg, TEST_ADMIN, { input: lines.join('\n'), source: 'subject', batchSize: 2 }),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.problems[0]).toMatchObject({ at: 'line 7' });
    // Batches of two: B1–B2 and B3–B4 committed; B5 was in the unfinished batch.
    expect((await personByCustomerNumber(reg, 'B4'))?.fields.last_name).toBe('Batch4');
    expect(await personByCustomerNumber(reg, 'B5')).toBeUndefined();
    const run = await reg.db
      .selectFrom('import_runs')
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'failed', rows: 4, created: 4 });
    expect(run.error).toMatch(/line 7/);

    const more = await rejection(
      importPersons(reg, TEST_ADMIN, { input: 'first_name,last_name\nA,B,C\n', source: 'subject' }),
    );
    expect(more.problems[0]).toMatchObject({ at: 'line 2' });
    expect(more.problems[0]!.message).toMatch(/3 cells but the header has 2/);
  });

  it('R2.8 refuses an undeclared source and an actor without persons.write', async () => {
    expect((await rejection(importPersons(reg, TEST_ADMIN, { input: FILE, source: 'nowhere' }))).code).toBe(
      'SOURCE_NOT_DECLARED',
    );
    const marketing = { id: 'm', roles: ['marketing'], commitmentSigned: true };
    expect((await rejection(importPersons(reg, marketing, { input: FILE, source: 'subject' }))).code).toBe(
      'FORBIDDEN',
    );
  });
});
