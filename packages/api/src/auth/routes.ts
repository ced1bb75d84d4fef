import { PERMISSION_IDS } from '@lupaus/core';
import {
  changePassword,
  completeSecondFactor,
  confirmTotp,
  createApiToken,
  createUser,
  enrolTotp,
  getCommitment,
  getOwnAccount,
  listApiTokens,
  listUserNames,
  listUsers,
  type NewSession,
  resetUserCredentials,
  revokeApiToken,
  signCommitment,
  signIn,
  signOut,
  signOutEverywhere,
  unlockUser,
  updateUser,
} from '@lupaus/engine';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { ErrorOut, errorResponses, IdParams, TextOut, Uuid } from '../schemas';
import { cookieOf, SESSION_COOKIE, sessionMaxAgeSeconds, setSessionCookie } from './authenticate';

const TAGS = ['accounts'];
const errors = { ...errorResponses, 401: ErrorOut, 429: ErrorOut } as const;

const Permission = z.enum(PERMISSION_IDS as [string, ...string[]]);

export const UserOut = z
  .object({
    id: Uuid,
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    mustChangePassword: z.boolean(),
    secondFactor: z.boolean().describe('Whether the user has a confirmed TOTP second factor.'),
    lockedUntil: z.string().nullable().describe('When the lock of failed sign-ins opens, if locked now.'),
    failedSignIns: z.number().int(),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .describe('A user account (never its password hash or secrets).');

const SessionOut = z.object({
  stage: z
    .enum(['second-factor', 'complete'])
    .describe('second-factor: POST /auth/second-factor next, within five minutes; complete: signed in.'),
  csrfToken: z.string().describe('Send it in the x-csrf-token header of every POST, PUT, PATCH and DELETE.'),
  expiresAt: z.string(),
  user: UserOut,
  mustChangePassword: z.boolean(),
  mustEnrolSecondFactor: z.boolean(),
});

const CommitmentOut = z.object({
  version: z.number().int(),
  label: z.string(),
  text: TextOut,
  signed: z.boolean(),
  signedAt: z.string().nullable(),
});

const MeOut = z.object({
  user: UserOut.nullable(),
  actorId: z.string(),
  permissions: z.array(Permission),
  scopes: z.array(Permission).nullable(),
  secondFactorRequired: z.boolean(),
  commitment: CommitmentOut,
  csrfToken: z
    .string()
    .nullable()
    .describe(
      "The session's CSRF token (for the x-csrf-token header), so that a reloaded page can go on; null for an API token.",
    ),
});

const TokenOut = z.object({
  id: Uuid,
  userId: Uuid,
  name: z.string(),
  scopes: z.array(Permission),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const SignInBody = z.strictObject({ username: z.string().max(200), password: z.string().max(1000) });
const SecondFactorBody = z.union([
  z.strictObject({ code: z.string().max(20) }),
  z.strictObject({ recoveryCode: z.string().max(40) }),
]);
const PasswordBody = z.strictObject({
  currentPassword: z.string().max(1000),
  newPassword: z.string().max(1000),
});
const CodeBody = z.strictObject({ code: z.string().max(20) });
const CreateUserBody = z.strictObject({
  username: z.string().max(200),
  displayName: z.string().max(1000),
  roles: z.array(z.string().max(100)).max(50),
  password: z
    .string()
    .max(1000)
    .optional()
    .describe('Without it a one-time password is made and returned once.'),
});
const UpdateUserBody = z.strictObject({
  displayName: z.string().max(1000).optional(),
  roles: z.array(z.string().max(100)).max(50).optional(),
  disabled: z.boolean().optional(),
});
const ResetUserBody = z.strictObject({
  secondFactor: z
    .boolean()
    .optional()
    .describe('true also removes the TOTP second factor and recovery codes: the user enrols again.'),
});
const CreateTokenBody = z.strictObject({
  name: z.string().max(200),
  scopes: z.array(z.string().max(100)).max(50),
  expiresAt: z.string().max(40).optional(),
});

function client(request: FastifyRequest): { ip: string; userAgent?: string } {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, ...(typeof ua === 'string' ? { userAgent: ua } : {}) };
}

function sessionOut(s: NewSession) {
  const { token: _token, ...rest } = s;
  return rest;
}

/**
 * Accounts (R6.1) and the confidentiality commitment (R6.3): signing in with password and second factor, the
 * session cookie, signing out (everywhere), the password, TOTP enrolment, the commitment, users (for
 * `users.manage`) and one's own API tokens.
 */
export async function authRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/auth/sign-in',
    {
      config: { permission: 'public' },
      schema: {
        tags: TAGS,
        summary: 'Sign in with username and password; sets the session cookie',
        description:
          'Sets the lupaus_session cookie (HttpOnly, Secure, SameSite=Strict). With a second factor the session waits for POST /auth/second-factor. Five failures lock the account for a minute, each further one doubles it (at most an hour).',
        body: SignInBody,
        response: { 200: SessionOut, ...errors },
      },
    },
    async (request, reply) => {
      const reg = ctx.register();
      const s = await signIn(reg, request.body, client(request));
      setSessionCookie(reply, s.token, s.stage === 'complete' ? sessionMaxAgeSeconds(reg) : 300);
      return sessionOut(s);
    },
  );

  api.post(
    '/auth/second-factor',
    {
      config: { permission: 'public' },
      schema: {
        tags: TAGS,
        summary: 'Finish signing in with a TOTP code or a recovery code; rotates the session cookie',
        description: 'Needs the cookie and the x-csrf-token of the sign-in. The new session has a new token.',
        body: SecondFactorBody,
        response: { 200: SessionOut, ...errors },
      },
    },
    async (request, reply) => {
      const reg = ctx.register();
      const csrf = request.headers['x-csrf-token'];
      const s = await completeSecondFactor(
        reg,
        cookieOf(request, SESSION_COOKIE) ?? '',
        { ...request.body, csrfToken: typeof csrf === 'string' ? csrf : '' },
        client(request),
      );
      setSessionCookie(reply, s.token, sessionMaxAgeSeconds(reg));
      return sessionOut(s);
    },
  );

  api.post(
    '/auth/sign-out',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Sign out: this session ends',
        response: { 200: z.object({ signedOut: z.literal(true) }), ...errors },
      },
    },
    async (request, reply) => {
      // An API token or an actor without a session has nothing to sign out of.
      if (request.lupausSession) await signOut(ctx.register(), ctx.actor(request), request.lupausSession.id);
      setSessionCookie(reply, '', 0);
      return { signedOut: true as const };
    },
  );

  api.post(
    '/auth/sign-out-everywhere',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Sign out everywhere: every session of the user ends, this one too',
        response: { 200: z.object({ revoked: z.number().int() }), ...errors },
      },
    },
    async (request, reply) => {
      const r = await signOutEverywhere(ctx.register(), ctx.actor(request));
      setSessionCookie(reply, '', 0);
      return r;
    },
  );

  api.get(
    '/auth/me',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Who is signed in: the user, what they may do now, and the commitment',
        response: { 200: MeOut, ...errors },
      },
    },
    async (request) => ({
      ...(await getOwnAccount(ctx.register(), ctx.actor(request))),
      csrfToken: request.lupausSession?.csrfToken ?? null,
    }),
  );

  api.post(
    '/auth/password',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Change your password; every other session of yours ends',
        description: 'At least 12 characters, not the username, not a common password.',
        body: PasswordBody,
        response: { 200: z.object({ revokedSessions: z.number().int() }), ...errors },
      },
    },
    async (request) =>
      changePassword(ctx.register(), ctx.actor(request), request.body, request.lupausSession?.id),
  );

  api.post(
    '/auth/totp',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Start setting up the TOTP second factor: an otpauth URI and its QR code',
        response: {
          200: z.object({ otpauthUri: z.string(), qrSvg: z.string(), secret: z.string() }),
          ...errors,
        },
      },
    },
    async (request) => enrolTotp(ctx.register(), ctx.actor(request)),
  );

  api.post(
    '/auth/totp/confirm',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Confirm the second factor with a code; returns ten recovery codes, shown once',
        body: CodeBody,
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...errors },
      },
    },
    async (request) => confirmTotp(ctx.register(), ctx.actor(request), request.body.code),
  );

  api.get(
    '/commitment',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'The confidentiality commitment in force and whether you have signed it (R6.3)',
        response: { 200: CommitmentOut, ...errors },
      },
    },
    async (request) => getCommitment(ctx.register(), ctx.actor(request)),
  );

  api.post(
    '/commitment/sign',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Sign the confidentiality commitment in force (R6.3); recorded with date and version',
        response: { 200: CommitmentOut, ...errors },
      },
    },
    async (request) => signCommitment(ctx.register(), ctx.actor(request)),
  );

  api.get(
    '/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: 'Every user account',
        response: { 200: z.object({ items: z.array(UserOut) }), ...errors },
      },
    },
    async (request) => listUsers(ctx.register(), ctx.actor(request)),
  );

  api.get(
    '/users/names',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: TAGS,
        summary: 'The display names of the users, to name who saved a fact (R2.6)',
        description:
          'Provenance, the timeline and the audit trail name users by id; this gives each id its display name. No usernames, roles or account states.',
        response: {
          200: z.object({ items: z.array(z.object({ id: Uuid, displayName: z.string() })) }),
          ...errors,
        },
      },
    },
    async (request) => listUserNames(ctx.register(), ctx.actor(request)),
  );

  api.post(
    '/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: 'Add a user; without a password a one-time password is returned once',
        body: CreateUserBody,
        response: { 201: z.object({ user: UserOut, oneTimePassword: z.string().optional() }), ...errors },
      },
    },
    async (request, reply) => {
      const created = await createUser(ctx.register(), ctx.actor(request), request.body);
      return reply.code(201).send(created);
    },
  );

  api.patch(
    '/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: "Change a user's display name or roles, or disable or enable the account",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserOut, ...errors },
      },
    },
    async (request) => updateUser(ctx.register(), ctx.actor(request), request.params.id, request.body),
  );

  api.post(
    '/users/:id/unlock',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: 'Lift the lock of failed sign-ins',
        params: IdParams,
        response: { 200: UserOut, ...errors },
      },
    },
    async (request) => unlockUser(ctx.register(), ctx.actor(request), request.params.id),
  );

  api.post(
    '/users/:id/reset',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: "Reset a user's credentials: a new one-time password, returned once",
        description:
          'For a user who forgot their password or lost their authenticator: the lock is lifted and every session ' +
          'of theirs ends; with secondFactor: true they must also set up a second factor again. Not for your own ' +
          'account (change your password instead).',
        params: IdParams,
        body: ResetUserBody,
        response: { 200: z.object({ user: UserOut, oneTimePassword: z.string() }), ...errors },
      },
    },
    async (request) =>
      resetUserCredentials(ctx.register(), ctx.actor(request), request.params.id, request.body),
  );

  api.get(
    '/tokens',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Your API tokens',
        response: { 200: z.object({ items: z.array(TokenOut) }), ...errors },
      },
    },
    async (request) => listApiTokens(ctx.register(), ctx.actor(request)),
  );

  api.post(
    '/tokens',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Create an API token for an integration; the token is shown once',
        description:
          'Use it as Authorization: Bearer lpt_…. Its scopes must be permissions your roles grant; it does only those.',
        body: CreateTokenBody,
        response: { 201: TokenOut.extend({ token: z.string() }), ...errors },
      },
    },
    async (request, reply) => {
      const created = await createApiToken(ctx.register(), ctx.actor(request), request.body);
      return reply.code(201).send(created);
    },
  );

  api.delete(
    '/tokens/:id',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: TAGS,
        summary: 'Revoke one of your API tokens',
        params: IdParams,
        response: { 200: TokenOut, ...errors },
      },
    },
    async (request) => revokeApiToken(ctx.register(), ctx.actor(request), request.params.id),
  );
}
