import { LupausError } from '@lupaus/core';
import type { Register } from '../context';
import { administratorRole, type CreatedUser, insertUser } from './create-user';

/**
 * Creates the first administrator of a register that has no users yet (`lupaus init`, R6.1): there are no
 * default credentials. With a password (asked for on a terminal) it is checked against the password policy;
 * without one a one-time password is returned once, to be changed at the first sign-in. Refused with CONFLICT
 * once any user exists.
 *
 * @example
 * ```ts
 * const { user, oneTimePassword } = await createFirstAdministrator(reg, { username: 'admin' });
 * ```
 */
export async function createFirstAdministrator(
  reg: Register,
  input: { username: string; displayName?: string; password?: string | undefined },
  by = 'lupaus-init',
): Promise<CreatedUser> {
  const role = administratorRole(reg);
  return insertUser(
    reg,
    { id: by, roles: [role], commitmentSigned: false },
    {
      username: input.username,
      displayName: input.displayName ?? 'Administrator',
      roles: [role],
      password: input.password,
    },
    async (tx) => {
      const any = await tx.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (any) {
        throw new LupausError('CONFLICT', {}, [
          {
            at: 'users',
            message: 'the register has users already: an administrator adds more (lupaus user add)',
          },
        ]);
      }
    },
  );
}
