import { describe, expect, it } from 'vitest';
import type { RetentionRule } from '../definition/schema';
import { relationshipStatus } from '../relationship/relationship-end';
import { anonymiseValue, ipNetwork } from './anonymise';
import { evaluateRetention, isHoldActive, type LegalHoldFacts } from './blockers';
import { dueDate } from './due-date';
import { addDuration, endOfDay, subtractDuration } from './duration';
import { afterFiscalYearEndCutoff, afterFiscalYearEndDue, fiscalPeriodEnd } from './fiscal';

const d = (iso: string) => new Date(iso);
const iso = (x: Date) => x.toISOString();
const rule = (kind: RetentionRule['kind'], extra: Partial<RetentionRule> = {}): RetentionRule => ({
  id: 'r',
  kind,
  description: { fi: 'x', en: 'x' },
  ...extra,
});

describe('durations', () => {
  it('R5.1 add clamps to the end of a shorter month, as PostgreSQL does', () => {
    expect(iso(addDuration(d('2026-01-31T00:00:00Z'), 'P1M'))).toBe('2026-02-28T00:00:00.000Z');
    expect(iso(addDuration(d('2028-01-31T15:30:00Z'), 'P1M'))).toBe('2028-02-29T15:30:00.000Z');
    expect(iso(addDuration(d('2025-11-30T09:00:00Z'), 'P3M'))).toBe('2026-02-28T09:00:00.000Z');
    expect(iso(addDuration(d('2025-07-31T09:00:00Z'), 'P7M'))).toBe('2026-02-28T09:00:00.000Z');
    expect(iso(addDuration(d('2024-02-29T00:00:00Z'), 'P10Y'))).toBe('2034-02-28T00:00:00.000Z');
    expect(iso(addDuration(d('2024-02-29T00:00:00Z'), 'P4Y'))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(addDuration(d('2026-12-31T23:59:59.999Z'), 'P2M'))).toBe('2027-02-28T23:59:59.999Z');
  });

  it('R5.1 subtract is adding the negated period: months first, clamped, then days', () => {
    expect(iso(subtractDuration(d('2026-03-31T00:00:00Z'), 'P1M'))).toBe('2026-02-28T00:00:00.000Z');
    expect(iso(subtractDuration(d('2024-03-31T00:00:00Z'), 'P1M'))).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(subtractDuration(d('2025-02-28T00:00:00Z'), 'P1Y'))).toBe('2024-02-28T00:00:00.000Z');
    expect(iso(subtractDuration(d('2026-03-01T00:00:00Z'), 'P1M1D'))).toBe('2026-01-31T00:00:00.000Z');
    expect(iso(subtractDuration(d('2026-01-15T00:00:00Z'), 'P2W'))).toBe('2026-01-01T00:00:00.000Z');
  });

  it('R5.1 a date as of which a sweep runs means the last millisecond of that UTC day', () => {
    expect(iso(endOfDay('2028-02-29'))).toBe('2028-02-29T23:59:59.999Z');
    expect(() => endOfDay('2027-02-29')).toThrow(/YYYY-MM-DD/);
  });
});

