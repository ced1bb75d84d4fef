import { LupausError } from '@lupaus/core';
import { attachFile, DEFAULT_MAX_FILE_BYTES, getFile } from '@lupaus/engine';
import type { FastifyError, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiContext, ZodApp } from '../app';
import { errorBody } from '../errors';
import {
  ErrorOut,
  errorResponses,
  FileBody,
  FileBytesOut,
  FileOut,
  FileParams,
  FileUploadHeaders,
  IdParams,
  PurposeHeaders,
} from '../schemas';
import { purposeOf } from './persons';

/** A file name from the x-file-name header: percent-decoded when it is percent-encoded UTF-8. */
export function headerFileName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The uploaded file of a raw-body route: its name (x-file-name), media type (content-type), bytes and the limit.
 *
 * @example
 * ```ts
 * await attachRequestLetter(reg, actor, id, uploadOf(request, maxBytes));
 * ```
 */
export function uploadOf(
  request: { headers: Record<string, string | string[] | undefined>; body: unknown },
  maxBytes: number,
): { name: string; mediaType: string; bytes: Buffer; maxBytes: number } {
  const header = (h: string) => {
    const v = request.headers[h];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  return {
    name: headerFileName(header('x-file-name')),
    mediaType: header('content-type'),
    bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    maxBytes,
  };
}

/** `attachment; filename="…"; filename*=UTF-8''…`, safe for any name (RFC 6266). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Registers `routes` in a scope of their own that takes the raw body of any media type as a Buffer (the rest
 * of the API takes JSON), at most `maxBytes`: a larger body is refused with 413 TOO_LARGE before it is read
 * whole. For the uploads of record files and of a written request's signed letter.
 */
export async function rawBodyRoutes(
  api: ZodApp,
  maxBytes: number,
  routes: (scope: ZodApp) => void,
): Promise<void> {
  await api.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => {
      done(null, body);
    });
    scope.setErrorHandler((err: FastifyError, _request, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const e = new LupausError('TOO_LARGE', { max: maxBytes }, [
          {
            at: 'body',
            message: `the file is larger than ${maxBytes} bytes, the most this register accepts`,
          },
        ]);
        return reply.code(413).send(errorBody(e.code, e.message, e.problems));
      }
      throw err;
    });
    routes(scope);
  });
}

/** Sends a stored file's bytes as they are (never serialised), named for download and not to be cached. */
export function sendFileBytes(
  reply: FastifyReply,
  file: { mediaType: string; name: string },
  bytes: Buffer,
): FastifyReply {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', contentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .send(bytes as unknown as string);
}

/**
 * Files of records (R2.4: call recordings ...): uploaded as the raw body of a PUT to the record's file field,
 * with the media type as Content-Type, and downloaded as they were. The bytes are stored encrypted; every
 * download is audited, and only roles that may read the field get it. A file larger than the limit is refused
 * with 413 before it is read whole.
 */
export async function fileRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  const maxBytes = ctx.limits?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  // Raw bodies of any media type, for these routes only (the rest of the API takes JSON).
  await rawBodyRoutes(api, maxBytes, (scope) => {
    scope.put(
      '/records/:id/files/:field',
      {
        bodyLimit: maxBytes,
        config: { permission: 'persons.write' },
        schema: {
          tags: ['files'],
          summary:
            "Attach a file to a record's file field (the raw bytes as the body); replaces a single file",
          consumes: ['application/octet-stream', '*/*'],
          headers: FileUploadHeaders,
          params: FileParams,
          body: FileBody,
          response: { 201: FileOut, 413: ErrorOut, ...errorResponses },
        },
      },
      async (request, reply) => {
        const file = await attachFile(
          ctx.register(),
          ctx.actor(request),
          request.params.id,
          request.params.field,
          {
            ...uploadOf(request, maxBytes),
            ...(request.headers['x-lupaus-source'] ? { source: request.headers['x-lupaus-source'] } : {}),
            ...purposeOf(request.headers),
          },
        );
        return reply.code(201).send(file);
      },
    );
  });

  api.get(
    '/files/:id',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['files'],
        summary: 'Download a file (audited; only roles that may read its field)',
        headers: PurposeHeaders,
        params: IdParams,
        produces: ['application/octet-stream'],
        response: { 200: FileBytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { file, bytes } = await getFile(
        ctx.register(),
        ctx.actor(request),
        request.params.id,
        purposeOf(request.headers),
      );
      return sendFileBytes(reply, file, bytes);
    },
  );
}
