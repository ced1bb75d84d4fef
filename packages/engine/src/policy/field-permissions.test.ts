import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LupausError } from '@lupaus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessReport } from '../access/create-access-report';
import { listConsents } from '../consents/list-consents';
import type { Actor, Register } from '../context';
import { exportLabels } from '../marketing/export-labels';
import { exportSegment } from '../marketing/export-segment';
import { selectForMarketing } from '../marketing/marketing-gate';
import { listNotifications } from '../notifications/list-notifications';
import { createPerson } from '../persons/create-person';
import { getPerson, getPersonProvenance } from '../persons/get-person';
import { listPersons, searchPersons } from '../persons/list-persons';
import { revealHetu } from '../persons/reveal-hetu';
import { updatePerson } from '../persons/update-person';
import { exportPortableData } from '../portability/export-portable-data';
import { createRecord } from '../records/create-record';
import { getRecord } from '../records/get-record';
import { listTimeline } from '../records/list-timeline';
import { DEFINITION_FILE, EXAMPLES_DIR } from '../register/open-register';
import { notifyRestrictionLift } from '../restriction/lift-restriction';
import { startRestriction } from '../restriction/start-restriction';
import { openTestRegister, TEST_ADMIN } from '../testing';

/**
 * 003-auntie with roles of its own: `support` may read and write persons, read consents and make marketing
 * selections, but its fields exclude the email, the hetu, the customer number and a record's payment details;
 * `clerk` handles the data subject's requests with the same fields, and has persons.reveal but is not among the
 * hetu's reveal roles. (R6.2: permissions per action and per field.)
 */
