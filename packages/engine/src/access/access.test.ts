import { htmlToText } from '@lupaus/core';
import { sql } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../consents/record-consent';
import type { Register } from '../context';
import { listDisclosures } from '../disclosures/list-disclosures';
import { recordDisclosure } from '../disclosures/record-disclosure';
import { attachFile } from '../files/attach-file';
import { addContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { updatePerson } from '../persons/update-person';
import { exportPortableData } from '../portability/export-portable-data';
import { createRecord } from '../records/create-record';
import { receiveRequest } from '../requests/receive-request';
import { verifyIdentity } from '../requests/verify-identity';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { createAccessReport } from './create-access-report';

/**
 * R4.2 access, R4.7 portability and R6.5 the disclosure log, end to end on seed 002 (contact persons of
 * customer companies): a person with facts from two sources, an order, an invoice, interactions, a call
 * recording, a consent, a request and a disclosure with an actual recipient; beside them a second contact
 * person of the same company and a second customer, none of whose data may reach the first person's report.
 */
const clock = fixedClock('2026-03-02T09:00:00Z');
let reg: Register;
let maija: string;
let bertta: string;
let cecilia: string;
let webVisit: string;
let invoice: string;

const OTHERS = [
  'Bertta',
  'Toinenhenkilö',
  'bertta@kumppani.example',
  'Cecilia',
  'Kolmashenkilö',
  'cecilia@asiakas.example',
];

beforeAll(async () => {
  reg = await openTestRegister('002-vastuu-group', { clock });
  const org = await createOrganisation(reg, TEST_ADMIN, {
    source: 'public_sources',
    fields: { name: 'Rakennus Oy', business_id: '2327327-1' },
  });
  maija = (
    await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: {
        first_name: 'Maija',
        last_name: 'Meikäläinen',
        email: ['maija@rakennus.example'],
        interests: ['rakentaminen'],
      },
    })
  ).id;
  clock.set('2026-03-02T10:00:00Z');
  await updatePerson(reg, TEST_ADMIN, maija, {
    source: 'public_sources',
    fields: { job_title: 'Toimitusjohtaja' },
  });
  bertta = (
    await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Bertta', last_name: 'Toinenhenkilö', email: ['bertta@kumppani.example'] },
    })
  ).id;
  cecilia = (
    await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Cecilia', last_name: 'Kolmashenkilö', email: ['cecilia@asiakas.example'] },
    })
  ).id;
  for (const personId of [maija, bertta]) {
    await addContactRole(reg, TEST_ADMIN, {
      personId,
      organisationId: org.id,
      title: personId === maija ? 'Ostovastaava' : 'Kirjanpitäjä',
      startsOn: '2025-01-01',
      source: 'subject',
    });
  }
  const order = await createRecord(reg, TEST_ADMIN, maija, {
    kind: 'orders',
    source: 'subject',
    organisationId: org.id,
    fields: { service: 'Vastuu-palvelu', ordered_at: '2026-01-15', invoicing_details: 'Verkkolasku' },
  });
  invoice = (
    await createRecord(reg, TEST_ADMIN, maija, {
      kind: 'invoices',
      source: 'service_use',
      orderId: order.id,
      fields: {
        number: 'INV-1001',
        issued_on: '2026-01-20',
        due_on: '2026-02-03',
        amount: 129.5,
        state: 'paid',
      },
    })
  ).id;
  await createRecord(reg, TEST_ADMIN, maija, {
    kind: 'communications',
    source: 'subject',
    fields: { message_content: 'Kysymys laskusta', message_sent_at: '2026-02-01T08:00:00Z' },
  });
  webVisit = (
    await createRecord(reg, TEST_ADMIN, maija, {
      kind: 'web_visits',
      source: 'web_analytics',
      fields: { ip_address: '192.0.2.15', visited_at: '2026-02-02T12:00:00Z', pages: ['/hinnasto'] },
    })
  ).id;
  const call = await createRecord(reg, TEST_ADMIN, maija, {
    kind: 'call_recordings',
    source: 'subject',
    fields: { called_at: '2026-02-05T13:00:00Z' },
  });
  await attachFile(reg, TEST_ADMIN, call.id, 'call_recording', {
    name: 'puhelu-2026-02-05.mp3',
    mediaType: 'audio/mpeg',
    bytes: Buffer.from('ID3 recording'),
  });
  await recordConsent(reg, TEST_ADMIN, {
    personId: maija,
    channel: 'email',
    purpose: 'direct_marketing',
    state: 'prohibited',
    source: 'subject',
    evidenceText: 'Kielto puhelimessa',
  });
  await recordDisclosure(reg, TEST_ADMIN, {
    personId: maija,
    disclosure: 'authority_orders',
    recipientName: 'Keskusrikospoliisi',
    recipientEmail: 'kirjaamo@poliisi.example',
    categories: ['contact_details'],
    fields: ['first_name', 'last_name', 'email'],
    reason: 'Virka-apupyyntö 123/2026',
  });
  // The second customer has data of every kind too.
  await createRecord(reg, TEST_ADMIN, cecilia, {
    kind: 'orders',
    source: 'subject',
    fields: { service: 'Toinen palvelu', ordered_at: '2026-01-10' },
  });
  await recordDisclosure(reg, TEST_ADMIN, {
    personId: cecilia,
    disclosure: 'authority_orders',
    recipientName: 'Verohallinto',
    categories: ['contact_details'],
  });
});
afterAll(async () => {
  await reg?.close();
});

