import {
  addBreachPersons,
  closeBreach,
  decideSubjectNotification,
  getBreach,
  listBreaches,
  notifyBreachSubjects,
  recordAuthorityNotification,
  recordBreach,
} from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, IdParams, PageQuery, Uuid } from '../schemas';

/**
 * Personal data breaches (GDPR art. 33–34): recording a breach with the definition's categories it concerns,
 * the persons it affects (by id; the breach's page names them as the caller may read names), the 72-hour clock for notifying the supervisory authority, the decision
 * whether the persons must be told and the notices to them through the outbox. Responses hold the breach
 * record and person ids, and in one breach's view the affected persons' names (audited), never other data.
 */

const Instant = z
  .string()
  .min(1)
  .describe('A date and time ISO 8601 with its zone, e.g. 2026-03-01T12:00:00Z.');
const Risk = z
  .enum(['unlikely', 'risk', 'high'])
  .describe(
    'unlikely: unlikely to result in a risk (no notification to the authority, art. 33(1)); risk; high: the persons must be told (art. 34).',
  );

const BreachOut = z
  .object({
    id: Uuid,
    title: z.string(),
    description: z.string(),
    occurredAt: z.string().nullable(),
    discoveredAt: z
      .string()
      .describe('When the controller became aware of it: the 72-hour clock starts here.'),
    categories: z.array(z.string()),
    consequences: z.string().nullable(),
    measures: z.string().nullable(),
    risk: Risk,
    authorityNotificationRequired: z
      .boolean()
      .describe('False only when the breach is unlikely to result in a risk (art. 33(1)).'),
    authorityDeadline: z.string().describe('discoveredAt + 72 hours.'),
    hoursLeft: z
      .number()
      .nullable()
      .describe(
        'Hours left to notify the authority (negative once past); null once notified or not required.',
      ),
    overdue: z.boolean().describe('Required, not notified, and past the deadline.'),
    authorityNotifiedAt: z.string().nullable(),
    authorityReference: z.string().nullable(),
    delayReason: z.string().nullable(),
    subjectsDecision: z.enum(['notify', 'not_required']).nullable(),
    subjectsDecisionReason: z.string().nullable(),
    persons: z.object({ total: z.number().int(), notified: z.number().int() }),
    closedAt: z.string().nullable(),
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .describe('A personal data breach with its 72-hour clock.');

const BreachDetailOut = BreachOut.extend({
  affected: z
    .array(
      z.object({
        personId: Uuid,
        firstName: z
          .string()
          .nullable()
          .describe("The person's first name; null when the caller's roles may not read it."),
        lastName: z
          .string()
          .nullable()
          .describe("The person's last name; null when the caller's roles may not read it."),
        addedAt: z.string(),
        notifiedAt: z.string().nullable(),
      }),
    )
    .nullable()
    .describe(
      'The persons affected, with their names as the caller may read them, and when each was notified; null without persons.read. The read is audited.',
    ),
});

export const BreachBody = z.strictObject({
  title: z.string().describe('A short name for the breach.'),
  description: z.string().describe('The nature of the breach (art. 33(3)(a)).'),
  occurredAt: Instant.optional(),
  discoveredAt: Instant.optional().describe('When the controller became aware of it; now when omitted.'),
  categories: z.array(z.string()).describe("The definition's data categories concerned (their ids)."),
  consequences: z.string().optional().describe('The likely consequences (art. 33(3)(c)).'),
  measures: z.string().optional().describe('The measures taken or proposed (art. 33(3)(d)).'),
  risk: Risk,
});

export const PersonsBody = z.strictObject({
  personIds: z.array(z.string()).describe('The ids of the persons the breach affects.'),
});

export const AuthorityBody = z.strictObject({
  at: Instant.optional().describe('When the authority was notified; now when omitted.'),
  reference: z.string().optional().describe("The authority's case number or the e-form's reference."),
  delayReason: z
    .string()
    .optional()
    .describe('Required when the notification is later than 72 hours after discovery (art. 33(1)).'),
});

export const SubjectDecisionBody = z.strictObject({
  decision: z.enum(['notify', 'not_required']),
  exemption: z
    .enum(['protected', 'mitigated', 'public_communication'])
    .optional()
    .describe('For a high-risk breach not told to the persons: the condition of art. 34(3) (a), (b) or (c).'),
  reason: z.string().optional().describe('Why; required for not_required.'),
});

const ListQuery = PageQuery.extend({
  open: z.enum(['true', 'false']).optional().describe('true: only breaches not closed.'),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: only breaches whose notification to the authority is overdue.'),
});

const AddedOut = z.object({ added: z.number().int(), alreadyListed: z.number().int(), breach: BreachOut });
const NotifiedOut = z.object({
  queued: z.array(z.object({ personId: Uuid, notificationId: Uuid })),
  notReachableByEmail: z
    .array(Uuid)
    .describe('Persons with no email address in the register: tell them another way.'),
  alreadyNotified: z.number().int(),
  breach: BreachOut,
});

const TAGS = ['breaches'];

export async function breachRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/breaches',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary: 'Record a personal data breach (art. 33(5)); the 72-hour clock starts at discoveredAt',
        body: BreachBody,
        response: { 201: BreachOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const breach = await recordBreach(ctx.register(), ctx.actor(request), {
        title: b.title,
        description: b.description,
        categories: b.categories,
        risk: b.risk,
        ...(b.occurredAt !== undefined ? { occurredAt: b.occurredAt } : {}),
        ...(b.discoveredAt !== undefined ? { discoveredAt: b.discoveredAt } : {}),
        ...(b.consequences !== undefined ? { consequences: b.consequences } : {}),
        ...(b.measures !== undefined ? { measures: b.measures } : {}),
      });
      return reply.code(201).send(breach);
    },
  );

  api.get(
    '/breaches',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary: 'Breaches, newest first, each with its authority deadline, hours left and whether overdue',
        querystring: ListQuery,
        response: {
          200: z.object({ items: z.array(BreachOut), next: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return listBreaches(ctx.register(), ctx.actor(request), {
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.open === 'true' ? { open: true } : {}),
        ...(q.overdue === 'true' ? { overdue: true } : {}),
      });
    },
  );

  api.get(
    '/breaches/:id',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary:
          'A breach with the persons affected (with persons.read; names as the fields allow, audited) and whether each was told',
        params: IdParams,
        response: { 200: BreachDetailOut, ...errorResponses },
      },
    },
    async (request) => getBreach(ctx.register(), ctx.actor(request), request.params.id),
  );

  api.post(
    '/breaches/:id/persons',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary: 'List persons as affected by the breach (idempotent; unknown ids refused, nothing written)',
        params: IdParams,
        body: PersonsBody,
        response: { 200: AddedOut, ...errorResponses },
      },
    },
    async (request) =>
      addBreachPersons(ctx.register(), ctx.actor(request), request.params.id, request.body.personIds),
  );

  api.post(
    '/breaches/:id/authority-notification',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary:
          'Record the notification to the supervisory authority (art. 33); later than 72 hours needs delayReason',
        params: IdParams,
        body: AuthorityBody,
        response: { 200: BreachOut, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      return recordAuthorityNotification(ctx.register(), ctx.actor(request), request.params.id, {
        ...(b.at !== undefined ? { at: b.at } : {}),
        ...(b.reference !== undefined ? { reference: b.reference } : {}),
        ...(b.delayReason !== undefined ? { delayReason: b.delayReason } : {}),
      });
    },
  );

  api.post(
    '/breaches/:id/subject-decision',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary:
          'Decide whether the persons must be told (art. 34); a high-risk breach needs notify or an art. 34(3) exemption',
        params: IdParams,
        body: SubjectDecisionBody,
        response: { 200: BreachOut, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      return decideSubjectNotification(ctx.register(), ctx.actor(request), request.params.id, {
        decision: b.decision,
        ...(b.exemption !== undefined ? { exemption: b.exemption } : {}),
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
      });
    },
  );

  api.post(
    '/breaches/:id/notify-subjects',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary: 'Queue the art. 34 notice to each affected person not yet told, by email through the outbox',
        params: IdParams,
        response: { 200: NotifiedOut, ...errorResponses },
      },
    },
    async (request) => notifyBreachSubjects(ctx.register(), ctx.actor(request), request.params.id),
  );

  api.post(
    '/breaches/:id/close',
    {
      config: { permission: 'breaches.manage' },
      schema: {
        tags: TAGS,
        summary: 'Close a breach once the authority is notified and the decision on the persons is made',
        params: IdParams,
        response: { 200: BreachOut, ...errorResponses },
      },
    },
    async (request) => closeBreach(ctx.register(), ctx.actor(request), request.params.id),
  );
}
