import { LupausError } from '@lupaus/core';
import { searchAuditRows } from '@lupaus/db';
import { afterEach, describe, expect, it } from 'vitest';
import { objectToDirectMarketing } from '../consents/object-to-direct-marketing';
import { recordConsent } from '../consents/record-consent';
import type { Register } from '../context';
import { addContactRole, endContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { exportLabels } from './export-labels';
import { exportSegment } from './export-segment';
import { selectForMarketing } from './marketing-gate';
import { parseCsv, pdfPages, pdfText } from './testing';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

const NOW = '2026-03-02T10:00:00Z';

async function open(example = '001-vitec-katrina'): Promise<Register> {
  reg = await openTestRegister(example, { clock: fixedClock(NOW) });
  return reg;
}

let n = 0;
async function person(
  r: Register,
  first: string,
  extra: Record<string, unknown> = {},
  source = 'registrations',
) {
  n++;
  return createPerson(r, TEST_ADMIN, {
    source,
    fields: {
      first_name: first,
      last_name: 'Meikäläinen',
      email: `p${n}@example.fi`,
      phone: `+35840${String(1000000 + n)}`,
      address: [{ street: `Kotikatu ${n}`, postalCode: '00100', city: 'Helsinki' }],
      ...extra,
    },
  });
}

async function contactOf(r: Register, personId: string, endsOn?: string) {
  const org = await createOrganisation(r, TEST_ADMIN, {
    source: 'registrations',
    fields: { name: 'Yritys Oy' },
  });
  const role = await addContactRole(r, TEST_ADMIN, {
    personId,
    organisationId: org.id,
    startsOn: '2020-01-01',
    source: 'registrations',
  });
  if (endsOn) await endContactRole(r, TEST_ADMIN, role.id, { endsOn });
}

const ids = async (r: Register, purpose: string, channel: string) =>
  (await selectForMarketing(r, TEST_ADMIN, { purpose, channel })).contacts.map((c) => c.personId).sort();

describe('the marketing gate (R3.2)', () => {
  it('R3.2 a consumer without consent is out of email marketing (200 §) but in post and phone marketing (opt-out)', async () => {
    const r = await open();
    const consumer = await person(r, 'Kuluttaja');
    expect(await ids(r, 'direct_marketing', 'email')).toEqual([]);
    expect(await ids(r, 'direct_marketing', 'post')).toEqual([consumer.id]);
    expect(await ids(r, 'direct_marketing', 'phone')).toEqual([consumer.id]);
    await recordConsent(r, TEST_ADMIN, {
      personId: consumer.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'registrations',
      evidenceText: 'Lomake',
    });
    const sel = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'email' });
    expect(sel.contacts).toEqual([
      expect.objectContaining({
        personId: consumer.id,
        business: false,
        email: expect.stringMatching(/^p\d+@example.fi$/),
      }),
    ]);
  });

  it('R3.2 a contact person of an organisation is in email marketing (201 §) until they prohibit it, or their role ends', async () => {
    const r = await open();
    const contact = await person(r, 'Yhteyshenkilö');
    const former = await person(r, 'Entinen');
    await contactOf(r, contact.id);
    await contactOf(r, former.id, '2025-12-31');
    expect(await ids(r, 'direct_marketing', 'email')).toEqual([contact.id]);
    expect(
      (await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'email' }))
        .contacts[0],
    ).toMatchObject({ business: true });
    expect(
      (
        await selectForMarketing(r, TEST_ADMIN, {
          purpose: 'direct_marketing',
          channel: 'email',
          audience: 'consumers',
        })
      ).contacts,
    ).toEqual([]);
    await recordConsent(r, TEST_ADMIN, {
      personId: contact.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'prohibited',
      source: 'registrations',
      evidenceText: 'Vastasi: "ei kiitos"',
    });
    expect(await ids(r, 'direct_marketing', 'email')).toEqual([]);
    // Other purposes of the channel are not prohibited by it.
    expect(await ids(r, 'market_research', 'email')).toEqual([contact.id]);
  });

  it('R3.2 restriction, a pending objection, withdrawal, and a missing contact point each keep a person out', async () => {
    const r = await open();
    const ok = await person(r, 'Ok');
    const restricted = await person(r, 'Rajoitettu');
    const pending = await person(r, 'Vastustaa');
    const withdrew = await person(r, 'Peruutti');
    const noAddress = await person(r, 'Osoitteeton', { address: null });
    const now = new Date(NOW);
    await r.db
      .insertInto('restrictions')
      .values({
        id: '0190a5d6-0000-7000-8000-0000000000a1',
        person_id: restricted.id,
        ground: 'accuracy_contested',
        reason: null,
        request_id: null,
        started_at: now,
        started_by: 't',
        lift_notified_at: null,
        lifted_at: null,
        lifted_by: null,
      })
      .execute();
    await r.db
      .insertInto('objections')
      .values({
        id: '0190a5d6-0000-7000-8000-0000000000a2',
        person_id: pending.id,
        kind: 'direct_marketing',
        channel: null,
        purpose: null,
        situation: null,
        state: 'pending',
        decision: null,
        decided_at: null,
        decided_by: null,
        request_id: null,
        received_at: now,
        recorded_by: 't',
      })
      .execute();
    await recordConsent(r, TEST_ADMIN, {
      personId: withdrew.id,
      channel: 'post',
      purpose: 'direct_marketing',
      state: 'withdrawn',
      source: 'registrations',
      evidenceText: 'Peruutti',
    });
    const sel = await ids(r, 'direct_marketing', 'post');
    expect(sel).toEqual([ok.id]);
    for (const out of [restricted, pending, withdrew, noAddress]) expect(sel).not.toContain(out.id);
    // A lifted restriction lets the person back in.
    await r.db.updateTable('restrictions').set({ lifted_at: now, lifted_by: 't' }).execute();
    expect(await ids(r, 'direct_marketing', 'post')).toEqual([ok.id, restricted.id].sort());
  });

  it('R3.2 an objection to profiling keeps the person out of profiling purposes only (seed 003)', async () => {
    const r = await open('003-auntie');
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: {
        first_name: 'Proffa',
        last_name: 'Profiili',
        address: [{ street: 'Katu 2', postalCode: '00200', city: 'Helsinki' }],
      },
    });
    expect(await ids(r, 'direct_marketing_profiling', 'post')).toEqual([p.id]);
    await r.db
      .insertInto('objections')
      .values({
        id: '0190a5d6-0000-7000-8000-0000000000b1',
        person_id: p.id,
        kind: 'profiling',
        channel: null,
        purpose: null,
        situation: 'En halua profilointia',
        state: 'upheld',
        decision: 'Hyväksytty',
        decided_at: new Date(NOW),
        decided_by: 't',
        request_id: null,
        received_at: new Date(NOW),
        recorded_by: 't',
      })
      .execute();
    expect(await ids(r, 'direct_marketing_profiling', 'post')).toEqual([]);
    expect(await ids(r, 'direct_marketing', 'post')).toEqual([p.id]);
  });

  it('R3.2 R6.4 every selected person is named in an audit row with the selection id (one row per page); an undeclared purpose or channel is a 422 listing the declared', async () => {
    const r = await open();
    const a = await person(r, 'Aa');
    const b = await person(r, 'Bb');
    const sel = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'post' });
    const rows = await r.db
      .selectFrom('audit_log')
      .select(['person_id', 'person_ids', 'purpose', 'details'])
      .where('action', '=', 'marketing_select')
      .execute();
    expect(rows).toHaveLength(1);
    expect([...(rows[0]!.person_ids ?? [])].sort()).toEqual([a.id, b.id].sort());
    for (const row of rows) {
      expect(row.purpose).toBe('direct_marketing');
      expect(row.details).toMatchObject({ selectionId: sel.selectionId, channel: 'post', use: 'selection' });
    }
    // A search of the audit trail by person finds the selection for each of them.
    for (const id of [a.id, b.id]) {
      const found = await searchAuditRows(r.db, { personId: id, limit: 50 });
      expect(found.filter((x) => x.action === 'marketing_select')).toHaveLength(1);
    }
    const e = await selectForMarketing(r, TEST_ADMIN, { purpose: 'spam', channel: 'pigeon' }).catch((x) => x);
    expect(e).toBeInstanceOf(LupausError);
    expect((e as LupausError).status).toBe(422);
    expect((e as LupausError).problems.map((x) => x.at)).toEqual(['channel', 'purpose']);
    expect((e as LupausError).problems[0]?.message).toContain('declared: post, phone, email');
    const forbidden = await selectForMarketing(
      r,
      { id: 'nobody', roles: [], commitmentSigned: true },
      { purpose: 'direct_marketing', channel: 'post' },
    ).catch((x) => x);
    expect((forbidden as LupausError).code).toBe('FORBIDDEN');
  });

  it('R3.2 the gate pages through the persons: with a small page it selects the same set as with one page', async () => {
    const r = await open();
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await person(r, `Sivu${i}`)).id);
    await recordConsent(r, TEST_ADMIN, {
      personId: made[3]!,
      channel: 'post',
      purpose: 'direct_marketing',
      state: 'prohibited',
      source: 'registrations',
      evidenceText: 'x',
    });
    const { forEachMarketingPageIn } = await import('./marketing-gate');
    const pages: string[][] = [];
    await r.db.transaction().execute((tx) =>
      forEachMarketingPageIn(
        tx,
        r,
        TEST_ADMIN,
        { purpose: 'direct_marketing', channel: 'post' },
        'selection',
        (p) => {
          pages.push(p.map((c) => c.personId));
        },
        { pageSize: 2 },
      ),
    );
    expect(pages.flat()).toEqual(made.filter((_, i) => i !== 3).sort());
    expect(pages.length).toBeGreaterThan(2);
  });
});

