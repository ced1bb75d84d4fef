import { LupausError } from '@lupaus/core';
import {
  attachConsentEvidence,
  channels,
  DEFAULT_MAX_FILE_BYTES,
  getConsentEvidence,
  importSuppressions,
  listConsents,
  objectToDirectMarketing,
  parseSuppressionText,
  recordConsent,
  withdrawConsents,
} from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { ErrorOut, errorResponses, FileBody, FileBytesOut, IdParams, PurposeHeaders, Uuid } from '../schemas';
import { rawBodyRoutes, sendFileBytes, uploadOf } from './files';

/**
 * Consents and prohibitions (R3.1), their withdrawal (R4.8), the objection to direct marketing (R4.6) and
 * imported suppression lists (R3.2). Channels and purposes are the definition's `marketing` section; anything
 * else is a 422 naming it and listing the declared ones.
 */
const State = z.enum(['given', 'withdrawn', 'prohibited']);
const Instant = z
  .string()
  .describe('An ISO 8601 date and time with its zone, not in the future; now when omitted.');

const Evidence = {
  evidenceText: z
    .string()
    .optional()
    .describe(
      'What the person said or signed, and where (a form, a call, a letter). Text or a file is required.',
    ),
  evidenceFileId: Uuid.optional().describe('A stored file holding the evidence (a signed form, a letter).'),
};

export const ConsentBody = z.strictObject({
  channel: z.string().describe('A channel of the definition’s marketing section, such as email or post.'),
  purpose: z.string().describe('A purpose of the definition’s marketing section, such as direct_marketing.'),
  state: State,
  at: Instant.optional(),
  source: z.string().describe('A source id of the definition: where the choice came from.'),
  ...Evidence,
  requestId: Uuid.optional(),
});

