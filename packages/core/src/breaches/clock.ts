/**
 * The 72-hour clock of a personal data breach (GDPR art. 33(1)): the controller notifies the supervisory
 * authority without undue delay and, where feasible, not later than 72 hours after having become aware of it; a
 * later notification comes with the reasons for the delay. Pure arithmetic on instants (hours are elapsed time,
 * not calendar hours, so a change of daylight saving time changes nothing).
 */

/** Hours the controller has to notify the authority after becoming aware of a breach (art. 33(1)). */
export const AUTHORITY_NOTIFICATION_HOURS = 72;

const HOUR_MS = 3_600_000;

/** Where a breach stands against the 72-hour clock at an instant. */
export interface BreachClock {
  /** `discoveredAt` + 72 hours. */
  deadline: Date;
  /** Hours left until the deadline (negative once past), to one decimal; null once the authority is notified. */
  hoursLeft: number | null;
  /** Not notified and past the deadline. */
  overdue: boolean;
  /** Whether a notification made at `at` (or made already) is or was later than 72 hours (needs a delay reason). */
  late: boolean;
}

/**
 * The deadline for notifying the authority: 72 hours after the controller became aware of the breach.
 *
 * @example
 * ```ts
 * authorityDeadline(new Date('2026-03-02T09:00:00Z')).toISOString(); // '2026-03-05T09:00:00.000Z'
 * ```
 */
export function authorityDeadline(discoveredAt: Date): Date {
  return new Date(discoveredAt.getTime() + AUTHORITY_NOTIFICATION_HOURS * HOUR_MS);
}

/**
 * Whether a notification at `notifiedAt` is later than 72 hours after `discoveredAt` (art. 33(1): then it must
 * be accompanied by the reasons for the delay). Exactly 72 hours is still in time.
 */
export function isLateNotification(discoveredAt: Date, notifiedAt: Date): boolean {
  return notifiedAt.getTime() > authorityDeadline(discoveredAt).getTime();
}

/**
 * The clock of one breach at `now`.
 *
 * @example
 * ```ts
 * breachClock(new Date('2026-03-02T09:00:00Z'), null, new Date('2026-03-04T09:00:00Z'));
 * // { deadline: 2026-03-05T09:00Z, hoursLeft: 24, overdue: false, late: false }
 * ```
 */
export function breachClock(discoveredAt: Date, authorityNotifiedAt: Date | null, now: Date): BreachClock {
  const deadline = authorityDeadline(discoveredAt);
  if (authorityNotifiedAt) {
    return {
      deadline,
      hoursLeft: null,
      overdue: false,
      late: isLateNotification(discoveredAt, authorityNotifiedAt),
    };
  }
  const left = (deadline.getTime() - now.getTime()) / HOUR_MS;
  return {
    deadline,
    hoursLeft: Math.round(left * 10) / 10,
    overdue: left < 0,
    late: left < 0,
  };
}
