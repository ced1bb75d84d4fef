import {
  getRetentionRun,
  listLegalHolds,
  listRetentionRuns,
  placeLegalHold,
  planRetention,
  releaseLegalHold,
  runRetention,
} from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, IdParams, PageQuery, Uuid } from '../schemas';

/**
 * Retention (R5.1, R5.2): the dry run of the sweep, runs and their reports, legal holds. Everything here shows
 * ids, categories, rules and field names, never the values of personal data.
 */
const AsOf = z
  .string()
  .min(1)
  .describe(
    'A date YYYY-MM-DD (the end of that UTC day: everything due on it goes) or a date and time with its zone; now when omitted.',
  );

const Holder = z
  .string()
  .describe(
    'What holds the data: person, contact_role, organisation, order, invoice, collection, interaction, loyalty.',
  );
const BlockerKind = z.enum([
  'legal_hold',
  'open_invoice',
  'open_collection',
  'contact_role',
  'linked_records',
]);

const BlockerOut = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('legal_hold'), holdId: Uuid, reason: z.string(), until: z.string() }),
    z.object({ kind: z.literal('open_invoice') }),
    z.object({ kind: z.literal('open_collection') }),
    z.object({ kind: z.literal('contact_role'), roleId: Uuid, until: z.string().nullable() }),
    z.object({ kind: z.literal('linked_records') }),
  ])
  .describe('What holds due data back.');

const GroupFields = {
  rule: z.string(),
  kind: z
    .string()
    .describe('The kind of the retention rule, such as from_creation or after_relationship_end.'),
  category: z.string(),
  holder: Holder,
  action: z.enum(['delete', 'anonymise']),
  due: z.number().int().describe('Items due and free to go.'),
  earliestDue: z.string().nullable(),
  latestDue: z.string().nullable(),
  blocked: z.number().int().describe('Items due but held back.'),
  blockedBy: z.partialRecord(BlockerKind, z.number().int()),
};
const GroupOut = z.object(GroupFields);
const RunGroupOut = z.object({ ...GroupFields, deleted: z.number().int(), anonymised: z.number().int() });

const ItemOut = z.object({
  holder: Holder,
  category: z.string(),
  rule: z.string(),
  action: z.enum(['delete', 'anonymise']),
  id: Uuid.describe('The record, contact role or organisation; for a person’s own data the person.'),
  personId: Uuid.nullable(),
  fields: z.array(z.string()).optional().describe('A person’s own data: the fields that would be erased.'),
  dueAt: z.string().nullable(),
  blockers: z.array(BlockerOut).optional(),
});

const ReviewOut = z.object({
  rule: z.string(),
  category: z.string(),
  holder: Holder,
  count: z.number().int(),
  oldest: z.string().nullable(),
  reviewEvery: z.string().nullable(),
});

const SkippedOut = z.object({
  category: z.string(),
  holder: Holder,
  rule: z.string().nullable(),
  reason: z.string(),
});

const PlanOut = z
  .object({
    asOf: z.string(),
    groups: z.array(GroupOut),
    persons: z.object({
      due: z.number().int(),
      blocked: z.number().int(),
      earliestDue: z.string().nullable(),
      latestDue: z.string().nullable(),
    }),
    items: z.array(ItemOut),
    blocked: z.array(ItemOut),
    review: z.array(ReviewOut),
    skipped: z.array(SkippedOut),
    totals: z.object({ due: z.number().int(), blocked: z.number().int(), review: z.number().int() }),
    limit: z.number().int(),
  })
  .describe('What the sweep would do as of an instant, and why.');

const TotalsOut = z.object({
  deleted: z.number().int(),
  anonymised: z.number().int(),
  erased: z.number().int(),
  persons: z.number().int(),
  files: z.number().int(),
  blocked: z.number().int(),
  review: z.number().int(),
});

const Status = z.enum(['running', 'completed', 'failed', 'interrupted']);

const ReportOut = z
  .object({
    runId: Uuid,
    asOf: z.string(),
    dryRun: z.boolean(),
    status: Status,
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    groups: z.array(RunGroupOut),
    persons: z.object({ due: z.number().int(), deleted: z.number().int(), blocked: z.number().int() }),
    review: z.array(ReviewOut),
    skipped: z.array(SkippedOut),
    totals: TotalsOut,
    batches: z.number().int(),
    interrupted: z.array(Uuid),
  })
  .describe('What a run of the sweep did (a dry run: would do).');

