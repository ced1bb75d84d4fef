import { z } from 'zod';
import { PERMISSION_IDS, type Permission } from '../security/permissions';
import { TextSchema } from './text';

/**
 * The register definition (`register.yaml`): the one source of truth from which the privacy notice, the data
 * catalogue, the record of processing and every rule of storage are derived (R1.1).
 *
 * The schema checks shape; `checkDefinition` (check.ts) checks meaning: business-id check digits,
 * placeholders, references, and the items GDPR art. 13 and 14 require. Sections the law requires are
 * optional here so that a definition with gaps (as the seeds have) still loads and every gap is reported at
 * once, with its location.
 */

const Id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'an id is lower-case letters, digits and underscores, starting with a letter');
const IdRef = Id;
/** An ISO 8601 duration in years, months, weeks or days, such as P10Y, P7M or P3M. */
export const DurationSchema = z
  .string()
  .regex(
    /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/,
    'a period is an ISO 8601 duration such as P10Y, P6M or P30D',
  );
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is written YYYY-MM-DD');
const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'a country is an ISO 3166 code such as FI or US');

export const AddressSchema = z.strictObject({
  street: z.string().min(1).optional(),
  poBox: z.string().min(1).optional(),
  postalCode: z
    .string()
    .regex(/^\d{5}$/, 'a Finnish postal code has five digits')
    .optional(),
  city: z.string().min(1).optional(),
  country: CountryCode.default('FI'),
});
export type Address = z.infer<typeof AddressSchema>;

const ContactDetails = {
  name: z.string().min(1).optional(),
  title: TextSchema.optional(),
  email: z.string().min(1).optional(),
  phone: z.string().min(1).optional(),
  address: AddressSchema.optional(),
  website: z.string().min(1).optional(),
};

export const ControllerSchema = z.strictObject({
  /** A company (osakeyhtiö etc., with a y-tunnus), a sole trader (toiminimi), an association, a public body. */
  kind: z.enum(['company', 'sole_trader', 'association', 'public_body']),
  ...ContactDetails,
  name: z.string().min(1),
  /** Y-tunnus. Required for a company; a sole trader may have one. */
  businessId: z.string().optional(),
  tradeName: z.string().min(1).optional(),
});

export const ContactSchema = z.strictObject(ContactDetails);
export const DpoSchema = z.strictObject({ ...ContactDetails, appointed: z.boolean().default(true) });

export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interest',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const PurposeSchema = z.strictObject({
  id: Id,
  name: TextSchema,
  description: TextSchema.optional(),
  /** GDPR art. 6(1): the legal basis. Optional here so that its absence is reported by the checks. */
  basis: z.enum(LEGAL_BASES).optional(),
  /** Required when the basis is legitimate interest: the interest itself (art. 13(1)(d)). */
  legitimateInterest: TextSchema.optional(),
  /** Whether this purpose is marketing (its selections must pass the marketing gate, R3.2). */
  marketing: z.boolean().default(false),
  /** Whether this purpose is profiling (art. 21 objection, art. 13(2)(f)). */
  profiling: z.boolean().default(false),
});

export const SOURCE_KINDS = [
  'subject',
  'staff',
  'transactions',
  'update_service',
  'population_register',
  'public_source',
  'partner',
  'subcontractor',
  'credit_reference',
  'identification_service',
  'web_analytics',
  'cookies',
  'social_media',
  'import',
  'system',
] as const;
export const SourceSchema = z.strictObject({
  id: Id,
  kind: z.enum(SOURCE_KINDS),
  name: TextSchema,
  description: TextSchema.optional(),
});

export const RECIPIENT_KINDS = ['internal', 'processor', 'controller', 'partner', 'authority'] as const;
export const RecipientSchema = z.strictObject({
  id: Id,
  kind: z.enum(RECIPIENT_KINDS),
  name: TextSchema,
  description: TextSchema.optional(),
  /** Where the recipient processes the data (ISO codes). Outside the EU/EEA means a transfer. */
  countries: z.array(CountryCode).default([]),
  /** For processors: the service they perform. */
  service: TextSchema.optional(),
});

