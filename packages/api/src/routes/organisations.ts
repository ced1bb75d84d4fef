import {
  addContactRole,
  createOrganisation,
  endContactRole,
  getOrganisation,
  listOrganisations,
  updateOrganisation,
} from '@lupaus/engine';
import type { ApiContext, ZodApp } from '../app';
import {
  AddContactBody,
  ContactRoleOut,
  EndContactBody,
  errorResponses,
  IdParams,
  OrganisationDetailOut,
  OrganisationOut,
  OrganisationPageOut,
  OrganisationQuery,
  PatchBody,
  PurposeHeaders,
  WriteBody,
} from '../schemas';
import { purposeOf } from './persons';

/**
 * Organisations (with their y-tunnus) and the persons who are their contact persons, with the start and end
 * of that role (R2.2): a contact person's data cannot be erased while the role lasts.
 */
export async function organisationRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.post(
    '/organisations',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['organisations'],
        summary: 'Add an organisation',
        headers: PurposeHeaders,
        body: WriteBody,
        response: { 201: OrganisationOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const organisation = await createOrganisation(ctx.register(), ctx.actor(request), {
        source: request.body.source,
        fields: request.body.fields,
        ...purposeOf(request.headers),
      });
      return reply.code(201).send(organisation);
    },
  );

  api.get(
    '/organisations',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['organisations'],
        summary: 'List organisations, optionally those whose name or business id matches q',
        querystring: OrganisationQuery,
        headers: PurposeHeaders,
        response: { 200: OrganisationPageOut, ...errorResponses },
      },
    },
    async (request) => {
      const { q, limit, after } = request.query;
      return listOrganisations(ctx.register(), ctx.actor(request), {
        ...(q !== undefined ? { q } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(after !== undefined ? { after } : {}),
        ...purposeOf(request.headers),
      });
    },
  );

  api.get(
    '/organisations/:id',
    {
      config: { permission: 'persons.read' },
      schema: {
        tags: ['organisations'],
        summary: 'An organisation with its contact persons',
        headers: PurposeHeaders,
        params: IdParams,
        response: { 200: OrganisationDetailOut, ...errorResponses },
      },
    },
    async (request) =>
      getOrganisation(ctx.register(), ctx.actor(request), request.params.id, purposeOf(request.headers)),
  );

  api.patch(
    '/organisations/:id',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['organisations'],
        summary: 'Change fields of an organisation; null removes a value',
        headers: PurposeHeaders,
        params: IdParams,
        body: PatchBody,
        response: { 200: OrganisationOut, ...errorResponses },
      },
    },
    async (request) =>
      updateOrganisation(ctx.register(), ctx.actor(request), request.params.id, {
        source: request.body.source,
        fields: request.body.fields,
        ...purposeOf(request.headers),
      }),
  );

  api.post(
    '/organisations/:id/contacts',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['organisations'],
        summary: 'Make a person a contact person of the organisation from a date',
        headers: PurposeHeaders,
        params: IdParams,
        body: AddContactBody,
        response: { 201: ContactRoleOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const role = await addContactRole(ctx.register(), ctx.actor(request), {
        personId: b.personId,
        organisationId: request.params.id,
        startsOn: b.startsOn,
        source: b.source,
        ...(b.title !== undefined ? { title: b.title } : {}),
        ...(b.endsOn !== undefined ? { endsOn: b.endsOn } : {}),
        ...purposeOf(request.headers),
      });
      return reply.code(201).send(role);
    },
  );

  api.post(
    '/contact-roles/:id/end',
    {
      config: { permission: 'persons.write' },
      schema: {
        tags: ['organisations'],
        summary: 'End a contact-person role on a date',
        headers: PurposeHeaders,
        params: IdParams,
        body: EndContactBody,
        response: { 200: ContactRoleOut, ...errorResponses },
      },
    },
    async (request) =>
      endContactRole(ctx.register(), ctx.actor(request), request.params.id, {
        endsOn: request.body.endsOn,
        ...purposeOf(request.headers),
      }),
  );
}
