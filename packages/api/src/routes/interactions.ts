import { type InteractionEvent, ingestInteractions } from '@lupaus/engine';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, InteractionBatchBody, InteractionBatchOut, PurposeHeaders } from '../schemas';
import { purposeOf } from './persons';

/**
 * Interactions in bulk (R2.4): web visits, emails sent and opened, logins ... for many persons at once, as an
 * analytics feed or a mailing system sends them. The whole batch is checked first; if any event is bad, every
 * problem is listed with its path (`events[17].fields.ip_address`) and nothing is written.
 */
export async function interactionRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/interactions/batch',
    {
      bodyLimit: 32 * 1024 * 1024,
      config: { permission: 'persons.write' },
      schema: {
        tags: ['records'],
        summary: 'Take in a batch of interactions for many persons; all or nothing',
        headers: PurposeHeaders,
        body: InteractionBatchBody,
        response: { 201: InteractionBatchOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await ingestInteractions(ctx.register(), ctx.actor(request), {
        events: request.body.events as unknown as InteractionEvent[],
        ...purposeOf(request.headers),
      });
      return reply.code(201).send(result);
    },
  );
}
