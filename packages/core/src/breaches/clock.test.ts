import { describe, expect, it } from 'vitest';
import { authorityDeadline, breachClock, isLateNotification } from './clock';

describe('the 72-hour clock of a breach (GDPR art. 33(1))', () => {
  const discovered = new Date('2026-03-28T10:00:00Z');

  it('art. 33 the deadline is 72 elapsed hours after discovery, across a change of summer time', () => {
    // Finland moves its clocks forward on 29 March 2026: still 72 real hours.
    expect(authorityDeadline(discovered).toISOString()).toBe('2026-03-31T10:00:00.000Z');
  });

  it('art. 33 exactly 72 hours is in time; a millisecond later is late', () => {
    expect(isLateNotification(discovered, new Date('2026-03-31T10:00:00.000Z'))).toBe(false);
    expect(isLateNotification(discovered, new Date('2026-03-31T10:00:00.001Z'))).toBe(true);
  });

  it('art. 33 hours left count down, turn negative and overdue past the deadline; a notification stops the clock', () => {
    expect(breachClock(discovered, null, new Date('2026-03-29T10:00:00Z'))).toMatchObject({
      hoursLeft: 48,
      overdue: false,
    });
    expect(breachClock(discovered, null, new Date('2026-03-31T13:00:00Z'))).toMatchObject({
      hoursLeft: -3,
      overdue: true,
    });
    expect(
      breachClock(discovered, new Date('2026-03-31T12:00:00Z'), new Date('2026-04-10T00:00:00Z')),
    ).toMatchObject({ hoursLeft: null, overdue: false, late: true });
  });
});
