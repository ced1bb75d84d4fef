import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * The log of the API holds no identifier and no secret (issue 5 item 7, R6.4): a log line is written by
 * someone, kept for long and read by others, so nothing in it may identify a person or open an account.
 *
 * Three layers, each enough for what it knows:
 * 1. what is logged of a request is its method, its route pattern (`/api/v1/persons/:id`, never the raw URL
 *    with its query string), its status and time; of an error its type, message, code and stack only;
 * 2. values of keys that name a secret or an identifier (password, token, secret, cookie, authorization, csrf,
 *    otp/recovery codes, hetu, email, phone…) are replaced in every logged object, however deep;
 * 3. the finished line is scrubbed as text: hetus, email addresses, phone numbers, bearer and API tokens,
 *    `key=value` secrets and query strings become `[redacted]`, wherever they hide (a message, a stack, a URL).
 */
export const REDACTED = '[redacted]';

/** Log options for Fastify: the level (default `warn`) and where to write (default standard output). */
export interface LoggerConfig {
  level?: string;
  /** Where the lines go (a test captures them); anything with `write(line)`. */
  stream?: { write(line: string): unknown };
}

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

/** Keys whose value is a secret or an identifier wherever they appear (matched within the key, any case). */
const SECRET_KEY =
  /pass(?:word|wd|phrase)|secret|token|authori[sz]ation|cookie|csrf|xsrf|recovery|api_?key|session|hetu|^ssn$|personal_?id|identity_?code|e_?mail|phone|mobile|^iban$|card_?number|^sid$|(?:first|last|given|family|full|sur)_?names?|street|postal_?address|home_?address|birth_?date|date_?of_?birth/i;
/** One-time passwords: `otp`, `totp`, `otpCode`, `totp_secret` (not `footprint`). */
const OTP_KEY = /(?:^|[_-])t?otp|T?Otp|TOTP|OTP/;
/** `code` itself is kept when it is an error code (VALIDATION_FAILED, FST_ERR_…, ECONNREFUSED, SQLSTATE 23505). */
const CODE_KEY = /code$/i;
const KEPT_CODE_KEYS = new Set(['statuscode', 'errorcode', 'exitcode']);
const ERROR_CODE = /^(?:[A-Z][A-Z0-9_]+|[0-9A-Z]{5})$/;

/** Whether the value of `key` must not be logged. */
export function isSecretKey(key: string, value?: unknown): boolean {
  if (SECRET_KEY.test(key) || OTP_KEY.test(key)) return true;
  if (!CODE_KEY.test(key) || KEPT_CODE_KEYS.has(key.toLowerCase())) return false;
  if (key.toLowerCase() !== 'code') return true; // totpCode, recoveryCode, verificationCode…
  return !(typeof value === 'string' && ERROR_CODE.test(value));
}

// ---- text patterns ---------------------------------------------------------------------------------------

/** A Finnish personal identity code, DDMMYY, century sign, NNN, check character; `+` also URL-encoded. */
const HETU =
  /(?<![0-9A-Za-z])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d\d(?:[-+ABCDEFYXWVU]|%2B)\d{3}[0-9A-Y](?![0-9A-Za-z])/gi;
/** An email address; `@` also URL-encoded. */
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** An international phone number: `+358 40 123 4567`, `+358401234567` (also `%2B358…`). */
const PHONE_INTL = /(?<![\w+])(?:\+|%2B)\d(?:[\s().-]{0,2}\d){6,14}(?![\w-])/gi;
/** A national phone number: `040 123 4567`, `040-1234567`, `09 123 456`, `00358 40…`. */
const PHONE_NATIONAL = /(?<![\w+.\-/])0\d{1,3}(?:[\s-]?\d){5,11}(?![\w-])/g;
/** `Bearer <token>`, `Basic <credentials>` (an Authorization header written out). */
const AUTH_SCHEME =
  /\b(?:[Bb]earer|BEARER)\s+[A-Za-z0-9._~+/=-]{6,}|\b(?:[Bb]asic|BASIC)\s+(?=[A-Za-z0-9+/][A-Za-z0-9+/]*[0-9+/=A-Z])[A-Za-z0-9+/]{8,}={0,2}/g;