describe('accounting periods (Kirjanpitolaki 2:10, LEGAL.md B3)', () => {
  it('R5.1 the period containing a date ends on the next fiscal year end', () => {
    expect(fiscalPeriodEnd('2020-05-10', '12-31')).toBe('2020-12-31');
    expect(fiscalPeriodEnd('2020-12-31', '12-31')).toBe('2020-12-31');
    expect(fiscalPeriodEnd('2020-07-01', '06-30')).toBe('2021-06-30');
    expect(fiscalPeriodEnd('2020-06-30', '06-30')).toBe('2020-06-30');
    // 02-29 in a common year is the month's last day.
    expect(fiscalPeriodEnd('2023-02-01', '02-29')).toBe('2023-02-28');
    expect(fiscalPeriodEnd('2024-02-29', '02-29')).toBe('2024-02-29');
    expect(fiscalPeriodEnd(d('2020-12-31T23:00:00Z'), '12-31')).toBe('2020-12-31');
  });

  it('R5.1 vouchers go six years after the end of the calendar year in which their period ended', () => {
    expect(iso(afterFiscalYearEndDue('2020-05-10', '12-31', 'P6Y'))).toBe('2027-01-01T00:00:00.000Z');
    expect(iso(afterFiscalYearEndDue('2020-12-31', '12-31', 'P6Y'))).toBe('2027-01-01T00:00:00.000Z');
    expect(iso(afterFiscalYearEndDue('2021-01-01', '12-31', 'P6Y'))).toBe('2028-01-01T00:00:00.000Z');
    // A period from 2020-07-01 to 2021-06-30 ends in 2021: kept through 2027.
    expect(iso(afterFiscalYearEndDue('2020-08-01', '06-30', 'P6Y'))).toBe('2028-01-01T00:00:00.000Z');
    expect(iso(afterFiscalYearEndDue('2020-06-30', '06-30', 'P6Y'))).toBe('2027-01-01T00:00:00.000Z');
  });

  it('R5.1 one cutoff per category gives the same verdict as each record’s due date', () => {
    for (const fye of ['12-31', '06-30', '02-29', '09-30']) {
      for (const asOf of ['2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z', '2027-06-30T12:00:00Z']) {
        const cutoff = afterFiscalYearEndCutoff(d(asOf), fye, 'P6Y');
        for (let t = Date.UTC(2018, 0, 1); t < Date.UTC(2023, 0, 1); t += 86_400_000) {
          const date = new Date(t);
          const due = afterFiscalYearEndDue(date, fye, 'P6Y').getTime() <= d(asOf).getTime();
          expect(date.getTime() < cutoff.getTime(), `${fye} ${asOf} ${iso(date)}`).toBe(due);
        }
      }
    }
  });
});

describe('dueDate, for every kind of rule', () => {
  it('R5.1 from_creation: the record’s date (or when the person was added) plus the period', () => {
    const chats = rule('from_creation', { period: 'P3M' });
    expect(dueDate(chats, 'interaction', { occurredAt: d('2025-11-30T09:00:00Z') })).toEqual({
      status: 'due_at',
      at: d('2026-02-28T09:00:00Z'),
      from: d('2025-11-30T09:00:00Z'),
    });
    expect(dueDate(chats, 'person', { createdAt: d('2024-08-31T00:00:00Z') })).toMatchObject({
      at: d('2024-11-30T00:00:00Z'),
    });
    expect(dueDate(rule('from_creation'), 'interaction', { occurredAt: d('2025-01-01') }).status).toBe(
      'waiting',
    );
  });

  it('R5.1 after_relationship_end: never while the relationship lasts, then its end plus the period', () => {
    const customer = rule('after_relationship_end', { period: 'P10Y' });
    const facts = {
      createdAt: d('2010-01-01T00:00:00Z'),
      relationshipEndedAt: d('2016-02-29T12:00:00Z'),
      lastContactAt: null,
      hasOpenInvoice: false,
      hasOpenCollection: false,
    };
    const active = relationshipStatus(
      { kind: 'explicit' },
      { ...facts, relationshipEndedAt: null },
      d('2040-01-01'),
    );
    expect(dueDate(customer, 'person', { relationship: active })).toEqual({
      status: 'waiting',
      reason: 'relationship_active',
    });
    const ended = relationshipStatus({ kind: 'explicit' }, facts, d('2030-01-01'));
    expect(dueDate(customer, 'order', { relationship: ended })).toMatchObject({
      status: 'due_at',
      at: d('2026-02-28T12:00:00Z'),
    });
  });

  it('R5.1 until_relationship_ended: the end judged from the last contact plus the inactivity period', () => {
    const rel = { kind: 'last_contact' as const, inactivityPeriod: 'P3Y' };
    const facts = {
      createdAt: d('2019-01-01T00:00:00Z'),
      relationshipEndedAt: null,
      lastContactAt: d('2021-02-28T08:00:00Z'),
      hasOpenInvoice: false,
      hasOpenCollection: false,
    };
    const r = rule('until_relationship_ended');
    const before = relationshipStatus(rel, facts, d('2024-02-28T07:59:59Z'));
    expect(dueDate(r, 'interaction', { relationship: before }).status).toBe('waiting');
    const after = relationshipStatus(rel, facts, d('2024-02-28T08:00:00Z'));
    expect(dueDate(r, 'interaction', { relationship: after })).toMatchObject({
      status: 'due_at',
      at: d('2024-02-28T08:00:00Z'),
    });
  });

  it('R5.1 while_contact_person: the day after the last role ended (plus a period); never without roles', () => {
    const r = rule('while_contact_person');
    expect(dueDate(r, 'person', { contactRoles: [] })).toEqual({
      status: 'waiting',
      reason: 'not_a_contact_person',
    });
    expect(dueDate(r, 'person', { contactRoles: [{ id: 'a', endsOn: null }] })).toEqual({
      status: 'waiting',
      reason: 'contact_role_active',
    });
    const roles = [
      { id: 'a', endsOn: '2024-02-29' },
      { id: 'b', endsOn: '2023-12-31' },
    ];
    expect(dueDate(r, 'person', { contactRoles: roles })).toMatchObject({ at: d('2024-03-01T00:00:00Z') });
    expect(
      dueDate(rule('while_contact_person', { period: 'P1M' }), 'person', { contactRoles: roles }),
    ).toMatchObject({
      at: d('2024-04-01T00:00:00Z'),
    });
    expect(dueDate(r, 'contact_role', { roleEndsOn: '2026-01-31' })).toMatchObject({
      at: d('2026-02-01T00:00:00Z'),
    });
    expect(dueDate(r, 'contact_role', { roleEndsOn: null }).status).toBe('waiting');
  });

  it('R5.1 after_fiscal_year_end: the end of the calendar year of the period’s end plus the period', () => {
    const accounting = rule('after_fiscal_year_end', { period: 'P6Y' });
    expect(
      dueDate(accounting, 'invoice', { occurredAt: d('2020-08-01T00:00:00Z'), fiscalYearEnd: '06-30' }),
    ).toMatchObject({
      at: d('2028-01-01T00:00:00Z'),
    });
    expect(dueDate(accounting, 'invoice', { occurredAt: d('2020-08-01T00:00:00Z') })).toMatchObject({
      at: d('2027-01-01T00:00:00Z'),
    });
  });

  it('R5.1 until_no_longer_needed: never due, listed for review when older than reviewEvery', () => {
    const asNeeded = rule('until_no_longer_needed');
    const ctx = {
      asOf: d('2026-01-01'),
      personId: 'p',
      category: 'c',
      holds: [],
      openInvoice: false,
      openCollection: false,
    };
    expect(evaluateRetention(asNeeded, 'interaction', { occurredAt: d('2025-12-01') }, ctx).state).toBe(
      'review',
    );
    const yearly = rule('until_no_longer_needed', { reviewEvery: 'P1Y' });
    expect(evaluateRetention(yearly, 'interaction', { occurredAt: d('2025-12-01') }, ctx).state).toBe('kept');
    expect(evaluateRetention(yearly, 'interaction', { occurredAt: d('2024-12-31') }, ctx).state).toBe(
      'review',
    );
  });
});

