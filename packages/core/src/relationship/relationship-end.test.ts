import { describe, expect, it } from 'vitest';
import { addPeriod, parsePeriod } from './period';
import { type RelationshipFacts, relationshipStatus } from './relationship-end';

const d = (iso: string) => new Date(iso);

const facts = (over: Partial<RelationshipFacts> = {}): RelationshipFacts => ({
  createdAt: d('2020-01-15T10:00:00Z'),
  relationshipEndedAt: null,
  lastContactAt: null,
  hasOpenInvoice: false,
  hasOpenCollection: false,
  ...over,
});

describe('addPeriod', () => {
  it('R5.1 adds years and months like PostgreSQL, clamping to the end of a shorter month', () => {
    expect(addPeriod(d('2024-01-31T00:00:00Z'), 'P1M').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(addPeriod(d('2023-01-31T08:30:00Z'), 'P1M').toISOString()).toBe('2023-02-28T08:30:00.000Z');
    expect(addPeriod(d('2024-02-29T00:00:00Z'), 'P1Y').toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(addPeriod(d('2024-08-31T00:00:00Z'), 'P7M').toISOString()).toBe('2025-03-31T00:00:00.000Z');
    expect(addPeriod(d('2024-07-31T00:00:00Z'), 'P3M').toISOString()).toBe('2024-10-31T00:00:00.000Z');
    expect(addPeriod(d('2024-11-30T00:00:00Z'), 'P3M').toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(addPeriod(d('2014-06-30T00:00:00Z'), 'P10Y').toISOString()).toBe('2024-06-30T00:00:00.000Z');
  });

  it('R5.1 adds weeks and days after the months', () => {
    expect(addPeriod(d('2024-01-31T00:00:00Z'), 'P1M1D').toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(addPeriod(d('2024-02-20T00:00:00Z'), 'P2W').toISOString()).toBe('2024-03-05T00:00:00.000Z');
    expect(parsePeriod('P1Y2M3W4D')).toEqual({ years: 1, months: 2, days: 25 });
    expect(() => parsePeriod('P')).toThrow(/period/);
    expect(() => parsePeriod('1Y')).toThrow(/period/);
  });
});

describe('relationshipStatus', () => {
  const lastContact = { kind: 'last_contact' as const, inactivityPeriod: 'P3Y' };

  it('R5.1 explicit: active until staff record the end, ended from then on', () => {
    expect(relationshipStatus({ kind: 'explicit' }, facts(), d('2030-01-01'))).toEqual({
      state: 'active',
      basis: 'explicit',
    });
    const ended = facts({ relationshipEndedAt: d('2023-05-01T00:00:00Z') });
    expect(relationshipStatus({ kind: 'explicit' }, ended, d('2024-01-01'))).toEqual({
      state: 'ended',
      endedAt: d('2023-05-01T00:00:00Z'),
      basis: 'explicit',
    });
    // No rule at all counts as explicit.
    expect(relationshipStatus(undefined, ended, d('2024-01-01')).state).toBe('ended');
  });

  it('R5.1 last_contact: ends the inactivity period after the last contact, judged with month-end clamping', () => {
    const f = facts({ lastContactAt: d('2021-01-31T12:00:00Z') });
    const before = relationshipStatus(lastContact, f, d('2024-01-31T11:59:59Z'));
    expect(before).toEqual({
      state: 'active',
      judgedEndAt: d('2024-01-31T12:00:00Z'),
      basis: 'last_contact',
    });
    const after = relationshipStatus(lastContact, f, d('2024-01-31T12:00:00Z'));
    expect(after).toEqual({
      state: 'ended',
      endedAt: d('2024-01-31T12:00:00Z'),
      judgedEndAt: d('2024-01-31T12:00:00Z'),
      basis: 'last_contact',
    });
    const monthEnd = relationshipStatus(
      { kind: 'last_contact', inactivityPeriod: 'P1M' },
      facts({ lastContactAt: d('2024-01-31T00:00:00Z') }),
      d('2024-03-01'),
    );
    expect(monthEnd.judgedEndAt).toEqual(d('2024-02-29T00:00:00Z'));
  });

  it('R5.1 last_contact: with no contact, or one older than the person, it counts from when the person was added', () => {
    expect(relationshipStatus(lastContact, facts(), d('2022-01-01')).judgedEndAt).toEqual(
      d('2023-01-15T10:00:00Z'),
    );
    const older = facts({ lastContactAt: d('2019-01-01T00:00:00Z') });
    expect(relationshipStatus(lastContact, older, d('2022-01-01')).judgedEndAt).toEqual(
      d('2023-01-15T10:00:00Z'),
    );
  });

  it('R5.1 a recorded end wins over the judged one in the last_contact kind', () => {
    const f = facts({
      lastContactAt: d('2023-06-01T00:00:00Z'),
      relationshipEndedAt: d('2023-07-01T00:00:00Z'),
    });
    expect(relationshipStatus(lastContact, f, d('2023-08-01'))).toEqual({
      state: 'ended',
      endedAt: d('2023-07-01T00:00:00Z'),
      judgedEndAt: d('2026-06-01T00:00:00Z'),
      basis: 'explicit',
    });
  });

  it('R5.1 an open invoice or debt collection case keeps the relationship active', () => {
    const f = facts({ relationshipEndedAt: d('2023-07-01T00:00:00Z'), hasOpenInvoice: true });
    expect(relationshipStatus({ kind: 'explicit' }, f, d('2024-01-01'))).toEqual({
      state: 'active',
      endedAt: d('2023-07-01T00:00:00Z'),
      basis: 'explicit',
      keptActiveBy: ['open_invoice'],
    });
    const g = facts({ lastContactAt: d('2020-02-01T00:00:00Z'), hasOpenCollection: true });
    const s = relationshipStatus(lastContact, g, d('2024-01-01'));
    expect(s.state).toBe('active');
    expect(s.keptActiveBy).toEqual(['open_collection']);
    expect(s.basis).toBe('last_contact');
  });

  it('R5.1 a last_contact rule without a period cannot judge an end', () => {
    const s = relationshipStatus({ kind: 'last_contact' }, facts(), d('2040-01-01'));
    expect(s).toEqual({ state: 'active', basis: 'last_contact' });
  });
});
