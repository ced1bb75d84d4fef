import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { requirePersonIn } from '../policy/person-reads';
import { CONSENTS_PURPOSE, type ConsentState, channels, purposes } from './consent-policy';

export interface ConsentView {
  id: string;
  channel: string;
  purpose: string;
  state: ConsentState;
  at: string;
  source: string;
  evidenceText: string | null;
  evidenceFileId: string | null;
  /** The evidence file's name, media type and size (download it with `getConsentEvidence`). */
  evidenceFile: { id: string; name: string; mediaType: string; size: number } | null;
  noticeVersion: number;
  requestId: string | null;
  recordedAt: string;
  recordedBy: string;
}

/** Where one channel × purpose stands now. */
export interface ConsentStanding {
  channel: string;
  purpose: string;
  /** The latest record's state, or `none` when the person has never made a choice. */
  state: ConsentState | 'none';
  /** opt_in: nobody without consent; opt_out: allowed until prohibited (electronic channels to consumers: 200 §). */
  model: 'opt_in' | 'opt_out';
  electronic: boolean;
  since: string | null;
  consentId: string | null;
}

export interface ConsentHistory {
  personId: string;
  /** Every record, newest first. */
  history: ConsentView[];
  /** Every declared channel × purpose with its latest state. */
  current: ConsentStanding[];
}

/**
 * A person's consents (R3.1): the whole append-only history, newest first, and the state of every declared
 * channel × purpose now (the latest record of each; `none` when there is none). Audited as a read.
 *
 * @example
 * ```ts
 * const { current } = await listConsents(reg, actor, personId);
 * current.find((c) => c.channel === 'email' && c.purpose === 'direct_marketing')?.state; // 'given'
 * ```
 */
export async function listConsents(reg: Register, actor: Actor, personId: string): Promise<ConsentHistory> {
  authorize(reg, actor, 'consents.read');
  const id = requireId(personId, 'person', 'personId');
  return reg.db.transaction().execute(async (tx) => {
    await requirePersonIn(tx, id);
    const rows = await tx
      .selectFrom('consents')
      .selectAll()
      .where('person_id', '=', id)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const fileIds = [...new Set(rows.flatMap((r) => (r.evidence_file_id ? [r.evidence_file_id] : [])))];
    const files = new Map(
      (fileIds.length === 0
        ? []
        : await tx
            .selectFrom('files')
            .select(['id', 'name', 'media_type', 'size'])
            .where('id', 'in', fileIds)
            .execute()
      ).map((f) => [f.id, { id: f.id, name: f.name, mediaType: f.media_type, size: Number(f.size) }]),
    );
    const history: ConsentView[] = rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      purpose: r.purpose,
      state: r.state,
      at: new Date(r.at).toISOString(),
      source: r.source,
      evidenceText: r.evidence_text,
      evidenceFileId: r.evidence_file_id,
      evidenceFile: r.evidence_file_id ? (files.get(r.evidence_file_id) ?? null) : null,
      noticeVersion: r.notice_version,
      requestId: r.request_id,
      recordedAt: new Date(r.recorded_at).toISOString(),
      recordedBy: r.recorded_by,
    }));
    const current: ConsentStanding[] = [];
    for (const ch of channels(reg)) {
      for (const p of purposes(reg)) {
        const latest = history.find((h) => h.channel === ch.id && h.purpose === p.id);
        current.push({
          channel: ch.id,
          purpose: p.id,
          state: latest?.state ?? 'none',
          model: p.model,
          electronic: ch.electronic,
          since: latest?.at ?? null,
          consentId: latest?.id ?? null,
        });
      }
    }
    await audit(tx, reg, actor, {
      action: 'consent_list',
      entityType: 'person',
      entityId: id,
      personId: id,
      purpose: CONSENTS_PURPOSE,
      details: { records: history.length },
    });
    return { personId: id, history, current };
  });
}
