import { countLeftOut, exportLabels, exportSegment, selectForMarketing } from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, Uuid } from '../schemas';

/**
 * Marketing selections, segments and mailing labels (R3.2, R3.3): all of them through the one marketing gate,
 * which leaves out prohibitions, withdrawn or missing consent, objections, restrictions and suppression lists,
 * and applies the consumer/business rule of electronic marketing. Every person selected is audited.
 */
const Filter = {
  customerNumbers: z
    .array(z.string().min(1))
    .max(100_000)
    .optional()
    .describe('Only these customer numbers.'),
  personIds: z.array(Uuid).max(100_000).optional().describe('Only these persons.'),
  audience: z
    .enum(['all', 'consumers', 'business'])
    .optional()
    .describe('Only consumers, or only business contacts (persons with an active contact role).'),
};

export const SelectionBody = z.strictObject({
  purpose: z.string().describe('A purpose of the definition’s marketing section.'),
  channel: z.string().describe('A channel of the definition’s marketing section.'),
  ...Filter,
});

export const SegmentBody = SelectionBody.extend({
  delimiter: z.enum([',', ';']).optional().describe('The CSV delimiter (default a comma).'),
});

export const LabelsBody = z.strictObject({
  purpose: z.string(),
  channel: z.string().optional().describe('A postal channel; the definition’s first (post) when omitted.'),
  format: z.enum(['pdf', 'html']).default('pdf'),
  ...Filter,
});

const AddressOut = z.object({
  street: z.string().nullish(),
  poBox: z.string().nullish(),
  postalCode: z.string().nullish(),
  city: z.string().nullish(),
  country: z.string().nullish(),
});

const SelectionOut = z.object({
  selectionId: Uuid,
  purpose: z.string(),
  channel: z.string(),
  kind: z.enum(['email', 'phone', 'address']),
  at: z.string(),
  contacts: z.array(
    z.object({
      personId: Uuid,
      customerNumber: z.string().nullable(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      business: z.boolean(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      address: AddressOut.nullable(),
    }),
  ),
  suppressedBy: z
    .record(z.string(), z.number().int())
    .optional()
    .describe(
      'Persons left out because a contact point is on a suppression list, counted by the list’s name (objection and prohibition for a person’s own).',
    ),
  leftOut: z
    .object({
      restricted: z.number().int(),
      objection: z.number().int(),
      noContact: z.number().int(),
      prohibited: z.number().int(),
      withdrawn: z.number().int(),
      noConsent: z.number().int(),
    })
    .optional()
    .describe(
      'Persons the gate left out before the suppression lists, counted by the first rule that kept each out.',
    ),
});

const BytesOut = z.string().meta({ format: 'binary' }).describe('The CSV, PDF or HTML document.');

function attachment(name: string): string {
  return `attachment; filename="${name}"`;
}

export async function marketingRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/marketing/selections',
    {
      config: { permission: 'marketing.select' },
      schema: {
        tags: ['marketing'],
        summary: 'The persons a marketing purpose may reach on a channel, through the marketing gate (R3.2)',
        body: SelectionBody,
        response: { 200: SelectionOut, ...errorResponses },
      },
    },
    async (request) => {
      const selection = await selectForMarketing(ctx.register(), ctx.actor(request), request.body);
      return { ...selection, leftOut: await countLeftOut(ctx.register(), ctx.actor(request), request.body) };
    },
  );

  api.post(
    '/marketing/segment',
    {
      config: { permission: 'marketing.select' },
      schema: {
        tags: ['marketing'],
        summary: 'A marketing segment as CSV, through the marketing gate (R3.3)',
        body: SegmentBody,
        produces: ['text/csv'],
        response: { 200: BytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const out = await exportSegment(ctx.register(), ctx.actor(request), request.body);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(`segment-${out.purpose}-${out.channel}.csv`))
        .header('x-lupaus-count', String(out.count))
        .header('x-lupaus-selection', out.selectionId)
        .header('cache-control', 'no-store')
        .send(out.csv);
    },
  );

  api.post(
    '/marketing/labels',
    {
      config: { permission: 'marketing.select' },
      schema: {
        tags: ['marketing'],
        summary: 'Printable A4 mailing labels (3 × 8) as PDF or HTML, through the marketing gate (R3.3)',
        body: LabelsBody,
        produces: ['application/pdf', 'text/html'],
        response: { 200: BytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const out = await exportLabels(ctx.register(), ctx.actor(request), request.body);
      return reply
        .type(out.mediaType)
        .header('content-disposition', attachment(`labels-${out.purpose}.${out.format}`))
        .header('x-lupaus-count', String(out.count))
        .header('x-lupaus-selection', out.selectionId)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(out.body as unknown as string); // bytes are sent as they are, never serialised
    },
  );
}
