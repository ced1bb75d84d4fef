import {
  ERRORS,
  type ErrorCode,
  isLupausError,
  localizeProblem,
  type MessageLanguage,
  messageLanguage,
  type ProblemDetail,
  validationMessage,
} from '@lupaus/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/**
 * The one error handler of the API. Every error leaves as `{ error: { code, message, problems } }`:
 * - a `LupausError` with its own status, code and problems;
 * - a request that does not match its schema as `VALIDATION_FAILED` with a problem per issue, `at` naming the
 *   part of the request (`body.fields.email`, `query.limit`, `params.id`); 422 for a body, 400 otherwise;
 * - a body that is not JSON (or another malformed request) as `BAD_REQUEST`;
 * - anything else as 500 `INTERNAL`, logged but never shown: no stack, no internal message.
 *
 * The problems of a validation (hetu, y-tunnus, phone, email, required, enum, dates ...) carry a `code`; their
 * messages are answered in the language of the request (`Accept-Language` fi, en or sv; else the register's first
 * language; else Finnish) from the one catalogue `PROBLEM_MESSAGES` of @lupaus/core (errors/messages.ts), with a
 * field named by its label in that language. The code, `at` and params stay the same in every language.
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

/** What the error handler needs of the register to speak the request's language (both may throw: no register yet). */
export interface ErrorLocale {
  /** The register's languages, the first its default. */
  languages(): readonly string[];
  /** A field's label in a language, by the field id (a person's field first, then any holder's). */
  fieldLabel(fieldId: string, lang: MessageLanguage): string | undefined;
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** The language of a request's messages: its `Accept-Language` among fi, en, sv, else the register's first. */
export function requestLanguage(request: FastifyRequest, locale?: ErrorLocale): MessageLanguage {
  const first = locale ? safely(() => locale.languages()[0]) : undefined;
  const fallback: MessageLanguage = first === 'en' || first === 'sv' ? first : 'fi';
  return messageLanguage(request.headers['accept-language'], fallback);
}

/** The error's message and problems in the request's language (codes and paths unchanged). */
function localized(
  request: FastifyRequest,
  locale: ErrorLocale | undefined,
  code: string,
  message: string,
  problems: ProblemDetail[],
): ErrorBody {
  if (!problems.some((p) => p.code)) return errorBody(code, message, problems);
  const lang = requestLanguage(request, locale);
  const label = (id: string, l: MessageLanguage) =>
    locale ? safely(() => locale.fieldLabel(id, l)) : undefined;
  const out = problems.map((p) => localizeProblem(p, lang, label));
  const first = out[0];
  const base = code === 'VALIDATION_FAILED' ? validationMessage(lang) : message;
  return errorBody(code, code === 'VALIDATION_FAILED' && first ? `${base} ${first.message}` : message, out);
}

export function installErrorHandling(app: FastifyInstance, locale?: ErrorLocale): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isLupausError(err)) {
      if (err.status >= 500) request.log.error({ err }, 'register error');
      return reply.code(err.status).send(localized(request, locale, err.code, err.message, err.problems));
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
