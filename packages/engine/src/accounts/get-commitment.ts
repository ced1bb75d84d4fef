import { currentCommitment, LupausError, type Text } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { currentCommitmentVersion, isUserId } from './account-store';

/** The confidentiality commitment in force and whether the actor has signed it (R6.3). */
export interface CommitmentView {
  /** The published version number. */
  version: number;
  /** The definition's version label. */
  label: string;
  text: Text;
  signed: boolean;
  signedAt: string | null;
}

/**
 * The commitment a user must sign before seeing personal data (R6.3), with the date they signed it, if they did.
 *
 * @example
 * ```ts
 * const c = await getCommitment(reg, actor); // { version: 1, label: 'lupaus-default-1', text: { fi, en }, signed: false, ... }
 * ```
 */
export async function getCommitment(reg: Register, actor: Actor): Promise<CommitmentView> {
  return commitmentOf(reg.db, reg, actor);
}

export async function commitmentOf(db: Executor, reg: Register, actor: Actor): Promise<CommitmentView> {
  const c = currentCommitment(reg.definition);
  const version = await currentCommitmentVersion(db, reg);
  if (version === null) {
    throw new LupausError('NOT_FOUND', {}, [
      { at: 'commitment', message: 'the commitment has not been published: reopen the register' },
    ]);
  }
  const sig = !isUserId(actor.id)
    ? undefined
    : await db
        .selectFrom('commitment_signatures')
        .select('signed_at')
        .where('user_id', '=', actor.id)
        .where('version', '=', version)
        .executeTakeFirst();
  return {
    version,
    label: c.version,
    text: c.text,
    signed: sig !== undefined,
    signedAt: sig ? new Date(sig.signed_at).toISOString() : null,
  };
}
