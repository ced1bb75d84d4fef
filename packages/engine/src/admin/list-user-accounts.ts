import { currentCommitmentVersion, toUserView, type UserView } from '../accounts/account-store';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';

/** A user account as the administration sees it: the account, when it last signed in, what it has signed. */
export interface UserAccountView extends UserView {
  /** When the user last finished signing in (a complete session), if any session is still on record. */
  lastSignInAt: string | null;
  /** The latest version of the confidentiality commitment the user has signed, or null. */
  signedCommitmentVersion: number | null;
  /** Whether that is the commitment in force (R6.3). */
  signedCurrentCommitment: boolean;
}

/**
 * Every user account with its last sign-in and its signature of the confidentiality commitment (R6.1, R6.3),
 * for the administration's list of users.
 *
 * @example
 * ```ts
 * const { items } = await listUserAccounts(reg, admin);
 * const unsigned = items.filter((u) => !u.disabled && !u.signedCurrentCommitment);
 * ```
 */
export async function listUserAccounts(reg: Register, actor: Actor): Promise<{ items: UserAccountView[] }> {
  authorize(reg, actor, 'users.manage');
  const [rows, lastSignIns, signatures, current] = await Promise.all([
    reg.db.selectFrom('users').selectAll().orderBy('username').execute(),
    reg.db
      .selectFrom('sessions')
      .select(['user_id', (eb) => eb.fn.max('created_at').as('last')])
      .where('stage', '=', 'complete')
      .groupBy('user_id')
      .execute(),
    reg.db
      .selectFrom('commitment_signatures')
      .select(['user_id', (eb) => eb.fn.max('version').as('version')])
      .groupBy('user_id')
      .execute(),
    currentCommitmentVersion(reg.db, reg),
  ]);
  const last = new Map(lastSignIns.map((r) => [r.user_id, r.last]));
  const signed = new Map(signatures.map((r) => [r.user_id, Number(r.version)]));
  return {
    items: rows.map((r) => {
      const at = last.get(r.id);
      const version = signed.get(r.id) ?? null;
      return {
        ...toUserView(reg, r),
        lastSignInAt: at ? new Date(at).toISOString() : null,
        signedCommitmentVersion: version,
        signedCurrentCommitment: current !== null && version !== null && version >= current,
      };
    }),
  };
}