async function verifiedRequest(type: 'access' | 'portability', personId: string, verify = true) {
  const r = await receiveRequest(reg, TEST_ADMIN, { type, personId, receivedVia: 'electronic' });
  if (verify) await verifyIdentity(reg, TEST_ADMIN, r.id, { method: 'strong_electronic_identification' });
  return r.id;
}

describe('the access report (002-vastuu-group)', () => {
  it('R4.2 the JSON holds every kind of data put in, each fact with its provenance, and the processing', async () => {
    const requestId = await verifiedRequest('access', maija);
    const r = await createAccessReport(reg, TEST_ADMIN, { personId: maija, requestId, format: 'json' });
    const report = JSON.parse(r.body.toString('utf8'));
    expect(report).toEqual(r.report);
    const facts = Object.fromEntries(r.report.person.facts.map((f) => [f.field, f]));
    expect(facts.first_name?.value).toBe('Maija');
    expect(facts.first_name?.provenance).toMatchObject({ source: 'subject', savedBy: 'staff' });
    expect(facts.job_title?.provenance).toMatchObject({
      source: 'public_sources',
      savedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(facts.email?.value).toEqual(['maija@rakennus.example']);
    expect(r.report.person.contactRoles).toEqual([
      expect.objectContaining({ organisation: 'Rakennus Oy', title: 'Ostovastaava' }),
    ]);
    expect(r.counts).toMatchObject({
      orders: 1,
      invoices: 1,
      interactions: 3,
      files: 1,
      consents: 1,
      disclosures: 1,
    });
    const inv = r.report.records.find((x) => x.id === invoice)!;
    expect(inv.fields).toMatchObject({
      number: 'INV-1001',
      amount: 129.5,
      state: 'paid',
    });
    expect(inv.provenance).toMatchObject({ source: 'service_use', savedBy: 'staff' });
    expect(r.report.records.find((x) => x.kind === 'orders')?.organisation).toBe('Rakennus Oy');
    expect(r.report.files).toEqual([
      expect.objectContaining({ name: 'puhelu-2026-02-05.mp3', mediaType: 'audio/mpeg', size: 13 }),
    ]);
    expect(r.report.consents[0]).toMatchObject({ channel: 'email', state: 'prohibited', noticeVersion: 1 });
    expect(r.report.requests.map((q) => q.id)).toContain(requestId);
    expect(r.report.disclosures).toEqual([
      expect.objectContaining({
        disclosure: 'authority_orders',
        recipient: 'authorities',
        recipientName: 'Keskusrikospoliisi',
        recipientEmail: 'kirjaamo@poliisi.example',
        basis: 'legal_obligation',
      }),
    ]);
    const p = r.report.processing;
    expect(p.purposes.find((x) => x.id === 'customer_relationship')?.basis).toBe('contract');
    expect(p.categories.find((c) => c.id === 'invoices')?.retention?.legalReason?.fi).toContain(
      'Kirjanpitolaki',
    );
    expect(p.categories.find((c) => c.id === 'call_recordings')?.retention?.text.fi).toBe(
      '7 kuukautta tallentamisesta',
    );
    expect(p.sources.find((s) => s.id === 'public_sources')?.used).toBe(true);
    expect(p.rights.map((x) => x.right)).toContain('access');
    expect(p.authority?.name.fi).toBe('Tietosuojavaltuutetun toimisto');
    expect(p.profiling?.used).toBe(true);
    // Nobody else's data, not even the staff member's account.
    const text = r.body.toString('utf8');
    for (const other of [...OTHERS, bertta, cecilia, 'Kirjanpitäjä', 'Verohallinto', TEST_ADMIN.id]) {
      expect(text).not.toContain(other);
    }
    // The request is completed with the report's hash; the report is audited.
    const req = await reg.db
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(req.state).toBe('completed');
    expect((req.outcome as { accessReport: { sha256: string } }).accessReport.sha256).toBe(r.sha256);
    const audit = await reg.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'access_report')
      .where('person_id', '=', maija)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('Maija');
  });

  it('R4.2 the HTML is a complete document with purposes, bases, retention and rights, and nobody else', async () => {
    const fi = (
      await createAccessReport(reg, TEST_ADMIN, { personId: maija, format: 'html' })
    ).body.toString();
    expect(fi.startsWith('<!DOCTYPE html>\n<html lang="fi">')).toBe(true);
    expect(fi.trimEnd().endsWith('</html>')).toBe(true);
    expect(fi).toContain('@page { size: A4');
    for (const id of [
      'person',
      'records',
      'files',
      'consents',
      'requests',
      'disclosures',
      'purposes',
      'retention',
      'sources',
      'recipients',
      'profiling',
      'rights',
      'authority',
    ]) {
      expect(fi).toContain(`<section id="${id}">`);
    }
    const text = htmlToText(fi);
    expect(text).toContain('Käsittely perustuu sopimukseen');
    expect(text).toContain('7 kuukautta tallentamisesta');
    expect(text).toContain('Keskusrikospoliisi');
    expect(text).toContain('Toimitusjohtaja');
    expect(text).toContain('puhelu-2026-02-05.mp3');
    expect(text).toContain('Tarkastusoikeus');
    for (const other of [...OTHERS, 'Kirjanpitäjä', 'Verohallinto', TEST_ADMIN.id])
      expect(text).not.toContain(other);
    const en = (
      await createAccessReport(reg, TEST_ADMIN, { personId: maija, format: 'html', lang: 'en' })
    ).body.toString();
    expect(en).toContain('<html lang="en">');
    expect(htmlToText(en)).toContain('Processing is based on a contract with the data subject');
  });

  it('R4.2 the PDF starts with %PDF and has pages with the text', async () => {
    const r = await createAccessReport(reg, TEST_ADMIN, { personId: maija, format: 'pdf' });
    expect(r.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(r.mediaType).toBe('application/pdf');
    const doc = await PDFDocument.load(r.body);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(2);
    expect(doc.getTitle()).toBe('Rekisteröidyn tiedot: tarkastusoikeus');
  });

  it('R4.2 an unverified request blocks the report (409) and nothing is disclosed or audited', async () => {
    const requestId = await verifiedRequest('access', maija, false);
    const before = await reg.db
      .selectFrom('audit_log')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      createAccessReport(reg, TEST_ADMIN, { personId: maija, requestId, format: 'json' }),
    ).rejects.toMatchObject({
      code: 'REQUEST_NOT_VERIFIED',
      status: 409,
    });
    const after = await reg.db
      .selectFrom('audit_log')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // Another person's request is refused too.
    const theirs = await verifiedRequest('access', cecilia);
    await expect(
      createAccessReport(reg, TEST_ADMIN, { personId: maija, requestId: theirs, format: 'json' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('R4.2 bad input names what and where; a role that may not see the hetu may not prepare the report', async () => {
    await expect(
      createAccessReport(reg, TEST_ADMIN, { personId: 'nope', format: 'xml' as 'json', lang: 'sv' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [
        expect.objectContaining({ at: 'personId' }),
        expect.objectContaining({ at: 'format' }),
        expect.objectContaining({ at: 'lang' }),
      ],
    });
    await expect(
      createAccessReport(
        reg,
        { id: 'cs', roles: ['customer_service'], commitmentSigned: true },
        { personId: maija, format: 'json' },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('portability (002-vastuu-group)', () => {
  it('R4.7 only fields the person provided, under consent or contract purposes; derived data left out', async () => {
    const requestId = await verifiedRequest('portability', maija);
    const r = await exportPortableData(reg, TEST_ADMIN, { personId: maija, requestId, format: 'json' });
    const data = JSON.parse(r.body.toString());
    expect(data.person.fields).toEqual({
      first_name: 'Maija',
      last_name: 'Meikäläinen',
      email: ['maija@rakennus.example'],
      job_title: 'Toimitusjohtaja',
    });
    // interests: provided, but processed on legitimate interest only.
    expect(data.person.fields.interests).toBeUndefined();
    const kinds = data.records.map((x: { kind: string }) => x.kind).sort();
    expect(kinds).toEqual(['call_recordings', 'communications', 'orders']);
    expect(data.records.map((x: { id: string }) => x.id)).not.toContain(webVisit);
    expect(data.records.map((x: { id: string }) => x.id)).not.toContain(invoice);
    expect(data.records.find((x: { kind: string }) => x.kind === 'call_recordings').files[0].name).toBe(
      'puhelu-2026-02-05.mp3',
    );
    expect(r.body.toString()).not.toContain('192.0.2.15');
    expect(data.included.find((c: { category: string }) => c.category === 'web_visits')).toBeUndefined();
    const req = await reg.db
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(req.state).toBe('completed');
    expect((req.outcome as { portableData: { sha256: string } }).portableData.sha256).toBe(r.sha256);
  });

  it('R4.7 the CSV has one row per value with its category, source and time', async () => {
    const r = await exportPortableData(reg, TEST_ADMIN, { personId: maija, format: 'csv' });
    const lines = r.body.toString().split('\r\n');
    expect(lines[0]).toBe('holder,record_id,category,field,value,source,saved_at');
    expect(lines).toContain(
      `person,${maija},contact_details,job_title,Toimitusjohtaja,public_sources,2026-03-02T10:00:00.000Z`,
    );
    expect(lines.some((l) => l.includes(',orders,service,Vastuu-palvelu,subject,'))).toBe(true);
    expect(r.body.toString()).not.toContain('192.0.2.15');
    expect(r.body.toString()).not.toContain('INV-1001');
    expect(r.body.toString()).not.toContain('rakentaminen');
    const unverified = await verifiedRequest('portability', maija, false);
    await expect(
      exportPortableData(reg, TEST_ADMIN, { personId: maija, requestId: unverified, format: 'csv' }),
    ).rejects.toMatchObject({ code: 'REQUEST_NOT_VERIFIED' });
  });
});

describe('the disclosure log (002-vastuu-group)', () => {
  it('R6.5 a disclosure takes its recipient and basis from the definition and is listed with its actual recipient', async () => {
    const made = await listDisclosures(reg, TEST_ADMIN, maija);
    expect(made).toEqual([
      expect.objectContaining({
        disclosure: 'authority_orders',
        recipient: 'authorities',
        recipientName: 'Keskusrikospoliisi',
        basis: 'legal_obligation',
        categories: ['contact_details'],
        fields: ['first_name', 'last_name', 'email'],
        reason: 'Virka-apupyyntö 123/2026',
      }),
    ]);
    const partner = await recordDisclosure(reg, TEST_ADMIN, {
      personId: bertta,
      disclosure: 'partner_direct_marketing',
      recipientName: 'Kumppani Oy',
    });
    expect(partner).toMatchObject({
      recipient: 'partners',
      basis: 'legitimate_interest',
      categories: ['contact_details', 'organisation'],
    });
  });

  it('R6.5 categories must be the disclosure’s, fields theirs; bad input changes nothing', async () => {
    await expect(
      recordDisclosure(reg, TEST_ADMIN, {
        personId: maija,
        disclosure: 'partner_direct_marketing',
        recipientName: '',
        recipientEmail: 'not an email',
        categories: ['web_visits'],
        fields: ['ip_address'],
        at: '2099-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: expect.arrayContaining([
        expect.objectContaining({ at: 'recipientName' }),
        expect.objectContaining({ at: 'recipientEmail' }),
        expect.objectContaining({ at: 'categories[0]' }),
        expect.objectContaining({ at: 'fields[0]' }),
        expect.objectContaining({ at: 'at' }),
      ]),
    });
    await expect(
      recordDisclosure(reg, TEST_ADMIN, { personId: maija, disclosure: 'sale_of_data', recipientName: 'X' }),
    ).rejects.toMatchObject({ problems: [expect.objectContaining({ at: 'disclosure' })] });
    expect(await listDisclosures(reg, TEST_ADMIN, maija)).toHaveLength(1);
  });

  it('R6.5 the log is append-only: an entry cannot be changed', async () => {
    await expect(
      sql`update disclosure_log set recipient_name = 'Joku muu' where person_id = ${maija}`.execute(reg.db),
    ).rejects.toThrow(/append-only/);
    expect((await listDisclosures(reg, TEST_ADMIN, maija))[0]?.recipientName).toBe('Keskusrikospoliisi');
  });
});

describe('the access report of a register that keeps the hetu (004-jari-mensonen)', () => {
  it('R4.2 the copy holds the hetu in full (it is the subject’s own) and the audit row says it was revealed, not its value', async () => {
    const r004 = await openTestRegister('004-jari-mensonen', { clock });
    try {
      const hetu = '131052-308T';
      const p = await createPerson(r004, TEST_ADMIN, {
        source: 'registrations',
        fields: { first_name: 'Jari', last_name: 'Virtanen', hetu },
      });
      const r = await createAccessReport(r004, TEST_ADMIN, { personId: p.id, format: 'json' });
      expect(r.report.person.facts.find((f) => f.field === 'hetu')?.value).toBe(hetu);
      const row = await r004.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'access_report')
        .executeTakeFirstOrThrow();
      expect(row.details).toMatchObject({ revealed: ['hetu'], format: 'json' });
      expect(JSON.stringify(row.details)).not.toContain(hetu);
    } finally {
      await r004.close();
    }
  });
});
