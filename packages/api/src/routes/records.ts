import { createRecord, deleteRecord, getRecord, listTimeline, updateRecord } from '@lupaus/engine';
import type { ApiContext, ZodApp } from '../app';
import {
  errorResponses,
  IdParams,
  PurposeHeaders,
  RecordBody,
  RecordDeletedOut,
  RecordOut,
  RecordPatchBody,
  TimelineOut,
  TimelineQuery,
} from '../schemas';
import { purposeOf } from './persons';

/** `a,b` or `['a', 'b,c']` → `['a', 'b', 'c']`. */
export function listParam(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v])
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function links(b: { organisationId?: string | null; orderId?: string | null; invoiceId?: string | null }) {
  return {
    ...(b.organisationId !== undefined ? { organisationId: b.organisationId } : {}),
    ...(b.orderId !== undefined ? { orderId: b.orderId } : {}),
    ...(b.invoiceId !== undefined ? { invoiceId: b.invoiceId } : {}),
  };
}

/**
 * Records of a person (R2.3–R2.5): orders and purchases, invoices with their open/paid state, debt collection
 * cases, loyalty levels and interactions, each of a kind (category) the register definition declares, with only
 * its declared fields (R1.5). Every read and write is audited with its purpose; each field keeps its source,
 * time and author (R2.6).
 */
export async function recordRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/persons/:id/records',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['records'],
        summary:
          'Add a record to a person: an order, invoice, debt collection case, loyalty level or interaction',
        headers: PurposeHeaders,
        params: IdParams,
        body: RecordBody,
        response: { 201: RecordOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const record = await createRecord(ctx.register(), ctx.actor(request), request.params.id, {
        kind: b.kind,
        source: b.source,
        fields: b.fields,
        ...links(b),
        ...purposeOf(request.headers),
      });
      return reply.code(201).send(record);
    },
  );

  api.get(
    '/persons/:id/timeline',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['records'],
        summary: "A person's records across all kinds, newest first, a page at a time",
        headers: PurposeHeaders,
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: TimelineOut, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const kinds = listParam(q.kind);
      const holders = listParam(q.holder);
      return listTimeline(ctx.register(), ctx.actor(request), request.params.id, {
        ...purposeOf(request.headers),
        ...(kinds ? { kinds } : {}),
        ...(holders ? { holders } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      });
    },
  );

  api.get(
    '/records/:id',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['records'],
        summary: 'A record with its readable fields, files and the provenance of each field',
        headers: PurposeHeaders,
        params: IdParams,
        response: { 200: RecordOut, ...errorResponses },
      },
    },
    async (request) =>
      getRecord(ctx.register(), ctx.actor(request), request.params.id, purposeOf(request.headers)),
  );

  api.patch(
    '/records/:id',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['records'],
        summary: 'Change fields of a record (mark an invoice paid, close a case ...); null removes a value',
        headers: PurposeHeaders,
        params: IdParams,
        body: RecordPatchBody,
        response: { 200: RecordOut, ...errorResponses },
      },
    },
    async (request) =>
      updateRecord(ctx.register(), ctx.actor(request), request.params.id, {
        source: request.body.source,
        fields: request.body.fields,
        ...links(request.body),
        ...purposeOf(request.headers),
      }),
  );

  api.delete(
    '/records/:id',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['records'],
        summary: 'Delete a record with its files',
        headers: PurposeHeaders,
        params: IdParams,
        response: { 200: RecordDeletedOut, ...errorResponses },
      },
    },
    async (request) =>
      deleteRecord(ctx.register(), ctx.actor(request), request.params.id, purposeOf(request.headers)),
  );
}
