import { LupausError } from '@lupaus/core';
import { type Executor, findPersonRow, loadContactPoints, type SuppressionsTable } from '@lupaus/db';
import { type Insertable, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import {
  addresseeName,
  type ContactKind,
  channels,
  contactHash,
  requireChannel,
  requireMarketingPurpose,
} from './consent-policy';

export interface SuppressPersonInput {
  personId: string;
  /** null: every channel of the definition whose contact point the register knows. */
  channel: string | null;
  /** null: every marketing purpose. */
  purpose: string | null;
  reason: 'objection' | 'prohibition';
}

/** The purpose suppressions are audited under when no marketing purpose is named. */
export const SUPPRESSION_PURPOSE = 'marketing_suppression';

/**
 * Puts the person's current contact points that the channel needs (emails for email, phones for SMS and phone,
 * postal addresses with the person's name for post, so that others at the address are not suppressed; for `channel: null` those of every channel) on the suppression list by keyed hash
 * (R3.2, R4.6): the list outlives the person, so that a later import or a new record with the same email, phone
 * or address stays out of that marketing. Entries already on the list (same channel, contact point and purpose,
 * without end) are not added twice. Returns how many entries were added; audited with counts only. Runs in the
 * caller's transaction.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute((tx) =>
 *   suppressPersonIn(tx, reg, actor, { personId, channel: 'email', purpose: null, reason: 'objection' }),
 * );
 * ```
 */
export async function suppressPersonIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  input: SuppressPersonInput,
): Promise<number> {
  const targets =
    input.channel === null
      ? channels(reg).filter((c) => c.kind !== null)
      : [requireChannel(reg, input.channel)];
  if (input.purpose !== null) requireMarketingPurpose(reg, input.purpose);
  const person = await findPersonRow(tx, input.personId);
  if (!person) {
    throw new LupausError('NOT_FOUND', { personId: input.personId }, [
      { at: 'personId', message: `no person ${input.personId}` },
    ]);
  }
  const name = addresseeName(person.first_name, person.last_name);
  const points = await loadContactPoints(tx, input.personId);
  const hashesOf = (kind: ContactKind): Buffer[] => {
    if (kind === 'email') return points.emails.map((e) => contactHash(reg, 'email', e));
    if (kind === 'phone') return points.phones.map((p) => contactHash(reg, 'phone', p));
    return points.addresses.map((a) =>
      contactHash(reg, 'address', {
        name,
        street: a.street,
        poBox: a.po_box,
        postalCode: a.postal_code,
        city: a.city,
        country: a.country,
      }),
    );
  };
  const now = reg.clock.now();
  let added = 0;
  for (const channel of targets) {
    if (!channel.kind) continue;
    const kind = channel.kind;
    const unique = [...new Map(hashesOf(kind).map((h) => [h.toString('hex'), h])).values()];
    if (unique.length === 0) continue;
    const present = await tx
      .selectFrom('suppressions')
      .select('value_hash')
      .where('kind', '=', kind)
      .where('channel', '=', channel.id)
      .where('valid_until', 'is', null)
      .where(
        input.purpose === null
          ? sql<boolean>`purpose is null`
          : sql<boolean>`(purpose is null or purpose = ${input.purpose})`,
      )
      .where(
        'value_hash',
        'in',
        unique.map((h) => h),
      )
      .execute();
    added += await insertMissingSuppressions(tx, unique, present, {
      channel: channel.id,
      kind,
      purpose: input.purpose,
      reason: input.reason,
      list_name: null,
      valid_until: null,
      added_at: now,
      added_by: actor.id,
    });
  }
  await audit(tx, reg, actor, {
    action: 'suppress',
    entityType: 'person',
    entityId: input.personId,
    personId: input.personId,
    purpose: input.purpose ?? SUPPRESSION_PURPOSE,
    details: { channel: input.channel, purpose: input.purpose, reason: input.reason, added },
  });
  return added;
}

/**
 * Inserts a suppression row (`row`, with a new id) for each of `hashes` that `present` does not hold, and
 * returns how many it inserted: `present` is what the caller found already suppressed, by its own rule (the
 * same list for an import, any permanent row covering the purpose for a person's objection or prohibition).
 * For `suppressPersonIn` and `importSuppressions`.
 */
export async function insertMissingSuppressions(
  tx: Executor,
  hashes: Buffer[],
  present: { value_hash: Buffer }[],
  row: Omit<Insertable<SuppressionsTable>, 'id' | 'value_hash'>,
): Promise<number> {
  const have = new Set(present.map((r) => Buffer.from(r.value_hash).toString('hex')));
  const rows = hashes
    .filter((h) => !have.has(h.toString('hex')))
    .map((h) => ({ id: uuidv7(), ...row, value_hash: h }));
  if (rows.length > 0) await tx.insertInto('suppressions').values(rows).execute();
  return rows.length;
}
