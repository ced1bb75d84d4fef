import { currentCommitmentVersion } from '../accounts/account-store';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';

export interface CommitmentSignatureView {
  userId: string;
  displayName: string;
  username: string;
  version: number;
  signedAt: string;
}

export interface CommitmentOverview {
  /** The published versions of the confidentiality commitment, newest first. */
  versions: { version: number; label: string; publishedAt: string; signatures: number }[];
  /** The version in force, or null before it has been published. */
  current: number | null;
  /** Every signature: who signed which version when, newest first (R6.3). */
  signatures: CommitmentSignatureView[];
  /** The enabled users who have not signed the version in force. */
  unsigned: { userId: string; displayName: string; username: string }[];
}

/**
 * The signatures of the confidentiality commitment (R6.3): who signed which version when, and which enabled
 * users have not signed the one in force (they see no personal data until they do).
 *
 * @example
 * ```ts
 * const { current, unsigned } = await listCommitmentSignatures(reg, admin);
 * ```
 */
export async function listCommitmentSignatures(reg: Register, actor: Actor): Promise<CommitmentOverview> {
  authorize(reg, actor, 'users.manage');
  const [versions, signatures, users, current] = await Promise.all([
    reg.db
      .selectFrom('commitment_versions')
      .select(['version', 'label', 'published_at'])
      .orderBy('version', 'desc')
      .execute(),
    reg.db
      .selectFrom('commitment_signatures as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.user_id', 's.version', 's.signed_at', 'u.display_name', 'u.username'])
      .orderBy('s.signed_at', 'desc')
      .orderBy('s.id')
      .execute(),
    reg.db
      .selectFrom('users')
      .select(['id', 'display_name', 'username'])
      .where('disabled_at', 'is', null)
      .orderBy('username')
      .execute(),
    currentCommitmentVersion(reg.db, reg),
  ]);
  const count = new Map<number, number>();
  for (const s of signatures) count.set(s.version, (count.get(s.version) ?? 0) + 1);
  const signedCurrent = new Set(
    signatures.filter((s) => current !== null && s.version === current).map((s) => s.user_id),
  );
  return {
    versions: versions.map((v) => ({
      version: v.version,
      label: v.label,
      publishedAt: new Date(v.published_at).toISOString(),
      signatures: count.get(v.version) ?? 0,
    })),
    current,
    signatures: signatures.map((s) => ({
      userId: s.user_id,
      displayName: s.display_name,
      username: s.username,
      version: s.version,
      signedAt: new Date(s.signed_at).toISOString(),
    })),
    unsigned: users
      .filter((u) => !signedCurrent.has(u.id))
      .map((u) => ({ userId: u.id, displayName: u.display_name, username: u.username })),
  };
}
