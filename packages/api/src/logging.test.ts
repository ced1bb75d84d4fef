import type { Register } from '@lupaus/engine';
import { openTestRegister, TEST_ADMIN } from '@lupaus/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { loggerOptions, REDACTED, scrub } from './logging';
import { testHetu } from './test-app';

const HETU = testHetu('131052', '-', 902);
const HETU_2000 = testHetu('010105', 'A', 913);
const EMAIL = 'Maija.Virtanen@Example.fi';
const PHONE = '040 038 38 69';
const PHONE_E164 = '+358400383869';
const TOKEN = 'lpt_Zk3rT9vQm2XwP8sLh4Yb';
const SESSION = 'sessV4lue8Jq2mN5pR7tW9';
const CSRF = 'csrf7hG2kL9mQ4vX1zB6';
const PASSWORD = 'Hunter2-correct-horse-battery';
const TOTP = '492817';

/** Every value that must never reach the log, in the forms it may take. */
const SECRETS = [
  HETU,
  HETU_2000,
  EMAIL,
  EMAIL.toLowerCase(),
  encodeURIComponent(EMAIL),
  PHONE,
  PHONE_E164,
  '400383869',
  TOKEN,
  SESSION,
  CSRF,
  PASSWORD,
  TOTP,
  'Virtanen', // a name: kept out by the key it is logged under
];

