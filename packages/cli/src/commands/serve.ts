import { buildApp, isWebAppBuilt, loggerOptions } from '@lupaus/api';
import { loadDemoPersons, openRegister, registerMailer, sendPendingNotifications } from '@lupaus/engine';
import { ensureWebBuilt, WEB_DIST } from '@lupaus/web/server';
import { type Command, InvalidArgumentError } from 'commander';
import { databaseUrl, dataDirOf, ExitError, isInitialised, localOperator, print } from '../context';
import { DEFAULT_EXAMPLE, init } from './init';
import {
  DEFAULT_RETENTION_EVERY,
  parseEvery,
  parseEveryOption,
  scheduleEvery,
  scheduleRetention,
} from './retention';

/**
 * `lupaus serve [--port N] [--host H] [--dir DIR]`: serves the HTTP API of the register in the data directory
 * (R7.3). Every request signs in (a session cookie with its CSRF token, or an API token; R6.1), and it binds to
 * 127.0.0.1 unless told otherwise. The operator of the command only loads demo persons and runs the schedules.
 *
 * `lupaus start`: the same, after creating a demo register (example 003-auntie with a few demo persons) when
 * the data directory holds none.
 */
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
/** How often `serve` sends the outbox of notices: $LUPAUS_NOTIFICATIONS_EVERY (30s, 5m, off), else every minute. */
function notificationsEvery(): number | null {
  const env = process.env.LUPAUS_NOTIFICATIONS_EVERY;
  try {
    return parseEvery(env && env.trim() !== '' ? env : '1m');
  } catch (e) {
    throw new ExitError(
      2,
      `error: LUPAUS_NOTIFICATIONS_EVERY: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

interface ServeOpts {
  port: number;
  host: string;
  dir?: string;
  /** How often the retention sweep runs (ms), or never. */
  retentionEvery?: number | 'off';
}

function defaultRetentionEvery(): number | null {
  const env = process.env.LUPAUS_RETENTION_EVERY;
  try {
    return parseEvery(env && env.trim() !== '' ? env : DEFAULT_RETENTION_EVERY);
  } catch (e) {
    throw new ExitError(2, `error: LUPAUS_RETENTION_EVERY: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const RETENTION_HELP =
  'how often the retention sweep runs, e.g. 24h, 6h, 30m, or off (default $LUPAUS_RETENTION_EVERY or 24h; the first run shortly after start)';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a number 0–65535');
  return n;
}

function defaultPort(): number {
  const env = process.env.PORT;
  return env && /^\d+$/.test(env) ? Number(env) : DEFAULT_PORT;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API of the register (binds to 127.0.0.1 by default)')
    .option('--port <n>', 'the port (default $PORT or 3000; 0 picks a free one)', parsePort, defaultPort())
    .option('--host <host>', 'the address to bind to', DEFAULT_HOST)
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--retention-every <duration>', RETENTION_HELP, parseEveryOption)
    .action(async (opts: ServeOpts) => {
      await serve(opts);
    });

  program
    .command('start')
    .description(`serve the register, first creating a demo register (${DEFAULT_EXAMPLE}) if there is none`)
    .option('--port <n>', 'the port (default $PORT or 3000; 0 picks a free one)', parsePort, defaultPort())
    .option('--host <host>', 'the address to bind to', DEFAULT_HOST)
    .option('--dir <dir>', 'the data directory (default $LUPAUS_DATA_DIR or ./.lupaus)')
    .option('--retention-every <duration>', RETENTION_HELP, parseEveryOption)
    .action(async (opts: ServeOpts) => {
      const dataDir = dataDirOf(opts);
      await buildWebApp();
      if (!isInitialised(dataDir)) {
        await init(dataDir, { example: DEFAULT_EXAMPLE });
        print(`created a demo register (${DEFAULT_EXAMPLE}) in ${dataDir}`);
        await serve(opts, true);
      } else {
        await serve(opts);
      }
    });
}

async function serve(opts: ServeOpts, withDemoPersons = false): Promise<void> {
  const every =
    opts.retentionEvery === undefined
      ? defaultRetentionEvery()
      : opts.retentionEvery === 'off'
        ? null
        : opts.retentionEvery;
  const sendEvery = notificationsEvery();
  const url = databaseUrl();
  const webBuilt = isWebAppBuilt(WEB_DIST);
  const register = await openRegister({ dataDir: dataDirOf(opts), ...(url ? { databaseUrl: url } : {}) });
  const operator = localOperator(register);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    if (withDemoPersons) {
      const n = await loadDemoPersons(register, operator);
      print(`added ${n} demo persons`);
    }
    app = await buildApp({
      register,
      logger: loggerOptions({ level: process.env.LUPAUS_LOG_LEVEL }),
      trustProxy: trustProxyOf(process.env.LUPAUS_TRUST_PROXY),
      ...(webBuilt ? { webDir: WEB_DIST } : {}),
    });
    const address = await app.listen({ port: opts.port, host: opts.host });
    print(`Lupaus is serving ${register.definition.controller.name}: ${address}`);
    print(
      webBuilt
        ? `  open ${address}/ in a browser to use the register (the web application)`
        : '  the web application is not built: run `npm run build -w @lupaus/web` (or `lupaus start`) to serve it',
    );
    print(`  API ${address}/api/v1/register, OpenAPI ${address}/openapi.json`);
    // The retention sweep (R5.2) runs on a schedule; a failed run is logged, never fatal.
    const sweep =
      every === null
        ? undefined
        : scheduleRetention(register, operator, every, (line) => process.stderr.write(`${line}\n`));
    // The outbox (art. 19 notices, the subject's own) is sent every minute when LUPAUS_SMTP_URL names a server.
    const mailer = registerMailer(register);
    const outbox =
      mailer && sendEvery !== null
        ? scheduleEvery(
            sendEvery,
            Math.min(sendEvery, 5_000),
            async () => {
              const r = await sendPendingNotifications(register, mailer);
              return r.sent + r.failed > 0 ? `notifications: ${r.sent} sent, ${r.failed} failed` : undefined;
            },
            (line) => process.stderr.write(`${line}\n`),
            'sending notifications',
          )
        : undefined;
    if (!outbox)
      print(
        '  notices stay in the outbox: set LUPAUS_SMTP_URL (and LUPAUS_NOTIFICATIONS_EVERY) to send them',
      );
    const stop = async () => {
      await outbox?.stop();
      await sweep?.stop();
      await app?.close();
      await register.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  } catch (e) {
    // Nothing may stay listening on a closed register.
    await app?.close();
    await register.close();
    throw e;
  }
}

/**
 * `lupaus start` builds the web application (packages/web) when its build is missing or older than its sources,
 * so that `npm install && npm start` opens it. A failed build is reported and the API is served all the same.
 */
async function buildWebApp(): Promise<void> {
  try {
    await ensureWebBuilt((line) => process.stderr.write(`${line}\n`));
  } catch (e) {
    process.stderr.write(
      `the web application could not be built (${e instanceof Error ? e.message : String(e)}); serving the API only\n`,
    );
  }
}

/**
 * `LUPAUS_TRUST_PROXY`: unset or `false` trusts no proxy (the default); `true` trusts every hop; anything else is
 * a comma-separated list of the proxies' addresses or CIDR ranges (the safer choice).
 */
export function trustProxyOf(value: string | undefined): boolean | string[] {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}
