import { LupausError } from '@lupaus/core';
import {
  decideObjection,
  liftRestriction,
  listNotifications,
  listObjections,
  listRestrictions,
  type Mailer,
  notifyRestrictionLift,
  objectToProcessing,
  RESTRICTION_GROUNDS,
  type Register,
  rectifyPerson,
  refuseRectification,
  registerMailer,
  SMTP_URL_ENV,
  sendPendingNotifications,
  startRestriction,
} from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, IdParams, PageQuery, PersonOut, PurposeHeaders, Uuid } from '../schemas';
import { purposeOf } from './persons';

/**
 * Rectification (R4.3), restriction (R4.5) and objection (R4.6), and the outbox of notices they send (art. 19
 * to recipients and sources, art. 18(3) and decisions to the subject). Notices go through the SMTP server named
 * by LUPAUS_SMTP_URL; without one they wait in the outbox.
 */
const SendOut = z.object({
  sent: z.number().int(),
  failed: z.number().int().describe('Notices the SMTP server did not take: they stay queued with lastError.'),
  undeliverable: z
    .number()
    .int()
    .describe('Queued notices without an address, for staff to deliver otherwise.'),
});

const NoticeOut = z.object({
  audience: z.enum(['recipient', 'source']),
  audienceId: z.string().describe("The definition's recipient or source id."),
  name: z.string().nullable(),
  fields: z.array(z.string()),
  notificationId: Uuid,
  deliverable: z.boolean().describe('false: no address is known; the notice waits in the outbox.'),
});

const RectificationOut = z.object({
  person: PersonOut,
  changed: z.array(z.string()).describe('The fields whose value changed.'),
  notified: z.array(NoticeOut).describe('Who is told of the correction (art. 19).'),
  notNotified: z
    .array(z.object({ field: z.string(), source: z.string().nullable(), why: z.string() }))
    .describe('Sources of old values that need no notice (the subject, the staff).'),
  restrictionsEnding: z.array(Uuid),
  sent: SendOut.optional().describe('What sending the outbox did (when an SMTP server is configured).'),
});

const RectificationBody = z.strictObject({
  fields: z
    .record(z.string(), z.unknown())
    .describe('The corrected values by field id (declared person fields); null removes a wrong value.'),
  source: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where the correct value came from: a source id of the definition; the subject's own by default.",
    ),
  requestId: Uuid.optional().describe(
    'The rectification request this honours (identity verified): completed.',
  ),
});

const RefusalBody = z.strictObject({
  reasons: z.array(z.string()).min(1).describe('The reasons, each a paragraph of the certificate.'),
});

const RefusalOut = z.object({
  requestId: Uuid,
  personId: Uuid,
  html: z.string().describe('The certificate of refusal, a printable HTML page (art. 12(4)).'),
  notificationId: Uuid,
  deliverable: z.boolean(),
  restrictionsEnding: z.array(Uuid),
  sent: SendOut.optional(),
});

const RestrictionOut = z.object({
  id: Uuid,
  personId: Uuid,
  ground: z.enum(RESTRICTION_GROUNDS as [string, ...string[]]),
  reason: z.string().nullable(),
  requestId: Uuid.nullable(),
  startedAt: z.string(),
  startedBy: z.string(),
  liftNotifiedAt: z.string().nullable().describe('When the subject was told it will be lifted (art. 18(3)).'),
  liftedAt: z.string().nullable(),
  liftedBy: z.string().nullable(),
  active: z.boolean(),
});

const RestrictionBody = z.strictObject({
  ground: z
    .enum(RESTRICTION_GROUNDS as [string, ...string[]])
    .describe('Art. 18(1): accuracy_contested, unlawful_processing, legal_claims or objection_pending.'),
  reason: z.string().optional(),
  requestId: Uuid.optional(),
});

const RestrictionQuery = z.strictObject({
  active: z.enum(['true', 'false']).optional().describe('true: only restrictions not lifted.'),
});

const NotifyLiftBody = z.strictObject({
  message: z.string().optional().describe('A note added to the notice of lifting.'),
  send: z.boolean().optional().describe('Send the outbox right away (default true when SMTP is configured).'),
});

