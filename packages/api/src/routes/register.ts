import { type CatalogueField, renderRopa } from '@lupaus/core';
import { listNoticeVersions, renderNoticeVersion } from '@lupaus/engine';
import type { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import {
  type CatalogueFieldOut,
  CatalogueOut,
  DocumentOut,
  errorResponses,
  NoticeQuery,
  NoticeVersionsOut,
  RegisterOut,
  RopaQuery,
} from '../schemas';

const MEDIA = { md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8' } as const;

/**
 * The register itself: who keeps it, its data catalogue, its privacy notice in every published version (R1.2)
 * and its record of processing activities (R1.6).
 */
export async function registerRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/register',
    {
      config: { permission: 'register.read' },
      schema: {
        tags: ['register'],
        summary: 'The register: controller, name, languages and the current notice version',
        response: { 200: RegisterOut, ...errorResponses },
      },
    },
    async () => {
      const reg = ctx.register();
      const def = reg.definition;
      const versions = await listNoticeVersions(reg);
      const current = versions.reduce<(typeof versions)[number] | undefined>(
        (a, v) => (a === undefined || v.version > a.version ? v : a),
        undefined,
      );
      return {
        id: def.id,
        name: def.register.name,
        languages: def.languages,
        controller: {
          kind: def.controller.kind,
          name: def.controller.name,
          businessId: def.controller.businessId ?? null,
          email: def.controller.email ?? null,
          phone: def.controller.phone ?? null,
        },
        notice: {
          date: def.notice.date,
          version: current?.version ?? null,
          publishedAt: current?.publishedAt ?? null,
        },
        marketing: {
          channels: (def.marketing?.channels ?? []).map((c) => ({
            id: c.id,
            name: c.name,
            electronic: c.electronic,
          })),
          purposes: (def.marketing?.purposes ?? []).map((p) => ({
            id: p.id,
            name: p.name,
            model: p.model,
            profiling: p.profiling,
          })),
        },
      };
    },
  );

  api.get(
    '/catalogue',
    {
      config: { permission: 'register.read' },
      schema: {
        tags: ['register'],
        summary:
          'The data catalogue: every field the register may hold, with its purposes, sources and retention',
        response: { 200: CatalogueOut, ...errorResponses },
      },
    },
    async () => ({ fields: ctx.register().catalogue.fields.map(catalogueField) }),
  );

  api.get(
    '/notice',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['register'],
        summary: 'The privacy notice (R1.2), the latest version or a given one',
        querystring: NoticeQuery,
        produces: [MEDIA.md, MEDIA.html],
        response: { 200: DocumentOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { lang, format, version } = request.query;
      const text = await renderNoticeVersion(ctx.register(), {
        lang,
        format,
        ...(version !== undefined ? { version } : {}),
      });
      return reply.type(MEDIA[format]).send(text);
    },
  );

  api.get(
    '/notice/versions',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['register'],
        summary: 'Every published version of the notice, oldest first',
        response: { 200: NoticeVersionsOut, ...errorResponses },
      },
    },
    async () => ({ items: await listNoticeVersions(ctx.register()) }),
  );

  api.get(
    '/ropa',
    {
      config: { permission: 'register.read' },
      schema: {
        tags: ['register'],
        summary: 'The record of processing activities (GDPR art. 30, R1.6)',
        querystring: RopaQuery,
        produces: [MEDIA.md, MEDIA.html],
        response: { 200: DocumentOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { lang, format } = request.query;
      return reply.type(MEDIA[format]).send(renderRopa(ctx.register().definition, { lang, format }));
    },
  );
}

function catalogueField(f: CatalogueField): z.input<typeof CatalogueFieldOut> {
  return {
    key: f.key,
    id: f.id,
    holder: f.holder,
    label: f.label,
    type: f.type,
    multiple: f.multiple,
    required: f.required,
    maxLength: f.maxLength ?? null,
    options: f.options ?? null,
    core: f.core,
    category: f.category,
    purposes: f.purposes.map((p) => ({ id: p.id, name: p.name, basis: p.basis ?? null })),
    legalBases: f.legalBases,
    sources: f.sources.map((s) => ({ id: s.id, kind: s.kind, name: s.name })),
    retention: f.retention
      ? {
          id: f.retention.id,
          kind: f.retention.kind,
          period: f.retention.period ?? null,
          description: f.retention.description,
        }
      : null,
    erasure: { strategy: f.erasure.strategy, reason: f.erasure.reason ?? null },
    readRoles: f.readRoles,
    revealRoles: f.revealRoles ?? null,
    providedBySubject: f.providedBySubject,
  };
}
