import type { Definition } from '../definition/schema';
import { addPeriod } from './period';

/**
 * Whether a person's customer relationship has ended, and since when, by the register's rule (R5.1):
 *
 * - `explicit` (seed 001: "asiakkuuden päättymisestä"): the relationship ends when staff record its end;
 * - `last_contact` (seed 003: judged from the latest service contact): it ends `inactivityPeriod` after the last
 *   contact (or after the person was added, if there was none), unless an end was recorded earlier.
 *
 * A recorded end wins in both kinds. An open invoice or an open debt collection case keeps the relationship
 * active whatever else holds (`keptActiveBy`). A register with no rule is treated as `explicit`. Pure.
 *
 * @example
 * ```ts
 * relationshipStatus(
 *   { kind: 'last_contact', inactivityPeriod: 'P3Y' },
 *   { createdAt, relationshipEndedAt: null, lastContactAt: new Date('2021-01-31'), hasOpenInvoice: false, hasOpenCollection: false },
 *   new Date('2024-06-01'),
 * ); // { state: 'ended', basis: 'last_contact', endedAt: 2024-01-31, judgedEndAt: 2024-01-31 }
 * ```
 */
export type RelationshipEndRule = NonNullable<NonNullable<Definition['retention']>['relationshipEnd']>;

export interface RelationshipFacts {
  createdAt: Date;
  relationshipEndedAt: Date | null;
  lastContactAt: Date | null;
  hasOpenInvoice: boolean;
  hasOpenCollection: boolean;
}

export interface RelationshipStatus {
  state: 'active' | 'ended';
  /** When the relationship ended (state `ended`), or the end recorded while something keeps it active. */
  endedAt?: Date;
  /** `last_contact`: when the relationship ends (or ended) by inactivity, counted from the last contact. */
  judgedEndAt?: Date;
  /** `explicit` when a recorded end decides; `last_contact` when the last contact does. */
  basis: 'explicit' | 'last_contact';
  /** What keeps an otherwise ended relationship active. */
  keptActiveBy?: ('open_invoice' | 'open_collection')[];
}

export function relationshipStatus(
  rule: RelationshipEndRule | undefined,
  facts: RelationshipFacts,
  asOf: Date,
): RelationshipStatus {
  const kind = rule?.kind ?? 'explicit';
  const keptActiveBy: RelationshipStatus['keptActiveBy'] = [
    ...(facts.hasOpenInvoice ? (['open_invoice'] as const) : []),
    ...(facts.hasOpenCollection ? (['open_collection'] as const) : []),
  ];
  let judgedEndAt: Date | undefined;
  if (kind === 'last_contact' && rule?.inactivityPeriod) {
    const from =
      facts.lastContactAt && facts.lastContactAt.getTime() > facts.createdAt.getTime()
        ? facts.lastContactAt
        : facts.createdAt;
    judgedEndAt = addPeriod(from, rule.inactivityPeriod);
  }
  const judged = judgedEndAt ? { judgedEndAt } : {};
  let status: RelationshipStatus;
  if (facts.relationshipEndedAt && facts.relationshipEndedAt.getTime() <= asOf.getTime()) {
    status = { state: 'ended', endedAt: facts.relationshipEndedAt, ...judged, basis: 'explicit' };
  } else if (judgedEndAt && judgedEndAt.getTime() <= asOf.getTime()) {
    status = { state: 'ended', endedAt: judgedEndAt, ...judged, basis: 'last_contact' };
  } else {
    status = {
      state: 'active',
      ...(facts.relationshipEndedAt ? { endedAt: facts.relationshipEndedAt } : {}),
      ...judged,
      basis: facts.relationshipEndedAt || kind === 'explicit' ? 'explicit' : 'last_contact',
    };
  }
  if (status.state === 'ended' && keptActiveBy.length > 0) {
    return { ...status, state: 'active', keptActiveBy };
  }
  return status;
}