describe('segments and mailing labels (R3.3)', () => {
  it('R3.3 a prohibition keeps a person out of the segment CSV and the labels (PDF and HTML)', async () => {
    const r = await open();
    await person(r, 'Äijä', { last_name: 'Öhman-Åström' });
    const prohibits = await person(r, 'Kieltäjä');
    const objects = await person(r, 'Vastustaja');
    await recordConsent(r, TEST_ADMIN, {
      personId: prohibits.id,
      channel: 'post',
      purpose: 'mailing_labels',
      state: 'prohibited',
      source: 'registrations',
      evidenceText: 'Kielsi luettelon',
    });
    await objectToDirectMarketing(r, TEST_ADMIN, {
      personId: objects.id,
      source: 'registrations',
      evidenceText: 'Kirje',
    });
    const seg = await exportSegment(r, TEST_ADMIN, { purpose: 'mailing_labels', channel: 'post' });
    const rows = parseCsv(seg.csv);
    expect(rows[0]).toEqual([
      'customer_number',
      'first_name',
      'last_name',
      'street',
      'po_box',
      'postal_code',
      'city',
      'country',
    ]);
    expect(rows.slice(1)).toEqual([
      ['', 'Äijä', 'Öhman-Åström', expect.stringMatching(/^Kotikatu/), '', '00100', 'Helsinki', 'FI'],
    ]);
    expect(seg.csv).not.toContain('Kieltäjä');
    expect(seg.csv).not.toContain('Vastustaja');

    const pdf = await exportLabels(r, TEST_ADMIN, { purpose: 'mailing_labels', format: 'pdf' });
    expect(pdf.count).toBe(1);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf.body);
    expect(text).toContain('Äijä Öhman-Åström');
    expect(text).toContain('00100 HELSINKI');
    expect(text.join('\n')).not.toMatch(/Kieltäjä|Vastustaja/);

    const html = (
      await exportLabels(r, TEST_ADMIN, { purpose: 'mailing_labels', format: 'html' })
    ).body.toString();
    expect(html).toContain('Äijä Öhman-Åström');
    expect(html).toContain('@page { size: A4');
    expect(html).not.toMatch(/Kieltäjä|Vastustaja/);
    // Another purpose the prohibition does not name still reaches the person who prohibited labels.
    expect(
      (await exportSegment(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'post' })).csv,
    ).toContain('Kieltäjä');
  });

  it('R3.3 labels fill A4 sheets of 3 × 8 and go on to a second sheet; names are escaped in HTML and a CSV keeps formulas as text', async () => {
    const r = await open();
    await person(r, '<b>Hacker</b>', { last_name: '=HYPERLINK("x")' });
    for (let i = 0; i < 24; i++) await person(r, `Tarra${i}`);
    const pdf = await exportLabels(r, TEST_ADMIN, { purpose: 'mailing_labels', format: 'pdf' });
    expect(pdf.count).toBe(25);
    expect(pdfPages(pdf.body)).toBe(2);
    const html = (
      await exportLabels(r, TEST_ADMIN, { purpose: 'mailing_labels', format: 'html' })
    ).body.toString();
    expect((html.match(/<section class="sheet">/g) ?? []).length).toBe(2);
    expect((html.match(/<div class="label">/g) ?? []).length).toBe(25);
    expect(html).not.toContain('<b>Hacker');
    expect(html).toContain('&#60;b&#62;Hacker');
    const seg = await exportSegment(r, TEST_ADMIN, {
      purpose: 'mailing_labels',
      channel: 'email',
      delimiter: ';',
    });
    // Email to consumers without consent: nobody.
    expect(parseCsv(seg.csv, ';')).toHaveLength(1);
    const phone = await exportSegment(r, TEST_ADMIN, { purpose: 'distance_selling', channel: 'phone' });
    const cells = parseCsv(phone.csv).find((row) => row[1] === '<b>Hacker</b>')!;
    expect(cells[2]).toBe(`'=HYPERLINK("x")`);
    expect(cells[3]).toMatch(/^\+35840/);
    const labelsOnEmail = await exportLabels(r, TEST_ADMIN, {
      purpose: 'mailing_labels',
      channel: 'email',
      format: 'pdf',
    }).catch((x) => x);
    expect((labelsOnEmail as LupausError).problems[0]?.message).toContain('postal channel');
  });
});
