import {
  DEFAULT_ROLE_PERMISSIONS,
  EU_EEA_COUNTRIES,
  PERMISSION_IDS,
  PERMISSIONS,
  rolePermissions,
} from '@lupaus/core';
import { listCommitmentSignatures, listUserAccounts } from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { UserOut } from '../auth/routes';
import { errorResponses, TextOut, Uuid } from '../schemas';

/**
 * What the administration pages need that the other routes do not give (issue 7 item 5): the users with their
 * last sign-in and commitment signature (R6.1, R6.3), the roles and their permissions (R6.2), the signatures of
 * the confidentiality commitment, and a summary of the register
 * definition with its processors and transfers (R1.1, R1.6).
 */
const TAGS = ['administration'];

const UserAccountOut = UserOut.extend({
  lastSignInAt: z.string().nullable().describe('When the user last finished signing in, if on record.'),
  signedCommitmentVersion: z.number().int().nullable(),
  signedCurrentCommitment: z.boolean(),
});

const RolesOut = z.object({
  permissions: z.array(z.object({ id: z.string(), personalData: z.boolean(), description: z.string() })),
  roles: z.array(
    z.object({
      id: z.string(),
      name: TextOut.nullable().describe("The definition's name for the role; null for a default role."),
      description: TextOut.nullable(),
      permissions: z.array(z.string()),
      declared: z.boolean().describe('Declared in the definition (false: a default role).'),
    }),
  ),
});

const CommitmentsOut = z.object({
  current: z.number().int().nullable(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      label: z.string(),
      publishedAt: z.string(),
      signatures: z.number().int(),
    }),
  ),
  signatures: z.array(
    z.object({
      userId: Uuid,
      displayName: z.string(),
      username: z.string(),
      version: z.number().int(),
      signedAt: z.string(),
    }),
  ),
  unsigned: z.array(z.object({ userId: Uuid, displayName: z.string(), username: z.string() })),
});

const Named = { id: z.string(), name: TextOut, description: TextOut.nullable() };
const DefinitionOut = z.object({
  notice: z.object({ date: z.string() }),
  eeaCountries: z
    .array(z.string())
    .describe(
      'The EU and EEA states (ISO 3166-1 alpha-2): a country not among them is a transfer to a third country.',
    ),
  purposes: z.array(
    z.object({
      ...Named,
      basis: z.string().nullable(),
      legitimateInterest: TextOut.nullable(),
      marketing: z.boolean(),
      profiling: z.boolean(),
    }),
  ),
  categories: z.array(
    z.object({
      ...Named,
      holder: z.string(),
      purposes: z.array(z.string()),
      sources: z.array(z.string()),
      retention: z.string().nullable(),
      erasure: z.string(),
      fields: z.number().int(),
    }),
  ),
  sources: z.array(z.object({ ...Named, kind: z.string() })),
  recipients: z.array(
    z.object({
      ...Named,
      kind: z.string(),
      countries: z.array(z.string()),
      service: TextOut.nullable(),
    }),
  ),
  disclosures: z.array(
    z.object({
      ...Named,
      recipient: z.string(),
      basis: z.string().nullable(),
      purposes: z.array(z.string()),
      categories: z.array(z.string()),
    }),
  ),
  transfers: z.object({
    statement: TextOut.nullable(),
    items: z.array(
      z.object({
        id: z.string(),
        countries: z.array(z.string()),
        recipients: z.array(z.string()),
        description: TextOut,
        safeguard: z.string().nullable(),
        safeguardText: TextOut.nullable(),
        copyAvailable: TextOut.nullable(),
      }),
    ),
  }),
  retention: z.object({
    relationshipEnd: z.string().nullable(),
    statement: TextOut.nullable(),
    rules: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        period: z.string().nullable(),
        reviewEvery: z.string().nullable(),
        description: TextOut,
        legalReason: TextOut.nullable(),
      }),
    ),
  }),
});

