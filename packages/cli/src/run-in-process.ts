import { format } from 'node:util';
import { main } from './program';

/** How a `lupaus` run in this process ended: as `Run` of testing.ts. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The end of the last run started: the next starts after it. */
let last: Promise<unknown> = Promise.resolve();

/**
 * Test-only: runs `lupaus args` in this process (`main(args)`) as a child process started by the test would run
 * it, without the seconds of tsx and module loading a child costs. Not exported from the package index.
 *
 * What a child would have had, the run gets for its duration and gives back afterwards: `env` as the whole of
 * `process.env`, `cwd` as the working directory, stdout and stderr (and `console`) captured instead of written,
 * stdin, stdout and stderr that are not terminals (as the pipes of `execFile`), and the exit code `main` returns.
 * Those are process-wide, so runs are serialised: a run starts when the previous one of this process has ended.
 *
 * What a child would have had and an in-process run cannot: a process of its own to exit, kill or signal. A
 * command that calls `process.exit`, leaves a signal handler installed or leaves handles open (a register not
 * closed, a timer, a socket) fails the run with an error saying so; the tests of such behaviour (`serve`, a
 * command killed midway, the real `bin/lupaus.js`) spawn the command. Reading stdin is not supported either (a
 * child of `execFile` would wait for ever on it too).
 *
 * @example
 * ```ts
 * const run = await runInProcess(['check', 'register.yaml'], { cwd: work, env: lupausEnv(undefined) });
 * expect(run.code, run.stderr).toBe(0);
 * ```
 */
export function runInProcess(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<InProcessRun> {
  const run = last.then(() => runNow(args, options.cwd, options.env));
  last = run.catch(() => undefined);
  return run;
}

type Write = typeof process.stdout.write;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const;
const CONSOLE_OUT = ['log', 'info', 'debug', 'dir', 'table'] as const;
const CONSOLE_ERR = ['error', 'warn', 'trace'] as const;

/** A `write` that appends to `chunks`, as the stream's would, calling back when it is given one. */
function capture(chunks: Buffer[]): Write {
  return ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
    const done = typeof encoding === 'function' ? encoding : cb;
    chunks.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk),
    );
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as Write;
}

/** The active resources of the process by type ("Timeout", "TCPSocketWrap", …) and their count. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** The resource types of which `after` holds more than `before`. */
function grown(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after]
    .filter(([type, n]) => n > (before.get(type) ?? 0))
    .map(([type, n]) => `${type} +${n - (before.get(type) ?? 0)}`);
}

async function runNow(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<InProcessRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const savedOut = process.stdout.write;
  const savedErr = process.stderr.write;
  const savedExit = process.exit;
  // biome-ignore lint/suspicious/noExplicitAny: the console's methods are restored exactly as they were
  const savedConsole = new Map<string, any>();
  const streams = [process.stdin, process.stdout, process.stderr] as const;
  const savedTty = streams.map((s) => Object.getOwnPropertyDescriptor(s, 'isTTY'));
  const savedSignals = SIGNALS.map((s) => process.listeners(s));
  const before = resources();
  let exited: number | string | null | undefined;
  const problems: string[] = [];

  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
  process.chdir(cwd);
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  for (const s of streams)
    Object.defineProperty(s, 'isTTY', { value: false, configurable: true, writable: true });
  for (const m of [...CONSOLE_OUT, ...CONSOLE_ERR]) savedConsole.set(m, console[m]);
  for (const m of CONSOLE_OUT)
    console[m] = (...a: unknown[]) => void process.stdout.write(`${format(...a)}\n`);
  for (const m of CONSOLE_ERR)
    console[m] = (...a: unknown[]) => void process.stderr.write(`${format(...a)}\n`);
  process.exit = ((code?: number | string | null) => {
    exited = code;
    throw new Error(`process.exit(${code ?? ''}) in an in-process run: spawn this command (cli.spawnLupaus)`);
  }) as typeof process.exit;

  let code: number;
  try {
    code = await main(args);
    // What the command opened and did not close: give closing handles a turn, then compare.
    let left = grown(before, resources());
    for (let i = 0; i < 5 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = grown(before, resources());
    }
    // The timers above are ours and gone; anything left is the command's.
    if (left.length > 0) problems.push(`left open: ${left.join(', ')}`);
  } finally {
    for (const [i, s] of SIGNALS.entries()) {
      const added = process.listeners(s).filter((l) => !savedSignals[i]!.includes(l));
      for (const l of added) process.removeListener(s, l);
      if (added.length > 0) problems.push(`installed a ${s} handler`);
    }
    process.exit = savedExit;
    for (const [m, f] of savedConsole) console[m as 'log'] = f;
    for (const [i, s] of streams.entries()) {
      const d = savedTty[i];
      if (d) Object.defineProperty(s, 'isTTY', d);
      else delete (s as { isTTY?: boolean }).isTTY;
    }
    process.stderr.write = savedErr;
    process.stdout.write = savedOut;
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
  const run = {
    code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
  if (exited !== undefined) problems.push(`called process.exit(${exited ?? ''})`);
  if (problems.length > 0) {
    throw new Error(
      `lupaus ${args.join(' ')} run in-process ${problems.join('; ')}; exit ${run.code}\n${run.stderr}`,
    );
  }
  return run;
}
