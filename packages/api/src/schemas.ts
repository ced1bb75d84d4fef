import { z } from 'zod';

/**
 * The Zod schemas of the HTTP API: every request and every response is described here, so that requests are
 * validated, responses are validated before they leave (a column selected by mistake never reaches a client)
 * and the OpenAPI description is generated from the same source (`docs/openapi.json`).
 */

export const Uuid = z.uuid().describe('A UUID (UUIDv7 for records the register creates).');

export const IdParams = z.strictObject({ id: Uuid });

/** A text of the register definition in its languages. */
export const TextOut = z.object({ fi: z.string(), en: z.string(), sv: z.string().optional() });

export const ProblemOut = z.object({
  at: z.string().describe('Where: a field name, a JSON path such as body.fields.email, or line:column.'),
  message: z.string().describe('For a person, in the language of the request (Accept-Language fi, en, sv).'),
  code: z
    .string()
    .optional()
    .describe('Machine-readable: what is wrong (hetu.check, email.invalid, field.required ...).'),
  params: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .optional()
    .describe('The values the message names, such as the field id.'),
});

export const ErrorOut = z
  .object({
    error: z.object({
      code: z.string().describe('A code of the error catalogue, such as VALIDATION_FAILED or NOT_FOUND.'),
      message: z.string().describe('What went wrong and what to do, for a person to read.'),
      problems: z.array(ProblemOut),
    }),
  })
  .describe('An error: its code, a message and each problem with where it is.');

/** The error responses every route may give; declared so that the OpenAPI description lists them. */
export const errorResponses = {
  400: ErrorOut,
  403: ErrorOut,
  404: ErrorOut,
  409: ErrorOut,
  410: ErrorOut,
  422: ErrorOut,
  500: ErrorOut,
} as const;

export const PurposeHeaders = z.object({
  'x-lupaus-purpose': z
    .string()
    .min(1)
    .optional()
    .describe(
      "The purpose of the processing, one of the definition's purpose ids; the definition's first purpose when omitted. Recorded in the audit trail.",
    ),
});

export const Language = z.enum(['fi', 'en', 'sv']);
export const Format = z.enum(['md', 'html']);

// ---------------------------------------------------------------------------------------------------------
// Register, catalogue, notice

