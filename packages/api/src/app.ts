import fastifySwagger from '@fastify/swagger';
import { LupausError, type Permission } from '@lupaus/core';
import { type Actor, authorize, type Register } from '@lupaus/engine';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { authenticateRequest } from './auth/authenticate';
import { authRoutes } from './auth/routes';
import { installErrorHandling } from './errors';
import { installHardening } from './hardening';
import { openApiDocument } from './openapi';
import { accessRoutes } from './routes/access';
import { adminRoutes } from './routes/admin';
import { auditRoutes } from './routes/audit';
import { breachRoutes } from './routes/breaches';
import { consentRoutes } from './routes/consents';
import { dashboardRoutes } from './routes/dashboards';
import { duplicateRoutes } from './routes/duplicates';
import { erasureRoutes } from './routes/erasure';
import { fileRoutes } from './routes/files';
import { importRoutes } from './routes/imports';
import { interactionRoutes } from './routes/interactions';
import { marketingRoutes } from './routes/marketing';
import { organisationRoutes } from './routes/organisations';
import { personRoutes } from './routes/persons';
import { publicRoutes } from './routes/public';
import { recordRoutes } from './routes/records';
import { registerRoutes } from './routes/register';
import { relationshipRoutes } from './routes/relationship';
import { requestDeskRoutes } from './routes/request-desk';
import { requestRoutes } from './routes/requests';
import { retentionRoutes } from './routes/retention';
import { rightsRoutes } from './routes/rights';
import { updateRoutes } from './routes/updates';
import { installWebApp } from './web';

/**
 * The HTTP API (R7.3): a Fastify app over one open register. Every route declares the permission it needs
 * (`config.permission`, R6.2); a request is made by a signed-in user (session cookie) or an API token, and is
 * refused with 401 or 403 before its input is even validated when it may not do what the route does. The use
 * case behind the route checks the same permission again, so no interface can skip it.
 *
 * `actor` makes every request act as that one actor without signing in: for tests and for embedding the API in
 * a program that has authenticated its user itself. `lupaus serve` never sets it.
 *
 * @example
 * ```ts
 * const app = await buildApp({ register: await openRegister({ dataDir: '.lupaus' }) });
 * await app.listen({ port: 3000, host: '127.0.0.1' });
 * ```
 */
export interface BuildAppOptions {
  register: Register;
  actor?: Actor;
  logger?: FastifyServerOptions['logger'];
  /** The largest file accepted, in bytes (default 50 MiB). */
  maxFileBytes?: number;
  /**
   * Behind a reverse proxy: which proxies to believe about the client's address (Fastify's `trustProxy`), so that
   * rate limits count per client rather than per proxy. Off by default.
   */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** The built web application to serve at `/` (`packages/web/dist`, issue 7); none when left out. */
  webDir?: string;
}

/**
 * What a route needs (R6.2): a permission of the catalogue, `signed-in` (any signed-in user, such as for their
 * own account), or `public` (the privacy notice, signing in).
 */
export type RoutePermission = Permission | 'signed-in' | 'public';

/** One row of the route table: a method and path of the API and the permission it needs. */
export interface RouteRule {
  method: string;
  url: string;
  permission: RoutePermission;
}

/**
 * Every route of the app with its permission, in the order they were registered: the route × role matrix test
 * is generated from it, so a new route is tested for every role the moment it is added.
 */
export function routeTable(app: FastifyInstance): readonly RouteRule[] {
  return app.lupausRoutes;
}

declare module 'fastify' {
  interface FastifyInstance {
    lupausRoutes: RouteRule[];
  }
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    lupausActor?: Actor;
  }
}

/** Finds who makes a request: a session cookie (with its CSRF token on unsafe methods) or an API token. */
export type Authenticator = (request: FastifyRequest, reply: FastifyReply) => Promise<Actor | null>;

export const API_VERSION = '0.1.0';

/** The Fastify instance the routes are registered on, typed by their Zod schemas. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What the routes need: the register and the actor of a request. */
export interface ApiContext {
  register(): Register;
  /** The actor of a request whose route is not public (set by the permission hook). */
  actor(request: FastifyRequest): Actor;
  limits?: { maxFileBytes?: number };
}

/** How an app is put together: its register, how a request is authenticated, its limits. */
export interface AppSetup {
  register(): Register;
  authenticate: Authenticator;
  limits?: { maxFileBytes?: number };
  /** The built web application to serve at `/`, if any. */
  webDir?: string;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const trusted = opts.actor;
  return assembleApp(
    {
      register: () => opts.register,
      authenticate: trusted ? async () => trusted : authenticateRequest(() => opts.register),
      ...(opts.maxFileBytes !== undefined ? { limits: { maxFileBytes: opts.maxFileBytes } } : {}),
      ...(opts.webDir !== undefined ? { webDir: opts.webDir } : {}),
    },
    opts.logger ?? false,
    opts.trustProxy ?? false,
  );
}

function actorOf(request: FastifyRequest): Actor {
  if (!request.lupausActor) throw new LupausError('UNAUTHENTICATED');
  return request.lupausActor;
}

/**
 * Builds the app. The register is asked for only while a request is handled, so that the OpenAPI description
 * can be generated without opening one (`openApiOnly`).
 */
