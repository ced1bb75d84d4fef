import { LupausError } from '@lupaus/core';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { selectForMarketing } from '../marketing/marketing-gate';
import { createPerson } from '../persons/create-person';
import { getRequest } from '../requests/get-request';
import { receiveRequest } from '../requests/receive-request';
import { verifyIdentity } from '../requests/verify-identity';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { contactKey } from './consent-policy';
import { importSuppressions, parseSuppressionText } from './import-suppressions';
import { listConsents } from './list-consents';
import { objectToDirectMarketing } from './object-to-direct-marketing';
import { recordConsent } from './record-consent';
import { withdrawConsents } from './withdraw-consents';

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

async function person(r: Register, fields: Record<string, unknown>, source = 'registrations') {
  return createPerson(r, TEST_ADMIN, {
    source,
    fields: { first_name: 'Maija', last_name: 'Meikäläinen', ...fields },
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

describe('consents and prohibitions (R3.1)', () => {
  it('R3.1 a record keeps channel, purpose, state, time, source, evidence and the notice version in force', async () => {
    const r = await open();
    const p = await person(r, { email: 'maija@example.fi' });
    const given = await recordConsent(r, TEST_ADMIN, {
      personId: p.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      at: '2026-03-01T12:00:00Z',
      source: 'registrations',
      evidenceText: 'Verkkolomake: rasti kohdassa "Haluan tarjouksia sähköpostiin"',
    });
    const version = await r.db
      .selectFrom('notice_versions')
      .select('version')
      .orderBy('version', 'desc')
      .executeTakeFirstOrThrow();
    const list = await listConsents(r, TEST_ADMIN, p.id);
    expect(list.history).toEqual([
      expect.objectContaining({
        id: given.id,
        channel: 'email',
        purpose: 'direct_marketing',
        state: 'given',
        at: '2026-03-01T12:00:00.000Z',
        source: 'registrations',
        evidenceText: 'Verkkolomake: rasti kohdassa "Haluan tarjouksia sähköpostiin"',
        noticeVersion: version.version,
        recordedBy: TEST_ADMIN.id,
      }),
    ]);
    // Every declared channel × purpose has its current state; only the one recorded is not `none`.
    expect(list.current).toHaveLength(3 * 4);
    expect(list.current.find((c) => c.channel === 'email' && c.purpose === 'direct_marketing')).toMatchObject(
      {
        state: 'given',
        model: 'opt_out',
        electronic: true,
        consentId: given.id,
      },
    );
    expect(list.current.filter((c) => c.state !== 'none')).toHaveLength(1);
    const audit = await r.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_id', '=', given.id)
      .execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'consent_record' })]);
    expect(JSON.stringify(audit)).not.toContain('maija@example.fi');
  });

  it('R3.1 an undeclared channel or purpose is a 422 naming it and listing the declared; bad source, state, time, evidence too; nothing is written', async () => {
    const r = await open();
    const p = await person(r, {});
    const e = await failure(
      recordConsent(r, TEST_ADMIN, {
        personId: p.id,
        channel: 'fax',
        purpose: 'telepathy',
        state: 'maybe' as 'given',
        at: '2099-01-01T00:00:00Z',
        source: 'rumour',
      }),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.status).toBe(422);
    const by = Object.fromEntries(e.problems.map((x) => [x.at, x.message]));
    expect(by.channel).toContain('"fax" is not a marketing channel');
    expect(by.channel).toContain('post, phone, email');
    expect(by.purpose).toContain('"telepathy"');
    expect(by.purpose).toContain('direct_marketing, distance_selling, market_research, mailing_labels');
    expect(by.state).toContain('given, withdrawn, prohibited');
    expect(by.source).toContain('"rumour" is not a source');
    expect(by.at).toContain('in the future');
    expect(by.evidenceText).toContain('give the evidence');
    const missingFile = await failure(
      recordConsent(r, TEST_ADMIN, {
        personId: p.id,
        channel: 'post',
        purpose: 'direct_marketing',
        state: 'given',
        source: 'registrations',
        evidenceFileId: '0190a5d6-0000-7000-8000-000000000000',
      }),
    );
    expect(missingFile.problems[0]).toMatchObject({ at: 'evidenceFileId' });
    const noPerson = await failure(
      recordConsent(r, TEST_ADMIN, {
        personId: '0190a5d6-0000-7000-8000-000000000001',
        channel: 'post',
        purpose: 'direct_marketing',
        state: 'given',
        source: 'registrations',
        evidenceText: 'x',
      }),
    );
    expect(noPerson.code).toBe('NOT_FOUND');
    expect((await r.db.selectFrom('consents').select('id').execute()).length).toBe(0);
  });

  it('R3.1 the history is append-only: an UPDATE or a change of mind never rewrites a row', async () => {
    const r = await open();
    const p = await person(r, { email: 'a@example.fi' });
    const base = {
      personId: p.id,
      channel: 'email',
      purpose: 'direct_marketing',
      source: 'registrations',
      evidenceText: 'x',
    };
    const first = await recordConsent(r, TEST_ADMIN, { ...base, state: 'given', at: '2026-01-01T00:00:00Z' });
    await recordConsent(r, TEST_ADMIN, { ...base, state: 'withdrawn', at: '2026-02-01T00:00:00Z' });
    await expect(
      sql`update consents set state = 'given' where id = ${first.id}`.execute(r.db),
    ).rejects.toThrow(/append-only/);
    const list = await listConsents(r, TEST_ADMIN, p.id);
    expect(list.history.map((h) => h.state)).toEqual(['withdrawn', 'given']);
    expect(list.current.find((c) => c.channel === 'email' && c.purpose === 'direct_marketing')?.state).toBe(
      'withdrawn',
    );
  });

  it('R3.1 a prohibition puts the contact point on the suppression list by keyed hash only; a later consent lifts it', async () => {
    const r = await open();
    const p = await person(r, { email: 'Kielto@Example.fi' });
    const base = { personId: p.id, channel: 'email', purpose: 'direct_marketing', source: 'registrations' };
    await recordConsent(r, TEST_ADMIN, { ...base, state: 'prohibited', evidenceText: 'Kielsi puhelimessa' });
    const rows = await r.db.selectFrom('suppressions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'email',
      kind: 'email',
      purpose: 'direct_marketing',
      reason: 'prohibition',
    });
    expect(
      Buffer.from(rows[0]!.value_hash).equals(r.vault.lookup(contactKey('email', 'kielto@example.fi'))),
    ).toBe(true);
    const dump = JSON.stringify((await sql`select s::text as t from suppressions s`.execute(r.db)).rows);
    expect(dump.toLowerCase()).not.toContain('kielto');
    await recordConsent(r, TEST_ADMIN, { ...base, state: 'given', evidenceText: 'Tilasi uutiskirjeen' });
    expect(await r.db.selectFrom('suppressions').select('id').execute()).toHaveLength(0);
  });
});