const ConsentOut = z.object({
  id: Uuid,
  channel: z.string(),
  purpose: z.string(),
  state: State,
  at: z.string(),
  source: z.string(),
  evidenceText: z.string().nullable(),
  evidenceFileId: Uuid.nullable(),
  evidenceFile: z
    .object({ id: Uuid, name: z.string(), mediaType: z.string(), size: z.number().int() })
    .nullable()
    .describe('The evidence file (download: GET /consents/{id}/evidence).'),
  noticeVersion: z.number().int().describe('The notice version in force when the choice was made.'),
  requestId: Uuid.nullable(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});

const StandingOut = z.object({
  channel: z.string(),
  purpose: z.string(),
  state: z.enum(['given', 'withdrawn', 'prohibited', 'none']),
  model: z.enum(['opt_in', 'opt_out']),
  electronic: z.boolean(),
  since: z.string().nullable(),
  consentId: Uuid.nullable(),
});

const HistoryOut = z
  .object({ personId: Uuid, history: z.array(ConsentOut), current: z.array(StandingOut) })
  .describe('Every consent record, newest first, and the state of every declared channel × purpose now.');

export const WithdrawBody = z.strictObject({
  channel: z.string().optional().describe('One channel; every channel when omitted.'),
  purpose: z.string().optional().describe('One purpose; every purpose when omitted.'),
  at: Instant.optional(),
  source: z.string(),
  ...Evidence,
  requestId: Uuid.optional().describe('A verified withdrawal request, completed by this.'),
});

const PairOut = z.object({ id: Uuid, channel: z.string(), purpose: z.string() });

export const ObjectionBody = z.strictObject({
  channel: z.string().optional().describe('One channel; every channel when omitted.'),
  situation: z.string().optional(),
  at: Instant.optional(),
  source: z.string(),
  ...Evidence,
  requestId: Uuid.optional().describe('A verified objection request, completed by this.'),
});

const Address = z.strictObject({
  name: z
    .string()
    .optional()
    .describe('The addressee: only they are suppressed at the address; everyone when omitted.'),
  street: z.string().optional(),
  poBox: z.string().optional(),
  postalCode: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
});

export const SuppressionImportBody = z
  .strictObject({
    channel: z.string().describe('The channel the list is for (email, sms, phone, post ...).'),
    listName: z
      .string()
      .describe('The list’s name, such as "ASML Puhelintarjonnan rajoituspalvelu 2026-03".'),
    validUntil: z.string().optional().describe('The last day (YYYY-MM-DD) or instant the list is valid.'),
    purpose: z.string().optional().describe('One marketing purpose; every purpose when omitted.'),
    replace: z.boolean().optional().describe('Replace an earlier import of the same list name and channel.'),
    entries: z
      .array(z.union([z.string(), Address]))
      .max(200_000)
      .optional()
      .describe('Emails or phones as text, postal addresses as objects.'),
    text: z
      .string()
      .max(20_000_000)
      .optional()
      .describe(
        'Or the list as text: one entry a line; an address line is street;postal code;city[;country[;name]].',
      ),
  })
  .describe('A suppression list: only keyed hashes of its entries are stored.');

const EvidenceHeaders = PurposeHeaders.extend({
  'content-type': z.string().min(1).describe('application/pdf or an image type such as image/jpeg.'),
  'x-file-name': z
    .string()
    .min(1)
    .max(1000)
    .describe("The file's name; percent-encode (UTF-8) a name that is not ASCII."),
});

const EvidenceFileOut = z
  .object({
    id: Uuid,
    personId: Uuid,
    name: z.string(),
    mediaType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .describe('A stored evidence file: give its id as evidenceFileId when recording the consent.');

export async function consentRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  const maxBytes = ctx.limits?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // The evidence file's raw bytes, for this route only (the rest of the API takes JSON).
  await rawBodyRoutes(api, maxBytes, (scope) => {
    scope.post(
      '/persons/:id/consent-evidence',
      {
        bodyLimit: maxBytes,
        config: { permission: 'consents.write' },
        schema: {
          tags: ['consents'],
          summary:
            'Store a file (a scanned signed form: PDF or an image) as evidence of a consent or prohibition; the raw bytes as the body',
          consumes: ['application/pdf', 'image/*'],
          headers: EvidenceHeaders,
          params: IdParams,
          body: FileBody,
          response: { 201: EvidenceFileOut, 413: ErrorOut, ...errorResponses },
        },
      },
      async (request, reply) => {
        const file = await attachConsentEvidence(
          ctx.register(),
          ctx.actor(request),
          request.params.id,
          uploadOf(request, maxBytes),
        );
        return reply.code(201).send(file);
      },
    );
  });

  api.get(
    '/consents/:id/evidence',
    {
      config: { permission: 'consents.read' },
      schema: {
        tags: ['consents'],
        summary: "Download a consent record's evidence file (audited)",
        params: IdParams,
        produces: ['application/octet-stream'],
        response: { 200: FileBytesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { file, bytes } = await getConsentEvidence(ctx.register(), ctx.actor(request), request.params.id);
      return sendFileBytes(reply, file, bytes);
    },
  );

  api.post(
    '/persons/:id/consents',
    {
      config: { permission: 'consents.write' },
      schema: {
        tags: ['consents'],
        summary: 'Record a consent, its withdrawal or a prohibition of one channel × purpose (R3.1)',
        params: IdParams,
        body: ConsentBody,
        response: { 201: z.object({ id: Uuid }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const out = await recordConsent(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        channel: b.channel,
        purpose: b.purpose,
        state: b.state,
        source: b.source,
        ...(b.at !== undefined ? { at: b.at } : {}),
        ...(b.evidenceText !== undefined ? { evidenceText: b.evidenceText } : {}),
        ...(b.evidenceFileId !== undefined ? { evidenceFileId: b.evidenceFileId } : {}),
        ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
      });
      return reply.code(201).send(out);
    },
  );

  api.get(
    '/persons/:id/consents',
    {
      config: { permission: 'consents.read' },
      schema: {
        tags: ['consents'],
        summary: 'A person’s consent history and the current state of every channel × purpose',
        params: IdParams,
        response: { 200: HistoryOut, ...errorResponses },
      },
    },
    async (request) => listConsents(ctx.register(), ctx.actor(request), request.params.id),
  );

  api.post(
    '/persons/:id/consents/withdraw',
    {
      config: { permission: 'consents.write' },
      schema: {
        tags: ['consents'],
        summary: 'Withdraw consent at any time: one channel × purpose, or all (R4.8)',
        params: IdParams,
        body: WithdrawBody,
        response: {
          200: z.object({ withdrawn: z.array(PairOut), requestCompleted: z.boolean() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const b = request.body;
      return withdrawConsents(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        source: b.source,
        ...(b.channel !== undefined ? { channel: b.channel } : {}),
        ...(b.purpose !== undefined ? { purpose: b.purpose } : {}),
        ...(b.at !== undefined ? { at: b.at } : {}),
        ...(b.evidenceText !== undefined ? { evidenceText: b.evidenceText } : {}),
        ...(b.evidenceFileId !== undefined ? { evidenceFileId: b.evidenceFileId } : {}),
        ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
      });
    },
  );

  api.post(
    '/persons/:id/direct-marketing-objections',
    {
      config: { permission: 'consents.write' },
      schema: {
        tags: ['consents'],
        summary:
          'Object to direct marketing on one channel or all (R4.6): absolute, upheld at once, kept on the suppression list',
        params: IdParams,
        body: ObjectionBody,
        response: {
          201: z.object({
            objectionId: Uuid,
            prohibited: z.array(PairOut),
            suppressed: z.number().int(),
            requestCompleted: z.boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const out = await objectToDirectMarketing(ctx.register(), ctx.actor(request), {
        personId: request.params.id,
        source: b.source,
        ...(b.channel !== undefined ? { channel: b.channel } : {}),
        ...(b.situation !== undefined ? { situation: b.situation } : {}),
        ...(b.at !== undefined ? { at: b.at } : {}),
        ...(b.evidenceText !== undefined ? { evidenceText: b.evidenceText } : {}),
        ...(b.evidenceFileId !== undefined ? { evidenceFileId: b.evidenceFileId } : {}),
        ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
      });
      return reply.code(201).send(out);
    },
  );

  api.post(
    '/suppression-lists',
    {
      bodyLimit: 25 * 1024 * 1024,
      config: { permission: 'consents.write' },
      schema: {
        tags: ['consents'],
        summary:
          'Import a suppression list (an ASML restriction service, a ban list): its contacts stay out of marketing (R3.2)',
        body: SuppressionImportBody,
        response: {
          201: z.object({
            channel: z.string(),
            kind: z.enum(['email', 'phone', 'address']),
            listName: z.string(),
            added: z.number().int(),
            skipped: z.number().int(),
            replaced: z.number().int(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const reg = ctx.register();
      if ((b.entries === undefined) === (b.text === undefined)) {
        throw new LupausError('VALIDATION_FAILED', {}, [
          { at: 'entries', message: 'give the list either as entries or as text' },
        ]);
      }
      const kind = channels(reg).find((c) => c.id === b.channel)?.kind ?? 'email';
      const out = await importSuppressions(reg, ctx.actor(request), {
        channel: b.channel,
        listName: b.listName,
        entries: b.entries ?? parseSuppressionText(b.text ?? '', kind),
        ...(b.validUntil !== undefined ? { validUntil: b.validUntil } : {}),
        ...(b.purpose !== undefined ? { purpose: b.purpose } : {}),
        ...(b.replace !== undefined ? { replace: b.replace } : {}),
      });
      return reply.code(201).send(out);
    },
  );
}
