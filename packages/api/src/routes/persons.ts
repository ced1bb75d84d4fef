import {
  createPerson,
  getPerson,
  getPersonProvenance,
  listPersons,
  revealHetu,
  searchPersons,
  updatePerson,
} from '@lupaus/engine';
import type { ApiContext, ZodApp } from '../app';
import {
  errorResponses,
  FieldProvenanceOut,
  HetuOut,
  IdParams,
  PageQuery,
  PatchBody,
  PersonOut,
  PersonPageOut,
  PurposeHeaders,
  SearchBody,
  SearchOut,
  WriteBody,
} from '../schemas';

/** `{ purpose }` when the request names one in `x-lupaus-purpose`, else nothing (the engine's default). */
export function purposeOf(headers: { 'x-lupaus-purpose'?: string | undefined }): { purpose?: string } {
  const purpose = headers['x-lupaus-purpose'];
  return purpose ? { purpose } : {};
}

/**
 * Persons (R2.1): every value is checked against the register definition (R1.5), saved with its source
 * (R2.6), and every read and write is audited with its purpose. The hetu is masked in every answer and shown
 * only through `reveal-hetu`, which is audited on its own. Search is a POST so that a hetu, an email or a
 * phone number never lands in a URL or an access log (R2.7).
 */
export async function personRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/persons',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['persons'],
        summary: 'Add a person',
        headers: PurposeHeaders,
        body: WriteBody,
        response: { 201: PersonOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const person = await createPerson(ctx.register(), ctx.actor(request), {
        source: request.body.source,
        fields: request.body.fields,
        ...purposeOf(request.headers),
      });
      return reply.code(201).send(person);
    },
  );

  api.get(
    '/persons',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['persons'],
        summary: 'List persons, a page at a time',
        headers: PurposeHeaders,
        querystring: PageQuery,
        response: { 200: PersonPageOut, ...errorResponses },
      },
    },
    async (request) =>
      listPersons(ctx.register(), ctx.actor(request), {
        ...purposeOf(request.headers),
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        ...(request.query.after !== undefined ? { after: request.query.after } : {}),
      }),
  );

  api.post(
    '/persons/search',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['persons'],
        summary: 'Search persons by name (prefix and fuzzy), email, phone, customer number or exact hetu',
        headers: PurposeHeaders,
        body: SearchBody,
        response: { 200: SearchOut, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const items = await searchPersons(ctx.register(), ctx.actor(request), {
        ...purposeOf(request.headers),
        ...(b.q !== undefined ? { q: b.q } : {}),
        ...(b.email !== undefined ? { email: b.email } : {}),
        ...(b.phone !== undefined ? { phone: b.phone } : {}),
        ...(b.customerNumber !== undefined ? { customerNumber: b.customerNumber } : {}),
        ...(b.hetu !== undefined ? { hetu: b.hetu } : {}),
        ...(b.limit !== undefined ? { limit: b.limit } : {}),
      });
      return { items };
    },
  );

  api.get(
    '/persons/:id',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['persons'],
        summary: 'A person with every field, its provenance and contact roles (hetu masked)',
        headers: PurposeHeaders,
        params: IdParams,
        response: { 200: PersonOut, ...errorResponses },
      },
    },
    async (request) =>
      getPerson(ctx.register(), ctx.actor(request), request.params.id, purposeOf(request.headers)),
  );

  api.patch(
    '/persons/:id',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['persons'],
        summary: 'Change fields of a person; null removes a value',
        headers: PurposeHeaders,
        params: IdParams,
        body: PatchBody,
        response: { 200: PersonOut, ...errorResponses },
      },
    },
    async (request) =>
      updatePerson(ctx.register(), ctx.actor(request), request.params.id, {
        source: request.body.source,
        fields: request.body.fields,
        ...purposeOf(request.headers),
      }),
  );

  api.post(
    '/persons/:id/reveal-hetu',
    {
      config: { permission: 'persons.reveal' },
      schema: {
        tags: ['persons'],
        summary: 'Reveal the hetu of a person (only roles allowed to; every reveal is audited)',
        headers: PurposeHeaders,
        params: IdParams,
        response: { 200: HetuOut, ...errorResponses },
      },
    },
    async (request) =>
      revealHetu(ctx.register(), ctx.actor(request), request.params.id, purposeOf(request.headers)),
  );

  api.get(
    '/persons/:id/provenance',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['persons'],
        summary: 'When each fact of a person was saved, from which source and by whom (R2.6)',
        params: IdParams,
        response: { 200: FieldProvenanceOut, ...errorResponses },
      },
    },
    async (request) => ({
      items: await getPersonProvenance(ctx.register(), ctx.actor(request), request.params.id),
    }),
  );
}
