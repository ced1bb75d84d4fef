import fastifySwagger from '@fastify/swagger';
import type { Actor, Register } from '@lupaus/engine';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
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
import { installErrorHandling } from './errors';
import { openApiDocument } from './openapi';
import { accessRoutes } from './routes/access';
import { consentRoutes } from './routes/consents';
import { erasureRoutes } from './routes/erasure';
import { fileRoutes } from './routes/files';
import { interactionRoutes } from './routes/interactions';
import { marketingRoutes } from './routes/marketing';
import { organisationRoutes } from './routes/organisations';
import { personRoutes } from './routes/persons';
import { recordRoutes } from './routes/records';
import { registerRoutes } from './routes/register';
import { relationshipRoutes } from './routes/relationship';
import { requestRoutes } from './routes/requests';
import { retentionRoutes } from './routes/retention';
import { rightsRoutes } from './routes/rights';

/**
 * The HTTP API (R7.3): a Fastify app over one open register. Until accounts and sign-in exist, every request
 * acts as one local operator (`actor`), which is why `lupaus serve` binds to 127.0.0.1 by default.
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
}

export const LOCAL_OPERATOR: Actor = { id: 'local-operator', roles: ['administrator'] };

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
  actor(): Actor;
  limits?: { maxFileBytes?: number };
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const actor = opts.actor ?? LOCAL_OPERATOR;
  return assembleApp(
    {
      register: () => opts.register,
      actor: () => actor,
      ...(opts.maxFileBytes !== undefined ? { limits: { maxFileBytes: opts.maxFileBytes } } : {}),
    },
    opts.logger ?? false,
  );
}

/**
 * Builds the app. The register is asked for only while a request is handled, so that the OpenAPI description
 * can be generated without opening one (`openApiOnly`).
 */
export async function assembleApp(
  ctx: ApiContext,
  logger: FastifyServerOptions['logger'] = false,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

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
      ],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      await registerRoutes(api, ctx);
      await personRoutes(api, ctx);
      await organisationRoutes(api, ctx);
      await recordRoutes(api, ctx);
      await interactionRoutes(api, ctx);
      await fileRoutes(api, ctx);
      await relationshipRoutes(api, ctx);
      await retentionRoutes(api, ctx);
      await consentRoutes(api, ctx);
      await marketingRoutes(api, ctx);
      await requestRoutes(api, ctx);
      await accessRoutes(api, ctx);
      await rightsRoutes(api, ctx);
      await erasureRoutes(api, ctx);
    },
    { prefix: '/api/v1' },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => openApiDocument(app));

  await app.ready();
  return app;
}

/** The app with no register behind it, for generating the OpenAPI description. */
export async function openApiOnlyApp(): Promise<FastifyInstance> {
  const none = (): never => {
    throw new Error('this app only describes the API: it has no register');
  };
  return assembleApp({ register: none, actor: () => LOCAL_OPERATOR });
}
