import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { isLupausError } from '@lupaus/core';
import {
  createFirstAdministrator,
  initRegister,
  listExamples,
  openRegister,
  passwordProblems,
} from '@lupaus/engine';
import type { Command } from 'commander';
import { databaseUrl, dataDirOf, ExitError, print } from '../context';

export const DEFAULT_EXAMPLE = '003-auntie';
export const DEFAULT_ADMIN = 'admin';

/** How the first administrator gets a password: asked for on the terminal, or a one-time password printed once. */
export interface FirstAdministrator {
  username: string;
  /** Ask for the password (a terminal); otherwise a one-time password is printed. */
  ask: boolean;
}

/**
 * `lupaus init [--example NAME | --file FILE] [--dir DIR] [--admin NAME] [--one-time-password]`: creates a
 * register in a data directory from an example or a definition file of one's own: the definition, the keys,
 * the database, the first notice version, and the first administrator (R6.1: there are no default
 * credentials). On a terminal it asks for the administrator's password; otherwise (or with
 * `--one-time-password`) it prints a one-time password once, which must be changed at the first sign-in. It
 * never overwrites a register that is already there.
 */
export function initCommand(program: Command): void {
  program
    .command('init')
    .description('create a register in the data directory from an example or a definition file')
    .option('--example <name>', `one of the examples (${listExamples().join(', ')})`)
    .option('--file <file>', 'a register definition of your own')
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--admin <name>', 'the username of the first administrator', DEFAULT_ADMIN)
    .option(
      '--one-time-password',
      'print a one-time password for the administrator instead of asking for one',
    )
    .action(
      async (opts: {
        example?: string;
        file?: string;
        dir?: string;
        admin: string;
        oneTimePassword?: boolean;
      }) => {
        if (opts.example && opts.file) throw new ExitError(2, 'error: give --example or --file, not both');
        const dataDir = dataDirOf(opts);
        await init(
          dataDir,
          opts.file ? { definitionFile: opts.file } : { example: opts.example ?? DEFAULT_EXAMPLE },
          { username: opts.admin, ask: !opts.oneTimePassword && process.stdin.isTTY === true },
        );
        print(`initialised a register in ${dataDir}`);
        print(`next: lupaus serve --dir ${dataDir}`);
      },
    );
}

export async function init(
  dataDir: string,
  from: { example: string } | { definitionFile: string },
  admin: FirstAdministrator = { username: DEFAULT_ADMIN, ask: false },
): Promise<void> {
  if ('example' in from && !listExamples().includes(from.example)) {
    throw new ExitError(
      2,
      `error: no example "${from.example}"; the examples are ${listExamples().join(', ')}`,
    );
  }
  const username = admin.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username)) {
    throw new ExitError(
      2,
      'error: --admin is 3–64 characters: letters a–z, digits, dot, underscore or hyphen',
    );
  }
  const url = databaseUrl();
  const password = admin.ask ? await askNewPassword(username) : undefined;
  await initRegister({ dataDir, ...from, ...(url ? { databaseUrl: url } : {}) });
  const reg = await openRegister({ dataDir, ...(url ? { databaseUrl: url } : {}) });
  try {
    const created = await createFirstAdministrator(reg, { username, password }, `cli:init`);
    if (created.oneTimePassword) {
      print(`created the administrator "${username}" with the one-time password (shown only this once):`);
      print(`  ${created.oneTimePassword}`);
      print('change it at the first sign-in; then set up the second factor (an authenticator app)');
    } else {
      print(`created the administrator "${username}"`);
    }
  } catch (e) {
    // A database that already has users (a new data directory on an old server database) keeps them.
    if (isLupausError(e) && e.code === 'CONFLICT')
      print('the database has users already: no administrator was created');
    else throw e;
  } finally {
    await reg.close();
  }
}

/** Asks on the terminal for a new password, twice, without echoing it, until it passes the policy. */
async function askNewPassword(username: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await askHidden(`password for ${username} (at least 12 characters): `);
    const problems = passwordProblems(first, username);
    if (problems.length > 0) {
      process.stderr.write(`${problems.map((p) => p.message).join('; ')}\n`);
      continue;
    }
    if ((await askHidden('the same again: ')) !== first) {
      process.stderr.write('the two did not match\n');
      continue;
    }
    return first;
  }
  throw new ExitError(1, 'error: no acceptable password given; run again, or use --one-time-password');
}

function askHidden(prompt: string): Promise<string> {
  process.stdout.write(prompt);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}
