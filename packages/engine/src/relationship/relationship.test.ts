import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { createRecord } from '../records/create-record';
import { updateRecord } from '../records/update-record';
import { fixedClock, openTestRegister, rejection, TEST_ADMIN } from '../testing';
import { endRelationship } from './end-relationship';
import { getRelationship } from './get-relationship';
import { reopenRelationship } from './reopen-relationship';

describe('the customer relationship, recorded end (001-vitec-katrina)', () => {
  let reg: Register;
  let person: string;
  const clock = fixedClock('2024-01-10T10:00:00Z');
  beforeAll(async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock });
    person = (
      await createPerson(reg, TEST_ADMIN, {
        source: 'registrations',
        fields: { first_name: 'Aino', last_name: 'A' },
      })
    ).id;
    clock.set('2024-06-01T12:00:00Z');
  });
  afterAll(async () => {
    await reg.close();
  });

  it('R5.1 a relationship is active until staff record its end, then ended from that day; audited', async () => {
    expect(await getRelationship(reg, TEST_ADMIN, person)).toMatchObject({
      personId: person,
      rule: 'explicit',
      state: 'active',
      basis: 'explicit',
      endedAt: null,
      createdAt: '2024-01-10T10:00:00.000Z',
    });
    const ended = await endRelationship(reg, TEST_ADMIN, person, {
      endedAt: '2024-05-31',
      reason: 'Sopimus päättyi',
    });
    expect(ended).toMatchObject({
      state: 'ended',
      basis: 'explicit',
      endedAt: '2024-05-31T00:00:00.000Z',
      endReason: 'Sopimus päättyi',
    });
    const audit = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('person_id', '=', person)
      .where('action', '=', 'end_relationship')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.details)).not.toContain('Sopimus');
  });

  it('R5.1 an end before the person was added or after today is refused and changes nothing', async () => {
    const before = await endRelationship(reg, TEST_ADMIN, person, { endedAt: '2024-05-31' });
    const early = await rejection(endRelationship(reg, TEST_ADMIN, person, { endedAt: '2024-01-09' }));
    expect(early.problems[0]?.message).toMatch(/before the person was added \(2024-01-10\)/);
    const future = await rejection(endRelationship(reg, TEST_ADMIN, person, { endedAt: '2024-06-02' }));
    expect(future.problems).toEqual([{ at: 'endedAt', message: 'the relationship cannot end after today' }]);
    const bad = await rejection(
      endRelationship(reg, TEST_ADMIN, person, { endedAt: 'eilen', reason: 'a\u0000b' }),
    );
    expect(bad.problems.map((p) => p.at)).toEqual(['endedAt', 'reason']);
    expect((await getRelationship(reg, TEST_ADMIN, person)).endedAt).toBe(before.endedAt);
    // The day the person was added and later today are fine; now by default.
    expect((await endRelationship(reg, TEST_ADMIN, person, { endedAt: '2024-01-10' })).state).toBe('ended');
    expect((await endRelationship(reg, TEST_ADMIN, person)).endedAt).toBe('2024-06-01T12:00:00.000Z');
    expect(
      (await rejection(endRelationship(reg, TEST_ADMIN, '01900000-0000-7000-8000-000000000000'))).code,
    ).toBe('NOT_FOUND');
  });

  it('R5.1 an open invoice or debt collection case keeps an ended relationship active', async () => {
    const invoice = await createRecord(reg, TEST_ADMIN, person, {
      kind: 'invoices',
      source: 'purchases',
      fields: { issued_on: '2024-05-01', due_on: '2024-05-15', amount: 10, state: 'open' },
    });
    expect(await getRelationship(reg, TEST_ADMIN, person)).toMatchObject({
      state: 'active',
      openInvoices: 1,
      keptActiveBy: ['open_invoice'],
    });
    await updateRecord(reg, TEST_ADMIN, invoice.id, { source: 'purchases', fields: { state: 'paid' } });
    expect((await getRelationship(reg, TEST_ADMIN, person)).state).toBe('ended');
  });

  it('R5.1 a recorded end is removed by reopening', async () => {
    const reopened = await reopenRelationship(reg, TEST_ADMIN, person);
    expect(reopened).toMatchObject({ state: 'active', endedAt: null, endReason: null });
    expect((await reopenRelationship(reg, TEST_ADMIN, person)).state).toBe('active');
  });
});

describe('the customer relationship judged from the last contact (003-auntie)', () => {
  it('R5.1 ends the inactivity period after the last service contact; a recorded end wins', async () => {
    const clock = fixedClock('2020-01-15T10:00:00Z');
    const reg = await openTestRegister('003-auntie', { clock });
    try {
      const rule = reg.definition.retention?.relationshipEnd;
      expect(rule?.kind).toBe('last_contact');
      const period = rule!.inactivityPeriod!;
      const p = (
        await createPerson(reg, TEST_ADMIN, {
          source: 'subject',
          fields: { first_name: 'Olli', last_name: 'O' },
        })
      ).id;
      clock.set('2021-01-31T12:00:00Z');
      await createRecord(reg, TEST_ADMIN, p, {
        kind: 'services',
        source: 'transactions',
        fields: { service: 'Siivous', service_date: '2021-01-31' },
      });
      const active = await getRelationship(reg, TEST_ADMIN, p);
      expect(active).toMatchObject({
        rule: 'last_contact',
        inactivityPeriod: period,
        state: 'active',
        basis: 'last_contact',
        lastContactAt: '2021-01-31T00:00:00.000Z',
      });
      const judged = new Date(active.judgedEndAt!);
      clock.set(new Date(judged.getTime() + 1000).toISOString());
      expect(await getRelationship(reg, TEST_ADMIN, p)).toMatchObject({
        state: 'ended',
        basis: 'last_contact',
        endedAt: active.judgedEndAt,
      });
      clock.set('2022-01-01T00:00:00Z');
      const ended = await endRelationship(reg, TEST_ADMIN, p, { endedAt: '2021-12-31' });
      expect(ended).toMatchObject({ state: 'ended', basis: 'explicit', endedAt: '2021-12-31T00:00:00.000Z' });
    } finally {
      await reg.close();
    }
  });
});
