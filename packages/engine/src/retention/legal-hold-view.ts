import { isHoldActive } from '@lupaus/core';
import type { LegalHoldRow } from '@lupaus/db';

/** A legal hold as the API and CLI show it (R5.2). */
export interface LegalHoldView {
  id: string;
  personId: string | null;
  category: string | null;
  reason: string;
  startsAt: string;
  /** The last day the hold stops the sweep. */
  endsOn: string;
  createdAt: string;
  createdBy: string;
  releasedAt: string | null;
  releasedBy: string | null;
  /** Whether it stops the sweep now. */
  active: boolean;
}

export function toLegalHoldView(row: LegalHoldRow, now: Date): LegalHoldView {
  const releasedAt = row.released_at ? new Date(row.released_at) : null;
  const startsAt = new Date(row.starts_at);
  return {
    id: row.id,
    personId: row.person_id,
    category: row.category,
    reason: row.reason,
    startsAt: startsAt.toISOString(),
    endsOn: row.ends_on,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    releasedAt: releasedAt ? releasedAt.toISOString() : null,
    releasedBy: row.released_by,
    active: isHoldActive(
      {
        id: row.id,
        personId: row.person_id,
        category: row.category,
        reason: row.reason,
        startsAt,
        endsOn: row.ends_on,
        releasedAt,
      },
      now,
    ),
  };
}