export async function assembleApp(
  setup: AppSetup,
  logger: FastifyServerOptions['logger'] = false,
  trustProxy: FastifyServerOptions['trustProxy'] = false,
): Promise<FastifyInstance> {
  const ctx: ApiContext = {
    register: setup.register,
    actor: actorOf,
    ...(setup.limits ? { limits: setup.limits } : {}),
  };
  const app = Fastify({
    logger,
    trustProxy,
  });
  const routes: RouteRule[] = [];
  app.decorate('lupausRoutes', routes);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, {
    languages: () => setup.register().definition.languages,
    fieldLabel: (id, lang) => {
      const c = setup.register().catalogue;
      const label = (c.field('person', id) ?? c.fields.find((f) => f.id === id))?.label;
      return label ? (label[lang] ?? label.fi) : undefined;
    },
  });
  await installHardening(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lupaus API',
        version: API_VERSION,
        description:
          'The HTTP API of a Lupaus customer register. Everything it holds is declared in the register definition; a write of anything undeclared is refused (R1.5). Every read and write of personal data is audited with its purpose (header x-lupaus-purpose).',
        license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
      },
      tags: [
        {
          name: 'register',
          description: 'The register, its data catalogue, notice and record of processing',
        },
        {
          name: 'accounts',
          description:
            'Signing in (password, TOTP second factor), sessions, API tokens, users and the confidentiality commitment (R6.1, R6.3)',
        },
        { name: 'persons', description: 'Persons (R2.1, R2.6, R2.7)' },
        { name: 'organisations', description: 'Organisations and their contact persons (R2.2)' },
        {
          name: 'records',
          description:
            'Orders, invoices, debt collection cases, loyalty levels and interactions of a person (R2.3–R2.5)',
        },
        { name: 'files', description: 'Files of records, such as call recordings, stored encrypted (R2.4)' },
        { name: 'relationship', description: 'The customer relationship: active or ended, and why (R5.1)' },
        {
          name: 'retention',
          description: 'The retention sweep, its dry run and reports, and legal holds (R5.1, R5.2)',
        },
        {
          name: 'access',
          description: 'The access report, portable data and the log of disclosures (R4.2, R4.7, R6.5)',
        },
        {
          name: 'rights',
          description:
            'Rectification, restriction and objection, and the outbox of notices they send (R4.3, R4.5, R4.6)',
        },
        {
          name: 'requests',
          description:
            "The data subject's requests: identity verification, deadlines, extensions, refusals (R4.1)",
        },
        {
          name: 'consents',
          description:
            'Consents and prohibitions per channel and purpose, their withdrawal, the objection to direct marketing and suppression lists (R3.1, R3.2, R4.6, R4.8)',
        },
        {
          name: 'marketing',
          description:
            'Marketing selections, segments and mailing labels, all through the marketing gate (R3.2, R3.3)',
        },
        {
          name: 'breaches',
          description:
            'Personal data breaches: the persons affected, the 72-hour clock for the authority and the notices to the persons (GDPR art. 33–34)',
        },
        {
          name: 'dashboards',
          description:
            'Counts for the staff dashboards: requests by deadline, consents, retention ahead (R7.1)',
        },
        {
          name: 'public',
          description:
            "The data subject's public page: the notice, requests confirmed by an emailed one-time link, and the subject's own session (R7.2)",
        },
        {
          name: 'audit',
          description:
            'The audit trail: who read or wrote whose data, when and why, by person and by user, and the check of its hash chain (R6.4)',
        },
      ],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        const permission = route.config?.permission;
        if (!permission) {
          throw new Error(`${route.method} ${route.url} declares no permission (config.permission)`);
        }
        for (const method of [route.method].flat()) {
          if (method !== 'HEAD') routes.push({ method, url: route.url, permission });
        }
      });
      scope.addHook('preValidation', async (request, reply) => {
        const permission = request.routeOptions.config.permission;
        if (permission === 'public') return;
        const actor = await setup.authenticate(request, reply);
        if (!actor) throw new LupausError('UNAUTHENTICATED');
        request.lupausActor = actor;
        if (permission && permission !== 'signed-in') authorize(setup.register(), actor, permission);
      });
      const api = scope.withTypeProvider<ZodTypeProvider>();
      await authRoutes(api, ctx);
      await registerRoutes(api, ctx);
      await personRoutes(api, ctx);
      await duplicateRoutes(api, ctx);
      await organisationRoutes(api, ctx);
      await recordRoutes(api, ctx);
      await interactionRoutes(api, ctx);
      await fileRoutes(api, ctx);
      await relationshipRoutes(api, ctx);
      await retentionRoutes(api, ctx);
      await consentRoutes(api, ctx);
      await marketingRoutes(api, ctx);
      await requestRoutes(api, ctx);
      await requestDeskRoutes(api, ctx);
      await dashboardRoutes(api, ctx);
      await accessRoutes(api, ctx);
      await rightsRoutes(api, ctx);
      await erasureRoutes(api, ctx);
      await auditRoutes(api, ctx);
      await breachRoutes(api, ctx);
      await adminRoutes(api, ctx);
      await updateRoutes(api, ctx);
      await importRoutes(api, ctx);
      await publicRoutes(api, ctx);
    },
    { prefix: '/api/v1' },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => openApiDocument(app));
  if (setup.webDir !== undefined) installWebApp(app, setup.webDir);

  await app.ready();
  return app;
}

/** The app with no register behind it, for generating the OpenAPI description. */
export async function openApiOnlyApp(): Promise<FastifyInstance> {
  const none = (): never => {
    throw new Error('this app only describes the API: it has no register');
  };
  return assembleApp({ register: none, authenticate: async () => null });
}