const LiftBody = z.strictObject({
  noticeDeliveredOtherwise: z
    .boolean()
    .optional()
    .describe('The subject had no email and staff told them otherwise (a letter, a call).'),
});

const ObjectionOut = z.object({
  id: Uuid,
  personId: Uuid,
  kind: z.enum(['direct_marketing', 'profiling', 'legitimate_interest']),
  channel: z.string().nullable(),
  purpose: z.string().nullable(),
  situation: z.string().nullable(),
  state: z.enum(['pending', 'upheld', 'rejected']),
  decision: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  requestId: Uuid.nullable(),
  receivedAt: z.string(),
  recordedBy: z.string(),
});

const ObjectionBody = z.strictObject({
  kind: z.enum(['profiling', 'legitimate_interest']),
  purpose: z
    .string()
    .min(1)
    .optional()
    .describe('The purpose objected to (required for legitimate_interest).'),
  situation: z.string().describe("The person's particular situation (art. 21(1))."),
  requestId: Uuid.optional(),
});

const DecisionBody = z.strictObject({
  outcome: z.enum(['upheld', 'rejected']),
  reasoning: z
    .string()
    .describe('The reasons; for a rejection the compelling legitimate grounds that override (art. 21(1)).'),
});

const DecisionOut = z.object({
  objection: ObjectionOut,
  stopped: z.object({ profiling: z.boolean(), purpose: z.string().nullable() }).nullable(),
  notificationId: Uuid,
  restrictionsEnding: z.array(Uuid),
  sent: SendOut.optional(),
});