describe('blockers', () => {
  const hold = (over: Partial<LegalHoldFacts> = {}): LegalHoldFacts => ({
    id: 'h',
    personId: null,
    category: 'chats',
    reason: 'dispute',
    startsAt: d('2026-01-01T00:00:00Z'),
    endsOn: '2026-06-30',
    releasedAt: null,
    ...over,
  });

  it('R5.2 a legal hold is active from its start through the whole day it ends on, unless released', () => {
    expect(isHoldActive(hold(), d('2025-12-31T23:59:59Z'))).toBe(false);
    expect(isHoldActive(hold(), d('2026-01-01T00:00:00Z'))).toBe(true);
    expect(isHoldActive(hold(), d('2026-06-30T23:59:59.999Z'))).toBe(true);
    expect(isHoldActive(hold(), d('2026-07-01T00:00:00Z'))).toBe(false);
    expect(isHoldActive(hold({ releasedAt: d('2026-02-01') }), d('2026-03-01'))).toBe(false);
  });

  it('R5.2 holds, open invoices and active contact roles block what is due, each named', () => {
    const chats = rule('from_creation', { period: 'P3M' });
    const base = {
      asOf: d('2026-03-01T00:00:00Z'),
      personId: 'p1',
      category: 'chats',
      holds: [],
      openInvoice: false,
      openCollection: false,
    };
    const facts = { occurredAt: d('2025-11-01T00:00:00Z') };
    expect(evaluateRetention(chats, 'interaction', facts, base).state).toBe('due');
    const held = evaluateRetention(chats, 'interaction', facts, { ...base, holds: [hold()] });
    expect(held).toMatchObject({
      state: 'blocked',
      blockers: [{ kind: 'legal_hold', holdId: 'h', until: '2026-06-30' }],
    });
    expect(
      evaluateRetention(chats, 'interaction', facts, {
        ...base,
        holds: [hold({ category: 'call_recordings' })],
      }).state,
    ).toBe('due');
    expect(
      evaluateRetention(chats, 'interaction', facts, {
        ...base,
        holds: [hold({ category: null, personId: 'p2' })],
      }).state,
    ).toBe('due');
    // An open invoice keeps orders but not interactions dated from creation.
    expect(evaluateRetention(chats, 'interaction', facts, { ...base, openInvoice: true }).state).toBe('due');
    expect(evaluateRetention(chats, 'order', facts, { ...base, openInvoice: true })).toMatchObject({
      state: 'blocked',
      blockers: [{ kind: 'open_invoice' }],
    });
    const roleFacts = {
      createdAt: d('2025-11-01T00:00:00Z'),
      contactRoles: [{ id: 'cr', endsOn: '2026-03-01' }],
    };
    expect(evaluateRetention(chats, 'person', roleFacts, base)).toMatchObject({
      state: 'blocked',
      blockers: [{ kind: 'contact_role', roleId: 'cr', until: '2026-03-01' }],
    });
    expect(
      evaluateRetention(rule('from_creation', { period: 'P1D' }), 'person', roleFacts, {
        ...base,
        asOf: d('2026-03-02'),
      }).state,
    ).toBe('due');
  });

  it('R5.2 an open invoice keeps a relationship, so data kept after its end is blocked, not lost', () => {
    const customer = rule('after_relationship_end', { period: 'P1Y' });
    const relationship = relationshipStatus(
      { kind: 'explicit' },
      {
        createdAt: d('2010-01-01'),
        relationshipEndedAt: d('2020-01-01T00:00:00Z'),
        lastContactAt: null,
        hasOpenInvoice: true,
        hasOpenCollection: false,
      },
      d('2026-01-01'),
    );
    const v = evaluateRetention(
      customer,
      'interaction',
      { relationship },
      {
        asOf: d('2026-01-01'),
        personId: 'p',
        category: 'c',
        holds: [],
        openInvoice: true,
        openCollection: false,
      },
    );
    expect(v).toMatchObject({ state: 'blocked', blockers: [{ kind: 'open_invoice' }] });
  });
});

