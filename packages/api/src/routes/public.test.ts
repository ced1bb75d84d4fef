import {
  createAccessReport,
  createPerson,
  getRequest,
  listConsents,
  PUBLIC_EVIDENCE,
  type Register,
} from '@lupaus/engine';
import { decodeMail, openTestRegister, startTestSmtpServer, TEST_ADMIN } from '@lupaus/engine/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { errorOf } from '../test-app';

/**
 * The data subject's public page through the API (R7.2, R4.1, R4.2, R3.1): a real SMTP server receives the
 * one-time links; the app is built without a trusted actor, so every route is reached as the public reaches it.
 */

let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
const savedSmtp = process.env.LUPAUS_SMTP_URL;
const savedPublic = process.env.LUPAUS_PUBLIC_URL;
const savedLimit = process.env.LUPAUS_RATE_LIMIT_SIGN_IN;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  process.env.LUPAUS_SMTP_URL = smtp.url;
  delete process.env.LUPAUS_PUBLIC_URL;
  process.env.LUPAUS_RATE_LIMIT_SIGN_IN = 'off';
});
afterAll(async () => {
  await smtp.close();
  for (const [k, v] of [
    ['LUPAUS_SMTP_URL', savedSmtp],
    ['LUPAUS_PUBLIC_URL', savedPublic],
    ['LUPAUS_RATE_LIMIT_SIGN_IN', savedLimit],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

let reg: Register;
let app: FastifyInstance;
let offsetMs = 0;
let personId: string;
const EMAIL = 'maija.meikalainen@example.fi';

beforeEach(async () => {
  offsetMs = 0;
  smtp.messages.length = 0;
  reg = await openTestRegister('003-auntie', { clock: { now: () => new Date(Date.now() + offsetMs) } });
  app = await buildApp({ register: reg });
  const p = await createPerson(reg, TEST_ADMIN, {
    source: 'subject',
    fields: { first_name: 'Maija', last_name: 'Meikäläinen', email: EMAIL },
  });
  personId = p.id;
});
afterEach(async () => {
  await app.close();
  await reg.close();
});

async function send(body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/public/requests', payload: body });
}

/** Waits for the n-th message to arrive at the SMTP server and returns the token of its link. */
async function linkToken(n: number): Promise<{ token: string; text: string; to: string[] }> {
  for (let i = 0; i < 200 && smtp.messages.length < n; i++) await new Promise((r) => setTimeout(r, 25));
  const m = smtp.messages[n - 1];
  if (!m) throw new Error(`message ${n} never arrived (${smtp.messages.length} did)`);
  const text = decodeMail(m.raw);
  const link = /(https?:\/\/\S+\/privacy\/verify\/([A-Za-z0-9_-]+))/.exec(text);
  if (!link) throw new Error(`no link in: ${text}`);
  return { token: link[2]!, text, to: m.to };
}

function cookieOf(res: LightMyRequestResponse): string {
  const set = String(res.headers['set-cookie'] ?? '');
  const m = /lupaus_subject=([^;]+)/.exec(set);
  if (!m) throw new Error(`no subject cookie in ${set}`);
  return `lupaus_subject=${m[1]}`;
}

async function useLink(token: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/public/links/use', payload: { token } });
}

async function session(cookie: string) {
  return app.inject({ method: 'GET', url: '/api/v1/public/session?lang=en', headers: { cookie } });
}

describe('R7.2 the privacy notice on the public page', () => {
  it('R7.2 R1.2 the current notice in Finnish, English and Swedish, with no sign-in', async () => {
    const got: Record<string, { title: string; html: string }> = {};
    for (const lang of ['fi', 'en', 'sv']) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/public/notice?lang=${lang}` });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { title: string; html: string; version: number; lang: string };
      expect(body.lang).toBe(lang);
      expect(body.version).toBe(1);
      expect(body.html).toMatch(/<h2>1\. /);
      expect(body.html).not.toMatch(/<script/i);
      got[lang] = body;
    }
    expect(got.fi!.title).toMatch(/tietosuojaseloste/i);
    expect(got.en!.title).toMatch(/privacy notice/i);
    // The fixed headings in each language; the definition's own texts fall back to English where it has no Swedish.
    expect(got.fi!.html).toContain('Rekisterinpitäjä');
    expect(got.en!.html).toContain('Controller');
    expect(got.sv!.html).toContain('Personuppgiftsansvarig');
    // 003 has no Swedish texts: the page is told that its own texts are shown in English.
    expect((got.sv as unknown as { textLanguage: string }).textLanguage).toBe('en');
    expect((got.fi as unknown as { textLanguage: string }).textLanguage).toBe('fi');
    const bad = await app.inject({ method: 'GET', url: '/api/v1/public/notice?lang=de' });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).problems[0]?.at).toMatch(/lang/);
  });
});

describe('R7.2 a request on the public page, confirmed by the emailed link', () => {
  it('R7.2 R4.1 R4.2 access: link by real SMTP, verified by the known address, staff complete it, the subject downloads the report', async () => {
    const res = await send({
      kind: 'access',
      name: 'Maija Meikäläinen',
      email: 'Maija.Meikalainen@EXAMPLE.fi',
      lang: 'fi',
    });
    expect(res.statusCode).toBe(202);
    const { token, text, to } = await linkToken(1);
    expect(to).toEqual(['Maija.Meikalainen@example.fi']);
    expect(text).toContain('Vahvista tietosuojapyyntösi');
    expect(text).toContain('http://localhost:80/privacy/verify/');
    // Only the hash of the token is stored; the outbox forgot the body once sent.
    const stored = await reg.db.selectFrom('public_requests').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    const outbox = await reg.db.selectFrom('notifications').select(['body', 'sent_at']).execute();
    expect(outbox.every((n) => n.body === null && n.sent_at !== null)).toBe(true);

    const check = await app.inject({ method: 'POST', url: '/api/v1/public/links/check', payload: { token } });
    expect(check.statusCode).toBe(200);
    expect(check.json()).toMatchObject({ kind: 'access', lang: 'fi' });
    // Nothing is recorded until the link is used.
    expect(await reg.db.selectFrom('requests').selectAll().execute()).toHaveLength(0);

    const used = await useLink(token);
    expect(used.statusCode).toBe(200);
    expect(used.json()).toMatchObject({ outcome: 'matched' });
    const setCookie = String(used.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/Path=\/api\/v1\/public/);
    expect(setCookie).not.toMatch(/lupaus_session=/);
    const cookie = cookieOf(used);

    // The address and name given are forgotten once the request is recorded.
    const after = await reg.db.selectFrom('public_requests').selectAll().executeTakeFirstOrThrow();
    expect(after.email).toBeNull();
    expect(after.given_name).toBeNull();

    let view = (await session(cookie)).json() as {
      request: { id: string; type: string; state: string; deadline: string };
      downloads: { accessReport: boolean };
    };
    expect(view.request.state).toBe('verified');
    expect(view.downloads.accessReport).toBe(false);
    const early = await app.inject({
      method: 'GET',
      url: '/api/v1/public/session/access-report',
      headers: { cookie },
    });
    expect(early.statusCode).toBe(404);

    const request = await getRequest(reg, TEST_ADMIN, view.request.id);
    expect(request.personId).toBe(personId);
    expect(request.type).toBe('access');
    expect(request.receivedVia).toBe('electronic');
    expect(request.identity?.method).toBe('known_contact_channel');
    expect(request.events.map((e) => [e.event, e.actor])).toEqual([
      ['received', 'public-page'],
      ['identity_verified', 'public-page'],
    ]);

    // Staff fulfil the request: the access report completes it.
    await createAccessReport(reg, TEST_ADMIN, { personId, requestId: request.id, format: 'pdf', lang: 'fi' });
    view = (await session(cookie)).json() as typeof view;
    expect(view.request.state).toBe('completed');
    expect(view.downloads.accessReport).toBe(true);
    const pdf = await app.inject({
      method: 'GET',
      url: '/api/v1/public/session/access-report?format=pdf&lang=fi',
      headers: { cookie },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const html = await app.inject({
      method: 'GET',
      url: '/api/v1/public/session/access-report?format=html&lang=en',
      headers: { cookie },
    });
    expect(html.body).toContain('Meikäläinen');
    const audits = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('action', '=', 'access_report')
      .execute();
    expect(audits.map((a) => a.actor).sort()).toEqual(['public-page', 'public-page', 'test-admin']);

    // Signing out ends the session.
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/public/session/sign-out',
      headers: { cookie, 'x-csrf-token': (used.json() as { csrfToken: string }).csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await session(cookie)).statusCode).toBe(401);

    // Coming back later: a status link (no name needed) opens the latest request again, and records nothing new.
    expect((await send({ kind: 'status', email: EMAIL, lang: 'en' })).statusCode).toBe(202);
    const back = await useLink((await linkToken(2)).token);
    expect(back.json()).toMatchObject({ outcome: 'matched' });
    const again = (await session(cookieOf(back))).json() as typeof view & { kind: string };
    expect(again.kind).toBe('status');
    expect(again.request).toMatchObject({ id: request.id, type: 'access', state: 'completed' });
    expect(again.downloads.accessReport).toBe(true);
    expect(await reg.db.selectFrom('requests').selectAll().execute()).toHaveLength(1);
  });

  it('R7.2 a link works once; a wrong or malformed token is refused; a link expires after 24 hours', async () => {
    await send({ kind: 'erasure', name: 'Maija', email: EMAIL, lang: 'en' });
    await send({
      kind: 'rectification',
      name: 'Maija',
      email: EMAIL,
      lang: 'sv',
      message: 'Sukunimeni on väärin.',
    });
    const first = await linkToken(1);
    const second = await linkToken(2);
    expect(second.text).toContain('Bekräfta din begäran');
    expect((await useLink(first.token)).statusCode).toBe(200);
    const again = await useLink(first.token);
    expect(again.statusCode).toBe(410);
    expect(errorOf(again).code).toBe('LINK_USED');
    const wrong = await useLink('A'.repeat(43));
    expect(wrong.statusCode).toBe(404);
    expect(errorOf(wrong).code).toBe('LINK_INVALID');
    const malformed = await useLink('not a token');
    expect(malformed.statusCode).toBe(422);
    expect(errorOf(malformed).problems[0]?.at).toMatch(/token/);
    offsetMs = 24 * 60 * 60 * 1000 + 1000;
    const late = await useLink(second.token);
    expect(late.statusCode).toBe(410);
    expect(errorOf(late).code).toBe('LINK_EXPIRED');
    const requests = await reg.db.selectFrom('requests').select(['type', 'details']).execute();
    expect(requests.map((r) => r.type)).toEqual(['erasure']);
  });

  it('R7.2 no enumeration: the same answer and an email whether the address is known or not; an unknown address finds no data', async () => {
    const known = await send({ kind: 'access', name: 'Maija', email: EMAIL, lang: 'en' });
    const unknown = await send({ kind: 'access', name: 'Outsider', email: 'nobody@example.org', lang: 'en' });
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    await linkToken(1);
    const other = await linkToken(2);
    expect(other.to).toEqual(['nobody@example.org']);
    const used = await useLink(other.token);
    expect(used.json()).toMatchObject({ outcome: 'none' });
    const cookie = cookieOf(used);
    const view = (await session(cookie)).json() as { request: unknown; consents: unknown[] };
    expect(view.request).toBeNull();
    expect(view.consents).toEqual([]);
    const change = await app.inject({
      method: 'PUT',
      url: '/api/v1/public/session/consents',
      headers: { cookie, 'x-csrf-token': (used.json() as { csrfToken: string }).csrfToken },
      payload: { channel: 'email', purpose: 'direct_marketing', allowed: false },
    });
    expect(change.statusCode).toBe(409);
    expect(errorOf(change).code).toBe('REQUEST_NOT_VERIFIED');
    expect(await reg.db.selectFrom('requests').selectAll().execute()).toHaveLength(0);
  });

  it('R7.2 bad input is refused with what and where, and stores and sends nothing', async () => {
    const res = await send({ kind: 'gossip', name: '', email: 'not-an-address', lang: 'en' });
    expect(res.statusCode).toBe(422);
    const at = errorOf(res).problems.map((p) => p.at);
    expect(at).toEqual(['body.kind']);
    const noName = await send({ kind: 'access', name: ' ', email: EMAIL, lang: 'en' });
    expect(noName.statusCode).toBe(422);
    expect(errorOf(noName).problems.map((p) => p.at)).toEqual(['name']);
    const badEmail = await send({ kind: 'access', name: 'Maija', email: 'not-an-address', lang: 'en' });
    expect(badEmail.statusCode).toBe(422);
    expect(errorOf(badEmail).problems.map((p) => p.at)).toEqual(['email']);
    const control = await send({ kind: 'access', name: 'Maija\u0007', email: EMAIL });
    expect(control.statusCode).toBe(422);
    expect(await reg.db.selectFrom('public_requests').selectAll().execute()).toHaveLength(0);
    expect(await reg.db.selectFrom('notifications').selectAll().execute()).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
  });
});

describe('R7.2 R6.1 the public routes are rate-limited', () => {
  it('R7.2 R6.1 sending requests and using links have the sign-in limit per client address', async () => {
    process.env.LUPAUS_RATE_LIMIT_SIGN_IN = '2';
    const limited = await buildApp({ register: reg });
    try {
      for (const [url, payload] of [
        ['/api/v1/public/requests', { kind: 'access' }],
        ['/api/v1/public/links/use', { token: 'B'.repeat(43) }],
      ] as const) {
        const codes: number[] = [];
        for (let i = 0; i < 3; i++)
          codes.push((await limited.inject({ method: 'POST', url, payload })).statusCode);
        expect(codes.slice(0, 2).every((c) => c !== 429)).toBe(true);
        expect(codes[2]).toBe(429);
      }
      // The notice has the higher limit of the other public routes.
      expect((await limited.inject({ method: 'GET', url: '/api/v1/public/notice?lang=en' })).statusCode).toBe(
        200,
      );
    } finally {
      process.env.LUPAUS_RATE_LIMIT_SIGN_IN = 'off';
      await limited.close();
    }
  });
});

describe('R7.2 R3.1 the verified subject changes their own consents', () => {
  it('R7.2 R3.1 a consent and a prohibition recorded with the evidence of the public page, audited; CSRF required', async () => {
    await send({ kind: 'access', name: 'Maija', email: EMAIL, lang: 'fi' });
    const used = await useLink((await linkToken(1)).token);
    const cookie = cookieOf(used);
    const csrf = (used.json() as { csrfToken: string }).csrfToken;
    const put = (
      payload: Record<string, unknown>,
      headers: Record<string, string> = { 'x-csrf-token': csrf },
    ) =>
      app.inject({
        method: 'PUT',
        url: '/api/v1/public/session/consents',
        headers: { cookie, ...headers },
        payload,
      });
    // Before any choice, what the page shows follows the marketing gate: opt-out marketing by post reaches a
    // consumer, by email it needs a consent (§ 200: electronic opt-out only to business contacts).
    const before = (await session(cookie)).json() as {
      consents: { channel: string; purpose: string; allowed: boolean; state: string }[];
    };
    const shown = (channel: string) =>
      before.consents.find((c) => c.channel === channel && c.purpose === 'direct_marketing')!;
    expect(shown('post')).toMatchObject({ state: 'none', allowed: true });
    expect(shown('email')).toMatchObject({ state: 'none', allowed: false });
    const noCsrf = await put({ channel: 'email', purpose: 'direct_marketing', allowed: false }, {});
    expect(noCsrf.statusCode).toBe(403);
    expect(errorOf(noCsrf).code).toBe('CSRF_FAILED');
    const undeclared = await put({ channel: 'fax', purpose: 'direct_marketing', allowed: true });
    expect(undeclared.statusCode).toBe(422);
    expect(errorOf(undeclared).problems[0]?.at).toBe('channel');
    expect((await put({ channel: 'email', purpose: 'direct_marketing', allowed: false })).statusCode).toBe(
      200,
    );
    expect((await put({ channel: 'sms', purpose: 'market_research', allowed: true })).statusCode).toBe(200);

    const consents = await listConsents(reg, TEST_ADMIN, personId);
    const email = consents.history.find((c) => c.channel === 'email')!;
    expect(email.state).toBe('prohibited');
    expect(email.evidenceText).toBe(PUBLIC_EVIDENCE);
    expect(email.recordedBy).toBe('public-page');
    expect(email.source).toBe('subject');
    expect(consents.history.find((c) => c.channel === 'sms')?.state).toBe('given');
    const view = (await session(cookie)).json() as {
      consents: { channel: string; purpose: string; allowed: boolean; channelName: string }[];
    };
    const row = view.consents.find((c) => c.channel === 'email' && c.purpose === 'direct_marketing')!;
    expect(row.allowed).toBe(false);
    expect(row.channelName).toBe('Email');
    const audit = await sql<{ n: string }>`select count(*)::text as n from audit_log
      where actor = 'public-page' and action like 'consent%'`.execute(reg.db);
    expect(Number(audit.rows[0]!.n)).toBeGreaterThanOrEqual(2);
  });

  it('R7.2 R4.6 an objection to direct marketing sent on the page is upheld on every channel once the link is used', async () => {
    await send({ kind: 'objection', name: 'Maija', email: EMAIL, lang: 'en' });
    const used = await useLink((await linkToken(1)).token);
    const view = (await session(cookieOf(used))).json() as {
      request: { state: string };
      consents: { allowed: boolean }[];
    };
    expect(view.request.state).toBe('completed');
    expect(view.consents.length).toBeGreaterThan(0);
    expect(view.consents.every((c) => !c.allowed)).toBe(true);
    const objections = await reg.db
      .selectFrom('objections')
      .select(['kind', 'state', 'recorded_by'])
      .execute();
    expect(objections).toEqual([{ kind: 'direct_marketing', state: 'upheld', recorded_by: 'public-page' }]);
  });
});
