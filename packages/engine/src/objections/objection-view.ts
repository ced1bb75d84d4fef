import type { ObjectionsTable } from '@lupaus/db';
import type { Selectable } from 'kysely';

/** An objection (art. 21, R4.6) as the API and CLI show it. */
export interface ObjectionView {
  id: string;
  personId: string;
  kind: 'direct_marketing' | 'profiling' | 'legitimate_interest';
  channel: string | null;
  purpose: string | null;
  /** The person's particular situation (art. 21(1)). */
  situation: string | null;
  state: 'pending' | 'upheld' | 'rejected';
  /** The controller's reasoned decision. */
  decision: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  requestId: string | null;
  receivedAt: string;
  recordedBy: string;
}

export function toObjectionView(r: Selectable<ObjectionsTable>): ObjectionView {
  return {
    id: r.id,
    personId: r.person_id,
    kind: r.kind,
    channel: r.channel,
    purpose: r.purpose,
    situation: r.situation,
    state: r.state,
    decision: r.decision,
    decidedAt: r.decided_at === null ? null : new Date(r.decided_at).toISOString(),
    decidedBy: r.decided_by,
    requestId: r.request_id,
    receivedAt: new Date(r.received_at).toISOString(),
    recordedBy: r.recorded_by,
  };
}
