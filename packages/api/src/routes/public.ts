import { LupausError, markdownToHtml, noticeTitle } from '@lupaus/core';
import {
  authenticateSubject,
  endSubjectSession,
  inspectPublicLink,
  listNoticeVersions,
  MAX_PUBLIC_MESSAGE,
  MAX_PUBLIC_NAME,
  PORTABLE_FORMATS,
  PUBLIC_REQUEST_KINDS,
  registerMailer,
  renderNoticeVersion,
  SUBJECT_SESSION_TTL_MS,
  type SubjectContext,
  subjectAccessReport,
  subjectObjectToDirectMarketing,
  subjectPortableData,
  subjectSetConsent,
  subjectView,
  submitPublicRequest,
  verifyPublicLink,
} from '@lupaus/engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { cookieOf } from '../auth/authenticate';
import { errorResponses, Language } from '../schemas';
import { contentDisposition } from './files';

/**
 * The data subject's public page (R7.2): the privacy notice, a request for access, rectification, erasure,
 * portability or an objection to direct marketing, the one-time link that proves control of the email address,
 * and the short subject session that follows it (the request's state, the access report or portable data once
 * staff have completed the request, the subject's own consents). Every route is public and rate-limited per
 * client address; sending a request and using a link have the sign-in routes' stricter limit. The subject
 * session is its own cookie (`lupaus_subject`: HttpOnly, Secure, SameSite=Strict, only under `/api/v1/public`),
 * never a staff session, with a CSRF token for unsafe methods.
 */
export const SUBJECT_COOKIE = 'lupaus_subject';
const COOKIE_PATH = '/api/v1/public';

/** The environment variable naming the address the public page is served at (for the links in emails). */
export const PUBLIC_URL_ENV = 'LUPAUS_PUBLIC_URL';

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/**
 * The origin the emailed links point to: `LUPAUS_PUBLIC_URL`, else (only for a local server) the request's own
 * host. A Host header is never trusted otherwise: a link to a forged host would hand the token to its owner.
 */
export function publicOrigin(request: FastifyRequest, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[PUBLIC_URL_ENV]?.trim();
  if (configured) {
    let url: URL;
    try {
      url = new URL(configured);
    } catch {
      throw new LupausError('INTERNAL', {}, [
        { at: PUBLIC_URL_ENV, message: 'the public address is a URL like https://rekisteri.example.fi' },
      ]);
    }
    return url.origin;
  }
  const host = request.headers.host ?? '';
  if (LOOPBACK.test(host)) return `${request.protocol}://${host}`;
  throw new LupausError('INTERNAL', {}, [
    {
      at: PUBLIC_URL_ENV,
      message: `set ${PUBLIC_URL_ENV} to the address the public page is served at (such as https://rekisteri.example.fi), so that emailed links point there`,
    },
  ]);
}

const Token = z
  .string()
  .min(20)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'the token is the last part of the link in the email')
  .describe('The token of the emailed link (the last part of /privacy/verify/<token>).');

export const PublicRequestBody = z.strictObject({
  kind: z
    .enum(PUBLIC_REQUEST_KINDS)
    .describe('What the subject asks for; status: a link back to the latest request.'),
  name: z
    .string()
    .max(MAX_PUBLIC_NAME)
    .optional()
    .describe("The requester's name (1–200 characters); not needed for a status link."),
  email: z.string().trim().min(3, 'give your email address').max(254),
  message: z.string().max(MAX_PUBLIC_MESSAGE).optional().describe('Anything the subject wants to add.'),
  lang: Language.default('fi').describe('The language of the email and of the page.'),
});

const TokenBody = z.strictObject({ token: Token });

const AcceptedOut = z.object({
  accepted: z.literal(true),
  message: z.string().describe('The same for every address: a link was sent if the address works.'),
});

const LinkOut = z.object({
  kind: z.enum(PUBLIC_REQUEST_KINDS),
  lang: Language,
  expiresAt: z.string(),
});

const Outcome = z
  .enum(['matched', 'none', 'several'])
  .describe('matched: one person has the address; none: no one; several: staff verify the requester.');

const SessionStartOut = z.object({ outcome: Outcome, csrfToken: z.string(), expiresAt: z.string() });

