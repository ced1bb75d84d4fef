import {
  attachRequestLetter,
  DEFAULT_MAX_FILE_BYTES,
  extendRequest,
  getRequest,
  getRequestLetter,
  IDENTITY_METHODS,
  listRequests,
  REFUSAL_GROUNDS,
  REQUEST_STATES,
  REQUEST_TYPES,
  receiveRequest,
  refuseRequest,
  verifyIdentity,
} from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { ErrorOut, errorResponses, FileBody, FileBytesOut, IdParams, PageQuery, Uuid } from '../schemas';
import { rawBodyRoutes, sendFileBytes, uploadOf } from './files';

/**
 * The data subject's requests (R4.1): received in writing (with the signed letter attached) or electronically,
 * the identity verified as a recorded step before anything is disclosed, the deadline of one calendar month
 * (extendable by two, told to the subject within the first month), refusals and fees with their reasons.
 */
const RequestType = z.enum(REQUEST_TYPES).describe('What the subject asks for.');
const RequestState = z
  .enum(REQUEST_STATES)
  .describe(
    'received → verified (identity) → completed | refused; blocked: an erasure partly done, waiting for a blocker to end.',
  );

const EventOut = z.object({
  at: z.string(),
  actor: z.string(),
  event: z.string(),
  details: z.record(z.string(), z.unknown()),
});

const RequestOut = z.object({
  id: Uuid,
  personId: Uuid.nullable().describe('null once the person has been erased.'),
  type: RequestType,
  state: RequestState,
  receivedVia: z.enum(['written', 'electronic']),
  receivedAt: z.string(),
  receivedOn: z.string().describe('The calendar day of receipt in Helsinki, from which the month counts.'),
  dueOn: z.string().describe('One calendar month from receipt (art. 12(3)).'),
  extendedTo: z.string().nullable(),
  extensionReason: z.string().nullable(),
  deadline: z.string().describe('The deadline in force: extendedTo, else dueOn.'),
  extensions: z
    .array(z.object({ months: z.number().int(), deadline: z.string() }))
    .describe('The deadlines an extension would give now (art. 12(3)); empty when it cannot be extended.'),
  open: z.boolean(),
  overdue: z.boolean().describe('Open and past the deadline.'),
  identity: z.object({ verifiedAt: z.string(), method: z.string(), verifiedBy: z.string() }).nullable(),
  charge: z.enum(['free', 'fee', 'refused']),
  chargeReason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  outcome: z.record(z.string(), z.unknown()),
  letter: z
    .object({ id: Uuid, name: z.string(), mediaType: z.string(), size: z.number().int() })
    .nullable()
    .describe("A written request's signed letter."),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  events: z.array(EventOut).optional(),
});

const RequestListItemOut = RequestOut.extend({
  subject: z
    .object({
      firstName: z.string().nullable().describe('null when the caller may not read it.'),
      lastName: z.string().nullable().describe('null when the caller may not read it.'),
    })
    .nullable()
    .describe(
      "The subject's name as the caller's roles may read it (persons.read and the fields' read roles); null when they may read neither, or the person has been erased. The list is audited naming the persons shown.",
    ),
});

const RequestBody = z.strictObject({
  type: RequestType,
  personId: Uuid,
  receivedVia: z
    .enum(['written', 'electronic'])
    .describe('written: a signed letter recorded by staff (attach it with PUT /requests/{id}/letter).'),
  receivedAt: z
    .string()
    .min(1)
    .optional()
    .describe('When it reached the controller (ISO 8601 with zone); now by default.'),
  details: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('What the subject asked (fields, channel, purpose, situation), without identifiers.'),
});

const ListQuery = PageQuery.extend({
  state: RequestState.optional(),
  type: RequestType.optional(),
  personId: Uuid.optional(),
  overdue: z.enum(['true', 'false']).optional().describe('true: only open requests past their deadline.'),
  open: z.enum(['true', 'false']).optional().describe('true: only open requests.'),
});

const VerifyBody = z.strictObject({
  method: z
    .string()
    .min(1)
    .describe(
      `How the identity was verified: ${IDENTITY_METHODS.join(', ')}. The hetu alone never suffices.`,
    ),
  note: z.string().optional().describe('What was checked, without the identifiers themselves.'),
});

const ExtendBody = z.strictObject({
  months: z.number().int().min(1).max(2).optional().describe('1 or 2 further months (default 2).'),
  reason: z.string().min(1).describe('Why; told to the subject.'),
});

const RefuseBody = z.strictObject({
  charge: z.enum(['refused', 'fee']).describe('refused: not acted on; fee: acted on for a reasonable fee.'),
  ground: z.enum(REFUSAL_GROUNDS),
  reason: z.string().min(1),
  fee: z.string().optional().describe('With charge fee: the fee as told to the subject, such as "25 EUR".'),
});