describe('withdrawal of consent at any time (R4.8)', () => {
  it('R4.8 withdrawing one channel × purpose takes the person out of that marketing at once', async () => {
    const r = await open();
    const p = await person(r, { email: 'w@example.fi' });
    await recordConsent(r, TEST_ADMIN, {
      personId: p.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'registrations',
      evidenceText: 'Lomake',
    });
    const sel = () => selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'email' });
    expect((await sel()).contacts.map((c) => c.personId)).toEqual([p.id]);
    const w = await withdrawConsents(r, TEST_ADMIN, {
      personId: p.id,
      channel: 'email',
      purpose: 'direct_marketing',
      source: 'registrations',
      evidenceText: 'Peruutuslinkki',
    });
    expect(w.withdrawn).toEqual([expect.objectContaining({ channel: 'email', purpose: 'direct_marketing' })]);
    expect((await sel()).contacts).toEqual([]);
  });

  it('R4.8 withdrawing everything on a verified withdrawal request withdraws each given consent and completes the request', async () => {
    const r = await open();
    const p = await person(r, { email: 'all@example.fi', phone: '+358401234567' });
    for (const [channel, purpose] of [
      ['email', 'direct_marketing'],
      ['email', 'market_research'],
      ['phone', 'distance_selling'],
    ] as const) {
      await recordConsent(r, TEST_ADMIN, {
        personId: p.id,
        channel,
        purpose,
        state: 'given',
        source: 'registrations',
        evidenceText: 'Lomake',
      });
    }
    const request = await receiveRequest(r, TEST_ADMIN, {
      type: 'withdrawal',
      personId: p.id,
      receivedVia: 'electronic',
    });
    const unverified = await failure(
      withdrawConsents(r, TEST_ADMIN, {
        personId: p.id,
        source: 'registrations',
        evidenceText: 'Sähköposti',
        requestId: request.id,
      }),
    );
    expect(unverified.code).toBe('REQUEST_NOT_VERIFIED');
    expect((await listConsents(r, TEST_ADMIN, p.id)).history).toHaveLength(3);
    await verifyIdentity(r, TEST_ADMIN, request.id, { method: 'known_contact_channel' });
    const w = await withdrawConsents(r, TEST_ADMIN, {
      personId: p.id,
      source: 'registrations',
      evidenceText: 'Sähköposti: "peruutan kaikki suostumukseni"',
      requestId: request.id,
    });
    expect(w.withdrawn.map((x) => `${x.channel}/${x.purpose}`).sort()).toEqual([
      'email/direct_marketing',
      'email/market_research',
      'phone/distance_selling',
    ]);
    expect(w.requestCompleted).toBe(true);
    const list = await listConsents(r, TEST_ADMIN, p.id);
    expect(list.current.filter((c) => c.state === 'given')).toEqual([]);
    expect(list.history.filter((h) => h.state === 'withdrawn').every((h) => h.requestId === request.id)).toBe(
      true,
    );
    const done = await getRequest(r, TEST_ADMIN, request.id);
    expect(done.state).toBe('completed');
  });
});