describe('anonymiseValue', () => {
  it('R4.9 removes identifiers and free text, coarsens dates, addresses and IP addresses, keeps quantities', () => {
    for (const t of [
      'text',
      'longtext',
      'text_list',
      'email',
      'phone',
      'hetu',
      'business_id',
      'url',
      'file',
    ] as const) {
      expect(anonymiseValue(t, 'x'), t).toBeUndefined();
    }
    expect(anonymiseValue('date', '1987-06-15')).toBe('1987-01-01');
    expect(anonymiseValue('datetime', '2025-11-30T09:10:11.000Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(anonymiseValue('ip_address', '192.0.2.57')).toBe('192.0.2.0');
    expect(anonymiseValue('ip_address', '2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1::');
    expect(anonymiseValue('ip_address', '2001:db8::1')).toBe('2001:db8:0::');
    expect(anonymiseValue('ip_address', '::1')).toBe('0:0:0::');
    expect(
      anonymiseValue('address', {
        street: 'Mannerheimintie 1',
        postalCode: '00100',
        city: 'Helsinki',
        country: 'FI',
      }),
    ).toEqual({ postalCode: '00', country: 'FI' });
    expect(anonymiseValue('money', 12.5)).toBe(12.5);
    expect(anonymiseValue('integer', 4)).toBe(4);
    expect(anonymiseValue('boolean', false)).toBe(false);
    expect(anonymiseValue('enum', 'used')).toBe('used');
    expect(anonymiseValue('text', null)).toBeUndefined();
  });

  it('R4.9 anonymising twice changes nothing (a rerun after a crash is harmless)', () => {
    const samples: [Parameters<typeof anonymiseValue>[0], unknown][] = [
      ['date', '1987-06-15'],
      ['datetime', '2025-11-30T09:10:11.000Z'],
      ['ip_address', '192.0.2.57'],
      ['ip_address', 'fe80::1:2:3'],
      ['address', { street: 'Katu 1', postalCode: '33100', city: 'Tampere', country: 'FI' }],
      ['money', 3],
    ];
    for (const [type, value] of samples) {
      const once = anonymiseValue(type, value);
      expect(anonymiseValue(type, once), type).toEqual(once);
    }
    expect(ipNetwork('not an ip')).toBeUndefined();
    expect(ipNetwork('1:2:3')).toBeUndefined();
  });
});
