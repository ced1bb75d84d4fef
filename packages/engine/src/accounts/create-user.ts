import {
  findControlCharacter,
  LupausError,
  type ProblemDetail,
  rolePermissions,
  rolesOf,
} from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { ACCOUNTS_PURPOSE, toUserView, type UserView } from './account-store';
import { generateOneTimePassword, hashPassword, passwordProblems } from './passwords';

export interface CreateUserInput {
  username: string;
  displayName: string;
  roles: string[];
  /** The user's password; when omitted a one-time password is made, to be changed at the first sign-in. */
  password?: string | undefined;
}

export interface CreatedUser {
  user: UserView;
  /** The one-time password, shown once; undefined when a password was given. */
  oneTimePassword?: string;
}

const USERNAME_RE = /^[a-z0-9._-]{3,64}$/;

/** The problems of a new user's name, display name and roles. */
export function userInputProblems(
  reg: Register,
  input: { username?: unknown; displayName?: unknown; roles?: unknown },
): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  if ('username' in input) {
    const u = typeof input.username === 'string' ? input.username.trim().toLowerCase() : '';
    if (!USERNAME_RE.test(u)) {
      problems.push({
        at: 'username',
        message: 'a username is 3–64 characters: letters a–z, digits, dot, underscore or hyphen',
      });
    }
  }
  if ('displayName' in input) {
    const d = typeof input.displayName === 'string' ? input.displayName.trim() : '';
    if (d === '' || d.length > 200) {
      problems.push({ at: 'displayName', message: 'a display name is 1–200 characters' });
    } else {
      const bad = findControlCharacter(d, 'displayName');
      if (bad) problems.push(bad);
    }
  }
  if ('roles' in input) problems.push(...roleProblems(reg, input.roles));
  return problems;
}

/** The roles must be roles of the definition (R6.2); at least one. */
export function roleProblems(reg: Register, roles: unknown): ProblemDetail[] {
  const known = rolesOf(reg.definition).map((r) => r.id);
  if (!Array.isArray(roles) || roles.length === 0) {
    return [{ at: 'roles', message: `give at least one role: ${known.join(', ')}` }];
  }
  const problems: ProblemDetail[] = [];
  roles.forEach((r, i) => {
    if (typeof r !== 'string' || !known.includes(r)) {
      problems.push({
        at: `roles[${i}]`,
        message: `"${String(r).slice(0, 60)}" is not a role of this register; roles: ${known.join(', ')}`,
      });
    }
  });
  return problems;
}

/**
 * Adds a personal user account (R6.1): a lower-cased username, a display name and roles of the definition.
 * Without a password a one-time password is made (24 crypto-random characters) and returned once; the user must
 * change it at the first sign-in. The password is stored only as an argon2id hash. Needs `users.manage`.
 *
 * @example
 * ```ts
 * const { user, oneTimePassword } = await createUser(reg, admin, {
 *   username: 'maija', displayName: 'Maija Virtanen', roles: ['customer_service'],
 * });
 * ```
 */
export async function createUser(reg: Register, actor: Actor, input: CreateUserInput): Promise<CreatedUser> {
  authorize(reg, actor, 'users.manage');
  return insertUser(reg, actor, input);
}

/** Validates and stores a new user; the caller has decided who may. */
export async function insertUser(
  reg: Register,
  actor: Actor,
  input: CreateUserInput,
  guard?: (tx: Executor) => Promise<void>,
): Promise<CreatedUser> {
  const problems = userInputProblems(reg, {
    username: input.username,
    displayName: input.displayName,
    roles: input.roles,
  });
  const username = typeof input.username === 'string' ? input.username.trim().toLowerCase() : '';
  if (input.password !== undefined) problems.push(...passwordProblems(input.password, username));
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const oneTime = input.password === undefined ? generateOneTimePassword() : undefined;
  const passwordHash = await hashPassword(input.password ?? (oneTime as string));
  const now = reg.clock.now();
  const id = uuidv7();
  return reg.db.transaction().execute(async (tx) => {
    await guard?.(tx);
    const taken = await tx
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirst();
    if (taken) {
      throw new LupausError('CONFLICT', { username }, [
        { at: 'username', message: `the username "${username}" is taken` },
      ]);
    }
    const row = await tx
      .insertInto('users')
      .values({
        id,
        username,
        display_name: input.displayName.trim(),
        roles: [...new Set(input.roles)],
        password_hash: passwordHash,
        password_set_at: now,
        must_change_password: oneTime !== undefined,
        created_at: now,
        created_by: actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, reg, actor, {
      action: 'user.create',
      entityType: 'user',
      entityId: id,
      personId: null,
      purpose: ACCOUNTS_PURPOSE,
      details: { roles: row.roles },
    });
    return { user: toUserView(reg, row), ...(oneTime ? { oneTimePassword: oneTime } : {}) };
  });
}

/** The role of the definition that manages users: `administrator` when it has one, else the first that may. */
export function administratorRole(reg: Register): string {
  const roles = rolesOf(reg.definition);
  const admin = roles.find(
    (r) => r.id === 'administrator' && rolePermissions(reg.definition, r.id).includes('users.manage'),
  );
  const any = admin ?? roles.find((r) => rolePermissions(reg.definition, r.id).includes('users.manage'));
  if (!any) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'roles', message: 'no role of the definition has the permission users.manage' },
    ]);
  }
  return any.id;
}
