import { applyUpdateBatch } from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { ErrorOut, errorResponses, PurposeHeaders, Uuid } from '../schemas';
import { rawBodyRoutes } from './files';
import { purposeOf } from './persons';

/** The largest update-service file taken in one request (about a million lines of names and addresses). */
export const MAX_UPDATE_BATCH_BYTES = 128 * 1024 * 1024;

const UpdateBatchQuery = z.strictObject({
  source: z
    .string()
    .min(1)
    .describe(
      'The update service: a source id of the definition, or the kind update_service / population_register when one source has it.',
    ),
  dryRun: z.enum(['true', 'false']).optional().describe('true: write nothing and say what would change.'),
  mapping: z
    .string()
    .optional()
    .describe(
      'A JSON object of CSV column → target (customer_number, hetu, person_id, first_name, last_name, nickname, address.street, address.poBox, address.postalCode, address.city, address.country, moved_on); known Finnish and English headers need none.',
    ),
  fileName: z.string().max(200).optional().describe("The file's name, kept with the run."),
});

const UpdateBatchOut = z
  .object({
    runId: Uuid,
    dryRun: z.boolean(),
    source: z.string(),
    rows: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    fields: z.record(z.string(), z.number().int()).describe('Persons changed per field.'),
    restricted: z
      .number()
      .int()
      .describe('Changed persons whose processing is restricted: they got the accuracy update only.'),
    newerOnRecord: z
      .number()
      .int()
      .describe('Addresses kept because the one on record was saved after the day of the move.'),
    problems: z
      .array(z.object({ line: z.number().int(), column: z.string().nullable(), reason: z.string() }))
      .describe('The first 1 000 lines not applied: line, column (null: the whole line) and why.'),
  })
  .describe('What an update-service batch did (or, in a dry run, would do).');

/**
 * Update-service batches (R2.8): `POST /update-batches` takes the CSV as the raw body (`text/csv`; any media type
 * is read as text) and applies it as `lupaus update-service apply` does. The run is kept in `import_runs` (kind
 * `update-batch`). The routes live in a scope of their own whose body parser reads the raw body, so they cannot
 * clash with another route file's `text/csv` parser.
 */
export async function updateRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  await rawBodyRoutes(api, MAX_UPDATE_BATCH_BYTES, (scope) => {
    scope.post(
      '/update-batches',
      {
        bodyLimit: MAX_UPDATE_BATCH_BYTES,
        config: { permission: 'persons.write' },
        schema: {
          tags: ['persons'],
          summary: 'Apply a CSV of name and address changes from an update service; bad lines are reported',
          consumes: ['text/csv'],
          headers: PurposeHeaders,
          querystring: UpdateBatchQuery,
          response: { 200: UpdateBatchOut, 413: ErrorOut, ...errorResponses },
        },
      },
      async (request, reply) => {
        const q = request.query;
        let mapping: Record<string, string> | undefined;
        if (q.mapping !== undefined) {
          try {
            mapping = JSON.parse(q.mapping) as Record<string, string>;
          } catch {
            mapping = '' as unknown as Record<string, string>; // refused by the engine, naming `mapping`
          }
        }
        const body = request.body as unknown;
        const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
        const report = await applyUpdateBatch(ctx.register(), ctx.actor(request), {
          input: text,
          source: q.source,
          mapping,
          dryRun: q.dryRun === 'true',
          fileName: q.fileName,
          ...purposeOf(request.headers),
        });
        return reply.code(200).send(report);
      },
    );
  });
}
