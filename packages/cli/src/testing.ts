import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permissionsOf } from '@lupaus/core';
import { createServerDatabase } from '@lupaus/db/testing';
import { createApiToken, createUser, openRegister, signCommitment } from '@lupaus/engine';
import { startTestSmtpServer } from '@lupaus/engine/testing';
import { afterAll, beforeAll, expect } from 'vitest';
import { runInProcess } from './run-in-process';

/**
 * Test-only helpers for running the `lupaus` command (not exported from the package index): in this process
 * (`main`, as a child would run it: see run-in-process.ts) or as the real command in a child process, with a
 * clean environment, a temporary work directory, fresh databases on the server named by
 * LUPAUS_TEST_DATABASE_URL and an SMTP server in this process.
 */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(ROOT, 'packages/cli/bin/lupaus.js');
export const TEST_URL = process.env.LUPAUS_TEST_DATABASE_URL;
export const OPERATOR = { id: 'test', roles: ['administrator'], commitmentSigned: true };
/**
 * LUPAUS_TEST_SPAWN=1 runs every `cli.lupaus` as the real command in a child process (as `cli.spawnLupaus`), to
 * prove the tests' commands end to end or to compare with the in-process runs (much slower: seconds a run).
 */
export const SPAWN_ALWAYS = process.env.LUPAUS_TEST_SPAWN === '1';

/** How a `lupaus` run ended. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child `lupaus`: ours without the settings that would point it elsewhere
 * (LUPAUS_DATA_DIR, DATABASE_URL, LUPAUS_SMTP_URL, LUPAUS_RETENTION_EVERY), then `databaseUrl` as DATABASE_URL
 * and `extra`.
 */
export function lupausEnv(databaseUrl?: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.LUPAUS_DATA_DIR;
  delete e.DATABASE_URL;
  delete e.LUPAUS_SMTP_URL;
  delete e.LUPAUS_RETENTION_EVERY;
  if (databaseUrl) e.DATABASE_URL = databaseUrl;
  return { ...e, ...extra };
}