export async function adminRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/admin/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: 'Every user account with its last sign-in and its signature of the commitment',
        response: { 200: z.object({ items: z.array(UserAccountOut) }), ...errorResponses },
      },
    },
    async (request) => listUserAccounts(ctx.register(), ctx.actor(request)),
  );

  api.get(
    '/admin/roles',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: "The definition's roles and what each may do (R6.2)",
        description:
          'The roles the definition declares, or the default roles when it declares none, each with its permissions.',
        response: { 200: RolesOut, ...errorResponses },
      },
    },
    async () => {
      const def = ctx.register().definition;
      const declared = def.roles ?? [];
      const roles =
        declared.length > 0
          ? declared.map((r) => ({
              id: r.id,
              name: r.name,
              description: r.description ?? null,
              permissions: [...rolePermissions(def, r.id)],
              declared: true,
            }))
          : Object.keys(DEFAULT_ROLE_PERMISSIONS).map((id) => ({
              id,
              name: null,
              description: null,
              permissions: [...rolePermissions(def, id)],
              declared: false,
            }));
      return {
        permissions: PERMISSION_IDS.map((id) => ({ id, ...PERMISSIONS[id] })),
        roles,
      };
    },
  );

  api.get(
    '/admin/commitments',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: TAGS,
        summary: 'The confidentiality commitment: its versions, who signed which when, who has not (R6.3)',
        response: { 200: CommitmentsOut, ...errorResponses },
      },
    },
    async (request) => listCommitmentSignatures(ctx.register(), ctx.actor(request)),
  );

  api.get(
    '/admin/definition',
    {
      config: { permission: 'register.read' },
      schema: {
        tags: TAGS,
        summary:
          'The register definition in brief: purposes, categories, sources, recipients, disclosures, transfers, retention',
        response: { 200: DefinitionOut, ...errorResponses },
      },
    },
    async () => {
      const def = ctx.register().definition;
      return {
        notice: { date: def.notice.date },
        eeaCountries: [...EU_EEA_COUNTRIES],
        purposes: def.purposes.map((p) => ({
          id: p.id,
          name: p.name,
          description: p.description ?? null,
          basis: p.basis ?? null,
          legitimateInterest: p.legitimateInterest ?? null,
          marketing: p.marketing,
          profiling: p.profiling,
        })),
        categories: def.categories.map((c) => ({
          id: c.id,
          name: c.name,
          description: c.description ?? null,
          holder: c.holder,
          purposes: c.purposes,
          sources: c.sources,
          retention: c.retention ?? null,
          erasure: c.erasure.strategy,
          fields: c.fields.length,
        })),
        sources: def.sources.map((s) => ({
          id: s.id,
          name: s.name,
          description: s.description ?? null,
          kind: s.kind,
        })),
        recipients: def.recipients.map((r) => ({
          id: r.id,
          name: r.name,
          description: r.description ?? null,
          kind: r.kind,
          countries: r.countries,
          service: r.service ?? null,
        })),
        disclosures: def.disclosures.map((d) => ({
          id: d.id,
          name: d.name,
          description: d.description ?? null,
          recipient: d.recipient,
          basis: d.basis ?? null,
          purposes: d.purposes,
          categories: d.categories,
        })),
        transfers: {
          statement: def.transfers?.statement ?? null,
          items: (def.transfers?.items ?? []).map((x) => ({
            id: x.id,
            countries: x.countries,
            recipients: x.recipients,
            description: x.description,
            safeguard: x.safeguard ?? null,
            safeguardText: x.safeguardText ?? null,
            copyAvailable: x.copyAvailable ?? null,
          })),
        },
        retention: {
          relationshipEnd: def.retention?.relationshipEnd?.kind ?? null,
          statement: def.retention?.statement ?? null,
          rules: (def.retention?.rules ?? []).map((r) => ({
            id: r.id,
            kind: r.kind,
            period: r.period ?? null,
            reviewEvery: r.reviewEvery ?? null,
            description: r.description,
            legalReason: r.legalReason ?? null,
          })),
        },
      };
    },
  );
}
