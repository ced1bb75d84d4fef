import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI description of the API, generated from the Zod schemas of its routes (R7.3). The committed copy
 * (`docs/openapi.json`) is compared with this by a test, so the two cannot drift.
 *
 * Routes that answer with a document (notice, record of processing) declare `produces` with their media
 * types; their error responses are JSON, which is put right here. Every route answers errors with the one error
 * shape (`ErrorOut`), so it is described once, as `#/components/schemas/Error`, and referred to.
 */
export function openApiDocument(app: FastifyInstance): Record<string, unknown> {
  const doc = structuredClone(app.swagger()) as unknown as OpenApiDoc;
  let error: { schema: unknown; text: string } | undefined;
  for (const path of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(path)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const content = response.content;
        if (!content || Number(status) < 400) continue;
        let schema = Object.values(content)[0]?.schema;
        const text = JSON.stringify(schema);
        error ??= { schema, text };
        if (text === error.text) schema = { $ref: ERROR_REF };
        response.content = { 'application/json': { schema } };
      }
    }
  }
  if (error)
    doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: error.schema } };
  return doc as unknown as Record<string, unknown>;
}

const ERROR_REF = '#/components/schemas/Error';

/** The OpenAPI document as committed: two-space indented with a final newline. */
export function openApiText(app: FastifyInstance): string {
  return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
}

interface OpenApiDoc {
  components?: { schemas?: Record<string, unknown> } & Record<string, unknown>;
  paths?: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
}