describe('objection to direct marketing (R4.6)', () => {
  it('R4.6 an objection on one channel is upheld at once: prohibited on every purpose of it, an objection row, the contact point suppressed', async () => {
    const r = await open();
    const p = await person(r, {
      email: 'obj@example.fi',
      address: [{ street: 'Katu 1', postalCode: '00100', city: 'Helsinki' }],
    });
    const res = await objectToDirectMarketing(r, TEST_ADMIN, {
      personId: p.id,
      channel: 'post',
      source: 'registrations',
      evidenceText: 'Kirje 1.3.2026',
    });
    expect(res.prohibited.map((x) => x.purpose)).toEqual([
      'direct_marketing',
      'distance_selling',
      'market_research',
      'mailing_labels',
    ]);
    expect(res.suppressed).toBe(1);
    const objection = await r.db.selectFrom('objections').selectAll().executeTakeFirstOrThrow();
    expect(objection).toMatchObject({
      id: res.objectionId,
      kind: 'direct_marketing',
      channel: 'post',
      state: 'upheld',
      decided_by: TEST_ADMIN.id,
    });
    expect(objection.decision).toContain('21');
    const supp = await r.db.selectFrom('suppressions').selectAll().execute();
    expect(supp).toEqual([
      expect.objectContaining({ channel: 'post', kind: 'address', purpose: null, reason: 'objection' }),
    ]);
    for (const purpose of ['direct_marketing', 'mailing_labels']) {
      const sel = await selectForMarketing(r, TEST_ADMIN, { purpose, channel: 'post' });
      expect(sel.contacts).toEqual([]);
    }
    // Another channel is untouched (email to a consumer needs consent; given, they are in).
    await recordConsent(r, TEST_ADMIN, {
      personId: p.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'registrations',
      evidenceText: 'Lomake',
    });
    const email = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'email' });
    expect(email.contacts.map((c) => c.personId)).toEqual([p.id]);
  });

  it('R4.6 a suppressed contact point keeps a later import of the same person out of marketing, after the first is erased', async () => {
    const r = await open();
    const p = await person(r, { phone: '040 123 4567' });
    await objectToDirectMarketing(r, TEST_ADMIN, {
      personId: p.id,
      source: 'registrations',
      evidenceText: 'Puhelu',
    });
    await r.db.deleteFrom('persons').where('id', '=', p.id).execute(); // as an erasure would
    const again = await person(r, { phone: '+358 40 1234567', first_name: 'Uusi' }, 'update_services');
    const sel = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'phone' });
    expect(sel.contacts.map((c) => c.personId)).not.toContain(again.id);
    expect(sel.contacts).toEqual([]);
  });
});