export const RegisterOut = z.object({
  id: z.string(),
  name: TextOut,
  languages: z.array(Language),
  controller: z.object({
    kind: z.string(),
    name: z.string(),
    businessId: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  notice: z.object({
    date: z.string().describe('The date of the notice in the definition (YYYY-MM-DD).'),
    version: z.number().int().nullable().describe('The current published version of the notice.'),
    publishedAt: z.string().nullable(),
  }),
  marketing: z
    .object({
      channels: z.array(z.object({ id: z.string(), name: TextOut, electronic: z.boolean() })),
      purposes: z.array(
        z.object({
          id: z.string(),
          name: TextOut,
          model: z.enum(['opt_in', 'opt_out']),
          profiling: z.boolean(),
        }),
      ),
    })
    .describe('The consent channels and marketing purposes of the definition, with their names (R3.1).'),
});

export const CatalogueFieldOut = z.object({
  key: z.string().describe('holder.field, e.g. person.hetu'),
  id: z.string(),
  holder: z.string(),
  label: TextOut,
  type: z.string(),
  multiple: z.boolean(),
  required: z.boolean(),
  maxLength: z.number().int().nullable(),
  options: z.array(z.object({ value: z.string(), label: TextOut })).nullable(),
  core: z.boolean(),
  category: z.object({ id: z.string(), name: TextOut }),
  purposes: z.array(z.object({ id: z.string(), name: TextOut, basis: z.string().nullable() })),
  legalBases: z.array(z.string()),
  sources: z.array(z.object({ id: z.string(), kind: z.string(), name: TextOut })),
  retention: z
    .object({ id: z.string(), kind: z.string(), period: z.string().nullable(), description: TextOut })
    .nullable(),
  erasure: z.object({ strategy: z.enum(['delete', 'anonymise', 'keep']), reason: TextOut.nullable() }),
  readRoles: z.array(z.string()),
  revealRoles: z.array(z.string()).nullable(),
  providedBySubject: z.boolean(),
});

export const CatalogueOut = z.object({ fields: z.array(CatalogueFieldOut) });

export const NoticeQuery = z.strictObject({
  lang: Language.default('fi'),
  format: Format.default('html'),
  version: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('A published version; the latest if omitted.'),
});

export const RopaQuery = z.strictObject({ lang: Language.default('fi'), format: Format.default('html') });

export const NoticeVersionOut = z.object({
  version: z.number().int(),
  noticeDate: z.string(),
  publishedAt: z.string(),
  contentHash: z.string(),
});

export const NoticeVersionsOut = z.object({ items: z.array(NoticeVersionOut) });

export const DocumentOut = z
  .string()
  .describe('The document as Markdown (text/markdown) or HTML (text/html).');

// ---------------------------------------------------------------------------------------------------------
// Persons

const FieldValues = z
  .record(z.string(), z.unknown())
  .describe('Values by field id; only fields the register definition declares may be written (R1.5).');

export const WriteBody = z.strictObject({
  source: z.string().min(1).describe("The source of the data: one of the definition's source ids (R2.6)."),
  fields: FieldValues,
});

export const PatchBody = z.strictObject({
  source: z.string().min(1).describe("The source of the data: one of the definition's source ids (R2.6)."),
  fields: FieldValues.describe('Values by field id; null removes a value.'),
});

export const ProvenanceOut = z.object({ source: z.string(), savedAt: z.string(), savedBy: z.string() });

export const ContactRoleOut = z.object({
  id: Uuid,
  personId: Uuid,
  organisationId: Uuid,
  title: z.string().nullable(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  active: z.boolean(),
});

export const PersonOut = z.object({
  id: Uuid,
  fields: z
    .record(z.string(), z.unknown())
    .describe('Field values; the hetu is always masked (131052-****).'),
  provenance: z.record(z.string(), ProvenanceOut),
  contactRoles: z.array(ContactRoleOut),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const PersonSummaryOut = z.object({
  id: Uuid,
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  customerNumber: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).optional().describe('The cursor `next` of the previous page.'),
});

export const PersonPageOut = z.object({ items: z.array(PersonSummaryOut), next: z.string().nullable() });

export const SearchBody = z
  .strictObject({
    q: z.string().min(1).optional().describe('A name: prefix and fuzzy match of first, last and nickname.'),
    email: z.string().min(1).optional(),
    phone: z.string().min(1).optional(),
    customerNumber: z.string().min(1).optional(),
    hetu: z
      .string()
      .min(1)
      .optional()
      .describe('Exact match; sent in the body so it never lands in a URL or log.'),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .refine((b) => b.q || b.email || b.phone || b.customerNumber || b.hetu, {
    message: 'give at least one of q, email, phone, customerNumber, hetu',
  });

export const SearchOut = z.object({ items: z.array(PersonSummaryOut) });

export const HetuOut = z.object({ hetu: z.string() });

export const FieldProvenanceOut = z.object({
  items: z.array(
    z.object({ field: z.string(), source: z.string(), savedAt: z.string(), savedBy: z.string() }),
  ),
});

// ---------------------------------------------------------------------------------------------------------
// Organisations and contact roles

export const OrganisationOut = z.object({
  id: Uuid,
  fields: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const OrganisationDetailOut = OrganisationOut.extend({
  contactRoles: z.array(ContactRoleOut).describe('Its contact persons, past and present.'),
});

export const OrganisationQuery = PageQuery.extend({
  q: z.string().min(1).optional().describe('A name prefix or a business id.'),
});

export const OrganisationPageOut = z.object({ items: z.array(OrganisationOut), next: z.string().nullable() });

const IsoDate = z.iso.date().describe('YYYY-MM-DD');

export const AddContactBody = z.strictObject({
  personId: Uuid,
  title: z.string().min(1).optional(),
  startsOn: IsoDate,
  endsOn: IsoDate.optional(),
  source: z.string().min(1).describe("The source of the data: one of the definition's source ids (R2.6)."),
});

export const EndContactBody = z.strictObject({ endsOn: IsoDate });

// ---------------------------------------------------------------------------------------------------------
// Records (orders, invoices, debt collection, loyalty, interactions), files, the customer relationship

const SourceField = z
  .string()
  .min(1)
  .describe("The source of the data: one of the definition's source ids (R2.6).");

export const RECORD_HOLDER_VALUES = ['order', 'invoice', 'collection', 'interaction', 'loyalty'] as const;

const LinkIds = {
  organisationId: Uuid.nullable()
    .optional()
    .describe('Orders and invoices: the organisation the record is with.'),
  orderId: Uuid.nullable().optional().describe("Invoices: the order invoiced (the same person's)."),
  invoiceId: Uuid.nullable()
    .optional()
    .describe("Debt collection cases: the invoice collected (the same person's)."),
};

export const RecordBody = z.strictObject({
  kind: z
    .string()
    .min(1)
    .describe(
      'The kind of record: a category id of the definition held by order, invoice, collection, interaction or loyalty.',
    ),
  source: SourceField,
  fields: FieldValues.describe("Values by field id of the kind's category (R1.5)."),
  ...LinkIds,
});

export const RecordPatchBody = z.strictObject({
  source: SourceField,
  fields: FieldValues.describe("Values by field id of the record's category; null removes a value."),
  ...LinkIds,
});

export const RecordFileOut = z.object({
  id: Uuid,
  field: z.string(),
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
});

export const RecordOut = z.object({
  id: Uuid,
  personId: Uuid.nullable().describe('Null once the record is anonymised.'),
  holder: z.enum(RECORD_HOLDER_VALUES),
  kind: z.string().describe('The category id of the register definition.'),
  occurredAt: z
    .string()
    .describe("When it happened: the category's dating field, else when it was recorded."),
  fields: z.record(z.string(), z.unknown()).describe('The fields the caller may read, by field id.'),
  files: z.array(RecordFileOut),
  links: z.object({ organisationId: Uuid.optional(), orderId: Uuid.optional(), invoiceId: Uuid.optional() }),
  source: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
  anonymisedAt: z.string().nullable(),
  provenance: z
    .record(z.string(), ProvenanceOut)
    .optional()
    .describe('Per field: when, from which source and by whom it was saved (R2.6).'),
});

const ListParam = z.union([z.string().min(1), z.array(z.string().min(1)).max(50)]).optional();

export const TimelineQuery = z.strictObject({
  kind: ListParam.describe('Only these kinds (category ids): repeat the parameter or separate with commas.'),
  holder: ListParam.describe('Only these holders: order, invoice, collection, interaction, loyalty.'),
  cursor: z.string().min(1).max(200).optional().describe('The cursor `next` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const TimelineOut = z.object({
  items: z.array(RecordOut).describe('Newest first, by when they happened.'),
  next: z.string().nullable(),
});

export const RecordDeletedOut = z.object({
  id: Uuid,
  files: z.number().int().describe('Files deleted with it.'),
});

export const FileParams = z.strictObject({
  id: Uuid,
  field: z.string().min(1).max(100).describe("A field of type file of the record's category."),
});

export const FileUploadHeaders = PurposeHeaders.extend({
  'content-type': z.string().min(1).describe("The file's media type, such as audio/mpeg."),
  'x-file-name': z
    .string()
    .min(1)
    .max(1000)
    .describe("The file's name; percent-encode (UTF-8) a name that is not ASCII."),
  'x-lupaus-source': z
    .string()
    .min(1)
    .optional()
    .describe("The source of the file: one of the definition's source ids; the record's own by default."),
});

export const FileBody = z.any().meta({ type: 'string', format: 'binary' }).describe('The bytes of the file.');

export const FileOut = z.object({
  id: Uuid,
  recordId: Uuid,
  personId: Uuid.nullable(),
  field: z.string(),
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});

export const FileBytesOut = z
  .string()
  .meta({ format: 'binary' })
  .describe('The bytes of the file, with the media type it was stored with.');

const InteractionEventIn = z
  .looseObject({
    person: z
      .looseObject({
        id: z.string().optional(),
        customerNumber: z.string().optional(),
        email: z.string().optional(),
      })
      .describe('Who the event is about: exactly one of id, customerNumber or email.'),
    kind: z.string().describe('A category id of the definition held by interaction.'),
    source: SourceField,
    fields: FieldValues.describe("Values by field id of the kind's category (R1.5)."),
  })
  .describe('One interaction: a web visit, an email sent or opened, a login ...');

export const InteractionBatchBody = z.strictObject({
  events: z
    .array(InteractionEventIn)
    .min(1)
    .max(5000)
    .describe('1–5 000 events, for any number of persons; 1 000 a batch is a good size.'),
});

export const InteractionBatchOut = z.object({
  ids: z.array(Uuid).describe('The ids of the records made, in the order of the events.'),
  persons: z.number().int().describe('How many distinct persons the events were about.'),
});

export const EndRelationshipBody = z.strictObject({
  endedAt: z
    .string()
    .min(1)
    .optional()
    .describe('When it ended: YYYY-MM-DD (00:00 UTC) or an ISO date and time; now when omitted.'),
  reason: z.string().max(500).optional(),
});

export const RelationshipOut = z.object({
  personId: Uuid,
  rule: z
    .enum(['explicit', 'last_contact'])
    .describe('How the register knows the end (retention.relationshipEnd).'),
  inactivityPeriod: z.string().nullable(),
  state: z.enum(['active', 'ended']),
  basis: z.enum(['explicit', 'last_contact']),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  judgedEndAt: z
    .string()
    .nullable()
    .describe('last_contact: when the relationship ends (or ended) by inactivity.'),
  lastContactAt: z.string().nullable(),
  createdAt: z.string(),
  openInvoices: z.number().int(),
  openCollections: z.number().int(),
  keptActiveBy: z.array(z.enum(['open_invoice', 'open_collection'])),
});
