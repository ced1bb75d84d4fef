import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLupausError, type LupausError } from '@lupaus/core';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { searchAudit } from '../audit/search-audit';
import type { Actor, Register } from '../context';
import { createPerson } from '../persons/create-person';
import { EXAMPLES_DIR } from '../register/open-register';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { attachRequestLetter, getRequestLetter } from './attach-letter';
import { completeRequestIn } from './complete-request';
import { extendRequest } from './extend-request';
import { getRequest } from './get-request';
import { listRequests } from './list-requests';
import { receiveRequest } from './receive-request';
import { refuseRequest } from './refuse-request';
import { requireVerifiedRequestIn } from './require-verified-request';
import { verifyIdentity } from './verify-identity';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

async function rejection(p: Promise<unknown>): Promise<LupausError> {
  try {
    await p;
  } catch (e) {
    if (isLupausError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

async function setup(start = '2024-01-31T23:30:00Z') {
  const clock = fixedClock(start);
  reg = await openTestRegister('003-auntie', { clock });
  const person = await createPerson(reg, TEST_ADMIN, {
    source: 'subject',
    fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
  });
  return { r: reg, clock, personId: person.id };
}

async function events(r: Register, id: string): Promise<string[]> {
  return (await getRequest(r, TEST_ADMIN, id)).events.map((e) => e.event);
}

const PDF = Buffer.from('%PDF-1.4 allekirjoitettu kirje');

describe('R4.1 the life of a data subject request', () => {
  it('R4.1 received on the Helsinki day: 2024-01-31 23:30 UTC is 1 February, due 1 March', async () => {
    const { r, personId } = await setup();
    const req = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'electronic' });
    expect(req).toMatchObject({
      state: 'received',
      receivedOn: '2024-02-01',
      dueOn: '2024-03-01',
      deadline: '2024-03-01',
      charge: 'free',
      identity: null,
      overdue: false,
    });
    const leap = await receiveRequest(r, TEST_ADMIN, {
      type: 'erasure',
      personId,
      receivedVia: 'electronic',
      receivedAt: '2024-01-31T12:00:00Z',
    });
    expect(leap.dueOn).toBe('2024-02-29');
  });

  it('R4.1 bad input names what and where, and changes nothing', async () => {
    const { r, personId } = await setup();
    const e = await rejection(
      receiveRequest(r, TEST_ADMIN, {
        type: 'complaint' as never,
        personId: 'nope',
        receivedVia: 'fax' as never,
        receivedAt: '2030-01-01T00:00:00Z',
      }),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.problems.map((p) => p.at).sort()).toEqual(['personId', 'receivedAt', 'receivedVia', 'type']);
    const missing = await rejection(
      receiveRequest(r, TEST_ADMIN, {
        type: 'access',
        personId: '01900000-0000-7000-8000-000000000000',
        receivedVia: 'electronic',
      }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect((await listRequests(r, TEST_ADMIN, { personId })).items).toHaveLength(0);
  });

  it('R4.1 a written request without its signed letter cannot be verified; with it, it can', async () => {
    const { r, personId } = await setup();
    const req = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'written' });
    const e = await rejection(verifyIdentity(r, TEST_ADMIN, req.id, { method: 'id_document' }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.problems[0]).toMatchObject({ at: 'letter' });
    expect(e.problems[0]!.message).toMatch(/attach the signed letter/);
    expect((await getRequest(r, TEST_ADMIN, req.id)).state).toBe('received');
    const letter = await attachRequestLetter(r, TEST_ADMIN, req.id, {
      name: 'C:\\scans\\kirje.pdf',
      mediaType: 'application/pdf',
      bytes: PDF,
    });
    expect(letter).toMatchObject({ requestId: req.id, name: 'kirje.pdf', size: PDF.length });
    const verified = await verifyIdentity(r, TEST_ADMIN, req.id, {
      method: 'id_document',
      note: 'passport seen at the office',
    });
    expect(verified).toMatchObject({
      state: 'verified',
      identity: { method: 'id_document', verifiedBy: TEST_ADMIN.id },
      letter: { id: letter.id, name: 'kirje.pdf', mediaType: 'application/pdf' },
    });
    expect((await getRequestLetter(r, TEST_ADMIN, req.id)).bytes.equals(PDF)).toBe(true);
    // The bytes are encrypted in the store, never in plain text.
    const row = await r.db
      .selectFrom('files')
      .select('storage_key')
      .where('id', '=', letter.id)
      .executeTakeFirstOrThrow();
    expect((await r.files.get(row.storage_key)).equals(PDF)).toBe(true);
    expect(await events(r, req.id)).toEqual(['received', 'letter_attached', 'identity_verified']);
    // An electronic request has no letter.
    const el = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'electronic' });
    const noLetter = await rejection(
      attachRequestLetter(r, TEST_ADMIN, el.id, { name: 'a.pdf', mediaType: 'application/pdf', bytes: PDF }),
    );
    expect(noLetter.problems[0]!.message).toMatch(/received electronically/);
  });

  it('R4.1 the hetu alone is never accepted as a verification', async () => {
    const { r, personId } = await setup();
    const req = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'electronic' });
    for (const method of ['hetu', 'HETU', 'henkilotunnus', 'personal_identity_code']) {
      const e = await rejection(verifyIdentity(r, TEST_ADMIN, req.id, { method }));
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.problems[0]).toMatchObject({ at: 'method' });
      expect(e.problems[0]!.message).toMatch(/hetu\) alone never verifies identity/);
    }
    const unknown = await rejection(verifyIdentity(r, TEST_ADMIN, req.id, { method: 'guess' }));
    expect(unknown.problems[0]!.message).toMatch(/strong_electronic_identification/);
    const after = await getRequest(r, TEST_ADMIN, req.id);
    expect(after).toMatchObject({ state: 'received', identity: null });
    expect(after.events.map((e) => e.event)).toEqual(['received']);
  });

  it('R4.1 requireVerifiedRequestIn throws before verification and passes after; completion closes', async () => {
    const { r, personId } = await setup();
    const other = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Pekka', last_name: 'Lehto' },
    });
    const req = await receiveRequest(r, TEST_ADMIN, { type: 'erasure', personId, receivedVia: 'electronic' });
    const gate = (expect_: { type: 'erasure' | 'access'; personId: string }, id = req.id) =>
      rejection(r.db.transaction().execute((tx) => requireVerifiedRequestIn(tx, r, id, expect_)));
    const before = await gate({ type: 'erasure', personId });
    expect(before.code).toBe('REQUEST_NOT_VERIFIED');
    expect(before.status).toBe(409);
    expect(before.message).toMatch(/identity has not been verified/);
    // Nothing may be completed on an unverified request either.
    const early = await rejection(
      r.db
        .transaction()
        .execute((tx) => completeRequestIn(tx, r, TEST_ADMIN, req.id, { state: 'completed', outcome: {} })),
    );
    expect(early.code).toBe('REQUEST_NOT_VERIFIED');
    await verifyIdentity(r, TEST_ADMIN, req.id, { method: 'strong_electronic_identification' });
    expect((await gate({ type: 'access', personId })).code).toBe('VALIDATION_FAILED');
    expect((await gate({ type: 'erasure', personId: other.id })).code).toBe('VALIDATION_FAILED');
    expect((await gate({ type: 'erasure', personId }, '01900000-0000-7000-8000-000000000000')).code).toBe(
      'NOT_FOUND',
    );
    await r.db.transaction().execute(async (tx) => {
      await requireVerifiedRequestIn(tx, r, req.id, { type: 'erasure', personId });
      await completeRequestIn(tx, r, TEST_ADMIN, req.id, {
        state: 'blocked',
        outcome: { blockers: [{ kind: 'open_invoice', until: null }] },
      });
    });
    const blocked = await getRequest(r, TEST_ADMIN, req.id);
    expect(blocked).toMatchObject({ state: 'blocked', open: true, closedAt: null });
    // A blocked request is still open and verified: it can later be completed.
    await r.db.transaction().execute(async (tx) => {
      await requireVerifiedRequestIn(tx, r, req.id, { type: 'erasure', personId });
      await completeRequestIn(tx, r, TEST_ADMIN, req.id, { state: 'completed', outcome: { erased: 3 } });
    });
    const done = await getRequest(r, TEST_ADMIN, req.id);
    expect(done).toMatchObject({ state: 'completed', open: false, outcome: { erased: 3 } });
    expect(done.closedAt).not.toBeNull();
    expect(done.events.map((e) => e.event)).toEqual([
      'received',
      'identity_verified',
      'blocked',
      'completed',
    ]);
    expect((await gate({ type: 'erasure', personId })).code).toBe('REQUEST_CLOSED');
    const again = await rejection(
      r.db
        .transaction()
        .execute((tx) => completeRequestIn(tx, r, TEST_ADMIN, req.id, { state: 'completed', outcome: {} })),
    );
    expect(again.code).toBe('REQUEST_CLOSED');
    // Every change left an audit row (ids only).
    const audits = await r.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_type', '=', 'request')
      .where('entity_id', '=', req.id)
      .where('action', 'like', 'request_%')
      .orderBy('id')
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'request_received',
      'request_identity_verified',
      'request_blocked',
      'request_completed',
    ]);
  });

  it('R4.1 the clock moving past the deadline makes a request overdue; an extension moves it', async () => {
    const { r, clock, personId } = await setup('2024-01-31T12:00:00Z');
    const a = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'electronic' });
    const b = await receiveRequest(r, TEST_ADMIN, {
      type: 'portability',
      personId,
      receivedVia: 'electronic',
    });
    expect([a.dueOn, b.dueOn]).toEqual(['2024-02-29', '2024-02-29']);
    // Within the first month: b is extended by two months, and the subject is told.
    clock.set('2024-02-29T21:00:00Z'); // 23:00 on 29 February in Helsinki
    const extended = await extendRequest(r, TEST_ADMIN, b.id, {
      months: 2,
      reason: 'Tiedot on koottava usean vuoden ajalta kolmesta järjestelmästä.',
    });
    expect(extended).toMatchObject({ dueOn: '2024-02-29', extendedTo: '2024-04-29', deadline: '2024-04-29' });
    const notice = await r.db
      .selectFrom('notifications')
      .selectAll()
      .where('request_id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ kind: 'extension', audience: 'subject', to_address: 'maija@example.fi' });
    expect(notice.body).toContain('29.4.2024');
    expect(notice.body).toContain('usean vuoden');
    expect((await listRequests(r, TEST_ADMIN, { overdue: true })).items).toHaveLength(0);
    // 22:00 UTC is midnight in Helsinki: 1 March, past a's deadline.
    clock.set('2024-02-29T22:00:00Z');
    const overdue = await listRequests(r, TEST_ADMIN, { overdue: true });
    expect(overdue.items.map((i) => i.id)).toEqual([a.id]);
    expect(overdue.items[0]).toMatchObject({ overdue: true, deadline: '2024-02-29' });
    // Ordered by the deadline in force.
    expect((await listRequests(r, TEST_ADMIN, {})).items.map((i) => i.id)).toEqual([a.id, b.id]);
    // An extension after the first month is refused, and changes nothing.
    const late = await rejection(extendRequest(r, TEST_ADMIN, a.id, { reason: 'Liian myöhään.' }));
    expect(late.code).toBe('VALIDATION_FAILED');
    expect(late.problems[0]!.message).toMatch(/ended on 2024-02-29.*within the first month/);
    expect((await getRequest(r, TEST_ADMIN, a.id)).extendedTo).toBeNull();
    // A second extension is refused too.
    const twice = await rejection(extendRequest(r, TEST_ADMIN, b.id, { reason: 'Uudestaan.' }));
    expect(twice.code).toBe('CONFLICT');
    clock.set('2024-04-29T20:59:59Z'); // 23:59:59 in Helsinki (summer time, UTC+3)
    expect((await listRequests(r, TEST_ADMIN, { overdue: true })).items.map((i) => i.id)).toEqual([a.id]);
    clock.set('2024-04-29T21:00:00Z'); // midnight: 30 April in Helsinki
    expect((await listRequests(r, TEST_ADMIN, { overdue: true })).items.map((i) => i.id)).toEqual([
      a.id,
      b.id,
    ]);
    // Filters: by type, state, person; paging keeps the deadline order.
    expect((await listRequests(r, TEST_ADMIN, { type: 'portability' })).items.map((i) => i.id)).toEqual([
      b.id,
    ]);
    expect((await listRequests(r, TEST_ADMIN, { state: 'verified' })).items).toHaveLength(0);
    const page1 = await listRequests(r, TEST_ADMIN, { limit: 1 });
    expect(page1.items.map((i) => i.id)).toEqual([a.id]);
    const page2 = await listRequests(r, TEST_ADMIN, { limit: 1, after: page1.next! });
    expect(page2.items.map((i) => i.id)).toEqual([b.id]);
    expect(page2.next).toBeNull();
    const badFilter = await rejection(listRequests(r, TEST_ADMIN, { state: 'open' as never }));
    expect(badFilter.problems[0]).toMatchObject({ at: 'state' });
  });

  it('R4.1 a refusal records its reason and the charge, and tells the right to complain and to a court', async () => {
    const { r, personId } = await setup();
    const req = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'electronic' });
    const noReason = await rejection(
      refuseRequest(r, TEST_ADMIN, req.id, { charge: 'refused', ground: 'excessive', reason: ' ' }),
    );
    expect(noReason.problems[0]).toMatchObject({ at: 'reason' });
    const refused = await refuseRequest(r, TEST_ADMIN, req.id, {
      charge: 'refused',
      ground: 'excessive',
      reason: 'Kuudes samansisältöinen pyyntö kuukauden sisällä.',
    });
    expect(refused).toMatchObject({
      state: 'refused',
      charge: 'refused',
      chargeReason: 'Kuudes samansisältöinen pyyntö kuukauden sisällä.',
      open: false,
      outcome: { ground: 'excessive' },
    });
    const notice = await r.db
      .selectFrom('notifications')
      .selectAll()
      .where('request_id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ kind: 'refusal', audience: 'subject', to_address: 'maija@example.fi' });
    expect(notice.body).toContain('Tietosuojavaltuutetun toimisto');
    expect(notice.body).toContain('Office of the Data Protection Ombudsman');
    expect(notice.body).toMatch(/tuomioistuimelta/);
    expect(notice.body).toMatch(/court/);
    expect(notice.body).toContain('Kuudes samansisältöinen pyyntö');
    expect(refused.events?.map((e) => e.event)).toEqual(['received', 'refused']);
    expect((await rejection(verifyIdentity(r, TEST_ADMIN, req.id, { method: 'id_document' }))).code).toBe(
      'REQUEST_CLOSED',
    );
    // A fee: the request stays open, the charge and its reason are recorded, the subject told.
    const req2 = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'electronic' });
    const noFee = await rejection(
      refuseRequest(r, TEST_ADMIN, req2.id, { charge: 'fee', ground: 'excessive', reason: 'Toistuva.' }),
    );
    expect(noFee.problems[0]).toMatchObject({ at: 'fee' });
    const fee = await refuseRequest(r, TEST_ADMIN, req2.id, {
      charge: 'fee',
      ground: 'excessive',
      reason: 'Kolmas kopio samoista tiedoista.',
      fee: '25 EUR',
    });
    expect(fee).toMatchObject({
      state: 'received',
      charge: 'fee',
      chargeReason: 'Kolmas kopio samoista tiedoista.',
    });
    const feeNotice = await r.db
      .selectFrom('notifications')
      .select(['kind', 'body'])
      .where('request_id', '=', req2.id)
      .executeTakeFirstOrThrow();
    expect(feeNotice.kind).toBe('fee');
    expect(feeNotice.body).toContain('25 EUR');
    // A refusal on the merits (through completeRequestIn) keeps the request free of charge, its reason recorded.
    const req3 = await receiveRequest(r, TEST_ADMIN, {
      type: 'rectification',
      personId,
      receivedVia: 'electronic',
    });
    await r.db.transaction().execute((tx) =>
      completeRequestIn(tx, r, TEST_ADMIN, req3.id, {
        state: 'refused',
        outcome: { fields: ['last_name'] },
        reason: 'Tieto on oikein väestötietojärjestelmän mukaan.',
      }),
    );
    expect(await getRequest(r, TEST_ADMIN, req3.id)).toMatchObject({
      state: 'refused',
      charge: 'free',
      outcome: { fields: ['last_name'], reason: 'Tieto on oikein väestötietojärjestelmän mukaan.' },
    });
  });

  it('R4.1 request events are append-only: an UPDATE fails', async () => {
    const { r, personId } = await setup();
    const req = await receiveRequest(r, TEST_ADMIN, { type: 'access', personId, receivedVia: 'electronic' });
    await expect(
      sql`update request_events set event = 'forged' where request_id = ${req.id}`.execute(r.db),
    ).rejects.toThrow(/append-only/);
    expect(await events(r, req.id)).toEqual(['received']);
  });
  it('R4.1 R6.2 R6.4 the queue names each subject as the actor may read the name, and one audit row names the persons shown', async () => {
    // The last name readable by administrators only: a privacy officer sees the first name alone.
    const source = readFileSync(join(EXAMPLES_DIR, '003-auntie', 'register.yaml'), 'utf8');
    const lastName = '        label: { fi: Sukunimi, en: Last name }\n        type: text\n';
    expect(source).toContain(lastName);
    reg = await openTestRegister('003-auntie', {
      clock: fixedClock('2024-03-01T10:00:00Z'),
      definitionSource: source.replace(lastName, `${lastName}        readRoles: [administrator]\n`),
    });
    const r = reg;
    const maija = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    const pekka = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Pekka', last_name: 'Kivinen' },
    });
    const a = await receiveRequest(r, TEST_ADMIN, {
      type: 'access',
      personId: maija.id,
      receivedVia: 'electronic',
    });
    const b = await receiveRequest(r, TEST_ADMIN, {
      type: 'erasure',
      personId: pekka.id,
      receivedVia: 'electronic',
    });
    const c = await receiveRequest(r, TEST_ADMIN, {
      type: 'objection',
      personId: maija.id,
      receivedVia: 'electronic',
    });
    const byId = (items: { id: string; subject: unknown }[]) =>
      Object.fromEntries(items.map((i) => [i.id, i.subject]));

    const admin = await listRequests(r, TEST_ADMIN);
    expect(byId(admin.items)).toEqual({
      [a.id]: { firstName: 'Maija', lastName: 'Virtanen' },
      [b.id]: { firstName: 'Pekka', lastName: 'Kivinen' },
      [c.id]: { firstName: 'Maija', lastName: 'Virtanen' },
    });
    const officer: Actor = { id: 'dpo', roles: ['privacy_officer'], commitmentSigned: true };
    expect(byId((await listRequests(r, officer)).items)).toEqual({
      [a.id]: { firstName: 'Maija', lastName: null },
      [b.id]: { firstName: 'Pekka', lastName: null },
      [c.id]: { firstName: 'Maija', lastName: null },
    });
    // A token scoped to requests.manage may not read persons: no names at all.
    const scoped: Actor = { ...TEST_ADMIN, id: 'token', scopes: ['requests.manage'] };
    expect((await listRequests(r, scoped)).items.map((i) => i.subject)).toEqual([null, null, null]);

    // One row per view names the persons shown (each once), with the requests and the name fields shown.
    const rows = await r.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'entity_id', 'person_id', 'person_ids', 'details'])
      .where('entity_type', '=', 'request')
      .where('action', '=', 'list')
      .orderBy('id')
      .execute();
    expect(rows.map((x) => x.actor)).toEqual(['test-admin', 'dpo', 'token']);
    for (const row of rows) {
      expect(row.entity_id).toBeNull();
      expect([...(row.person_ids ?? [])].sort()).toEqual([maija.id, pekka.id].sort());
      expect(new Set((row.details as { ids: string[] }).ids)).toEqual(new Set([a.id, b.id, c.id]));
    }
    expect(rows.map((x) => (x.details as { fields: string[] }).fields)).toEqual([
      ['first_name', 'last_name'],
      ['first_name'],
      [],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/Maija|Virtanen|Pekka|Kivinen/);
    // "Who has looked at my data" finds the views.
    const seen = await searchAudit(r, TEST_ADMIN, { personId: pekka.id, action: 'list' });
    expect(seen.entries.map((e) => e.actor)).toEqual(expect.arrayContaining(['test-admin', 'dpo', 'token']));
  });
});
