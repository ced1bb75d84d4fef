import { searchAudit, verifyAudit } from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, Uuid } from '../schemas';

/**
 * The audit trail (R6.4): who read or wrote whose data, when and why (ids only, never values), searchable by
 * person and by user, and the check of its hash chain. Searching the trail is not itself audited: its rows hold
 * no personal data.
 */
const Head = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/)
  .describe('The hash of the last row of the trail (64 hexadecimal characters).');

export const AuditQuery = z.strictObject({
  personId: Uuid.optional().describe('Whose data: who has read or written this person’s data.'),
  userId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Who: what this user (or `system`) has read and written.'),
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('What was done: the action of the row, such as read, reveal or user.create.'),
  from: z.string().min(1).optional().describe('From this time on (ISO 8601 date or date and time).'),
  to: z.string().min(1).optional().describe('Before this time (ISO 8601 date or date and time).'),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('Rows per page (default 100).'),
  after: z
    .string()
    .regex(/^[1-9]\d{0,18}$/)
    .optional()
    .describe('The cursor `next` of the previous page.'),
});

const AuditEntryOut = z.object({
  id: z.string().describe('The row id; rows are numbered in the order of the chain.'),
  at: z.string(),
  actor: z.string().describe('The user who read or wrote, or `system`.'),
  action: z.string(),
  entityType: z.string(),
  entityId: Uuid.nullable(),
  personId: Uuid.nullable(),
  purpose: z.string(),
  details: z.record(z.string(), z.unknown()).describe('Ids and field names, never values.'),
});

const AuditPageOut = z.object({
  items: z.array(AuditEntryOut).describe('Newest first.'),
  next: z.string().nullable(),
});

export const VerifyBody = z
  .strictObject({
    expectedHead: Head.optional().describe(
      'A head printed by an earlier verification and kept outside the database: rows deleted from the end of the trail are caught only against it.',
    ),
  })
  .describe('Optional: send no body to verify without a kept head.');

const VerifyOut = z.object({
  ok: z.boolean(),
  rows: z.number().int().describe('Rows checked.'),
  legacy: z.number().int().describe('Rows written before the chain existed, not covered by it.'),
  head: Head.nullable().describe('Keep it somewhere else, and pass it as expectedHead next time.'),
  problems: z.array(
    z.object({
      id: z.string().nullable().describe('The row where the chain breaks.'),
      kind: z.enum(['changed', 'inserted', 'missing-before', 'reordered', 'unchained', 'truncated']),
      message: z.string(),
    }),
  ),
});

export async function auditRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'Search the audit trail by person ("who has looked at my data"), by user, by action and by time',
        querystring: AuditQuery,
        response: { 200: AuditPageOut, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await searchAudit(ctx.register(), ctx.actor(request), {
        ...(q.personId !== undefined ? { personId: q.personId } : {}),
        ...(q.userId !== undefined ? { actor: q.userId } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
      });
      return { items: page.entries, next: page.next };
    },
  );

  api.post(
    '/audit/verify',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'Verify the hash chain of the audit trail: each edited, deleted, inserted or reordered row, and where',
        body: VerifyBody.nullish(),
        response: { 200: VerifyOut, ...errorResponses },
      },
    },
    async (request) =>
      verifyAudit(ctx.register(), ctx.actor(request), {
        ...(request.body?.expectedHead !== undefined ? { expectedHead: request.body.expectedHead } : {}),
      }),
  );
}