function definitionSource(): string {
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
    permissions: [persons.read, persons.write, consents.read, marketing.select]
  - id: clerk
    name: { fi: Käsittelijä, en: Clerk }
    permissions: [requests.manage, persons.reveal]

categories:
`,
  );
  const staff = '[administrator, privacy_officer, support, clerk]';
  const officers = '[administrator, privacy_officer]';
  edit(
    '    sources: [subject, transactions, identification, address_update, population_register, partners]\n    retention: customer_relationship\n',
    `    sources: [subject, transactions, identification, address_update, population_register, partners]\n    retention: customer_relationship\n    readRoles: ${staff}\n`,
  );
  edit(
    '        label: { fi: Sähköpostiosoite, en: Email address }\n        type: email\n',
    `        label: { fi: Sähköpostiosoite, en: Email address }\n        type: email\n        readRoles: ${officers}\n`,
  );
  edit('        type: hetu\n', `        type: hetu\n        readRoles: ${officers}\n`);
  edit(
    '        label: { fi: Asiakasnumero, en: Customer number }\n        type: text\n',
    `        label: { fi: Asiakasnumero, en: Customer number }\n        type: text\n        readRoles: ${officers}\n`,
  );
  edit('    dateField: service_date\n', `    dateField: service_date\n    readRoles: ${staff}\n`);
  edit(
    '        label: { fi: Maksutiedot, en: Payment data }\n        type: text\n',
    `        label: { fi: Maksutiedot, en: Payment data }\n        type: text\n        readRoles: ${officers}\n`,
  );
  return s;
}

const EMAIL = 'maija.salainen@example.fi';
const HETU = '010594Y9021'; // DVV's test code (LEGAL.md B3)
const CUSTOMER_NUMBER = 'AS-77123';
const PAYMENT = 'FI21 1234 5600 0007 85';
/** Every form in which a hidden value could leak: in full, the hetu's birth date part, the mailbox. */
const SECRETS = [EMAIL, 'maija.salainen', HETU, '010594', CUSTOMER_NUMBER, PAYMENT];

const SUPPORT: Actor = { id: 'support-1', roles: ['support'], commitmentSigned: true };
const CLERK: Actor = { id: 'clerk-1', roles: ['clerk'], commitmentSigned: true };
const UNSIGNED_SUPPORT: Actor = { ...SUPPORT, commitmentSigned: false };
const UNSIGNED_CLERK: Actor = { ...CLERK, commitmentSigned: false };

function text(x: unknown): string {
  return Buffer.isBuffer(x)
    ? x.toString('latin1')
    : JSON.stringify(x, (_k, v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
}

function expectNoSecret(x: unknown) {
  const t = text(x);
  for (const s of SECRETS) expect(t, `leaks ${s}`).not.toContain(s);
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof LupausError) return e.code;
    throw e;
  }
}

describe('a field a role may not read never reaches it (003-auntie with custom roles)', () => {
  let reg: Register;
  let maija: string;
  let matti: string;
  let record: string;
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie', { definitionSource: definitionSource() });
    maija = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: {
          first_name: 'Maija',
          last_name: 'Meikäläinen',
          email: EMAIL,
          phone: '040 123 4567',
          hetu: HETU,
          customer_number: CUSTOMER_NUMBER,
          address: { street: 'Kotikatu 1', postalCode: '00100', city: 'Helsinki' },
        },
      })
    ).id;
    record = (
      await createRecord(reg, TEST_ADMIN, maija, {
        kind: 'services',
        source: 'transactions',
        fields: { service: 'Kotisiivous', service_date: '2025-01-10', payment_details: PAYMENT },
      })
    ).id;
    matti = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Matti', last_name: 'Muukalainen', email: 'matti.m@example.fi' },
      })
    ).id;
  });
  afterAll(async () => {
    await reg.close();
  });

  it('R6.2 the administrator sees every field (the values are there to leak)', async () => {
    const p = await getPerson(reg, TEST_ADMIN, maija);
    expect(p.fields).toMatchObject({ email: [EMAIL], customer_number: CUSTOMER_NUMBER, hetu: '010594Y****' });
    expect((await getRecord(reg, TEST_ADMIN, record)).fields).toMatchObject({ payment_details: PAYMENT });
  });

  it('R6.2 getPerson, its provenance and updatePerson show support no email, hetu or customer number', async () => {
    const p = await getPerson(reg, SUPPORT, maija);
    expect(p.fields).toMatchObject({
      first_name: 'Maija',
      last_name: 'Meikäläinen',
      phone: ['+358401234567'],
    });
    expect(Object.keys(p.fields)).not.toContain('email');
    expect(Object.keys(p.fields)).not.toContain('hetu');
    expect(Object.keys(p.provenance)).not.toContain('email');
    expectNoSecret(p);
    const prov = await getPersonProvenance(reg, SUPPORT, maija);
    expect(prov.map((x) => x.field)).not.toContain('email');
    const updated = await updatePerson(reg, SUPPORT, maija, {
      source: 'subject',
      fields: { nickname: 'Maikki' },
    });
    expect(updated.fields.nickname).toBe('Maikki');
    expectNoSecret(updated);
    // Revealing is not even an action support may do.
    expect(await code(revealHetu(reg, SUPPORT, maija))).toBe('FORBIDDEN');
  });

  it('R6.2 listPersons and a search by name show support the person without the hidden fields', async () => {
    const list = await listPersons(reg, SUPPORT);
    const row = list.items.find((x) => x.id === maija);
    expect(row).toMatchObject({ firstName: 'Maija', email: null, customerNumber: null });
    expectNoSecret(list);
    const found = await searchPersons(reg, SUPPORT, { q: 'maija' });
    expect(found.map((x) => x.id)).toContain(maija);
    expectNoSecret(found);
  });

  it('R6.2 a search BY a hidden field is refused (FORBIDDEN naming the criterion), hit or miss alike, so it cannot confirm a value', async () => {
    for (const [by, input] of [
      ['email', { email: EMAIL }],
      ['email', { email: 'somebody.else@example.fi' }],
      ['hetu', { hetu: HETU }],
      ['customerNumber', { customerNumber: CUSTOMER_NUMBER }],
      ['customerNumber', { customerNumber: 'NO-SUCH' }],
    ] as const) {
      const e = await searchPersons(reg, SUPPORT, input).catch((x) => x);
      expect(e).toBeInstanceOf(LupausError);
      expect((e as LupausError).code).toBe('FORBIDDEN');
      expect((e as LupausError).problems).toEqual([
        { at: by, message: expect.stringContaining('may not search') },
      ]);
    }
    // Combined with a readable criterion: still refused.
    expect(await code(searchPersons(reg, SUPPORT, { q: 'maija', email: EMAIL }))).toBe('FORBIDDEN');
    // The administrator finds her by the same criteria.
    expect((await searchPersons(reg, TEST_ADMIN, { email: EMAIL })).map((x) => x.id)).toEqual([maija]);
  });

  it("R6.2 a role with persons.reveal but not among the hetu's reveal roles is refused, and the refusal is audited", async () => {
    const e = await revealHetu(reg, CLERK, maija).catch((x) => x);
    expect(e).toMatchObject({ code: 'FORBIDDEN', problems: [{ at: 'hetu' }] });
    const rows = await reg.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('actor', '=', CLERK.id)
      .where('person_id', '=', maija)
      .execute();
    expect(rows).toEqual([{ action: 'reveal-denied' }]);
  });

  it('R6.2 the record and the timeline show support no payment details', async () => {
    const r = await getRecord(reg, SUPPORT, record);
    expect(r.fields).toMatchObject({ service: 'Kotisiivous' });
    expect(Object.keys(r.fields)).not.toContain('payment_details');
    expectNoSecret(r);
    const page = await listTimeline(reg, SUPPORT, maija);
    expect(page.items.map((x) => x.id)).toContain(record);
    expectNoSecret(page);
  });

  it('R6.2 the marketing segment and labels show support names and addresses only; an email segment or a customer number filter is refused', async () => {
    const post = await exportSegment(reg, SUPPORT, { purpose: 'direct_marketing', channel: 'post' });
    expect(post.count).toBeGreaterThanOrEqual(1);
    expect(post.csv).toContain('Maija,Meikäläinen,Kotikatu 1');
    expectNoSecret(post);
    const admin = await exportSegment(reg, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'post' });
    expect(admin.csv).toContain(`${CUSTOMER_NUMBER},Maija`);
    const sel = await selectForMarketing(reg, SUPPORT, { purpose: 'direct_marketing', channel: 'post' });
    expect(sel.contacts.find((c) => c.personId === maija)).toMatchObject({ customerNumber: null });
    expectNoSecret(sel);
    const labels = await exportLabels(reg, SUPPORT, { purpose: 'direct_marketing', format: 'html' });
    expect(labels.body.toString('utf8')).toContain('Kotikatu 1');
    expectNoSecret(labels);
    // The phone is theirs to read: a phone segment works, without the hidden fields.
    const phone = await exportSegment(reg, SUPPORT, { purpose: 'direct_marketing', channel: 'phone' });
    expect(phone.csv).toContain('Maija,Meikäläinen,+358401234567');
    expectNoSecret(phone);
    const byEmail = await exportSegment(reg, SUPPORT, {
      purpose: 'direct_marketing',
      channel: 'email',
    }).catch((x) => x);
    expect(byEmail).toMatchObject({ code: 'FORBIDDEN', problems: [{ at: 'email' }] });
    const byNumber = await exportSegment(reg, SUPPORT, {
      purpose: 'direct_marketing',
      channel: 'post',
      customerNumbers: [CUSTOMER_NUMBER],
    }).catch((x) => x);
    expect(byNumber).toMatchObject({ code: 'FORBIDDEN', problems: [{ at: 'customer_number' }] });
  });

  it('R6.2 consents show support no contact point', async () => {
    const c = await listConsents(reg, SUPPORT, maija);
    expect(c.personId).toBe(maija);
    expectNoSecret(c);
  });

  it('R6.2 the notifications, the access report and portability: support may not (FORBIDDEN); a clerk who may not read the email gets no address and no whole copy', async () => {
    const r = await startRestriction(reg, TEST_ADMIN, { personId: matti, ground: 'unlawful_processing' });
    const adminNotice = await notifyRestrictionLift(reg, TEST_ADMIN, r.id);
    expect(adminNotice.to).toBe('matti.m@example.fi');
    expect(await code(listNotifications(reg, SUPPORT))).toBe('FORBIDDEN');
    expect(await code(createAccessReport(reg, SUPPORT, { personId: maija, format: 'json' }))).toBe(
      'FORBIDDEN',
    );
    expect(await code(exportPortableData(reg, SUPPORT, { personId: maija, format: 'json' }))).toBe(
      'FORBIDDEN',
    );
    // The clerk handles requests but may not read the email: the outbox names no address to them ...
    const listed = await listNotifications(reg, CLERK, { personId: matti });
    expect(listed.items.length).toBeGreaterThan(0);
    expect(listed.items.every((n) => n.audience !== 'subject' || n.to === null)).toBe(true);
    expect(text(listed)).not.toContain('matti.m@example.fi');
    expect((await listNotifications(reg, TEST_ADMIN, { personId: matti })).items[0]?.to).toBe(
      'matti.m@example.fi',
    );
    // ... and may not prepare a copy that must hold every field in full.
    const report = await createAccessReport(reg, CLERK, { personId: maija, format: 'json' }).catch((x) => x);
    expect(report).toMatchObject({ code: 'FORBIDDEN' });
    expect((report as LupausError).problems.map((p) => p.at)).toEqual(
      expect.arrayContaining(['person.email', 'person.hetu', 'order.payment_details']),
    );
    const portable = await exportPortableData(reg, CLERK, { personId: maija, format: 'json' }).catch(
      (x) => x,
    );
    expect(portable).toMatchObject({ code: 'FORBIDDEN' });
    // The administrator gets both, in full.
    const full = await createAccessReport(reg, TEST_ADMIN, { personId: maija, format: 'json' });
    expect(full.body.toString('utf8')).toContain(HETU);
  });

  it('R6.3 without the signed commitment every one of these interfaces refuses with COMMITMENT_REQUIRED', async () => {
    const calls: [string, Promise<unknown>][] = [
      ['getPerson', getPerson(reg, UNSIGNED_SUPPORT, maija)],
      ['getPersonProvenance', getPersonProvenance(reg, UNSIGNED_SUPPORT, maija)],
      ['updatePerson', updatePerson(reg, UNSIGNED_SUPPORT, maija, { source: 'subject', fields: {} })],
      ['listPersons', listPersons(reg, UNSIGNED_SUPPORT)],
      ['searchPersons', searchPersons(reg, UNSIGNED_SUPPORT, { q: 'maija' })],
      ['getRecord', getRecord(reg, UNSIGNED_SUPPORT, record)],
      ['listTimeline', listTimeline(reg, UNSIGNED_SUPPORT, maija)],
      [
        'selectForMarketing',
        selectForMarketing(reg, UNSIGNED_SUPPORT, { purpose: 'direct_marketing', channel: 'post' }),
      ],
      [
        'exportSegment',
        exportSegment(reg, UNSIGNED_SUPPORT, { purpose: 'direct_marketing', channel: 'post' }),
      ],
      ['exportLabels', exportLabels(reg, UNSIGNED_SUPPORT, { purpose: 'direct_marketing', format: 'html' })],
      ['listConsents', listConsents(reg, UNSIGNED_SUPPORT, maija)],
      ['listNotifications', listNotifications(reg, UNSIGNED_CLERK)],
      ['createAccessReport', createAccessReport(reg, UNSIGNED_CLERK, { personId: maija, format: 'json' })],
      ['exportPortableData', exportPortableData(reg, UNSIGNED_CLERK, { personId: maija, format: 'json' })],
      ['getPerson (administrator)', getPerson(reg, { ...TEST_ADMIN, commitmentSigned: false }, maija)],
    ];
    const got = await Promise.all(calls.map(async ([name, p]) => [name, await code(p)] as const));
    expect(got.filter(([, c]) => c !== 'COMMITMENT_REQUIRED')).toEqual([]);
  });
});