const RunSummaryOut = z.object({
  id: Uuid,
  asOf: z.string(),
  dryRun: z.boolean(),
  status: Status,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  actor: z.string(),
  totals: TotalsOut.nullable(),
  error: z.string().nullable(),
});

const RunOut = RunSummaryOut.extend({ report: ReportOut.partial() });

const LegalHoldOut = z.object({
  id: Uuid,
  personId: Uuid.nullable(),
  category: z.string().nullable(),
  reason: z.string(),
  startsAt: z.string(),
  endsOn: z.string().describe('The last day the hold stops the sweep.'),
  createdAt: z.string(),
  createdBy: z.string(),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
  active: z.boolean().describe('Whether it stops the sweep now.'),
});

export const PlanBody = z.strictObject({
  asOf: AsOf.optional(),
  limit: z.number().int().min(0).max(1000).optional().describe('Items listed per category (default 50).'),
});

export const RunBody = z.strictObject({
  asOf: AsOf.optional(),
  dryRun: z.boolean().optional().describe('Only report what would go (stored as a run too).'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe('Items per transaction (default 1000).'),
});

export const HoldBody = z.strictObject({
  personId: Uuid.optional(),
  category: z.string().min(1).optional(),
  reason: z.string().describe('Why the data must be kept (a claim, an authority’s order ...).'),
  endsOn: z.iso.date().describe('The last day of the hold, YYYY-MM-DD.'),
});

const HoldQuery = PageQuery.extend({
  current: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: only holds not released and not past their end date.'),
  personId: Uuid.optional(),
});

export async function retentionRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/retention/plan',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['retention'],
        summary: 'Dry run of the retention sweep: what would go as of a date, why, and what is held back',
        body: PlanBody,
        response: { 200: PlanOut, ...errorResponses },
      },
    },
    async (request) =>
      planRetention(ctx.register(), ctx.actor(request), {
        ...(request.body.asOf !== undefined ? { asOf: request.body.asOf } : {}),
        ...(request.body.limit !== undefined ? { limit: request.body.limit } : {}),
      }),
  );

  api.post(
    '/retention/runs',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['retention'],
        summary: 'Run the retention sweep now (or, with dryRun, only report what it would do)',
        body: RunBody,
        response: { 201: ReportOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const report = await runRetention(ctx.register(), ctx.actor(request), {
        ...(b.asOf !== undefined ? { asOf: b.asOf } : {}),
        ...(b.dryRun !== undefined ? { dryRun: b.dryRun } : {}),
        ...(b.batchSize !== undefined ? { batchSize: b.batchSize } : {}),
      });
      return reply.code(201).send(report);
    },
  );

  api.get(
    '/retention/runs',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['retention'],
        summary: 'Retention runs, newest first',
        querystring: PageQuery,
        response: {
          200: z.object({ items: z.array(RunSummaryOut), next: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      listRetentionRuns(ctx.register(), ctx.actor(request), {
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        ...(request.query.after !== undefined ? { after: request.query.after } : {}),
      }),
  );

  api.get(
    '/retention/runs/:id',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['retention'],
        summary: 'A retention run with its report',
        params: IdParams,
        response: { 200: RunOut, ...errorResponses },
      },
    },
    async (request) => getRetentionRun(ctx.register(), ctx.actor(request), request.params.id),
  );

  api.get(
    '/legal-holds',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['retention'],
        summary: 'Legal holds, newest first',
        querystring: HoldQuery,
        response: {
          200: z.object({ items: z.array(LegalHoldOut), next: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return listLegalHolds(ctx.register(), ctx.actor(request), {
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.personId !== undefined ? { personId: q.personId } : {}),
        ...(q.current === 'true' ? { current: true } : {}),
      });
    },
  );

  api.post(
    '/legal-holds',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['retention'],
        summary:
          'Place a legal hold on a person, a category, or one person’s category: the sweep leaves that data alone',
        body: HoldBody,
        response: { 201: LegalHoldOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const hold = await placeLegalHold(ctx.register(), ctx.actor(request), {
        ...(b.personId !== undefined ? { personId: b.personId } : {}),
        ...(b.category !== undefined ? { category: b.category } : {}),
        reason: b.reason,
        endsOn: b.endsOn,
      });
      return reply.code(201).send(hold);
    },
  );

  api.post(
    '/legal-holds/:id/release',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['retention'],
        summary: 'Release a legal hold: the data it held follows its retention rule again',
        params: IdParams,
        response: { 200: LegalHoldOut, ...errorResponses },
      },
    },
    async (request) => releaseLegalHold(ctx.register(), ctx.actor(request), request.params.id),
  );
}