/** The address `lupaus serve` prints once it listens; rejects if it exits first. */
export function servedAddress(child: ChildProcess): Promise<string> {
  return new Promise<string>((found, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) found(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}`)));
  });
}

/** The command run in a work directory, with the databases it was given. */
export interface CliHarness {
  /** The temporary work directory (made in beforeAll, removed in afterAll). */
  readonly work: string;
  /**
   * Runs `lupaus args` to its end in this process (`main`, with the environment, working directory and pipes a
   * child would have had), on `databaseUrl` (PGlite when undefined), with `env` added. A command that needs a
   * process of its own (`serve`, one killed or signalled) fails here: use `spawn`.
   */
  lupaus(args: string[], databaseUrl?: string, env?: Record<string, string>): Promise<Run>;
  /** Runs the real `bin/lupaus.js args` as a child process to its end, as `lupaus` does in this process. */
  spawnLupaus(args: string[], databaseUrl?: string, env?: Record<string, string>): Promise<Run>;
  /** Starts the real `lupaus args` with stdout and stderr piped, for a process the test watches or kills. */
  spawn(args: string[], databaseUrl?: string, env?: Record<string, string>): ChildProcess;
  /** A fresh database on the test server (dropped in afterAll), or undefined for PGlite. */
  freshDatabase(): Promise<string | undefined>;
  /** `lupaus init --example example` in `<work>/<name>` on a fresh database (expected to succeed). */
  initRegister(example: string, name?: string): Promise<{ dir: string; url: string | undefined }>;
}

/**
 * Registers the hooks of a CLI test file and returns its harness: a work directory named `prefix…` made before
 * the tests and removed after them, together with every database `freshDatabase` created.
 *
 * @example
 * ```ts
 * const cli = useCliHarness('lupaus-request-');
 * const url = await cli.freshDatabase();
 * const init = await cli.lupaus(['init', '--example', '003-auntie', '--dir', join(cli.work, 'register')], url);
 * ```
 */
export function useCliHarness(prefix: string): CliHarness {
  let work = '';
  const databases: { drop(): Promise<void> }[] = [];
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    for (const d of databases) await d.drop();
  });
  const freshDatabase = async (): Promise<string | undefined> => {
    if (!TEST_URL) return undefined;
    const database = await createServerDatabase('lupaus_cli', TEST_URL);
    databases.push(database);
    return database.url;
  };
  const harness: CliHarness = {
    get work() {
      return work;
    },
    lupaus: (args, databaseUrl, env) =>
      SPAWN_ALWAYS
        ? harness.spawnLupaus(args, databaseUrl, env)
        : runInProcess(args, { cwd: work, env: lupausEnv(databaseUrl, env) }),
    spawnLupaus: (args, databaseUrl, env) =>
      new Promise((done) => {
        execFile(
          process.execPath,
          [BIN, ...args],
          { cwd: work, env: lupausEnv(databaseUrl, env), maxBuffer: 64 << 20 },
          (err, stdout, stderr) => {
            done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
          },
        );
      }),
    spawn: (args, databaseUrl, env) =>
      spawn(process.execPath, [BIN, ...args], {
        cwd: work,
        env: lupausEnv(databaseUrl, env),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    freshDatabase,
    initRegister: async (example, name = 'register') => {
      const dir = join(work, name);
      const url = await freshDatabase();
      const init = await harness.lupaus(['init', '--example', example, '--dir', dir], url);
      expect(init.code, init.stderr).toBe(0);
      return { dir, url };
    },
  };
  return harness;
}

/**
 * Runs `fn` on the register in `dir` (on `databaseUrl`, or PGlite), opened in this process and closed after.
 *
 * @example
 * ```ts
 * const personId = await withRegister(dir, url, async (reg) => (await createPerson(reg, OPERATOR, input)).id);
 * ```
 */
export async function withRegister<T>(
  dir: string,
  databaseUrl: string | undefined,
  fn: (reg: Awaited<ReturnType<typeof openRegister>>) => Promise<T>,
): Promise<T> {
  const reg = await openRegister({ dataDir: dir, databaseUrl });
  try {
    return await fn(reg);
  } finally {
    await reg.close();
  }
}

/** The SMTP server of a test file (`startTestSmtpServer`), started in beforeAll and closed in afterAll. */
export function useTestSmtpServer(): Awaited<ReturnType<typeof startTestSmtpServer>> {
  let server: Awaited<ReturnType<typeof startTestSmtpServer>> | undefined;
  beforeAll(async () => {
    server = await startTestSmtpServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  const started = () => {
    if (!server) throw new Error('the test SMTP server starts in beforeAll');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get messages() {
      return started().messages;
    },
    close: () => started().close(),
  };
}

/**
 * An API token of a new administrator of the register in `dir` who has signed the commitment, as request
 * headers for a served register (`lupaus serve` authenticates every request, R6.1).
 *
 * @example
 * ```ts
 * const headers = await adminHeaders(dir, url);
 * await fetch(`${address}/api/v1/register`, { headers });
 * ```
 */
export async function adminHeaders(
  dir: string,
  databaseUrl: string | undefined,
): Promise<{ authorization: string }> {
  return withRegister(dir, databaseUrl, async (reg) => {
    const username = `api${randomBytes(4).toString('hex')}`;
    const { user } = await createUser(reg, OPERATOR, {
      username,
      displayName: username,
      roles: ['administrator'],
      password: `${randomBytes(12).toString('base64url')}-pw`,
    });
    await signCommitment(reg, { id: user.id, roles: user.roles, commitmentSigned: false });
    const scopes = [...permissionsOf(reg.definition, user.roles)];
    const { token } = await createApiToken(reg, OPERATOR, { userId: user.id, name: 'test', scopes });
    return { authorization: `Bearer ${token}` };
  });
}