/** Our tokens: API tokens `lpt_…`, sessions and the like `lp?_…`. */
const LUPAUS_TOKEN = /\blp[a-z]{1,3}_[A-Za-z0-9_-]{6,}/g;
/** A JSON-like `"key": "value"` (also inside a string, escaped `\"key\":\"value\"`) or `"key": 123`. */
const JSON_PAIR = /(\\*")([A-Za-z0-9_$.-]{1,64})\1(\s*:\s*)(?:\1((?:(?!\1)[^\\]|\\.)*?)\1|(-?\d[\d.eE+-]*))/g;
/** `key=value` in a query string, a cookie, a form body, a message. */
const KEY_VALUE = /(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_.-]{0,63})=([^&\s"'\\;,]+)/g;
/** A query string after a path: `…/persons?email=…` → `…/persons?[redacted]`. */
const QUERY = /(?<=[\w/])\?(?=[^\s"\\#]*=)[^\s"\\#]*/g;

/**
 * Scrubs a text of identifiers and secrets: hetus, email addresses, phone numbers, tokens, the values of secret
 * keys and query strings become `[redacted]`. The result of a JSON text is still JSON.
 *
 * @example
 * ```ts
 * scrub('no person 131052-902T (maija@example.fi)'); // 'no person [redacted] ([redacted])'
 * ```
 */
export function scrub(text: string): string {
  return text
    .replace(JSON_PAIR, scrubPair)
    .replace(AUTH_SCHEME, (all: string) => `${all.split(/\s/)[0]} ${REDACTED}`)
    .replace(LUPAUS_TOKEN, REDACTED)
    .replace(QUERY, `?${REDACTED}`)
    .replace(KEY_VALUE, (all, key: string, value: string) =>
      isSecretKey(key, value) ? `${key}=${REDACTED}` : all,
    )
    .replace(EMAIL, REDACTED)
    .replace(HETU, REDACTED)
    .replace(PHONE_INTL, REDACTED)
    .replace(PHONE_NATIONAL, REDACTED);
}

/**
 * A `"key":"value"` pair: the value of a secret key goes; the value of another is searched for pairs within
 * (a message holding JSON, escaped).
 */
function scrubPair(all: string, q: string, key: string, colon: string, str?: string): string {
  if (isSecretKey(key, str)) return `${q}${key}${q}${colon}${q}${REDACTED}${q}`;
  if (str === undefined || !str.includes('"')) return all;
  return `${q}${key}${q}${colon}${q}${str.replace(JSON_PAIR, scrubPair)}${q}`;
}

/** A copy of a logged value with the values of secret keys replaced, however deep (plain objects and arrays). */
export function redactKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactKeys(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // errors, requests: their serializers decide
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k, v) && v !== null && v !== undefined ? REDACTED : redactKeys(v, depth + 1);
  }
  return out;
}

/** Paths pino blanks out before writing (the key scrub would catch them too: these are certain). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-csrf-token"]',
  'headers["set-cookie"]',
  'body.password',
  'body.newPassword',
  'body.currentPassword',
  'body.token',
  'body.code',
  'body.recoveryCode',
  'body.secret',
  '*.password',
  '*.token',
  '*.secret',
];

interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  status?: unknown;
  statusCode?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  problems?: { at: unknown }[];
  cause?: SerializedError;
}

/**
 * An error as logged: its type, message, stack, code and status, the database constraint, table and column it
 * broke, where its problems were (not their messages, which may echo input) and its cause. Never its details,
 * a query's parameters or a database error's `detail` (`Key (email)=(…) already exists`).
 */
export function serializeError(err: unknown, depth = 0): SerializedError | unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? err : undefined;
  const e = err as Error & Record<string, unknown>;
  const out: SerializedError = { type: e.constructor?.name ?? e.name, message: e.message };
  if (typeof e.stack === 'string') out.stack = e.stack;
  for (const key of ['code', 'status', 'statusCode', 'constraint', 'table', 'column'] as const) {
    const v = e[key];
    if (typeof v === 'string' || typeof v === 'number') out[key] = v;
  }
  if (Array.isArray(e.problems))
    out.problems = (e.problems as { at?: unknown }[]).map((p) => ({ at: p?.at }));
  if (e.cause instanceof Error && depth < 3)
    out.cause = serializeError(e.cause, depth + 1) as SerializedError;
  return out;
}

/** A request as logged: its method and route pattern, never the raw URL, headers or client address. */
export function serializeRequest(request: FastifyRequest): { method: string; route: string | null } {
  return { method: request.method, route: request.routeOptions?.url ?? null };
}

/** A response as logged: its status. */
export function serializeReply(reply: Pick<FastifyReply, 'statusCode'>): { statusCode: number } {
  return { statusCode: reply.statusCode };
}

/**
 * Logger options for `buildApp({ logger })` / `Fastify({ logger })` that never write an identifier or a
 * secret (see the module comment). `LUPAUS_LOG_LEVEL` is for the caller to read; the default level is `warn`.
 *
 * @example
 * ```ts
 * const app = await buildApp({ register, logger: loggerOptions({ level: process.env.LUPAUS_LOG_LEVEL }) });
 * ```
 */
export function loggerOptions(config: LoggerConfig = {}): LoggerOptions {
  const options: LoggerOptions = {
    level: config.level && config.level.trim() !== '' ? config.level.trim() : 'warn',
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      req: serializeRequest,
      res: serializeReply,
      // pino's type wants every error serialized with a stack; ours keeps what is safe.
      err: serializeError as (err: Error) => { type: string; message: string; stack: string },
    },
    formatters: {
      log: (obj: Record<string, unknown>) => redactKeys(obj) as Record<string, unknown>,
    },
    hooks: { streamWrite: scrub },
  };
  if (config.stream) (options as { stream?: unknown }).stream = config.stream;
  return options;
}