const SubjectOut = z.object({
  kind: z.enum(PUBLIC_REQUEST_KINDS),
  outcome: Outcome,
  csrfToken: z.string(),
  expiresAt: z.string(),
  request: z
    .object({
      id: z.string(),
      type: z.string(),
      state: z.string(),
      receivedAt: z.string(),
      deadline: z.string(),
      closedAt: z.string().nullable(),
    })
    .nullable(),
  downloads: z.object({ accessReport: z.boolean(), portableData: z.boolean() }),
  consents: z.array(
    z.object({
      channel: z.string(),
      channelName: z.string(),
      purpose: z.string(),
      purposeName: z.string(),
      model: z.enum(['opt_in', 'opt_out']),
      allowed: z.boolean(),
      state: z.string(),
    }),
  ),
});

const NoticeOut = z.object({
  title: z.string(),
  lang: Language,
  version: z.number().int().nullable(),
  publishedAt: z.string().nullable(),
  controller: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
  html: z.string().describe('The notice as an HTML fragment (every character of the definition escaped).'),
  textLanguage: Language.describe(
    "The language of the definition's own texts: `lang` when the definition has it, else English (its headings are in `lang`).",
  ),
});

const LangQuery = z.strictObject({ lang: Language.default('fi') });

const ConsentBody = z.strictObject({
  channel: z.string().min(1).max(100),
  purpose: z.string().min(1).max(100),
  allowed: z.boolean().describe('true: marketing allowed (a consent); false: a withdrawal or prohibition.'),
});

const DocumentBytesOut = z.string().meta({ format: 'binary' });

function setSubjectCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  reply.header(
    'set-cookie',
    `${SUBJECT_COOKIE}=${encodeURIComponent(token)}; Path=${COOKIE_PATH}; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The data subject's session of a `/public/session` route (set before its input is validated). */
    lupausSubject?: SubjectContext;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The subject session of a request, or the error it earned; read only after `subjectHook` ran. */
function subject(request: FastifyRequest): SubjectContext {
  if (!request.lupausSubject) throw new LupausError('UNAUTHENTICATED');
  return request.lupausSubject;
}

const TAGS = ['public'];

export async function publicRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  /**
   * The `/public/session` routes need the data subject's own session (and its CSRF token on unsafe methods):
   * refused with 401 (or 403) before their input is validated, as the staff routes are.
   */
  const subjectHook = async (request: FastifyRequest): Promise<void> => {
    const csrf = request.headers['x-csrf-token'];
    request.lupausSubject = await authenticateSubject(ctx.register(), cookieOf(request, SUBJECT_COOKIE), {
      unsafe: UNSAFE.has(request.method),
      csrf: typeof csrf === 'string' ? csrf : undefined,
    });
  };
  api.get(
    '/public/notice',
    {
      config: { permission: 'public' },
      schema: {
        tags: TAGS,
        summary: 'The current privacy notice for the public page (R7.2), as an HTML fragment',
        querystring: LangQuery,
        response: { 200: NoticeOut, ...errorResponses },
      },
    },
    async (request) => {
      const reg = ctx.register();
      const lang = request.query.lang;
      const versions = await listNoticeVersions(reg);
      const current = versions.at(-1);
      const md = await renderNoticeVersion(reg, { lang, format: 'md' });
      // The page shows the title itself: the notice's own first heading is left out of the fragment.
      const body = md.replace(/^# .*\n+/, '');
      const c = reg.definition.controller;
      return {
        title: noticeTitle(reg.definition, lang),
        lang,
        version: current?.version ?? null,
        publishedAt: current?.publishedAt ?? null,
        controller: {
          name: c.tradeName ?? c.name,
          email: reg.definition.contact?.email ?? reg.definition.dpo?.email ?? c.email ?? null,
          phone: c.phone ?? null,
        },
        html: markdownToHtml(body),
        textLanguage: reg.definition.languages.includes(lang) ? lang : ('en' as const),
      };
    },
  );

  api.post(
    '/public/requests',
    {
      config: { permission: 'public' },
      schema: {
        tags: TAGS,
        summary:
          'Send a request (access, rectification, erasure, portability, objection to direct marketing); a one-time link goes to the email address',
        body: PublicRequestBody,
        response: { 202: AcceptedOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const reg = ctx.register();
      const origin = publicOrigin(request);
      const b = request.body;
      await submitPublicRequest(
        reg,
        { kind: b.kind, name: b.name, email: b.email, message: b.message, lang: b.lang },
        {
          linkFor: (token) => `${origin}/privacy/verify/${token}`,
          mailer: registerMailer(reg),
        },
      );
      return reply.code(202).send({
        accepted: true as const,
        message:
          'If the address is right, a link to confirm the request is on its way to it. The link works once and for 24 hours.',
      });
    },
  );

  api.post(
    '/public/links/check',
    {
      config: { permission: 'public' },
      schema: {
        tags: TAGS,
        summary: 'What an emailed link is for, without using it (LINK_INVALID, LINK_USED, LINK_EXPIRED)',
        body: TokenBody,
        response: { 200: LinkOut, ...errorResponses },
      },
    },
    async (request) => inspectPublicLink(ctx.register(), request.body.token),
  );

  api.post(
    '/public/links/use',
    {
      config: { permission: 'public' },
      schema: {
        tags: TAGS,
        summary:
          'Use an emailed link (once): records the request, verifies the identity by the known email address and opens a subject session (cookie)',
        body: TokenBody,
        response: { 200: SessionStartOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const s = await verifyPublicLink(ctx.register(), request.body.token);
      setSubjectCookie(reply, s.token, SUBJECT_SESSION_TTL_MS / 1000);
      return { outcome: s.outcome, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
    },
  );

  api.get(
    '/public/session',
    {
      config: { permission: 'public' },
      preValidation: subjectHook,
      schema: {
        tags: TAGS,
        summary: "The subject session: the request's state, what may be downloaded, the subject's consents",
        querystring: LangQuery,
        response: { 200: SubjectOut, ...errorResponses },
      },
    },
    async (request) => {
      const reg = ctx.register();
      return subjectView(reg, subject(request), request.query.lang);
    },
  );

  api.get(
    '/public/session/access-report',
    {
      config: { permission: 'public' },
      preValidation: subjectHook,
      schema: {
        tags: TAGS,
        summary:
          'The access report of the completed access request, for its verified requester (PDF or HTML)',
        querystring: z.strictObject({
          format: z.enum(['pdf', 'html']).default('pdf'),
          lang: Language.default('fi'),
        }),
        produces: ['application/pdf', 'text/html'],
        response: { 200: DocumentBytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const reg = ctx.register();
      const r = await subjectAccessReport(reg, subject(request), request.query);
      return sendDocument(reply, { ...r, fileName: `access-report.${r.format}` });
    },
  );

  api.get(
    '/public/session/portable-data',
    {
      config: { permission: 'public' },
      preValidation: subjectHook,
      schema: {
        tags: TAGS,
        summary: 'The portable data of the completed portability request, for its verified requester',
        querystring: z.strictObject({ format: z.enum(PORTABLE_FORMATS).default('json') }),
        produces: ['application/json', 'text/csv'],
        response: { 200: DocumentBytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const reg = ctx.register();
      const r = await subjectPortableData(reg, subject(request), request.query.format);
      return sendDocument(reply, { ...r, fileName: `portable-data.${r.format}` });
    },
  );

  api.put(
    '/public/session/consents',
    {
      config: { permission: 'public' },
      preValidation: subjectHook,
      schema: {
        tags: TAGS,
        summary:
          'The verified subject allows or forbids marketing on one channel and purpose (recorded with its evidence, audited)',
        body: ConsentBody,
        response: { 200: z.object({ id: z.string() }), ...errorResponses },
      },
    },
    async (request) => {
      const reg = ctx.register();
      return subjectSetConsent(reg, subject(request), request.body);
    },
  );

  api.post(
    '/public/session/objection',
    {
      config: { permission: 'public' },
      preValidation: subjectHook,
      schema: {
        tags: TAGS,
        summary: 'The verified subject objects to all direct marketing (art. 21(3)): upheld at once',
        response: { 200: z.object({ prohibited: z.number().int() }), ...errorResponses },
      },
    },
    async (request) => {
      const reg = ctx.register();
      return subjectObjectToDirectMarketing(reg, subject(request));
    },
  );

  api.post(
    '/public/session/sign-out',
    {
      config: { permission: 'public' },
      preValidation: subjectHook,
      schema: {
        tags: TAGS,
        summary: 'End the subject session',
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const reg = ctx.register();
      const s = subject(request);
      await endSubjectSession(reg, s);
      setSubjectCookie(reply, '', 0);
      return reply.code(204).send(null);
    },
  );
}

function sendDocument(
  reply: FastifyReply,
  r: { mediaType: string; fileName: string; sha256: string; body: Buffer },
): FastifyReply {
  return reply
    .header('content-type', r.mediaType)
    .header('content-disposition', contentDisposition(r.fileName))
    .header('x-content-sha256', r.sha256)
    .header('cache-control', 'no-store')
    .send(r.body as unknown as string);
}