function captured(): { lines: string[]; stream: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

function leaks(lines: string[]): string[] {
  return lines.flatMap((line) =>
    SECRETS.filter((s) => line.toLowerCase().includes(s.toLowerCase())).map((s) => `${s} in ${line}`),
  );
}

describe('the log of the API (issue 5 item 7)', () => {
  const log = captured();
  let register: Register;

  beforeAll(async () => {
    register = await openTestRegister('003-auntie');
    const app = await buildApp({
      register,
      actor: TEST_ADMIN,
      logger: loggerOptions({ level: 'trace', stream: log.stream }),
    });
    const headers = {
      authorization: `Bearer ${TOKEN}`,
      cookie: `lupaus_session=${SESSION}; theme=dark`,
      'x-csrf-token': CSRF,
    };
    const query = `?email=${encodeURIComponent(EMAIL)}&hetu=${HETU}&phone=${encodeURIComponent(PHONE)}`;
    // A person with a hetu, an email address and a phone number, over a URL with identifiers in its query.
    const created = await app.inject({
      method: 'POST',
      url: `/api/v1/persons${query}`,
      headers,
      payload: {
        source: 'subject',
        fields: { first_name: 'Maija', last_name: 'Virtanen', email: EMAIL, phone: PHONE, hetu: HETU },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    // A bad request whose validation error echoes its input, with a password and a code in its body.
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      headers,
      payload: {
        source: 'subject',
        password: PASSWORD,
        totpCode: TOTP,
        fields: { email: `not an address ${HETU_2000}`, phone: `${PHONE_E164}x`, hetu: `${HETU}0` },
      },
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    // An unknown route with identifiers in its path and query.
    const missing = await app.inject({
      method: 'GET',
      url: `/api/v1/by-hetu/${HETU}${query}&password=${PASSWORD}`,
      headers,
    });
    expect(missing.statusCode).toBe(404);
    // The code writes a careless line itself: an object with secrets and a message with identifiers.
    app.log.warn(
      {
        body: { password: PASSWORD, code: TOTP, fields: { hetu: HETU, email: EMAIL, last_name: 'Virtanen' } },
        headers: { authorization: `Bearer ${TOKEN}`, cookie: `lupaus_session=${SESSION}` },
        url: `/api/v1/persons${query}`,
      },
      `signing in ${EMAIL} (${PHONE}) with ${TOKEN}: {"password":"${PASSWORD}","code":"${TOTP}"}`,
    );
    await app.close();

    // A broken register: its database fails with an error that quotes the data, as a database error would.
    const boom = Object.assign(
      new Error(
        `duplicate key value violates unique constraint "persons_hetu" Key (hetu, email)=(${HETU}, ${EMAIL}) phone ${PHONE_E164}`,
      ),
      {
        code: '23505',
        constraint: 'persons_hetu',
        detail: `Key (hetu)=(${HETU}) already exists.`,
        parameters: [HETU, EMAIL, PASSWORD],
        cause: new Error(`connection for ${EMAIL} with password=${PASSWORD}`),
      },
    );
    const db = new Proxy(register.db, {
      get: () => {
        throw boom;
      },
    });
    const broken = await buildApp({
      register: { ...register, db },
      actor: TEST_ADMIN,
      logger: loggerOptions({ level: 'trace', stream: log.stream }),
    });
    const failed = await broken.inject({
      method: 'POST',
      url: `/api/v1/persons${query}`,
      headers,
      payload: {
        source: 'subject',
        fields: { first_name: 'Maija', last_name: 'Virtanen', hetu: HETU, email: EMAIL },
      },
    });
    expect(failed.statusCode).toBe(500);
    await broken.close();
  });

  afterAll(async () => {
    await register.close();
  });

  it('R6.4 logs hold no identifier or secret: hetu, email, phone, token, cookie, CSRF token, password, code', () => {
    // The log is not empty: requests, the careless line and the 500 were all written.
    expect(log.lines.length).toBeGreaterThan(8);
    expect(log.lines.some((l) => l.includes('request completed'))).toBe(true);
    expect(log.lines.some((l) => l.includes('"statusCode":500'))).toBe(true);
    expect(log.lines.some((l) => l.includes('signing in'))).toBe(true);
    expect(log.lines.some((l) => l.includes('duplicate key value'))).toBe(true);
    expect(leaks(log.lines)).toEqual([]);
    // What was taken out is marked, so a reader knows something was there.
    expect(log.lines.join('\n')).toContain(REDACTED);
  });

  it('R6.4 a request is logged by its method and route pattern, never its raw URL or client address', () => {
    const incoming = log.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'incoming request');
    expect(incoming.length).toBeGreaterThanOrEqual(4);
    for (const l of incoming) {
      expect(Object.keys(l.req).sort()).toEqual(['method', 'route']);
    }
    expect(incoming.map((l) => l.req.route)).toContain('/api/v1/persons');
    expect(incoming.map((l) => l.req.route)).toContain(null); // the unknown route
    const completed = log.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    expect(completed.map((l) => l.res.statusCode)).toEqual(expect.arrayContaining([201, 404, 500]));
    expect(completed.every((l) => typeof l.responseTime === 'number')).toBe(true);
    expect(log.lines.join('\n')).not.toContain('?email');
  });

  it('R6.4 an error is logged by its type, message, code and constraint; never a query parameter or detail', () => {
    const errors = log.lines.map((l) => JSON.parse(l)).filter((l) => l.err?.message?.includes('duplicate'));
    expect(errors.length).toBeGreaterThan(0);
    const err = errors[0].err;
    expect(err).toMatchObject({ type: 'Error', code: '23505', constraint: 'persons_hetu' });
    expect(err.parameters).toBeUndefined();
    expect(err.detail).toBeUndefined();
    expect(err.cause.message).toContain(`password=${REDACTED}`);
  });

  it('R6.4 every line stays JSON after scrubbing', () => {
    for (const line of log.lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('scrubbing a log text (issue 5 item 7)', () => {
  it('R6.4 identifiers are replaced wherever they are: hetu, email, phone in both forms', () => {
    expect(scrub(`no person ${HETU} nor ${HETU_2000.toLowerCase()}`)).toBe(
      `no person ${REDACTED} nor ${REDACTED}`,
    );
    expect(scrub(`mail ${EMAIL}, ${encodeURIComponent('a.b@c.fi')}`)).toBe(`mail ${REDACTED}, ${REDACTED}`);
    expect(scrub(`call ${PHONE}, ${PHONE_E164}, +358 (40) 038-3869 or 09 123 4567`)).toBe(
      `call ${REDACTED}, ${REDACTED}, ${REDACTED} or ${REDACTED}`,
    );
  });

  it('R6.4 secrets are replaced: bearer and API tokens, basic credentials, secret keys, query strings', () => {
    expect(scrub(`Authorization: Bearer abc.def.ghi123`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(scrub('Authorization: Basic dXNlcjpwYXNz')).toBe(`Authorization: Basic ${REDACTED}`);
    expect(scrub(`token ${TOKEN} was used`)).toBe(`token ${REDACTED} was used`);
    expect(scrub(`{"password":"${PASSWORD}","newPassword":"x","otp":123456,"recoveryCode":"ab-cd"}`)).toBe(
      `{"password":"${REDACTED}","newPassword":"${REDACTED}","otp":"${REDACTED}","recoveryCode":"${REDACTED}"}`,
    );
    expect(scrub(`{"msg":"body {\\"secret\\":\\"s3\\",\\"n\\":1}"}`)).toBe(
      `{"msg":"body {\\"secret\\":\\"${REDACTED}\\",\\"n\\":1}"}`,
    );
    expect(scrub(`lupaus_session=${SESSION}; theme=dark`)).toBe(`lupaus_session=${REDACTED}; theme=dark`);
    expect(scrub('GET /api/v1/persons?limit=5&x=y HTTP/1.1')).toBe(
      `GET /api/v1/persons?${REDACTED} HTTP/1.1`,
    );
  });

  it('R6.4 what is not personal stays readable: error codes, ids, dates, times, versions', () => {
    const line =
      '{"level":50,"time":1763812345678,"reqId":"req-1","code":"VALIDATION_FAILED","sqlstate":{"code":"23505"},' +
      '"id":"01234567-89ab-4def-8123-0123456789ab","date":"2024-01-01","version":"0.1.0","responseTime":0.51,' +
      '"msg":"Basic information about footprint and businessName"}';
    expect(scrub(line)).toBe(line);
  });

  it('R6.4 the default level is warn', () => {
    expect(loggerOptions().level).toBe('warn');
    expect(loggerOptions({ level: 'debug' }).level).toBe('debug');
  });
});