const NotificationOut = z.object({
  id: Uuid,
  personId: Uuid.nullable(),
  requestId: Uuid.nullable(),
  kind: z.string(),
  audience: z.enum(['recipient', 'source', 'subject']),
  audienceId: z.string().nullable(),
  to: z.string().nullable(),
  subject: z.string(),
  state: z.enum(['queued', 'sent', 'undeliverable']),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  messageId: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

const NotificationQuery = PageQuery.extend({
  state: z.enum(['pending', 'sent', 'all']).optional(),
  personId: Uuid.optional(),
  requestId: Uuid.optional(),
});

const PersonParams = z.strictObject({ id: Uuid });

/** The register's mailer (LUPAUS_SMTP_URL), or null. */
function mailerOf(reg: Register): Mailer | null {
  return registerMailer(reg);
}

export async function rightsRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/persons/:id/rectification',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Rectify a person’s data (R4.3): applied with provenance, and every recipient and external source told by email (art. 19)',
        params: PersonParams,
        headers: PurposeHeaders,
        body: RectificationBody,
        response: { 200: RectificationOut, ...errorResponses },
      },
    },
    async (request) => {
      const reg = ctx.register();
      const b = request.body;
      return rectifyPerson(
        reg,
        ctx.actor(request),
        {
          personId: request.params.id,
          fields: b.fields,
          ...(b.source !== undefined ? { source: b.source } : {}),
          ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
          ...purposeOf(request.headers),
        },
        { mailer: mailerOf(reg) },
      );
    },
  );

  api.post(
    '/requests/:id/refuse-rectification',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Refuse a rectification request (R4.3): the certificate of refusal with its reasons and the right to complain',
        params: IdParams,
        body: RefusalBody,
        response: { 200: RefusalOut, ...errorResponses },
      },
    },
    async (request) => {
      const reg = ctx.register();
      return refuseRectification(
        reg,
        ctx.actor(request),
        { requestId: request.params.id, reasons: request.body.reasons },
        { mailer: mailerOf(reg) },
      );
    },
  );

  api.get(
    '/persons/:id/restrictions',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary: 'A person’s restrictions of processing (R4.5), newest first',
        params: PersonParams,
        querystring: RestrictionQuery,
        response: { 200: z.object({ items: z.array(RestrictionOut) }), ...errorResponses },
      },
    },
    async (request) =>
      listRestrictions(ctx.register(), ctx.actor(request), request.params.id, {
        ...(request.query.active === 'true' ? { active: true } : {}),
      }),
  );

  api.post(
    '/persons/:id/restrictions',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Restrict the processing of a person’s data (R4.5, art. 18): only stored, out of marketing, exports and profiling',
        params: PersonParams,
        body: RestrictionBody,
        response: { 201: RestrictionOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const r = await startRestriction(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        ground: b.ground as (typeof RESTRICTION_GROUNDS)[number],
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
        ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
      });
      return reply.code(201).send(r);
    },
  );

  api.post(
    '/restrictions/:id/notify-lift',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Tell the subject that a restriction will be lifted (art. 18(3)); lifting needs this notice sent first',
        params: IdParams,
        body: NotifyLiftBody,
        response: {
          200: RestrictionOut.extend({
            notificationId: Uuid,
            to: z.string().nullable(),
            sent: SendOut.optional(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const reg = ctx.register();
      const r = await notifyRestrictionLift(reg, ctx.actor(request), request.params.id, {
        ...(request.body.message !== undefined ? { message: request.body.message } : {}),
      });
      const mailer = request.body.send === false ? null : mailerOf(reg);
      return mailer ? { ...r, sent: await sendPendingNotifications(reg, mailer) } : r;
    },
  );

  api.post(
    '/restrictions/:id/lift',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Lift a restriction, once the subject has been told (art. 18(3)); 409 RESTRICTION_NOT_NOTIFIED before',
        params: IdParams,
        body: LiftBody,
        response: { 200: RestrictionOut, ...errorResponses },
      },
    },
    async (request) =>
      liftRestriction(ctx.register(), ctx.actor(request), request.params.id, {
        ...(request.body.noticeDeliveredOtherwise !== undefined
          ? { noticeDeliveredOtherwise: request.body.noticeDeliveredOtherwise }
          : {}),
      }),
  );

  api.get(
    '/persons/:id/objections',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary: 'A person’s objections (R4.6), newest first',
        params: PersonParams,
        response: { 200: z.object({ items: z.array(ObjectionOut) }), ...errorResponses },
      },
    },
    async (request) => listObjections(ctx.register(), ctx.actor(request), request.params.id),
  );

  api.post(
    '/persons/:id/objections',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Record an objection to profiling or legitimate-interest processing (R4.6, art. 21(1)): pending, and the person restricted meanwhile',
        params: PersonParams,
        body: ObjectionBody,
        response: { 201: ObjectionOut.extend({ restrictionId: Uuid }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const o = await objectToProcessing(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        kind: b.kind,
        situation: b.situation,
        ...(b.purpose !== undefined ? { purpose: b.purpose } : {}),
        ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
      });
      return reply.code(201).send(o);
    },
  );

  api.post(
    '/objections/:id/decision',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'The controller’s reasoned decision on an objection (R4.6): upheld (the processing stops) or rejected (compelling grounds)',
        params: IdParams,
        body: DecisionBody,
        response: { 200: DecisionOut, ...errorResponses },
      },
    },
    async (request) => {
      const reg = ctx.register();
      return decideObjection(reg, ctx.actor(request), request.params.id, request.body, {
        mailer: mailerOf(reg),
      });
    },
  );

  api.get(
    '/notifications',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary: 'The outbox of notices, newest first: queued, sent, undeliverable, with the last SMTP error',
        querystring: NotificationQuery,
        response: {
          200: z.object({ items: z.array(NotificationOut), next: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return listNotifications(ctx.register(), ctx.actor(request), {
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.state !== undefined ? { state: q.state } : {}),
        ...(q.personId !== undefined ? { personId: q.personId } : {}),
        ...(q.requestId !== undefined ? { requestId: q.requestId } : {}),
      });
    },
  );

  api.post(
    '/notifications/send',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Send the queued notices through the SMTP server of LUPAUS_SMTP_URL; a failure leaves a notice queued',
        body: z.strictObject({}).optional(),
        response: { 200: SendOut, ...errorResponses },
      },
    },
    async () => {
      const reg = ctx.register();
      const mailer = mailerOf(reg);
      if (!mailer) {
        throw new LupausError('VALIDATION_FAILED', {}, [
          {
            at: SMTP_URL_ENV,
            message: `no SMTP server is configured: set ${SMTP_URL_ENV}, e.g. smtp://127.0.0.1:25`,
          },
        ]);
      }
      return sendPendingNotifications(reg, mailer);
    },
  );
}
