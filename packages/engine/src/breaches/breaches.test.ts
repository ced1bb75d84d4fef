import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLupausError, type LupausError } from '@lupaus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { searchAudit } from '../audit/search-audit';
import type { Actor, Register } from '../context';
import { createPerson } from '../persons/create-person';
import { EXAMPLES_DIR } from '../register/open-register';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { addBreachPersons } from './add-breach-persons';
import { closeBreach } from './close-breach';
import { decideSubjectNotification } from './decide-subject-notification';
import { getBreach } from './get-breach';
import { listBreaches } from './list-breaches';
import { notifyBreachSubjects } from './notify-breach-subjects';
import { recordAuthorityNotification } from './record-authority-notification';
import { recordBreach } from './record-breach';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

async function failure(p: Promise<unknown>): Promise<LupausError> {
  try {
    await p;
  } catch (e) {
    if (isLupausError(e)) return e;
    throw e;
  }
  throw new Error('expected a LupausError');
}

async function counts(r: Register) {
  const n = async (table: 'breaches' | 'breach_persons' | 'notifications' | 'audit_log') =>
    Number(
      (
        await r.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    breaches: await n('breaches'),
    persons: await n('breach_persons'),
    notifications: await n('notifications'),
    audit: await n('audit_log'),
  };
}

const BREACH = {
  title: 'Asiakaslista väärälle vastaanottajalle',
  description: 'Kanta-asiakkaiden yhteystiedot lähetettiin sähköpostilla väärälle yhteistyökumppanille.',
  categories: ['basic_details'],
  consequences: 'Tietojenkalastelu: viestejä, jotka näyttävät tulevan meiltä.',
  measures: 'Vastaanottaja on vahvistanut poistaneensa tiedoston. Älkää avatko epäilyttäviä linkkejä.',
  risk: 'high' as const,
};

describe('personal data breaches (GDPR art. 33–34)', () => {
  it('art. 33 the 72-hour clock runs from discovery; the listing shows hours left and flags an overdue breach', async () => {
    const clock = fixedClock('2026-03-02T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const b = await recordBreach(reg, TEST_ADMIN, { ...BREACH, discoveredAt: '2026-03-02T08:00:00Z' });
    expect(b).toMatchObject({
      discoveredAt: '2026-03-02T08:00:00.000Z',
      authorityDeadline: '2026-03-05T08:00:00.000Z',
      authorityNotificationRequired: true,
      hoursLeft: 71,
      overdue: false,
      persons: { total: 0, notified: 0 },
    });
    const minor = await recordBreach(reg, TEST_ADMIN, {
      ...BREACH,
      title: 'Salattu muistitikku hukassa',
      risk: 'unlikely',
    });

    clock.set('2026-03-05T07:30:00Z');
    let listed = (await listBreaches(reg, TEST_ADMIN)).items;
    expect(listed.find((x) => x.id === b.id)).toMatchObject({ hoursLeft: 0.5, overdue: false });
    expect((await listBreaches(reg, TEST_ADMIN, { overdue: true })).items).toEqual([]);

    clock.set('2026-03-05T08:00:01Z');
    listed = (await listBreaches(reg, TEST_ADMIN)).items;
    expect(listed.find((x) => x.id === b.id)).toMatchObject({ overdue: true });
    expect(listed.find((x) => x.id === b.id)!.hoursLeft).toBeLessThanOrEqual(0);
    // Unlikely to result in a risk: no notification to the authority is due (art. 33(1)), so never overdue.
    expect(listed.find((x) => x.id === minor.id)).toMatchObject({
      authorityNotificationRequired: false,
      hoursLeft: null,
      overdue: false,
    });
    expect((await listBreaches(reg, TEST_ADMIN, { overdue: true })).items.map((x) => x.id)).toEqual([b.id]);
  });

  it('art. 33 a notification later than 72 hours without a delay reason is refused naming delayReason, nothing written; with one it is recorded', async () => {
    const clock = fixedClock('2026-03-02T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const b = await recordBreach(reg, TEST_ADMIN, BREACH);
    clock.set('2026-03-06T09:00:00Z');
    const before = await counts(reg);
    const late = await failure(recordAuthorityNotification(reg, TEST_ADMIN, b.id, { reference: 'TSV-1' }));
    expect(late.code).toBe('VALIDATION_FAILED');
    expect(late.status).toBe(422);
    expect(late.problems).toEqual([
      expect.objectContaining({ at: 'delayReason', message: expect.stringContaining('72 hours') }),
    ]);
    expect(await counts(reg)).toEqual(before);
    expect((await getBreach(reg, TEST_ADMIN, b.id)).authorityNotifiedAt).toBeNull();

    // In time (a notification dated back within the 72 hours) needs no reason.
    const inTime = await recordAuthorityNotification(reg, TEST_ADMIN, b.id, {
      at: '2026-03-05T09:00:00Z',
      reference: 'TSV-1',
    });
    expect(inTime).toMatchObject({
      authorityNotifiedAt: '2026-03-05T09:00:00.000Z',
      authorityReference: 'TSV-1',
      overdue: false,
      hoursLeft: null,
    });
    const twice = await failure(recordAuthorityNotification(reg, TEST_ADMIN, b.id, {}));
    expect(twice.code).toBe('CONFLICT');

    const other = await recordBreach(reg, TEST_ADMIN, { ...BREACH, discoveredAt: '2026-03-01T09:00:00Z' });
    const withReason = await recordAuthorityNotification(reg, TEST_ADMIN, other.id, {
      delayReason: 'The extent was only known after the partner’s log review.',
    });
    expect(withReason).toMatchObject({
      authorityNotifiedAt: '2026-03-06T09:00:00.000Z',
      delayReason: 'The extent was only known after the partner’s log review.',
    });
  });

  it('art. 34 a high-risk breach must be told to the persons unless a reason under art. 34(3) is given', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-02T09:00:00Z') });
    const b = await recordBreach(reg, TEST_ADMIN, BREACH);
    const noReason = await failure(
      decideSubjectNotification(reg, TEST_ADMIN, b.id, { decision: 'not_required' }),
    );
    expect(noReason.problems.map((p) => p.at)).toEqual(['reason']);
    const noGround = await failure(
      decideSubjectNotification(reg, TEST_ADMIN, b.id, { decision: 'not_required', reason: 'Not needed' }),
    );
    expect(noGround.problems).toEqual([
      expect.objectContaining({ at: 'exemption', message: expect.stringContaining('art. 34(3)') }),
    ]);
    expect((await getBreach(reg, TEST_ADMIN, b.id)).subjectsDecision).toBeNull();
    const exempt = await decideSubjectNotification(reg, TEST_ADMIN, b.id, {
      decision: 'not_required',
      exemption: 'protected',
      reason: 'The file was encrypted and the key was not sent.',
    });
    expect(exempt).toMatchObject({
      subjectsDecision: 'not_required',
      subjectsDecisionReason: 'art. 34(3)(a): The file was encrypted and the key was not sent.',
    });
    // Closing needs the authority's notification for a breach that is not unlikely to result in a risk.
    const close = await failure(closeBreach(reg, TEST_ADMIN, b.id));
    expect(close.problems.map((p) => p.at)).toEqual(['authorityNotifiedAt']);

    const lower = await recordBreach(reg, TEST_ADMIN, { ...BREACH, risk: 'risk' });
    expect(
      await decideSubjectNotification(reg, TEST_ADMIN, lower.id, {
        decision: 'not_required',
        reason: 'Only a risk, not a high risk.',
      }),
    ).toMatchObject({
      subjectsDecision: 'not_required',
      subjectsDecisionReason: 'Only a risk, not a high risk.',
    });
  });

  it('art. 34 notices go to the outbox one per person, in plain language with the art. 34(2) content; persons without email are listed', async () => {
    const clock = fixedClock('2026-03-02T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const maija = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
    });
    const pekka = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Pekka', last_name: 'Kivinen', email: 'pekka@example.fi' },
    });
    const noEmail = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Liisa', last_name: 'Laine' },
    });
    const b = await recordBreach(reg, TEST_ADMIN, BREACH);
    const added = await addBreachPersons(reg, TEST_ADMIN, b.id, [maija.id, noEmail.id]);
    expect(added).toMatchObject({
      added: 2,
      alreadyListed: 0,
      breach: { persons: { total: 2, notified: 0 } },
    });
    expect(await addBreachPersons(reg, TEST_ADMIN, b.id, [maija.id])).toMatchObject({
      added: 0,
      alreadyListed: 1,
    });

    const undecided = await failure(notifyBreachSubjects(reg, TEST_ADMIN, b.id));
    expect(undecided.problems.map((p) => p.at)).toEqual(['subjectsDecision']);
    await decideSubjectNotification(reg, TEST_ADMIN, b.id, { decision: 'notify' });
    clock.set('2026-03-02T12:00:00Z');
    const sent = await notifyBreachSubjects(reg, TEST_ADMIN, b.id);
    expect(sent.queued.map((q) => q.personId)).toEqual([maija.id]);
    expect(sent.notReachableByEmail).toEqual([noEmail.id]);
    expect(sent.breach.persons).toEqual({ total: 2, notified: 1 });

    const outbox = await reg.db.selectFrom('notifications').selectAll().execute();
    expect(outbox).toHaveLength(1);
    const n = outbox[0]!;
    expect(n).toMatchObject({
      person_id: maija.id,
      kind: 'breach',
      audience: 'subject',
      to_address: 'maija@example.fi',
    });
    // Art. 34(2): the nature, the contact point (the DPO of the definition), the likely consequences, the measures.
    expect(n.body).toContain(BREACH.description);
    expect(n.body).toContain(BREACH.consequences);
    expect(n.body).toContain(BREACH.measures);
    expect(n.body).toContain('oliver@auntie.fi');
    expect(n.body).toContain('Oliver Lindqvist');
    const category = reg.definition.categories.find((c) => c.id === 'basic_details')!;
    expect(n.body).toContain(category.name.fi);
    expect(n.body).toContain(category.name.en);
    expect(n.body).not.toContain('Liisa');
    expect(n.body).not.toContain('pekka@example.fi');

    // A person added later is notified by the next call; the first is not told twice.
    await addBreachPersons(reg, TEST_ADMIN, b.id, [pekka.id]);
    const again = await notifyBreachSubjects(reg, TEST_ADMIN, b.id);
    expect(again.queued.map((q) => q.personId)).toEqual([pekka.id]);
    expect(again.alreadyNotified).toBe(1);
    expect(await reg.db.selectFrom('notifications').select('person_id').execute()).toHaveLength(2);

    const detail = await getBreach(reg, TEST_ADMIN, b.id);
    expect(detail.affected).toEqual([
      {
        personId: maija.id,
        firstName: 'Maija',
        lastName: 'Virtanen',
        addedAt: '2026-03-02T09:00:00.000Z',
        notifiedAt: '2026-03-02T12:00:00.000Z',
      },
      {
        personId: noEmail.id,
        firstName: 'Liisa',
        lastName: 'Laine',
        addedAt: '2026-03-02T09:00:00.000Z',
        notifiedAt: null,
      },
      {
        personId: pekka.id,
        firstName: 'Pekka',
        lastName: 'Kivinen',
        addedAt: '2026-03-02T12:00:00.000Z',
        notifiedAt: '2026-03-02T12:00:00.000Z',
      },
    ]);
    // Once notices are sent the decision to notify stands.
    const undo = await failure(
      decideSubjectNotification(reg, TEST_ADMIN, b.id, {
        decision: 'not_required',
        exemption: 'mitigated',
        reason: 'x',
      }),
    );
    expect(undo.code).toBe('CONFLICT');

    // Audit rows hold ids only: no email address, no name.
    const rows = await reg.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'breach')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['breach_record', 'breach_person_add', 'breach_notify_subject', 'breach_read']),
    );
    expect(rows.filter((r) => r.action === 'breach_notify_subject').map((r) => r.person_id)).toEqual([
      maija.id,
      pekka.id,
    ]);
    const text = JSON.stringify(rows);
    expect(text).not.toContain('maija@example.fi');
    expect(text).not.toContain('Virtanen');

    // The privacy officer may read persons too, so sees the list of ids.
    const officer: Actor = { id: 'dpo-only', roles: ['privacy_officer'], commitmentSigned: true };
    expect((await getBreach(reg, officer, b.id)).affected).not.toBeNull();
  });

  it('art. 33 undeclared categories and unknown persons are refused by name, and nothing is written', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-02T09:00:00Z') });
    const before = await counts(reg);
    const bad = await failure(
      recordBreach(reg, TEST_ADMIN, { ...BREACH, categories: ['basic_details', 'medical_records', 'bank'] }),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.problems).toEqual([
      expect.objectContaining({ at: 'categories[1]', message: expect.stringContaining('"medical_records"') }),
      expect.objectContaining({ at: 'categories[2]', message: expect.stringContaining('"bank"') }),
    ]);
    expect(await counts(reg)).toEqual(before);

    const future = await failure(
      recordBreach(reg, TEST_ADMIN, {
        ...BREACH,
        discoveredAt: '2026-03-03T09:00:00Z',
        risk: 'huge' as 'high',
      }),
    );
    expect(future.problems.map((p) => p.at).sort()).toEqual(['discoveredAt', 'risk']);
    // A day the calendar has not is refused, not rolled over into March.
    const noSuchDay = await failure(
      recordBreach(reg, TEST_ADMIN, { ...BREACH, occurredAt: '2026-02-30T10:00:00Z' }),
    );
    expect(noSuchDay.problems.map((p) => p.at)).toEqual(['occurredAt']);
    expect(await counts(reg)).toEqual(before);

    const b = await recordBreach(reg, TEST_ADMIN, BREACH);
    const p = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    const afterRecord = await counts(reg);
    const ghost = '01900000-0000-7000-8000-000000000001';
    const unknown = await failure(addBreachPersons(reg, TEST_ADMIN, b.id, [p.id, ghost, 'nope']));
    expect(unknown.problems).toEqual([
      expect.objectContaining({ at: 'personIds[2]', message: expect.stringContaining('"nope"') }),
    ]);
    const missing = await failure(addBreachPersons(reg, TEST_ADMIN, b.id, [p.id, ghost]));
    expect(missing.problems).toEqual([
      expect.objectContaining({ at: 'personIds[1]', message: expect.stringContaining(ghost) }),
    ]);
    expect(await counts(reg)).toEqual(afterRecord);

    const notFound = await failure(addBreachPersons(reg, TEST_ADMIN, ghost, [p.id]));
    expect(notFound.code).toBe('NOT_FOUND');
  });

  it('art. 33 only breaches.manage may handle breaches; without persons.read the affected persons are counts only; a closed breach takes nothing more', async () => {
    const clock = fixedClock('2026-03-02T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const marketing: Actor = { id: 'm', roles: ['marketing'], commitmentSigned: true };
    expect((await failure(recordBreach(reg, marketing, BREACH))).code).toBe('FORBIDDEN');
    const b = await recordBreach(reg, TEST_ADMIN, { ...BREACH, risk: 'risk' });
    const p = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    await addBreachPersons(reg, TEST_ADMIN, b.id, [p.id]);
    const scoped: Actor = { ...TEST_ADMIN, id: 'token', scopes: ['breaches.manage'] };
    const view = await getBreach(reg, scoped, b.id);
    expect(view.affected).toBeNull();
    expect(view.persons).toEqual({ total: 1, notified: 0 });
    expect((await getBreach(reg, TEST_ADMIN, b.id)).affected?.map((x) => x.personId)).toEqual([p.id]);

    await recordAuthorityNotification(reg, TEST_ADMIN, b.id, { reference: 'TSV-2' });
    const closed = await closeBreach(reg, TEST_ADMIN, b.id);
    expect(closed.closedAt).toBe('2026-03-02T09:00:00.000Z');
    expect((await failure(addBreachPersons(reg, TEST_ADMIN, b.id, [p.id]))).code).toBe('BREACH_CLOSED');
    expect((await failure(closeBreach(reg, TEST_ADMIN, b.id))).code).toBe('BREACH_CLOSED');
    expect((await listBreaches(reg, TEST_ADMIN, { open: true })).items).toEqual([]);
  });
  it('art. 33 R6.2 R6.4 a breach names the affected persons as the actor may read names, audited by one row naming them', async () => {
    // The last name readable by administrators only: a privacy officer sees the first name alone.
    const source = readFileSync(join(EXAMPLES_DIR, '003-auntie', 'register.yaml'), 'utf8');
    const lastName = '        label: { fi: Sukunimi, en: Last name }\n        type: text\n';
    expect(source).toContain(lastName);
    reg = await openTestRegister('003-auntie', {
      clock: fixedClock('2026-03-02T09:00:00Z'),
      definitionSource: source.replace(lastName, `${lastName}        readRoles: [administrator]\n`),
    });
    const maija = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    const pekka = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Pekka', last_name: 'Kivinen' },
    });
    const b = await recordBreach(reg, TEST_ADMIN, BREACH);
    await addBreachPersons(reg, TEST_ADMIN, b.id, [maija.id, pekka.id]);
    const names = (d: Awaited<ReturnType<typeof getBreach>>) =>
      d.affected?.map((p) => [p.personId, p.firstName, p.lastName]) ?? null;

    expect(names(await getBreach(reg, TEST_ADMIN, b.id))).toEqual([
      [maija.id, 'Maija', 'Virtanen'],
      [pekka.id, 'Pekka', 'Kivinen'],
    ]);
    const officer: Actor = { id: 'dpo', roles: ['privacy_officer'], commitmentSigned: true };
    expect(names(await getBreach(reg, officer, b.id))).toEqual([
      [maija.id, 'Maija', null],
      [pekka.id, 'Pekka', null],
    ]);
    const scoped: Actor = { ...TEST_ADMIN, id: 'token', scopes: ['breaches.manage'] };
    expect(names(await getBreach(reg, scoped, b.id))).toBeNull();

    // One row per read names the persons shown and the name fields shown: ids and field names, no names.
    const rows = await reg.db
      .selectFrom('audit_log')
      .select(['actor', 'entity_id', 'person_id', 'person_ids', 'details'])
      .where('action', '=', 'breach_read')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.actor, r.entity_id, r.person_id])).toEqual([
      ['test-admin', b.id, null],
      ['dpo', b.id, null],
      ['token', b.id, null],
    ]);
    expect(rows.map((r) => [...(r.person_ids ?? [])].sort())).toEqual([
      [maija.id, pekka.id].sort(),
      [maija.id, pekka.id].sort(),
      [],
    ]);
    expect(rows.map((r) => (r.details as { fields: string[] }).fields)).toEqual([
      ['first_name', 'last_name'],
      ['first_name'],
      [],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/Maija|Virtanen|Pekka|Kivinen/);
    const seen = await searchAudit(reg, TEST_ADMIN, { personId: pekka.id, action: 'breach_read' });
    expect(seen.entries.map((e) => e.actor).sort()).toEqual(['dpo', 'test-admin']);
  });
});
