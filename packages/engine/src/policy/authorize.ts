import { LupausError, PERMISSIONS, type Permission, permissionsOf } from '@lupaus/core';
import type { Actor, Register } from '../context';

/**
 * The one permission check (R6.2, R6.3): every use case calls it before it reads or changes anything, so that the
 * API, the CLI, exports and notifications all obey the same rule. The actor's roles must grant the permission
 * (the register definition's roles, or the default roles), an API token's scopes must include it, and an
 * action on personal data needs the current confidentiality commitment signed.
 *
 * @example
 * ```ts
 * authorize(reg, { id: 'u1', roles: ['marketing'], commitmentSigned: true }, 'persons.read');
 * // throws LupausError FORBIDDEN (403)
 * ```
 */
export function authorize(reg: Register, actor: Actor, permission: Permission): void {
  if (!mayDo(reg, actor, permission)) {
    throw new LupausError('FORBIDDEN', { permission, roles: actor.roles }, [
      { at: 'permission', message: `${permission} is not granted to ${describe(actor)}` },
    ]);
  }
  if (PERMISSIONS[permission].personalData && !actor.commitmentSigned) {
    throw new LupausError('COMMITMENT_REQUIRED', { permission }, [
      { at: 'commitment', message: 'the current confidentiality commitment is not signed' },
    ]);
  }
}

/** Whether the actor's roles (and token scopes) grant the permission; the commitment is not considered. */
export function mayDo(reg: Register, actor: Actor, permission: Permission): boolean {
  if (actor.scopes && !actor.scopes.includes(permission)) return false;
  return permissionsOf(reg.definition, actor.roles).has(permission);
}

function describe(actor: Actor): string {
  const roles = actor.roles.length > 0 ? `the roles ${actor.roles.join(', ')}` : 'an actor without roles';
  return actor.scopes ? `${roles} through a token scoped to ${actor.scopes.join(', ') || 'nothing'}` : roles;
}
