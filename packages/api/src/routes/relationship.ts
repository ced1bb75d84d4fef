import { endRelationship, getRelationship, reopenRelationship } from '@lupaus/engine';
import type { ApiContext, ZodApp } from '../app';
import { EndRelationshipBody, errorResponses, IdParams, PurposeHeaders, RelationshipOut } from '../schemas';
import { purposeOf } from './persons';

/**
 * The customer relationship of a person (R5.1): whether it is active or ended, since when and why; staff record
 * its end (seed 001) or the register judges it from the last service contact (seed 003). Open invoices and debt
 * collection cases keep it active.
 */
export async function relationshipRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/persons/:id/relationship',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['relationship'],
        summary: "Whether a person's customer relationship is active or ended, and why",
        headers: PurposeHeaders,
        params: IdParams,
        response: { 200: RelationshipOut, ...errorResponses },
      },
    },
    async (request) =>
      getRelationship(ctx.register(), ctx.actor(request), request.params.id, purposeOf(request.headers)),
  );

  api.post(
    '/persons/:id/relationship/end',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['relationship'],
        summary:
          'Record the end of the customer relationship (not before the person was added, not after today)',
        headers: PurposeHeaders,
        params: IdParams,
        body: EndRelationshipBody,
        response: { 200: RelationshipOut, ...errorResponses },
      },
    },
    async (request) =>
      endRelationship(ctx.register(), ctx.actor(request), request.params.id, {
        ...(request.body.endedAt !== undefined ? { endedAt: request.body.endedAt } : {}),
        ...(request.body.reason !== undefined ? { reason: request.body.reason } : {}),
        ...purposeOf(request.headers),
      }),
  );

  api.delete(
    '/persons/:id/relationship/end',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['relationship'],
        summary: 'Remove a recorded end: the relationship is active again (or judged from the last contact)',
        headers: PurposeHeaders,
        params: IdParams,
        response: { 200: RelationshipOut, ...errorResponses },
      },
    },
    async (request) =>
      reopenRelationship(ctx.register(), ctx.actor(request), request.params.id, purposeOf(request.headers)),
  );
}