describe('imported suppression lists (R3.2)', () => {
  it('R3.2 an imported list keeps a person created later with that email out; a bad entry refuses the whole list', async () => {
    const r = await open();
    const bad = await failure(
      importSuppressions(r, TEST_ADMIN, {
        channel: 'email',
        listName: 'Kieltolista',
        entries: ['ok@example.fi', 'not an email'],
      }),
    );
    expect(bad.problems).toEqual([expect.objectContaining({ at: 'entries[1]' })]);
    expect(await r.db.selectFrom('suppressions').select('id').execute()).toHaveLength(0);
    const text = '# kieltolista\nemail\nKielletty@Example.FI\nmuu@example.fi\nmuu@example.fi\n';
    const res = await importSuppressions(r, TEST_ADMIN, {
      channel: 'email',
      listName: 'Kieltolista 2026',
      validUntil: '2029-03-31',
      entries: parseSuppressionText(text, 'email'),
    });
    expect(res).toMatchObject({ kind: 'email', added: 2, skipped: 1 });
    const dump = JSON.stringify(
      (await sql`select s::text as t from suppressions s`.execute(r.db)).rows,
    ).toLowerCase();
    expect(dump).not.toContain('kielletty');
    const later = await person(r, { email: 'kielletty@example.fi' });
    const free = await person(r, { email: 'vapaa@example.fi' });
    await createContactRoleFor(r, later.id);
    await createContactRoleFor(r, free.id);
    const sel = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'email' });
    expect(sel.contacts.map((c) => c.personId)).toEqual([free.id]);
    // The list ends: after its last day the person is selected again.
    (r.clock as ReturnType<typeof fixedClock>).set('2029-04-01T00:00:00Z');
    const after = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'email' });
    expect(after.contacts.map((c) => c.personId).sort()).toEqual([later.id, free.id].sort());
  });

  it('R3.2 an ASML address list and a phone list: parsed from text, matched however the address is spelt', async () => {
    const r = await open();
    const entries = parseSuppressionText(
      'street;postal_code;city\nEsimerkkikatu 1 A 2;00100;Helsinki\nPL 55;00101;HELSINKI\n',
      'address',
    );
    expect(entries).toEqual([
      { street: 'Esimerkkikatu 1 A 2', postalCode: '00100', city: 'Helsinki', country: 'FI' },
      { poBox: 'PL 55', postalCode: '00101', city: 'HELSINKI', country: 'FI' },
    ]);
    await importSuppressions(r, TEST_ADMIN, { channel: 'post', listName: 'ASML osoitteellinen', entries });
    const a = await person(r, {
      address: [{ street: 'esimerkkikatu  1 a 2', postalCode: '00100', city: 'Helsinki' }],
    });
    const b = await person(r, {
      address: [{ street: 'Toinen katu 3', postalCode: '00100', city: 'Helsinki' }],
    });
    const sel = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'post' });
    expect(sel.contacts.map((c) => c.personId)).toEqual([b.id]);
    expect(sel.contacts.map((c) => c.personId)).not.toContain(a.id);
    const phoneBad = await failure(
      importSuppressions(r, TEST_ADMIN, { channel: 'fax', listName: 'x', entries: ['1'] }),
    );
    expect(phoneBad.problems[0]?.message).toContain('declared: post, phone, email');
  });
});

describe('suppression of a postal address (R3.2, R4.6)', () => {
  it('R4.6 a prohibition by one person at an address leaves a housemate in; a named ASML entry suppresses only that addressee', async () => {
    const r = await open();
    const home = [{ street: 'Kotikatu 7 B 12', postalCode: '00500', city: 'Helsinki' }];
    const maija = await person(r, { first_name: 'Maija', address: home });
    const matti = await person(r, { first_name: 'Matti', address: home });
    await recordConsent(r, TEST_ADMIN, {
      personId: maija.id,
      channel: 'post',
      purpose: 'mailing_labels',
      state: 'prohibited',
      source: 'registrations',
      evidenceText: 'Kielsi',
    });
    const sel = async (purpose: string) =>
      (await selectForMarketing(r, TEST_ADMIN, { purpose, channel: 'post' })).contacts.map((c) => c.personId);
    expect(await sel('mailing_labels')).toEqual([matti.id]);
    // Maija erased and imported again at the same address: still out, by her name at the address.
    await r.db.deleteFrom('persons').where('id', '=', maija.id).execute();
    const again = await person(
      r,
      { first_name: 'MAIJA', last_name: 'meikäläinen', address: home },
      'update_services',
    );
    expect(await sel('mailing_labels')).toEqual([matti.id]);
    expect(await sel('direct_marketing')).toEqual([matti.id, again.id].sort());
    // An ASML entry names Matti (surname first, as lists do): only he goes from direct marketing.
    await importSuppressions(r, TEST_ADMIN, {
      channel: 'post',
      listName: 'ASML',
      entries: parseSuppressionText('Kotikatu 7 B 12;00500;Helsinki;FI;Meikäläinen Matti', 'address'),
    });
    expect(await sel('direct_marketing')).toEqual([again.id]);
  });
});

async function createContactRoleFor(r: Register, personId: string): Promise<void> {
  const { createOrganisation } = await import('../organisations/create-organisation');
  const { addContactRole } = await import('../organisations/contact-roles');
  const org = await createOrganisation(r, TEST_ADMIN, {
    source: 'registrations',
    fields: { name: 'Yritys Oy' },
  });
  await addContactRole(r, TEST_ADMIN, {
    personId,
    organisationId: org.id,
    startsOn: '2020-01-01',
    source: 'registrations',
  });
}
