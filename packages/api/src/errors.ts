import { ERRORS, type ErrorCode, isLupausError, type ProblemDetail } from '@lupaus/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/**
 * The one error handler of the API. Every error leaves as `{ error: { code, message, problems } }`:
 * - a `LupausError` with its own status, code and problems;
 * - a request that does not match its schema as `VALIDATION_FAILED` with a problem per issue, `at` naming the
 *   part of the request (`body.fields.email`, `query.limit`, `params.id`); 422 for a body, 400 otherwise;
 * - a body that is not JSON (or another malformed request) as `BAD_REQUEST`;
 * - anything else as 500 `INTERNAL`, logged but never shown: no stack, no internal message.
 */
export interface ErrorBody {
  error: { code: string; message: string; problems: ProblemDetail[] };
}

export function errorBody(
  code: ErrorCode | string,
  message: string,
  problems: ProblemDetail[] = [],
): ErrorBody {
  return { error: { code, message, problems } };
}

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** `/fields/email` in context body → `body.fields.email`. */
export function problemPath(context: string | undefined, instancePath: string): string {
  const head = CONTEXT_NAMES[context ?? 'body'] ?? context ?? 'body';
  const parts = instancePath.split('/').filter((p) => p !== '');
  return [head, ...parts].join('.');
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isLupausError(err)) {
      if (err.status >= 500) request.log.error({ err }, 'register error');
      return reply.code(err.status).send(errorBody(err.code, err.message, err.problems));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const context = err.validationContext;
      const problems = err.validation.map((v) => {
        const params = v.params as { keys?: unknown };
        // An unknown key is reported at the key itself, not at the object holding it.
        const keys = Array.isArray(params?.keys) ? (params.keys as string[]) : [];
        const base = problemPath(context, v.instancePath);
        const at = keys.length === 1 ? `${base}.${keys[0]}` : base;
        return { at, message: v.message ?? 'is not valid' };
      });
      const status = context === 'body' ? 422 : 400;
      const first = problems[0];
      const message = first
        ? `${ERRORS.VALIDATION_FAILED.message} ${first.at}: ${first.message}`
        : ERRORS.VALIDATION_FAILED.message;
      return reply.code(status).send(errorBody('VALIDATION_FAILED', message, problems));
    }
    if (isFastifyClientError(err)) {
      const message =
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
          ? 'The request body is not valid JSON.'
          : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'The request says it has a JSON body but it is empty.'
            : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? 'The request body must be JSON (Content-Type: application/json).'
              : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
                ? 'The request body is too large.'
                : ERRORS.BAD_REQUEST.message;
      return reply.code(err.statusCode ?? 400).send(errorBody('BAD_REQUEST', message));
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause?.issues }, 'a response did not match its schema');
    } else {
      request.log.error({ err }, 'unexpected error');
    }
    return reply.code(500).send(errorBody('INTERNAL', ERRORS.INTERNAL.message));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(errorBody('NOT_FOUND', `There is no route ${request.method} ${request.url.split('?')[0]}.`));
  });
}

/** A 4xx error Fastify raised itself while reading the request (bad JSON, wrong media type, too large). */
function isFastifyClientError(err: FastifyError): boolean {
  return (
    typeof err.code === 'string' &&
    err.code.startsWith('FST_ERR_') &&
    typeof err.statusCode === 'number' &&
    err.statusCode >= 400 &&
    err.statusCode < 500
  );
}
