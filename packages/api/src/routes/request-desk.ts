import { completeRequest } from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, IdParams } from '../schemas';

/**
 * Completing a request honoured by hand (R4.1): a restriction started, an objection decided, a withdrawal
 * recorded elsewhere; the note says what was done. The rights with a document or an effect of their own (the
 * access report, portability, erasure, rectification) complete their request themselves.
 */
const CompleteBody = z.strictObject({
  note: z.string().min(1).max(8000).describe('What was done to honour the request (no identifiers).'),
});

const CompletedOut = z.object({
  id: z.string(),
  state: z.string(),
  closedAt: z.string().nullable(),
  outcome: z.record(z.string(), z.unknown()),
});

export async function requestDeskRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/requests/:id/complete',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['requests'],
        summary:
          'Complete a verified request honoured by hand, with a note of what was done (409 REQUEST_NOT_VERIFIED before)',
        params: IdParams,
        body: CompleteBody,
        response: { 200: CompletedOut, ...errorResponses },
      },
    },
    async (request) => {
      const r = await completeRequest(ctx.register(), ctx.actor(request), request.params.id, {
        state: 'completed',
        outcome: { note: request.body.note.trim() },
      });
      return { id: r.id, state: r.state, closedAt: r.closedAt, outcome: r.outcome };
    },
  );
}
