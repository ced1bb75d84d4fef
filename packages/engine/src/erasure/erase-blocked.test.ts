import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { selectForMarketing } from '../marketing/marketing-gate';
import { addContactRole, endContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { updateRecord } from '../records/update-record';
import { receiveRequest } from '../requests/receive-request';
import { verifyIdentity } from '../requests/verify-identity';
import { placeLegalHold } from '../retention/place-legal-hold';
import { releaseLegalHold } from '../retention/release-legal-hold';
import { runRetention } from '../retention/run-retention';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { erasePerson } from './erase-person';
import { resumeBlockedErasures } from './resume-blocked-erasures';

/** Seed 001 (Vitec Katrina): "destroyed at the user's request unless the law, open invoices or debt collection prevent it". */
let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

async function customer(r: Register) {
  return createPerson(r, TEST_ADMIN, {
    source: 'registrations',
    fields: {
      first_name: 'Matti',
      last_name: 'Asiakas',
      email: 'matti.asiakas@example.com',
      phone: '040 765 4321',
      address: { street: 'Katu 1', postalCode: '00100', city: 'Helsinki' },
    },
  });
}

async function invoice(
  r: Register,
  personId: string,
  issued: string,
  state: 'open' | 'paid',
  number: string,
) {
  return createRecord(r, TEST_ADMIN, personId, {
    kind: 'invoices',
    source: 'purchases',
    fields: { number, issued_on: issued, due_on: issued, amount: 120, state },
  });
}

async function verifiedErasureRequest(r: Register, personId: string) {
  const q = await receiveRequest(r, TEST_ADMIN, { type: 'erasure', personId, receivedVia: 'electronic' });
  await verifyIdentity(r, TEST_ADMIN, q.id, { method: 'strong_electronic_identification' });
  return q.id;
}

async function requestRow(r: Register, id: string) {
  return r.db
    .selectFrom('requests')
    .select(['state', 'person_id', 'outcome', 'closed_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

const personExists = async (r: Register, id: string) =>
  (await r.db.selectFrom('persons').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

describe('R4.4 blocked erasure (seed 001)', () => {
  it('R4.4 an open invoice blocks: the rest is erased, the invoice named without an end; paying it lets the erasure complete', async () => {
    const clock = fixedClock('2015-03-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const p = await customer(r);
    const open = await invoice(r, p.id, '2015-03-01', 'open', 'L-100');
    clock.set('2026-11-20T10:00:00Z');
    const requestId = await verifiedErasureRequest(r, p.id);

    const result = await erasePerson(r, TEST_ADMIN, { personId: p.id, requestId });
    expect(result.state).toBe('blocked');
    expect(result.blockers).toEqual([{ kind: 'open_invoice', id: open.id, until: null }]);
    // The debt stays claimable: names and the postal address; the email and phone are gone.
    expect(result.keptFields.sort()).toEqual(['address', 'first_name', 'last_name']);
    const view = await getPerson(r, TEST_ADMIN, p.id);
    expect(view.fields).toMatchObject({ first_name: 'Matti', last_name: 'Asiakas' });
    expect(view.fields.email).toBeUndefined();
    expect(view.fields.phone).toBeUndefined();
    expect(
      (await r.db.selectFrom('invoices').select('person_id').where('id', '=', open.id).executeTakeFirst())
        ?.person_id,
    ).toBe(p.id);
    const blocked = await requestRow(r, requestId);
    expect(blocked.state).toBe('blocked');
    expect(blocked.closed_at).toBeNull();
    expect((blocked.outcome as { blockers: unknown[] }).blockers).toEqual([
      { kind: 'open_invoice', id: open.id, until: null },
    ]);

    // The person asked to be erased: the address kept for the debt is never used for marketing.
    const post = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'post' });
    expect(post.contacts.map((c) => c.personId)).not.toContain(p.id);

    // Nothing has ended yet: the resumption leaves it blocked.
    expect(await resumeBlockedErasures(r, TEST_ADMIN)).toMatchObject({ completed: [], blocked: [p.id] });
    expect(await personExists(r, p.id)).toBe(true);

    // Paid (its accounting retention ended long ago): the erasure completes.
    await updateRecord(r, TEST_ADMIN, open.id, {
      source: 'purchases',
      fields: { state: 'paid', paid_on: '2026-11-21' },
    });
    const resumed = await resumeBlockedErasures(r, TEST_ADMIN);
    expect(resumed).toEqual({ completed: [p.id], blocked: [], requests: [requestId] });
    expect(await personExists(r, p.id)).toBe(false);
    expect(
      await r.db.selectFrom('invoices').select('id').where('id', '=', open.id).executeTakeFirst(),
    ).toBeUndefined();
    const done = await requestRow(r, requestId);
    expect(done).toMatchObject({ state: 'completed', person_id: null });
    expect(done.closed_at).not.toBeNull();
  });

  it('R4.4 accounting retention blocks a paid invoice until the end of the sixth year after its accounting period, with that date', async () => {
    const clock = fixedClock('2024-05-10T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const p = await customer(r);
    const inv = await invoice(r, p.id, '2024-05-10', 'paid', 'L-200');
    const old = await invoice(r, p.id, '2017-02-01', 'paid', 'L-150');
    clock.set('2026-11-20T10:00:00Z');
    const requestId = await verifiedErasureRequest(r, p.id);

    const result = await erasePerson(r, TEST_ADMIN, { personId: p.id, requestId });
    expect(result.state).toBe('blocked');
    expect(result.blockers).toEqual([
      { kind: 'retention', category: 'invoices', rule: 'accounting', count: 1, until: '2030-12-31' },
    ]);
    expect((await requestRow(r, requestId)).state).toBe('blocked');
    expect(result.keptFields.sort()).toEqual(['first_name', 'last_name']);
    expect(result.erased).toMatchObject({ deleted: 1, kept: 1, person: 0 });
    // The invoice past its retention went; the one still kept is the person's.
    const left = await r.db.selectFrom('invoices').select(['id', 'person_id']).orderBy('id').execute();
    expect(left).toEqual([{ id: inv.id, person_id: p.id }]);
    expect(old.id).not.toBe(inv.id);

    clock.set('2030-12-31T23:00:00Z');
    expect((await resumeBlockedErasures(r, TEST_ADMIN)).blocked).toEqual([p.id]);
    // Erased again by staff once the date has passed: the waiting request completes with it.
    clock.set('2031-01-01T00:00:00Z');
    expect((await erasePerson(r, TEST_ADMIN, { personId: p.id })).state).toBe('completed');
    expect(await personExists(r, p.id)).toBe(false);
    expect(await r.db.selectFrom('invoices').select('id').execute()).toEqual([]);
    expect(await requestRow(r, requestId)).toMatchObject({ state: 'completed', person_id: null });
  });

  it('R4.4 an ongoing contact-person role blocks with its end date; ending the role completes the erasure', async () => {
    const clock = fixedClock('2020-01-01T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const org = await createOrganisation(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Yritys Oy' },
    });
    const p = await customer(r);
    const role = await addContactRole(r, TEST_ADMIN, {
      personId: p.id,
      organisationId: org.id,
      startsOn: '2020-01-01',
      source: 'registrations',
    });
    clock.set('2026-11-20T10:00:00Z');
    const open = await erasePerson(r, TEST_ADMIN, { personId: p.id });
    expect(open.blockers).toEqual([{ kind: 'contact_role', id: role.id, until: null }]);
    await endContactRole(r, TEST_ADMIN, role.id, { endsOn: '2027-03-31' });
    const dated = await erasePerson(r, TEST_ADMIN, { personId: p.id });
    expect(dated.state).toBe('blocked');
    expect(dated.blockers).toEqual([{ kind: 'contact_role', id: role.id, until: '2027-03-31' }]);
    // A contact person's contact details stay while the role lasts; the postal address goes.
    expect(dated.keptFields.sort()).toEqual(['email', 'first_name', 'last_name', 'phone']);
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields.address).toBeUndefined();

    clock.set('2027-03-31T20:00:00Z');
    expect((await resumeBlockedErasures(r, TEST_ADMIN)).completed).toEqual([]);
    clock.set('2027-04-01T00:00:00Z');
    expect((await resumeBlockedErasures(r, TEST_ADMIN)).completed).toEqual([p.id]);
    expect(await personExists(r, p.id)).toBe(false);
    expect(await r.db.selectFrom('contact_roles').select('id').execute()).toEqual([]);
    // The organisation is nobody's personal data: it stays.
    expect(await r.db.selectFrom('organisations').select('id').execute()).toEqual([{ id: org.id }]);
  });

  it('R4.4 a legal hold blocks what it covers until its end date; released, the retention run completes the erasure', async () => {
    const clock = fixedClock('2026-01-10T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const p = await customer(r);
    const hold = await placeLegalHold(r, TEST_ADMIN, {
      personId: p.id,
      category: 'phone',
      reason: 'Riita-asia käräjäoikeudessa',
      endsOn: '2027-06-30',
    });
    clock.set('2026-11-20T10:00:00Z');
    const requestId = await verifiedErasureRequest(r, p.id);
    const result = await erasePerson(r, TEST_ADMIN, { personId: p.id, requestId });
    expect(result.state).toBe('blocked');
    expect(result.blockers).toEqual([
      { kind: 'legal_hold', id: hold.id, category: 'phone', until: '2027-06-30' },
    ]);
    expect(result.keptFields).toEqual(['phone']);
    const view = await getPerson(r, TEST_ADMIN, p.id);
    expect(view.fields.phone).toEqual(['+358407654321']);
    expect(view.fields.first_name).toBeUndefined();
    expect(view.fields.email).toBeUndefined();

    await releaseLegalHold(r, TEST_ADMIN, hold.id);
    await runRetention(r, TEST_ADMIN);
    expect(await personExists(r, p.id)).toBe(false);
    expect(await r.db.selectFrom('legal_holds').select('id').execute()).toEqual([]);
    expect(await requestRow(r, requestId)).toMatchObject({ state: 'completed', person_id: null });
  });

  it('R4.4 a hold past its end no longer blocks: moving the clock past it completes the erasure', async () => {
    const clock = fixedClock('2026-01-10T09:00:00Z');
    reg = await openTestRegister('001-vitec-katrina', { clock });
    const r = reg;
    const p = await customer(r);
    const hold = await placeLegalHold(r, TEST_ADMIN, {
      personId: p.id,
      reason: 'Viranomaisen pyyntö',
      endsOn: '2026-12-31',
    });
    clock.set('2026-11-20T10:00:00Z');
    const result = await erasePerson(r, TEST_ADMIN, { personId: p.id });
    // A hold on the whole person keeps everything of theirs.
    expect(result.blockers).toEqual([
      { kind: 'legal_hold', id: hold.id, category: null, until: '2026-12-31' },
    ]);
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields).toMatchObject({
      first_name: 'Matti',
      email: ['matti.asiakas@example.com'],
    });
    clock.set('2026-12-31T23:59:00Z');
    expect((await resumeBlockedErasures(r, TEST_ADMIN)).blocked).toEqual([p.id]);
    clock.set('2027-01-01T00:00:00Z');
    expect((await resumeBlockedErasures(r, TEST_ADMIN)).completed).toEqual([p.id]);
    expect(await personExists(r, p.id)).toBe(false);
  });

  it('R4.4 an unverified request, a request about someone else or a bad id changes nothing', async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock: fixedClock('2026-11-20T10:00:00Z') });
    const r = reg;
    const p = await customer(r);
    const other = await customer(r);
    const q = await receiveRequest(r, TEST_ADMIN, {
      type: 'erasure',
      personId: p.id,
      receivedVia: 'electronic',
    });
    await expect(erasePerson(r, TEST_ADMIN, { personId: p.id, requestId: q.id })).rejects.toMatchObject({
      code: 'REQUEST_NOT_VERIFIED',
    });
    await verifyIdentity(r, TEST_ADMIN, q.id, { method: 'id_document' });
    await expect(erasePerson(r, TEST_ADMIN, { personId: other.id, requestId: q.id })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(erasePerson(r, TEST_ADMIN, { personId: 'not-an-id' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [{ at: 'personId' }],
    });
    await expect(
      erasePerson(r, TEST_ADMIN, { personId: '01939a6e-0000-7000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields.email).toEqual(['matti.asiakas@example.com']);
    expect((await getPerson(r, TEST_ADMIN, other.id)).fields.email).toEqual(['matti.asiakas@example.com']);
    expect((await requestRow(r, q.id)).state).toBe('verified');
  });
});