export const DisclosureSchema = z.strictObject({
  id: Id,
  recipient: IdRef,
  name: TextSchema,
  description: TextSchema.optional(),
  basis: z.enum(LEGAL_BASES).optional(),
  purposes: z.array(IdRef).default([]),
  categories: z.array(IdRef).default([]),
});

export const SAFEGUARDS = [
  'adequacy_decision',
  'standard_contractual_clauses',
  'binding_corporate_rules',
  'explicit_consent',
  'contract_necessity',
  'other_derogation',
] as const;
export const TransferSchema = z.strictObject({
  id: Id,
  countries: z.array(CountryCode).min(1, 'name at least one country'),
  recipients: z.array(IdRef).default([]),
  description: TextSchema,
  /** Art. 44–49: the safeguard. A transfer outside the EU/EEA without one is reported by the checks. */
  safeguard: z.enum(SAFEGUARDS).optional(),
  safeguardText: TextSchema.optional(),
  /** Art. 13(1)(f): how to obtain a copy of the safeguards. */
  copyAvailable: TextSchema.optional(),
});

export const RETENTION_KINDS = [
  'after_relationship_end',
  'until_relationship_ended',
  'from_creation',
  'while_contact_person',
  'until_no_longer_needed',
  'after_fiscal_year_end',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export const RetentionRuleSchema = z.strictObject({
  id: Id,
  kind: z.enum(RETENTION_KINDS),
  /** after_relationship_end, from_creation, after_fiscal_year_end: how long. */
  period: DurationSchema.optional(),
  /** until_no_longer_needed: how often the data is reviewed. */
  reviewEvery: DurationSchema.optional(),
  description: TextSchema,
  /** A legal reason for keeping (e.g. Kirjanpitolaki 2:10), which also blocks erasure until the end. */
  legalReason: TextSchema.optional(),
});

export const ERASURE_STRATEGIES = ['delete', 'anonymise', 'keep'] as const;
export const ErasureSchema = z.strictObject({
  strategy: z.enum(ERASURE_STRATEGIES),
  /** Required for `keep`: the legal reason (art. 17(3)). */
  reason: TextSchema.optional(),
});

/** What holds the values of a category: a person's own record, an organisation, or records linked to a person. */
export const HOLDERS = [
  'person',
  'organisation',
  'contact_role',
  'order',
  'invoice',
  'collection',
  'interaction',
  'loyalty',
  'consent',
  'request',
] as const;
export type Holder = (typeof HOLDERS)[number];

/**
 * The types a field may have. Core person fields (names, hetu, customer number, email, phone, address) have
 * their own columns and behaviour; any other field is stored with its declared type and validated against it.
 */
export const FIELD_TYPES = [
  'text',
  'longtext',
  'integer',
  'number',
  'boolean',
  'date',
  'datetime',
  'enum',
  'text_list',
  'email',
  'phone',
  'address',
  'hetu',
  'business_id',
  'money',
  'order_lines',
  'url',
  'ip_address',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FieldSchema = z.strictObject({
  id: Id,
  label: TextSchema,
  type: z.enum(FIELD_TYPES).default('text'),
  options: z.array(z.strictObject({ value: Id, label: TextSchema })).optional(),
  multiple: z.boolean().default(false),
  maxLength: z.number().int().positive().optional(),
  required: z.boolean().default(false),
  /** Overrides the category's flag: whether the data subject provided this field (portability, art. 20). */
  providedBySubject: z.boolean().optional(),
  /** Overrides the category's roles. */
  readRoles: z.array(IdRef).optional(),
  /** For sensitive fields such as hetu: the roles that may see the value unmasked (every reveal is audited). */
  revealRoles: z.array(IdRef).optional(),
  erasure: ErasureSchema.optional(),
  description: TextSchema.optional(),
});

export const CategorySchema = z.strictObject({
  id: Id,
  name: TextSchema,
  description: TextSchema.optional(),
  holder: z.enum(HOLDERS).default('person'),
  purposes: z.array(IdRef).default([]),
  sources: z.array(IdRef).default([]),
  /** The retention rule. Optional here so that its absence is reported by the checks. */
  retention: IdRef.optional(),
  erasure: ErasureSchema.default({ strategy: 'delete' }),
  providedBySubject: z.boolean().default(true),
  readRoles: z.array(IdRef).optional(),
  /**
   * For records (orders, invoices, interactions ...): the date or datetime field that dates a record, such as
   * the order date or the time of a call. Retention counted from creation starts there, and the timeline is
   * ordered by it. Without it a record is dated by the time it was recorded.
   */
  dateField: IdRef.optional(),
  fields: z.array(FieldSchema).min(1, 'a category declares at least one field'),
});

export const SubjectGroupSchema = z.strictObject({
  id: Id,
  name: TextSchema,
  description: TextSchema.optional(),
});

export const RIGHTS = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'portability',
  'withdraw_consent',
  'marketing_prohibition',
  'anonymisation',
  'automated_decision',
  'complaint',
] as const;
export type Right = (typeof RIGHTS)[number];
export const RightSchema = z.strictObject({ text: TextSchema });

export const RoleSchema = z.strictObject({
  id: Id,
  name: TextSchema,
  description: TextSchema.optional(),
  /**
   * What the role may do (R6.2): the actions of `PERMISSIONS`. Without it a default role (administrator,
   * privacy_officer, customer_service, marketing, auditor) has its default permissions and any other role none.
   */
  permissions: z.array(z.enum(PERMISSION_IDS as [Permission, ...Permission[]])).optional(),
});

export const ConsentChannelSchema = z.strictObject({
  id: Id,
  name: TextSchema,
  /** Electronic channels (email, SMS) need prior consent from consumers (laki sähköisen viestinnän palveluista 200 §). */
  electronic: z.boolean().default(false),
  /**
   * The contact point a message on this channel goes to: email, phone (calls and text messages) or postal
   * address. The marketing gate selects only persons who have one, and suppression lists are matched on it.
   * Optional here so that its absence is reported by the checks.
   */
  contact: z.enum(['email', 'phone', 'address']).optional(),
});
export const ConsentPurposeSchema = z.strictObject({
  id: Id,
  name: TextSchema,
  /** `opt_in`: nobody is selected without consent. `opt_out`: allowed until prohibited. */
  model: z.enum(['opt_in', 'opt_out']).default('opt_out'),
  /** Profiling for marketing: an objection to profiling (art. 21(2)) keeps the person out of it. */
  profiling: z.boolean().default(false),
});

export const DefinitionSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Lupaus definition format version. */
  lupaus: z.literal(1),
  id: Id,
  languages: z.array(z.enum(['fi', 'en', 'sv'])).default(['fi', 'en']),
  notice: z.strictObject({
    /** The date of this version of the notice (laatimispäivä / päivitetty). */
    date: IsoDate,
    title: TextSchema.optional(),
    introduction: TextSchema.optional(),
    changes: TextSchema.optional(),
  }),
  controller: ControllerSchema,
  contact: ContactSchema.optional(),
  dpo: DpoSchema.optional(),
  register: z.strictObject({ name: TextSchema, description: TextSchema.optional() }),
  subjects: z.array(SubjectGroupSchema).default([]),
  purposes: z.array(PurposeSchema).default([]),
  /** Art. 13(2)(e): whether providing the data is a statutory or contractual requirement, and what follows. */
  provisionRequirement: z
    .strictObject({
      statutory: z.boolean().default(false),
      contractual: z.boolean().default(false),
      text: TextSchema,
    })
    .optional(),
  categories: z.array(CategorySchema).default([]),
  sources: z.array(SourceSchema).default([]),
  recipients: z.array(RecipientSchema).default([]),
  disclosures: z.array(DisclosureSchema).default([]),
  transfers: z
    .strictObject({
      /** The register's statement about transfers outside the EU/EEA, shown in the notice. */
      statement: TextSchema,
      items: z.array(TransferSchema).default([]),
    })
    .optional(),
  retention: z
    .strictObject({
      /** How the end of the customer relationship is known: recorded by staff, or judged from the last contact. */
      relationshipEnd: z
        .strictObject({
          kind: z.enum(['explicit', 'last_contact']),
          inactivityPeriod: DurationSchema.optional(),
          /**
           * last_contact: the categories whose records count as a service contact. By default every category
           * of interactions and orders.
           */
          contactCategories: z.array(IdRef).optional(),
          description: TextSchema.optional(),
        })
        .optional(),
      /**
       * The last day of the accounting period, as MM-DD (default 12-31). Rules of kind after_fiscal_year_end
       * count from the end of the calendar year in which the period containing the record ended (Kirjanpitolaki
       * 1336/1997 2:10).
       */
      fiscalYearEnd: z
        .string()
        .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'the end of the accounting period is written MM-DD')
        .default('12-31'),
      statement: TextSchema.optional(),
      rules: z.array(RetentionRuleSchema).default([]),
    })
    .optional(),
  security: z
    .strictObject({
      manual: TextSchema.optional(),
      it: TextSchema.optional(),
      /**
       * The confidentiality commitment (salassapitositoumus, R6.3) every user signs before they see personal
       * data. A new version (or a changed text) must be signed again. Without it the register uses a default text.
       */
      commitment: z.strictObject({ version: z.string().min(1), text: TextSchema }).optional(),
      /** How long a signed-in session lasts unused, in minutes (default 30), and at most, in hours (default 12). */
      sessionIdleMinutes: z.number().int().positive().max(1440).optional(),
      sessionMaxHours: z.number().int().positive().max(720).optional(),
      /** Whether every user must sign in with a second factor (TOTP); default true. */
      requireSecondFactor: z.boolean().optional(),
    })
    .optional(),
  cookies: z.strictObject({ used: z.boolean(), text: TextSchema }).optional(),
  profiling: z
    .strictObject({
      used: z.boolean(),
      text: TextSchema,
      automatedDecisions: z.boolean().default(false),
      logic: TextSchema.optional(),
    })
    .optional(),
  rights: z.partialRecord(z.enum(RIGHTS), RightSchema).default({}),
  /** Where and how the data subject uses the rights (seed 002 §10, seed 003 §13). */
  rightsContact: TextSchema.optional(),
  authority: z
    .strictObject({
      name: TextSchema,
      address: AddressSchema.optional(),
      postal: AddressSchema.optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
      website: z.string().optional(),
    })
    .optional(),
  roles: z.array(RoleSchema).optional(),
  marketing: z
    .strictObject({
      channels: z.array(ConsentChannelSchema).default([]),
      purposes: z.array(ConsentPurposeSchema).default([]),
    })
    .optional(),
});

export type Definition = z.infer<typeof DefinitionSchema>;
export type DefinitionInput = z.input<typeof DefinitionSchema>;
export type Purpose = z.infer<typeof PurposeSchema>;
export type Category = z.infer<typeof CategorySchema>;
export type Field = z.infer<typeof FieldSchema>;
export type Source = z.infer<typeof SourceSchema>;
export type Recipient = z.infer<typeof RecipientSchema>;
export type Disclosure = z.infer<typeof DisclosureSchema>;
export type Transfer = z.infer<typeof TransferSchema>;
export type RetentionRule = z.infer<typeof RetentionRuleSchema>;
export type Role = z.infer<typeof RoleSchema>;
