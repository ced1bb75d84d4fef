import type { DisclosureEntry } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';

export type { DisclosureEntry };

/** The audit purpose of the disclosure log: the controller's duty to account for disclosures. */
export const DISCLOSURES_PURPOSE = 'data_subject_rights';

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}

/**
 * The disclosures made of a person's data, oldest first, inside the caller's transaction (no audit: the caller
 * audits what it shows). The access report and art. 19 notices read it.
 *
 * @example
 * ```ts
 * const made = await reg.db.transaction().execute((tx) => listDisclosuresIn(tx, personId));
 * made[0]?.recipientName; // 'Perintä Oy'
 * ```
 */
export async function listDisclosuresIn(tx: Executor, personId: string): Promise<DisclosureEntry[]> {
  const rows = await tx
    .selectFrom('disclosure_log')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    disclosure: r.disclosure,
    recipient: r.recipient,
    recipientName: r.recipient_name,
    recipientEmail: r.recipient_email,
    basis: r.basis,
    categories: [...r.categories],
    fields: [...r.fields],
    reason: r.reason,
    at: iso(r.at),
  }));
}

/**
 * The disclosures made of a person's data (R6.5), oldest first; the view is audited (ids only).
 *
 * @example
 * ```ts
 * const made = await listDisclosures(reg, actor, personId);
 * ```
 */
export async function listDisclosures(
  reg: Register,
  actor: Actor,
  personId: string,
): Promise<DisclosureEntry[]> {
  authorize(reg, actor, 'disclosures.manage');
  const id = requireId(personId, 'person', 'personId');
  return reg.db.transaction().execute(async (tx) => {
    await requirePersonRow(tx, id, 'personId');
    const items = await listDisclosuresIn(tx, id);
    await audit(tx, reg, actor, {
      action: 'list',
      entityType: 'disclosure',
      entityId: id,
      personId: id,
      purpose: DISCLOSURES_PURPOSE,
      details: { disclosures: items.map((d) => d.id) },
    });
    return items;
  });
}
