import type { Readable } from 'node:stream';
import { LupausError } from '@lupaus/core';
import {
  getImportRun,
  type ImportReport,
  importConsents,
  importOrganisations,
  importPersons,
  listImportRuns,
} from '@lupaus/engine';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { ErrorOut, errorResponses, IdParams, PageQuery, PurposeHeaders, Uuid } from '../schemas';
import { purposeOf } from './persons';

/** The largest CSV file taken in one request (well over a million persons). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

const ImportQuery = z.strictObject({
  source: z.string().min(1).describe('Where the data comes from: a source id of the definition (R2.6).'),
  dryRun: z.enum(['true', 'false']).optional().describe('true: validate and match only, write nothing.'),
  mapping: z
    .string()
    .optional()
    .describe(
      'A JSON object of CSV column → field id ("" ignores a column); default: columns named as field ids.',
    ),
  fileName: z.string().max(200).optional().describe("The file's name, kept with the run."),
  batchSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe('Rows per transaction (default 2 000).'),
});

const ProblemOut = z.object({
  line: z.number().int().describe('The physical line of the file (the header is line 1).'),
  column: z.string().nullable().describe('The column, or null for the row as a whole.'),
  reason: z.string(),
});

const ReportOut = z
  .object({
    runId: Uuid,
    dryRun: z.boolean(),
    source: z.string(),
    rows: z.number().int().describe('Data rows read.'),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int().describe('Rows not imported.'),
    problems: z.array(ProblemOut).describe('The first 1 000 problems.'),
  })
  .describe('What the import did (or, in a dry run, would do).');

const RunFields = {
  id: Uuid,
  kind: z.enum(['persons', 'consents', 'organisations', 'update-batch']),
  source: z.string(),
  fileName: z.string().nullable(),
  actor: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  dryRun: z.boolean(),
  status: z.enum(['running', 'completed', 'failed']),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  error: z.string().nullable(),
};
const RunOut = z.object(RunFields);
const RunReportOut = z.object({
  ...RunFields,
  problems: z.array(ProblemOut).describe('The first 1 000 problems, without the cells’ values.'),
});

const RunsQuery = PageQuery.extend({
  kind: z.enum(['persons', 'consents', 'organisations', 'update-batch']).optional(),
});

/** The request body as a stream of bytes, refused with 413 past `max` bytes. */
async function* limited(body: unknown, max: number): AsyncGenerator<Buffer> {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    yield Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    return;
  }
  if (body === null || body === undefined) return;
  let n = 0;
  for await (const chunk of body as Readable) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'utf8');
    n += b.length;
    if (n > max) {
      (body as Readable).destroy();
      throw new LupausError('TOO_LARGE', { max }, [
        { at: 'body', message: `the file is larger than ${max} bytes, the most one import takes` },
      ]);
    }
    yield b;
  }
}

/**
 * CSV imports (R2.8): `POST /imports/persons`, `/imports/consents` and `/imports/organisations` take the file as
 * the raw body (`text/csv`; any media type is read as CSV), streamed in batches as `lupaus import` does, and
 * answer with the report (line, column and reason of each problem). `GET /imports` lists the runs (also the
 * update-service batches), `GET /imports/:id` shows a run's report. The upload routes live in a scope of their
 * own whose body parser hands the raw stream on.
 */
export async function importRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  await api.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => {
      done(null, payload);
    });
    const upload = (
      kind: 'persons' | 'consents' | 'organisations',
      permission: 'persons.write' | 'consents.write',
      summary: string,
      run: typeof importPersons,
    ) =>
      scope.post(
        `/imports/${kind}`,
        {
          bodyLimit: MAX_IMPORT_BYTES,
          config: { permission },
          schema: {
            tags: ['persons'],
            summary,
            consumes: ['text/csv'],
            headers: PurposeHeaders,
            querystring: ImportQuery,
            response: { 200: ReportOut, 413: ErrorOut, ...errorResponses },
          },
        },
        async (request, reply) => {
          const q = request.query;
          let mapping: Record<string, string> | undefined;
          if (q.mapping !== undefined) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(q.mapping);
            } catch {
              parsed = undefined;
            }
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
              throw new LupausError('VALIDATION_FAILED', {}, [
                { at: 'mapping', message: 'the mapping is a JSON object of CSV column → field id' },
              ]);
            }
            mapping = parsed as Record<string, string>;
          }
          const report: ImportReport = await run(ctx.register(), ctx.actor(request), {
            input: limited(request.body, MAX_IMPORT_BYTES),
            source: q.source,
            mapping,
            dryRun: q.dryRun === 'true',
            fileName: q.fileName,
            batchSize: q.batchSize,
            ...purposeOf(request.headers),
          });
          return reply.code(200).send(report);
        },
      );
    upload(
      'persons',
      'persons.write',
      'Import persons from a CSV file; bad rows are reported, good ones imported',
      importPersons,
    );
    upload(
      'consents',
      'consents.write',
      'Import consents, withdrawals and prohibitions from a CSV file',
      importConsents,
    );
    upload(
      'organisations',
      'persons.write',
      'Import organisations and their contact persons from a CSV file',
      importOrganisations,
    );
  });

  api.get(
    '/imports',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['persons'],
        summary: 'Import runs (and update-service batches), newest first',
        querystring: RunsQuery,
        response: {
          200: z.object({ items: z.array(RunOut), next: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      listImportRuns(ctx.register(), ctx.actor(request), {
        limit: request.query.limit,
        after: request.query.after,
        kind: request.query.kind,
      }),
  );

  api.get(
    '/imports/:id',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['persons'],
        summary: 'An import run with its report: counts and the first 1 000 problems',
        params: IdParams,
        response: { 200: RunReportOut, ...errorResponses },
      },
    },
    async (request) => getImportRun(ctx.register(), ctx.actor(request), request.params.id),
  );
}
