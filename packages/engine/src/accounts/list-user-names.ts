import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';

/** A user as staff see them beside a fact they saved: the id and the display name, nothing else. */
export interface UserName {
  id: string;
  displayName: string;
}

/**
 * The display names of every user account, disabled ones too (R2.6): provenance and the timeline name a fact's
 * author by user id, and whoever may read persons may see who saved what. No username, role or account state.
 *
 * @example
 * ```ts
 * const { items } = await listUserNames(reg, clerk); // [{ id: '0190…', displayName: 'Pia Palvelu' }]
 * ```
 */
export async function listUserNames(reg: Register, actor: Actor): Promise<{ items: UserName[] }> {
  authorize(reg, actor, 'persons.read');
  const rows = await reg.db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  return { items: rows.map((r) => ({ id: r.id, displayName: r.display_name })) };
}
