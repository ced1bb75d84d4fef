import {
  anonymisePerson,
  erasePerson,
  listBlockedErasures,
  planErasure,
  resumeBlockedErasures,
} from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, IdParams, PurposeHeaders, Uuid } from '../schemas';
import { purposeOf } from './persons';

/**
 * Erasure on request (R4.4) and anonymisation on request (R4.9): everything of a person goes as the catalogue
 * says, except what a blocker holds; a blocked erasure names each blocker and its end, stays open and completes
 * by itself when the blockers end (after each retention run, or `POST /erasures/resume`). Responses hold ids,
 * counts, field names and dates only.
 */
const Day = z.string().describe('A date YYYY-MM-DD: the last day the blocker holds.');

export const ErasureBlockerOut = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('open_invoice'), id: Uuid, until: z.null() }),
    z.object({ kind: z.literal('open_collection'), id: Uuid, until: z.null() }),
    z.object({ kind: z.literal('contact_role'), id: Uuid, until: Day.nullable() }),
    z.object({ kind: z.literal('legal_hold'), id: Uuid, category: z.string().nullable(), until: Day }),
    z.object({
      kind: z.literal('retention'),
      category: z.string(),
      rule: z.string(),
      count: z.number().int().describe('Records (or 1 for a person category) kept by the rule.'),
      until: Day.nullable(),
    }),
  ])
  .describe(
    'What holds part of the data, and until when (null: open-ended, such as an open invoice, or until the relationship ends).',
  );

const Count = z.number().int();
export const ErasureOut = z
  .object({
    personId: Uuid,
    mode: z.enum(['erase', 'anonymise']),
    state: z.enum(['completed', 'blocked']),
    erased: z.object({
      deleted: Count.describe('Records deleted.'),
      anonymised: Count.describe('Records anonymised: unlinked from the person, kept for statistics.'),
      kept: Count.describe('Records kept by a blocker.'),
      fields: Count.describe('Person fields that lost their value.'),
      files: Count,
      provenance: Count,
      consents: Count,
      restrictions: Count,
      objections: Count,
      disclosures: Count,
      contactRoles: Count,
      legalHolds: Count,
      notifications: Count.describe('Unsent notices about the person dropped.'),
      notices: Count.describe('Art. 19 notices to recipients put in the outbox.'),
      suppressions: Count.describe('Suppression entries added from prohibitions and objections.'),
      person: Count.describe('1 when the person row itself went.'),
    }),
    blockers: z.array(ErasureBlockerOut),
    keptFields: z
      .array(z.string())
      .describe('Person fields the held data keeps while blocked (those with a value stay).'),
  })
  .describe('What an erasure (or anonymisation) did, and what blocks the rest.');

export const ErasureBody = z.strictObject({
  requestId: Uuid.optional().describe(
    'The verified request of the person (type erasure, or anonymisation): completed, or marked blocked with the blockers.',
  ),
});

const BlockedOut = z.object({
  personId: Uuid,
  mode: z.enum(['erase', 'anonymise']),
  since: z.string().nullable(),
  blockers: z.array(ErasureBlockerOut),
  keptFields: z.array(z.string()),
  requests: z.array(z.object({ id: Uuid, type: z.string(), dueOn: z.string() })),
});

const ResumeOut = z.object({
  completed: z.array(Uuid),
  blocked: z.array(Uuid),
  requests: z.array(Uuid),
});

const PlanQuery = z.strictObject({
  mode: z
    .enum(['erase', 'anonymise'])
    .optional()
    .describe('erase (art. 17, the default) or anonymise (R4.9).'),
});

export const ErasurePlanOut = z
  .object({
    personId: Uuid,
    mode: z.enum(['erase', 'anonymise']),
    at: z.string().describe('When the plan was made: blockers are judged on this day.'),
    state: z.enum(['completed', 'blocked']).describe('What the erasure would end in if made now.'),
    blockers: z.array(ErasureBlockerOut),
    keptFields: z.array(z.string()).describe('Person fields a blocker would keep on the person row.'),
    erasedFields: z.array(z.string()).describe('Person fields that would lose their value.'),
    records: z.array(
      z.object({
        holder: z.string(),
        category: z.string(),
        erase: Count.describe('Records that would be deleted.'),
        anonymise: Count.describe('Records that would be anonymised.'),
        keep: Count.describe('Records a blocker keeps.'),
      }),
    ),
    other: z.object({ files: Count, consents: Count, contactRoles: Count, legalHolds: Count }),
    personGoes: z.boolean().describe('Whether the person row itself would go.'),
  })
  .describe('The dry run of an erasure: what would go, what would stay and why. Nothing is changed.');

export async function erasureRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/persons/:id/erasure-plan',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Dry run of an erasure (or anonymisation): the blockers with their ends, what would go and what would stay',
        params: IdParams,
        headers: PurposeHeaders,
        querystring: PlanQuery,
        response: { 200: ErasurePlanOut, ...errorResponses },
      },
    },
    async (request) =>
      planErasure(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        ...(request.query.mode !== undefined ? { mode: request.query.mode } : {}),
        ...purposeOf(request.headers),
      }),
  );

  api.post(
    '/persons/:id/erasure',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Erase a person (art. 17): everything not held by a blocker goes; blockers are named with their end',
        params: IdParams,
        headers: PurposeHeaders,
        body: ErasureBody.nullish(),
        response: { 200: ErasureOut, ...errorResponses },
      },
    },
    async (request) =>
      erasePerson(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        ...(request.body?.requestId !== undefined ? { requestId: request.body.requestId } : {}),
        ...purposeOf(request.headers),
      }),
  );

  api.post(
    '/persons/:id/anonymisation',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Anonymise a person on request (R4.9): identifying data goes, records stay for statistics linked to nobody',
        params: IdParams,
        headers: PurposeHeaders,
        body: ErasureBody.nullish(),
        response: { 200: ErasureOut, ...errorResponses },
      },
    },
    async (request) =>
      anonymisePerson(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        ...(request.body?.requestId !== undefined ? { requestId: request.body.requestId } : {}),
        ...purposeOf(request.headers),
      }),
  );

  api.get(
    '/erasures/blocked',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary: 'Erasures waiting for a blocker, with each blocker and its end',
        headers: PurposeHeaders,
        response: { 200: z.object({ items: z.array(BlockedOut) }), ...errorResponses },
      },
    },
    async (request) => listBlockedErasures(ctx.register(), ctx.actor(request), purposeOf(request.headers)),
  );

  api.post(
    '/erasures/resume',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['rights'],
        summary:
          'Finish the blocked erasures whose blockers have ended (also done after every retention run)',
        response: { 200: ResumeOut, ...errorResponses },
      },
    },
    async (request) => resumeBlockedErasures(ctx.register(), ctx.actor(request)),
  );
}
