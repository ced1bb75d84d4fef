import {
  ACCESS_REPORT_FORMATS,
  createAccessReport,
  exportPortableData,
  listDisclosures,
  PORTABLE_FORMATS,
  recordDisclosure,
} from '@lupaus/engine';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses, IdParams, Language, Uuid } from '../schemas';
import { contentDisposition } from './files';

/**
 * The data subject's access report (R4.2), portable data (R4.7) and the log of disclosures (R6.5). The report
 * and the export are documents (JSON, HTML, PDF, CSV) sent as they are, with a content disposition naming the
 * file and their SHA-256 in `x-content-sha256`. Given `requestId`, the request must be verified (409
 * REQUEST_NOT_VERIFIED otherwise) and the document completes it.
 */
export const AccessReportQuery = z.strictObject({
  format: z.enum(ACCESS_REPORT_FORMATS).default('html').describe('json, html (printable) or pdf.'),
  lang: Language.optional().describe("html and pdf: one of the register's languages; its first by default."),
  requestId: Uuid.optional().describe('The verified access request this report answers; it is completed.'),
});

export const PortableQuery = z.strictObject({
  format: z.enum(PORTABLE_FORMATS).default('json').describe('json, or csv (one row per value).'),
  requestId: Uuid.optional().describe(
    'The verified portability request this export answers; it is completed.',
  ),
});

const DocumentBytesOut = z
  .string()
  .meta({ format: 'binary' })
  .describe(
    'The document: the access report as JSON (kind lupaus.access-report), HTML or PDF; portable data as JSON (kind lupaus.portable-data) or CSV.',
  );

export const DisclosureBody = z.strictObject({
  disclosure: z
    .string()
    .min(1)
    .describe("The definition's disclosure id: its recipient and basis come from it."),
  recipientName: z
    .string()
    .describe('The actual recipient (CJEU C-154/21): the company or authority the data went to.'),
  recipientEmail: z.string().optional(),
  categories: z
    .array(z.string())
    .optional()
    .describe("The categories given; the disclosure's own when omitted. Each must be one of them."),
  fields: z.array(z.string()).optional().describe('The fields given, of those categories.'),
  reason: z.string().optional().describe("Why: the authority's order and its reference ..."),
  at: z.string().optional().describe('When it was given (ISO 8601 with its zone); now when omitted.'),
});

export const DisclosureOut = z.object({
  id: Uuid,
  disclosure: z.string(),
  recipient: z.string().describe("The definition's recipient id."),
  recipientName: z.string().nullable().describe('The actual recipient.'),
  recipientEmail: z.string().nullable(),
  basis: z.string(),
  categories: z.array(z.string()),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
  at: z.string(),
});

/** Sends a document made for the subject (the access report, the portable data) with its SHA-256, not to be cached. */
function sendDocument(
  reply: FastifyReply,
  r: { mediaType: string; fileName: string; sha256: string; body: Buffer },
): FastifyReply {
  return reply
    .header('content-type', r.mediaType)
    .header('content-disposition', contentDisposition(r.fileName))
    .header('x-content-sha256', r.sha256)
    .header('cache-control', 'no-store')
    .send(r.body as unknown as string);
}

export async function accessRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/persons/:id/access-report',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['access'],
        summary:
          'The access report (R4.2): everything held on the person with its provenance, and the purposes, bases, retention, sources, recipients, rights and profiling; completes a verified access request',
        params: IdParams,
        querystring: AccessReportQuery,
        produces: ['application/json', 'text/html', 'application/pdf'],
        response: { 200: DocumentBytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const r = await createAccessReport(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        format: q.format,
        ...(q.lang !== undefined ? { lang: q.lang } : {}),
        ...(q.requestId !== undefined ? { requestId: q.requestId } : {}),
      });
      return sendDocument(reply, r);
    },
  );

  api.get(
    '/persons/:id/portable-data',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['access'],
        summary:
          'The data the person provided, processed on consent or contract (R4.7), as JSON or CSV; completes a verified portability request',
        params: IdParams,
        querystring: PortableQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: DocumentBytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const r = await exportPortableData(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        format: q.format,
        ...(q.requestId !== undefined ? { requestId: q.requestId } : {}),
      });
      return sendDocument(reply, r);
    },
  );

  api.post(
    '/persons/:id/disclosures',
    {
      config: { permission: 'disclosures.manage' },
      schema: {
        tags: ['access'],
        summary:
          'Record a disclosure of the person’s data (R6.5): the definition’s disclosure, the actual recipient, categories, fields, reason and time; append-only',
        params: IdParams,
        body: DisclosureBody,
        response: { 201: DisclosureOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const entry = await recordDisclosure(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        disclosure: b.disclosure,
        recipientName: b.recipientName,
        ...(b.recipientEmail !== undefined ? { recipientEmail: b.recipientEmail } : {}),
        ...(b.categories !== undefined ? { categories: b.categories } : {}),
        ...(b.fields !== undefined ? { fields: b.fields } : {}),
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
        ...(b.at !== undefined ? { at: b.at } : {}),
      });
      return reply.code(201).send(entry);
    },
  );

  api.get(
    '/persons/:id/disclosures',
    {
      config: { permission: 'disclosures.manage' },
      schema: {
        tags: ['access'],
        summary:
          'The disclosures made of the person’s data, oldest first, with their actual recipients (R6.5)',
        params: IdParams,
        response: { 200: z.object({ items: z.array(DisclosureOut) }), ...errorResponses },
      },
    },
    async (request) => ({
      items: await listDisclosures(ctx.register(), ctx.actor(request), request.params.id),
    }),
  );
}
