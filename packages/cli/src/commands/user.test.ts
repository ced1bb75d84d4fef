import { join } from 'node:path';
import { authenticateSession, changePassword, signIn } from '@lupaus/engine';
import { describe, expect, it } from 'vitest';
import { servedAddress, useCliHarness, withRegister } from '../testing';

/** `lupaus init` makes the first administrator; `lupaus user` and `lupaus token`; LUPAUS_TOKEN on the command line. */
const cli = useCliHarness('lupaus-user-');

function oneTimePasswordIn(stdout: string): string {
  const m = /one-time password[^\n]*:\n\s+(\S+)/.exec(stdout);
  if (!m) throw new Error(`no one-time password in:\n${stdout}`);
  return m[1]!;
}

describe('lupaus init, user and token', () => {
  it('R6.1 init prints a one-time password (no default credentials) that must be changed at the first sign-in', async () => {
    const dir = join(cli.work, 'first');
    const url = await cli.freshDatabase();
    const init = await cli.lupaus(
      ['init', '--example', '003-auntie', '--dir', dir, '--admin', 'Pääkäyttäjä'],
      url,
    );
    expect(init.code).toBe(2); // not a valid username
    const ok = await cli.lupaus(['init', '--example', '003-auntie', '--dir', dir, '--admin', 'boss'], url);
    expect(ok.code, ok.stderr).toBe(0);
    const password = oneTimePasswordIn(ok.stdout);
    expect(password.length).toBeGreaterThanOrEqual(20);
    await withRegister(dir, url, async (reg) => {
      const users = await reg.db.selectFrom('users').select(['username', 'roles', 'password_hash']).execute();
      expect(users).toEqual([
        { username: 'boss', roles: ['administrator'], password_hash: expect.stringMatching(/^\$argon2id\$/) },
      ]);
      const s = await signIn(reg, { username: 'boss', password });
      expect(s.mustChangePassword).toBe(true);
      const session = await authenticateSession(reg, s.token);
      expect(session?.actor.roles).toEqual([]);
      await changePassword(reg, session!.actor, {
        currentPassword: password,
        newPassword: 'the boss chose this one',
      });
      expect(
        (await signIn(reg, { username: 'boss', password: 'the boss chose this one' })).mustChangePassword,
      ).toBe(false);
    });
  });

  it('R6.1 R6.2 a token scoped to marketing.select cannot run `lupaus person show` (FORBIDDEN); revoked, it is refused', async () => {
    const { dir, url } = await cli.initRegister('003-auntie');
    const added = await cli.lupaus(
      ['person', 'add', '--dir', dir, '--first-name', 'Maija', '--last-name', 'Virtanen', '--json'],
      url,
    );
    expect(added.code, added.stderr).toBe(0);
    const personId = (JSON.parse(added.stdout) as { id: string }).id;

    const user = await cli.lupaus(
      ['user', 'add', 'mervi', '--roles', 'marketing', '--name', 'Mervi M', '--dir', dir],
      url,
    );
    expect(user.code, user.stderr).toBe(0);
    expect(oneTimePasswordIn(user.stdout).length).toBeGreaterThanOrEqual(20);
    const badRole = await cli.lupaus(['user', 'add', 'olli', '--roles', 'janitor', '--dir', dir], url);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('roles[0]');
    const wide = await cli.lupaus(
      ['token', 'create', '--user', 'mervi', '--scope', 'persons.read', '--dir', dir],
      url,
    );
    expect(wide.code).toBe(1);
    expect(wide.stderr).toContain('persons.read is not granted');

    const created = await cli.lupaus(
      [
        'token',
        'create',
        '--user',
        'mervi',
        '--scope',
        'marketing.select',
        '--name',
        'newsletter',
        '--dir',
        dir,
      ],
      url,
    );
    expect(created.code, created.stderr).toBe(0);
    const token = /\n\s+(lpt_\S+)/.exec(created.stdout)![1]!;
    const tokenId = /created token (\S+)/.exec(created.stdout)![1]!;

    const show = await cli.lupaus(['person', 'show', personId, '--dir', dir], url, { LUPAUS_TOKEN: token });
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('Your role does not allow this.');
    expect(show.stderr).toContain('persons.read');
    expect(show.stdout).not.toContain('Maija');

    // The local operator (no token) may; the list shows the user.
    const list = await cli.lupaus(['user', 'list', '--dir', dir], url);
    expect(list.stdout).toMatch(/mervi\s+Mervi M\s+marketing\s+no\s+one-time password/);
    expect((await cli.lupaus(['person', 'show', personId, '--dir', dir], url)).code).toBe(0);

    expect((await cli.lupaus(['token', 'revoke', tokenId, '--dir', dir], url)).code).toBe(0);
    const revoked = await cli.lupaus(['person', 'show', personId, '--dir', dir], url, {
      LUPAUS_TOKEN: token,
    });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('LUPAUS_TOKEN');

    // A forgotten password: the local operator resets it; the old one-time password no longer signs in.
    const reset = await cli.lupaus(['user', 'reset', 'Mervi', '--second-factor', '--dir', dir], url);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('second factor is removed');
    const again = oneTimePasswordIn(reset.stdout);
    expect(again).not.toBe(oneTimePasswordIn(user.stdout));
    await withRegister(dir, url, async (reg) => {
      expect((await signIn(reg, { username: 'mervi', password: again })).mustChangePassword).toBe(true);
      await expect(
        signIn(reg, { username: 'mervi', password: oneTimePasswordIn(user.stdout) }),
      ).rejects.toThrow();
      const audit = await reg.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'user.reset-credentials')
        .execute();
      expect(audit).toEqual([{ details: { secondFactor: true } }]);
    });

    expect((await cli.lupaus(['user', 'roles', 'mervi', 'auditor', '--dir', dir], url)).stdout).toContain(
      'mervi: auditor',
    );
    expect((await cli.lupaus(['user', 'disable', 'mervi', '--dir', dir], url)).stdout).toContain(
      'mervi: disabled',
    );
  });

  it('R6.1 start creates a demo register and prints the administrator’s one-time password on the first run only', async () => {
    const dir = join(cli.work, 'started');
    const url = await cli.freshDatabase();
    const runOnce = async () => {
      const child = cli.spawn(['start', '--port', '0', '--retention-every', 'off', '--dir', dir], url, {
        LUPAUS_NOTIFICATIONS_EVERY: 'off',
      });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      try {
        await servedAddress(child);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.on('exit', r));
      }
      return out;
    };
    const first = await runOnce();
    expect(oneTimePasswordIn(first).length).toBeGreaterThanOrEqual(20);
    const second = await runOnce();
    expect(second).not.toContain('one-time password');
  });
});
