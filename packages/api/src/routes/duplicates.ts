import { listDuplicates, markNotDuplicate, mergePersons } from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, IdParams, PersonOut, PersonSummaryOut, PurposeHeaders, Uuid } from '../schemas';
import { purposeOf } from './persons';

const Reason = z.enum(['email', 'phone', 'name_address', 'name_postal_code']);

const DuplicatesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(200).optional().describe('The cursor `next` of the previous page.'),
  reasons: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Comma-separated signs to look for: email, phone, name_address, name_postal_code (default: every one your roles may read).',
    ),
});

const DuplicatePageOut = z.object({
  items: z.array(
    z.object({
      a: PersonSummaryOut,
      b: PersonSummaryOut,
      reasons: z.array(Reason),
      score: z.number().describe('0–1: how strongly the signs say the two are one person.'),
    }),
  ),
  next: z.string().nullable(),
});

const MergeBody = z.strictObject({
  other: Uuid.describe('The person merged into this one: their row goes, everything of theirs moves here.'),
  take: z
    .record(z.string().min(1).max(100), z.enum(['keep', 'other']))
    .optional()
    .describe('Per single-valued field, whose value stays (default: this person’s unless empty).'),
});

const MergeOut = z.object({
  mergeId: Uuid,
  keptId: Uuid,
  mergedId: Uuid,
  at: z.string(),
  moved: z.record(z.string(), z.number()),
  fieldsTaken: z.array(z.string()),
  fieldsDropped: z.array(z.string()),
  consentsAdded: z.number(),
  suppressionsAdded: z.number(),
  person: PersonOut,
});

const NotDuplicateBody = z.strictObject({ a: Uuid, b: Uuid });
const NotDuplicateOut = z.object({ a: Uuid, b: Uuid, marked: z.boolean() });

/**
 * Duplicates and merge (R2.7): the likely duplicates, strongest first; merging one person into another with all
 * their facts, records and requests (the most restrictive consent winning); marking a pair as not duplicates.
 * A merged person's id answers 410 PERSON_MERGED naming the kept person.
 */
export async function duplicateRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/duplicates',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['persons'],
        summary: 'Likely duplicate persons, strongest first, a page at a time',
        headers: PurposeHeaders,
        querystring: DuplicatesQuery,
        response: { 200: DuplicatePageOut, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return listDuplicates(ctx.register(), ctx.actor(request), {
        ...purposeOf(request.headers),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.reasons !== undefined
          ? { reasons: q.reasons.split(',').map((x) => x.trim()) as z.infer<typeof Reason>[] }
          : {}),
      });
    },
  );

  api.post(
    '/persons/:id/merge',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['persons'],
        summary:
          'Merge another person into this one (everything of theirs moves here; the most restrictive consent wins)',
        headers: PurposeHeaders,
        params: IdParams,
        body: MergeBody,
        response: { 200: MergeOut, ...errorResponses },
      },
    },
    async (request) =>
      mergePersons(ctx.register(), ctx.actor(request), {
        keep: request.params.id,
        other: request.body.other,
        ...(request.body.take !== undefined ? { take: request.body.take } : {}),
        ...purposeOf(request.headers),
      }),
  );

  api.post(
    '/duplicates/not-duplicate',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['persons'],
        summary:
          'Mark two persons as not the same person, so that the duplicate list does not show them again',
        headers: PurposeHeaders,
        body: NotDuplicateBody,
        response: { 200: NotDuplicateOut, ...errorResponses },
      },
    },
    async (request) =>
      markNotDuplicate(ctx.register(), ctx.actor(request), {
        a: request.body.a,
        b: request.body.b,
        ...purposeOf(request.headers),
      }),
  );
}
