import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { importConsents } from './import-consents';
import { importOrganisations } from './import-organisations';

describe('importConsents and importOrganisations (001-vitec-katrina)', () => {
  let reg: Register;
  let maija: string;
  let matti: string;
  beforeAll(async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock: fixedClock('2026-03-02T10:00:00Z') });
    maija = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'purchases',
        fields: { first_name: 'Maija', last_name: 'Meikäläinen', email: 'maija@example.fi' },
      })
    ).id;
    matti = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'purchases',
        fields: { first_name: 'Matti', last_name: 'Meikäläinen', email: 'matti@example.fi' },
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await reg.close();
  });

  it('R2.8 imports consents, withdrawals and prohibitions with evidence; bad rows reported; a rerun adds nothing', async () => {
    const file = [
      'email;channel;purpose;kind;at;evidence',
      'maija@example.fi;email;direct_marketing;consent;2026-01-10T09:00:00Z;web form 2026/1', // 2
      'matti@example.fi;email;direct_marketing;prohibition;1.2.2026;phone call', // 3
      'nobody@example.fi;email;direct_marketing;consent;2026-01-10;form', // 4 no such person
      'maija@example.fi;fax;direct_marketing;consent;2026-01-10;form', // 5 undeclared channel
      'maija@example.fi;email;direct_marketing;maybe;2026-01-10;form', // 6 no such kind
      'maija@example.fi;email;direct_marketing;withdrawal;2027-01-10;letter', // 7 in the future
      'maija@example.fi;email;direct_marketing;withdrawal;2026-02-10T12:00:00Z;', // 8 no evidence
      'maija@example.fi;email;direct_marketing;withdrawal;2026-02-11T12:00:00Z;letter', // 9
    ].join('\n');
    const r = await importConsents(reg, TEST_ADMIN, { input: file, source: 'registrations' });
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([
      [4, 'email'],
      [5, 'channel'],
      [6, 'kind'],
      [7, 'at'],
      [8, 'evidence'],
    ]);
    expect(r.problems[0]!.reason).toBe('no person has this email address');
    expect(r).toMatchObject({ rows: 8, created: 3, rejected: 5 });
    const rows = await reg.db
      .selectFrom('consents')
      .select(['person_id', 'state', 'at', 'evidence_text', 'source'])
      .orderBy('at')
      .execute();
    expect(rows.map((x) => [x.person_id, x.state, x.evidence_text, x.source])).toEqual([
      [maija, 'given', 'web form 2026/1', 'registrations'],
      [matti, 'prohibited', 'phone call', 'registrations'],
      [maija, 'withdrawn', 'letter', 'registrations'],
    ]);
    const audit = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_log where action = 'consent_record'`.execute(reg.db);
    expect(audit.rows[0]!.n).toBe(3);
    // A prohibition puts the person's contact points on the suppression list, as a recorded one does.
    expect(
      await reg.db.selectFrom('suppressions').select('reason').where('reason', '=', 'prohibition').execute(),
    ).toHaveLength(1);

    const again = await importConsents(reg, TEST_ADMIN, { input: file, source: 'registrations' });
    expect(again).toMatchObject({ created: 0, unchanged: 3, rejected: 5 });
    expect(await reg.db.selectFrom('consents').select('id').execute()).toHaveLength(3);
  });

  it('R2.8 imports organisations with contact persons, matched on the business id on a rerun', async () => {
    const file = [
      'name,business_id,person.email,title,starts_on',
      'Esimerkki Oy,1599535-4,maija@example.fi,CEO,1.1.2026', // 2
      'Esimerkki Oy,1599535-4,matti@example.fi,CFO,', // 3 the same organisation, a second contact
      'Väärä Oy,1599535-3,,,', // 4 bad business id
      'Toinen Oy,,nobody@example.fi,,', // 5 no such person
      'Kolmas Oy,,,,', // 6
    ].join('\n');
    const r = await importOrganisations(reg, TEST_ADMIN, { input: file, source: 'purchases' });
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([
      [4, 'business_id'],
      [5, 'person.email'],
    ]);
    expect(r).toMatchObject({ rows: 5, created: 2, updated: 1, rejected: 2 });
    const orgs = await reg.db
      .selectFrom('organisations')
      .select(['id', 'name', 'business_id'])
      .orderBy('name')
      .execute();
    expect(orgs.map((o) => [o.name, o.business_id])).toEqual([
      ['Esimerkki Oy', '1599535-4'],
      ['Kolmas Oy', null],
    ]);
    const roles = await reg.db
      .selectFrom('contact_roles')
      .select(['person_id', 'organisation_id', 'title', 'starts_on'])
      .orderBy('title')
      .execute();
    expect(roles.map((x) => [x.person_id, x.organisation_id, x.title])).toEqual([
      [maija, orgs[0]!.id, 'CEO'],
      [matti, orgs[0]!.id, 'CFO'],
    ]);
    const prov = await reg.db
      .selectFrom('provenance')
      .select(['field', 'source'])
      .where('entity_id', '=', orgs[0]!.id)
      .orderBy('field')
      .execute();
    expect(prov).toEqual([
      { field: 'business_id', source: 'purchases' },
      { field: 'name', source: 'purchases' },
    ]);

    const renamed = file.replaceAll('Esimerkki Oy,', 'Esimerkki Oyj,').replace(',CEO,', ',Chair,');
    const again = await importOrganisations(reg, TEST_ADMIN, { input: renamed, source: 'purchases' });
    expect(again).toMatchObject({ created: 0, updated: 1, unchanged: 2, rejected: 2 });
    expect(await reg.db.selectFrom('organisations').select('id').execute()).toHaveLength(2);
    expect(await reg.db.selectFrom('contact_roles').select('title').orderBy('title').execute()).toEqual([
      { title: 'CFO' },
      { title: 'Chair' },
    ]);
  });
});
