import type { RestrictionsTable } from '@lupaus/db';
import type { Selectable } from 'kysely';

/** The purpose the audit rows of the data subject's rights carry (art. 12–22: a legal obligation). */
export const RIGHTS_PURPOSE = 'data_subject_rights';

export type RestrictionGround = RestrictionsTable['ground'];
export const RESTRICTION_GROUNDS: readonly RestrictionGround[] = [
  'accuracy_contested',
  'unlawful_processing',
  'legal_claims',
  'objection_pending',
];

/** A restriction of processing (art. 18, R4.5) as the API and CLI show it. */
export interface RestrictionView {
  id: string;
  personId: string;
  ground: RestrictionGround;
  reason: string | null;
  requestId: string | null;
  startedAt: string;
  startedBy: string;
  /** Art. 18(3): when the subject was told that the restriction will be lifted. */
  liftNotifiedAt: string | null;
  liftedAt: string | null;
  liftedBy: string | null;
  active: boolean;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toRestrictionView(r: Selectable<RestrictionsTable>): RestrictionView {
  return {
    id: r.id,
    personId: r.person_id,
    ground: r.ground,
    reason: r.reason,
    requestId: r.request_id,
    startedAt: iso(r.started_at)!,
    startedBy: r.started_by,
    liftNotifiedAt: iso(r.lift_notified_at),
    liftedAt: iso(r.lifted_at),
    liftedBy: r.lifted_by,
    active: r.lifted_at === null,
  };
}
