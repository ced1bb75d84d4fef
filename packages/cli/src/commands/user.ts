import { LupausError } from '@lupaus/core';
import {
  type Actor,
  createApiToken,
  createUser,
  listUsers,
  type Register,
  resetUserCredentials,
  revokeApiToken,
  type UserView,
  unlockUser,
  updateUser,
} from '@lupaus/engine';
import type { Command } from 'commander';
import { print, withRegister } from '../context';
import { table } from './retention';

const DIR_HELP = 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)';

function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

/** The user with this username (lower-cased), or NOT_FOUND. */
async function userNamed(reg: Register, actor: Actor, username: string): Promise<UserView> {
  const name = username.trim().toLowerCase();
  const found = (await listUsers(reg, actor)).items.find((u) => u.username === name);
  if (!found)
    throw new LupausError('NOT_FOUND', { username: name }, [
      { at: 'username', message: `no user "${name}"` },
    ]);
  return found;
}

function state(u: UserView): string {
  if (u.disabled) return 'disabled';
  if (u.lockedUntil) return `locked until ${u.lockedUntil}`;
  if (u.mustChangePassword) return 'one-time password';
  return 'active';
}

/**
 * `lupaus user add|list|roles|disable|enable|unlock|reset` (R6.1, R6.2): personal user accounts, each with roles of
 * the definition. `add` prints a one-time password once, to be changed at the first sign-in. Needs
 * `users.manage` (the local operator has it; a LUPAUS_TOKEN must be scoped to it).
 */
export function userCommand(program: Command): void {
  const user = program.command('user').description('user accounts and their roles');

  user
    .command('add')
    .description('add a user; prints a one-time password, shown once')
    .argument('<username>', '3–64 characters: a–z, digits, dot, underscore, hyphen')
    .requiredOption('--roles <roles>', 'roles of the definition, comma-separated', list)
    .option('--name <display name>', 'the name shown for the user (default the username)')
    .option('--dir <dir>', DIR_HELP)
    .action(async (username: string, opts: { roles: string[]; name?: string; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const created = await createUser(reg, actor, {
          username,
          displayName: opts.name ?? username,
          roles: opts.roles,
        });
        print(`added ${created.user.username} (${created.user.roles.join(', ')}) ${created.user.id}`);
        print(`one-time password (shown only this once; to be changed at the first sign-in):`);
        print(`  ${created.oneTimePassword}`);
      });
    });

  user
    .command('list')
    .description('list the users')
    .option('--dir <dir>', DIR_HELP)
    .option('--json', 'print as JSON')
    .action(async (opts: { dir?: string; json?: boolean }) => {
      await withRegister(opts, async (reg, actor) => {
        const { items } = await listUsers(reg, actor);
        if (opts.json) return print(JSON.stringify(items, null, 2));
        print(
          table(
            ['username', 'name', 'roles', 'second factor', 'state', 'id'],
            items.map((u) => [
              u.username,
              u.displayName,
              u.roles.join(','),
              u.secondFactor ? 'yes' : 'no',
              state(u),
              u.id,
            ]),
          ),
        );
      });
    });

  user
    .command('roles')
    .description("set a user's roles")
    .argument('<username>')
    .argument('<roles>', 'roles of the definition, comma-separated')
    .option('--dir <dir>', DIR_HELP)
    .action(async (username: string, roles: string, opts: { dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const u = await updateUser(reg, actor, (await userNamed(reg, actor, username)).id, {
          roles: list(roles),
        });
        print(`${u.username}: ${u.roles.join(', ')}`);
      });
    });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(name)
      .description(
        disabled ? 'disable a user: their sessions and tokens stop at once' : 'enable a disabled user',
      )
      .argument('<username>')
      .option('--dir <dir>', DIR_HELP)
      .action(async (username: string, opts: { dir?: string }) => {
        await withRegister(opts, async (reg, actor) => {
          const u = await updateUser(reg, actor, (await userNamed(reg, actor, username)).id, { disabled });
          print(`${u.username}: ${state(u)}`);
        });
      });
  }

  user
    .command('unlock')
    .description('lift the lock of failed sign-ins')
    .argument('<username>')
    .option('--dir <dir>', DIR_HELP)
    .action(async (username: string, opts: { dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const u = await unlockUser(reg, actor, (await userNamed(reg, actor, username)).id);
        print(`${u.username}: ${state(u)}`);
      });
    });

  user
    .command('reset')
    .description(
      "reset a user's credentials (forgotten password, lost authenticator): prints a one-time password, shown once",
    )
    .argument('<username>')
    .option('--second-factor', 'also remove their second factor and recovery codes: they set it up again')
    .option('--dir <dir>', DIR_HELP)
    .action(async (username: string, opts: { secondFactor?: boolean; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const { user: u, oneTimePassword } = await resetUserCredentials(
          reg,
          actor,
          (await userNamed(reg, actor, username)).id,
          { secondFactor: opts.secondFactor === true },
        );
        print(
          `reset ${u.username}: every session ended${opts.secondFactor ? '; the second factor is removed and must be set up again' : ''}`,
        );
        print(`one-time password (shown only this once; to be changed at the next sign-in):`);
        print(`  ${oneTimePassword}`);
      });
    });
}

/**
 * `lupaus token create|revoke` (R6.1): API tokens for integrations, and for the command line itself
 * (LUPAUS_TOKEN). A token acts as its user within its scopes, which must be permissions the user's roles grant.
 */
export function tokenCommand(program: Command): void {
  const token = program.command('token').description('API tokens for integrations and for LUPAUS_TOKEN');

  token
    .command('create')
    .description('create an API token for a user; prints the token once')
    .requiredOption('--user <username>', 'whose token')
    .requiredOption('--scope <permissions>', 'what it may do, comma-separated (repeatable)', list)
    .option('--name <name>', 'what it is for', 'cli')
    .option('--expires <iso>', 'when it stops working (ISO 8601)')
    .option('--dir <dir>', DIR_HELP)
    .action(async (opts: { user: string; scope: string[]; name: string; expires?: string; dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const u = await userNamed(reg, actor, opts.user);
        const t = await createApiToken(reg, actor, {
          userId: u.id,
          name: opts.name,
          scopes: opts.scope,
          ...(opts.expires ? { expiresAt: opts.expires } : {}),
        });
        print(`created token ${t.id} for ${u.username} (${t.scopes.join(', ')}); shown only this once:`);
        print(`  ${t.token}`);
      });
    });

  token
    .command('revoke')
    .description('revoke an API token')
    .argument('<id>', 'the id of the token')
    .option('--dir <dir>', DIR_HELP)
    .action(async (id: string, opts: { dir?: string }) => {
      await withRegister(opts, async (reg, actor) => {
        const t = await revokeApiToken(reg, actor, id);
        print(`revoked token ${t.id}`);
      });
    });
}
