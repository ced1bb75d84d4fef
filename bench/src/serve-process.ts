import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Agent, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataDirRegister } from './import';

/**
 * A real `lupaus serve` process on a benchmark's register, and HTTP requests to it: shared by the memory benchmark
 * (P7) and the load benchmark (issue 8), which both measure the served app rather than the app in-process.
 *
 * @example
 * ```ts
 * await target.closeRegister(); // PGlite: one process at a time
 * const serve = await startServe(target);
 * const res = await send(`${serve.address}/api/v1/persons/${id}`, 'GET', headers);
 * await serve.stop();
 * ```
 */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'packages/cli/bin/lupaus.js');

/** The environment of a child process: no inherited register, no mail, no schedules; the server if one is given. */
export function childEnv(databaseUrl: string | undefined): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const k of ['LUPAUS_DATA_DIR', 'DATABASE_URL', 'LUPAUS_SMTP_URL', 'LUPAUS_RETENTION_EVERY'])
    delete e[k];
  e.LUPAUS_NOTIFICATIONS_EVERY = 'off';
  if (databaseUrl) e.DATABASE_URL = databaseUrl;
  return e;
}

function servedAddress(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((found, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) found(m[1]!);
    });
    child.once('exit', (code) =>
      fail(new Error(`lupaus serve exited with ${code}: ${stderr().slice(-500)}`)),
    );
  });
}

export interface ServeProcess {
  address: string;
  pid: number;
  /** The tail of its stderr. */
  stderr(): string;
  /** `still running`, or how it exited: said beside a failed request, which says little by itself. */
  state(): string;
  stop(): Promise<void>;
}

/** Starts `lupaus serve` on the register's data directory (closed in this process), with the schedules off. */
export async function startServe(target: DataDirRegister): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--dir', target.dataDir, '--port', '0', '--retention-every', 'off'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(target.databaseUrl) },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (exited()) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  try {
    const address = await servedAddress(child, () => err);
    return {
      address,
      pid: child.pid!,
      stderr: () => err,
      state: () => (exited() ? `exited (${child.exitCode ?? child.signalCode})` : 'still running'),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * One HTTP request on loopback with no time limit (fetch gives up after 300 s without headers, and a segment of a
 * million persons on PGlite can take longer to start answering); through `agent` when given. Resolves with the
 * status and body, rejects on a network error naming the request.
 */
export function send(
  url: string,
  method: 'GET' | 'POST' | 'PATCH',
  headers: Record<string, string>,
  body?: unknown,
  agent?: Agent,
): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        ...(agent ? { agent } : {}),
        headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
        timeout: 0,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', fail);
      },
    );
    req.on('error', (e) => fail(new Error(`${method} ${url}: ${e.message}`, { cause: e })));
    req.end(payload);
  });
}