const LetterHeaders = z.object({
  'content-type': z.string().min(1).describe("The letter's media type, such as application/pdf."),
  'x-file-name': z
    .string()
    .min(1)
    .max(1000)
    .describe("The file's name; percent-encode (UTF-8) a name that is not ASCII."),
});

const LetterOut = z.object({
  id: Uuid,
  requestId: Uuid,
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});

export async function requestRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  const maxBytes = ctx.limits?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  api.post(
    '/requests',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary: "Record a data subject's request; its deadline is one calendar month from receipt",
        body: RequestBody,
        response: { 201: RequestOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await receiveRequest(ctx.register(), ctx.actor(request), {
        type: b.type,
        personId: b.personId,
        receivedVia: b.receivedVia,
        ...(b.receivedAt !== undefined ? { receivedAt: b.receivedAt } : {}),
        ...(b.details !== undefined ? { details: b.details } : {}),
      });
      return reply.code(201).send(created);
    },
  );

  api.get(
    '/requests',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary: 'Requests, earliest deadline first; overdue=true lists those open past their deadline',
        querystring: ListQuery,
        response: {
          200: z.object({ items: z.array(RequestListItemOut), next: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return listRequests(ctx.register(), ctx.actor(request), {
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.state !== undefined ? { state: q.state } : {}),
        ...(q.type !== undefined ? { type: q.type } : {}),
        ...(q.personId !== undefined ? { personId: q.personId } : {}),
        ...(q.overdue === 'true' ? { overdue: true } : {}),
        ...(q.open === 'true' ? { open: true } : {}),
      });
    },
  );

  api.get(
    '/requests/:id',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary: 'A request with every event of its life',
        params: IdParams,
        response: { 200: RequestOut, ...errorResponses },
      },
    },
    async (request) => getRequest(ctx.register(), ctx.actor(request), request.params.id),
  );

  api.post(
    '/requests/:id/verify',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary:
          "Record how the requester's identity was verified (never the hetu alone); a written request needs its letter first",
        params: IdParams,
        body: VerifyBody,
        response: { 200: RequestOut, ...errorResponses },
      },
    },
    async (request) =>
      verifyIdentity(ctx.register(), ctx.actor(request), request.params.id, {
        method: request.body.method,
        ...(request.body.note !== undefined ? { note: request.body.note } : {}),
      }),
  );

  api.post(
    '/requests/:id/extend',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary:
          'Extend the deadline by up to two months, with the reason, within the first month (the subject is told)',
        params: IdParams,
        body: ExtendBody,
        response: { 200: RequestOut, ...errorResponses },
      },
    },
    async (request) =>
      extendRequest(ctx.register(), ctx.actor(request), request.params.id, {
        reason: request.body.reason,
        ...(request.body.months !== undefined ? { months: request.body.months } : {}),
      }),
  );

  api.post(
    '/requests/:id/refuse',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary:
          'Refuse a manifestly unfounded or excessive request, or charge a fee, with the reason; the subject is told of the right to complain',
        params: IdParams,
        body: RefuseBody,
        response: { 200: RequestOut, ...errorResponses },
      },
    },
    async (request) =>
      refuseRequest(ctx.register(), ctx.actor(request), request.params.id, {
        charge: request.body.charge,
        ground: request.body.ground,
        reason: request.body.reason,
        ...(request.body.fee !== undefined ? { fee: request.body.fee } : {}),
      }),
  );

  api.get(
    '/requests/:id/letter',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary: "Download a written request's signed letter (audited)",
        params: IdParams,
        produces: ['application/octet-stream'],
        response: { 200: FileBytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { letter, bytes } = await getRequestLetter(ctx.register(), ctx.actor(request), request.params.id);
      return sendFileBytes(reply, letter, bytes);
    },
  );

  // The letter's raw bytes, of any media type, for this route only (the rest of the API takes JSON).
  await rawBodyRoutes(api, maxBytes, (scope) => {
    scope.put(
      '/requests/:id/letter',
      {
        bodyLimit: maxBytes,
        config: { permission: 'requests.manage' },
        schema: {
          tags: ['requests'],
          summary:
            "Attach a written request's signed letter (the raw bytes as the body); replaces an earlier one",
          consumes: ['application/octet-stream', '*/*'],
          headers: LetterHeaders,
          params: IdParams,
          body: FileBody,
          response: { 201: LetterOut, 413: ErrorOut, ...errorResponses },
        },
      },
      async (request, reply) => {
        const letter = await attachRequestLetter(
          ctx.register(),
          ctx.actor(request),
          request.params.id,
          uploadOf(request, maxBytes),
        );
        return reply.code(201).send(letter);
      },
    );
  });
}
