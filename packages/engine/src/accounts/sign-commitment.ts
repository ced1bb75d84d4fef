import { LupausError } from '@lupaus/core';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { ACCOUNTS_PURPOSE, isUserId } from './account-store';
import { type CommitmentView, commitmentOf } from './get-commitment';

/**
 * Records that the signed-in user signs the confidentiality commitment in force (R6.3): who, which version,
 * when. Signing a version already signed changes nothing. Only a user account signs: the local operator of
 * the command line and the system have no account.
 *
 * @example
 * ```ts
 * const c = await signCommitment(reg, actor); // { signed: true, signedAt: '2026-…', version: 1, … }
 * ```
 */
export async function signCommitment(reg: Register, actor: Actor): Promise<CommitmentView> {
  return reg.db.transaction().execute(async (tx) => {
    const user = isUserId(actor.id)
      ? await tx.selectFrom('users').select('id').where('id', '=', actor.id).executeTakeFirst()
      : undefined;
    if (!user) {
      throw new LupausError('NOT_FOUND', {}, [
        {
          at: 'actor',
          message:
            'only a user account signs the commitment; this actor has none (the local operator or an embedding program)',
        },
      ]);
    }
    const before = await commitmentOf(tx, reg, actor);
    if (before.signed) return before;
    const at = reg.clock.now();
    await tx
      .insertInto('commitment_signatures')
      .values({ id: uuidv7(), user_id: actor.id, version: before.version, signed_at: at })
      .execute();
    await audit(tx, reg, actor, {
      action: 'commitment.sign',
      entityType: 'user',
      entityId: actor.id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { version: before.version },
    });
    return { ...before, signed: true, signedAt: at.toISOString() };
  });
}
