import { DEFAULT_READ_ROLES, DEFAULT_REVEAL_ROLES } from '../definition/roles';
import type { Definition, FieldType, Holder, LegalBasis, RetentionRule, Source } from '../definition/schema';
import type { Text } from '../definition/text';
import { coreField } from './core-fields';

/**
 * The data catalogue: every personal-data field of a register with everything the rest of the system needs to
 * treat it right, derived from the definition and never written twice (DESIGN.md "The one idea").
 *
 * @example
 * ```ts
 * const catalogue = buildCatalogue(definition);
 * const hetu = catalogue.field('person', 'hetu');
 * hetu?.revealRoles; // ['administrator', 'privacy_officer']
 * ```
 */
export interface CatalogueField {
  /** `holder.field`, e.g. `person.hetu`. */
  key: string;
  id: string;
  holder: Holder;
  label: Text;
  type: FieldType;
  multiple: boolean;
  required: boolean;
  maxLength?: number;
  options?: { value: string; label: Text }[];
  core: boolean;
  category: { id: string; name: Text };
  purposes: { id: string; name: Text; basis?: LegalBasis }[];
  legalBases: LegalBasis[];
  sources: Pick<Source, 'id' | 'kind' | 'name'>[];
  retention?: RetentionRule;
  erasure: { strategy: 'delete' | 'anonymise' | 'keep'; reason?: Text };
  readRoles: string[];
  revealRoles?: string[];
  providedBySubject: boolean;
}

/** A data category with its holder: for records (orders, invoices, interactions ...) the category is the kind. */
export interface CatalogueCategory {
  id: string;
  name: Text;
  holder: Holder;
  /** The field that dates a record of this category (see `Category.dateField`). */
  dateField?: string;
  retention?: RetentionRule;
  erasure: { strategy: 'delete' | 'anonymise' | 'keep'; reason?: Text };
  fields: CatalogueField[];
}

export interface Catalogue {
  fields: CatalogueField[];
  categories: CatalogueCategory[];
  category(id: string): CatalogueCategory | undefined;
  categoriesOf(holder: Holder): CatalogueCategory[];
  field(holder: Holder, id: string): CatalogueField | undefined;
  fieldsOf(holder: Holder): CatalogueField[];
  /** Source ids a fact may be saved from. */
  sourceIds: Set<string>;
}

const SENSITIVE_TYPES: FieldType[] = ['hetu'];

/**
 * The person fields a marketing selection shows (name, contact points, customer number): the default marketing
 * role reads them by default, and only through the marketing gate, since it has no `persons.read` (R3.2, R6.2).
 */
const MARKETING_FIELDS = new Set(['first_name', 'last_name', 'customer_number', 'email', 'phone', 'address']);

export function buildCatalogue(def: Definition): Catalogue {
  const purposes = new Map(def.purposes.map((p) => [p.id, p]));
  const sources = new Map(def.sources.map((s) => [s.id, s]));
  const rules = new Map((def.retention?.rules ?? []).map((r) => [r.id, r]));
  const fields: CatalogueField[] = [];
  for (const category of def.categories) {
    const catPurposes = category.purposes.flatMap((id) => {
      const p = purposes.get(id);
      return p ? [{ id: p.id, name: p.name, ...(p.basis ? { basis: p.basis } : {}) }] : [];
    });
    const legalBases = [...new Set(catPurposes.flatMap((p) => (p.basis ? [p.basis] : [])))];
    const catSources = category.sources.flatMap((id) => {
      const s = sources.get(id);
      return s ? [{ id: s.id, kind: s.kind, name: s.name }] : [];
    });
    for (const field of category.fields) {
      const core = coreField(category.holder, field.id);
      const type = core?.type ?? field.type;
      const retention = category.retention ? rules.get(category.retention) : undefined;
      fields.push({
        key: `${category.holder}.${field.id}`,
        id: field.id,
        holder: category.holder,
        label: field.label,
        type,
        multiple: core?.multiple ?? field.multiple,
        required: field.required,
        ...(field.maxLength ? { maxLength: field.maxLength } : {}),
        ...(field.options ? { options: field.options } : {}),
        core: core !== undefined,
        category: { id: category.id, name: category.name },
        purposes: catPurposes,
        legalBases,
        sources: catSources,
        ...(retention ? { retention } : {}),
        erasure: field.erasure ?? category.erasure,
        readRoles:
          field.readRoles ??
          category.readRoles ??
          (category.holder === 'person' && MARKETING_FIELDS.has(field.id)
            ? [...DEFAULT_READ_ROLES, 'marketing']
            : DEFAULT_READ_ROLES),
        ...(field.revealRoles || SENSITIVE_TYPES.includes(type)
          ? { revealRoles: field.revealRoles ?? DEFAULT_REVEAL_ROLES }
          : {}),
        providedBySubject: field.providedBySubject ?? category.providedBySubject,
      });
    }
  }
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const categories: CatalogueCategory[] = def.categories.map((c) => {
    const retention = c.retention ? rules.get(c.retention) : undefined;
    return {
      id: c.id,
      name: c.name,
      holder: c.holder,
      ...(c.dateField ? { dateField: c.dateField } : {}),
      ...(retention ? { retention } : {}),
      erasure: c.erasure,
      fields: fields.filter((f) => f.category.id === c.id),
    };
  });
  const byCategory = new Map(categories.map((c) => [c.id, c]));
  return {
    fields,
    categories,
    category: (id) => byCategory.get(id),
    categoriesOf: (holder) => categories.filter((c) => c.holder === holder),
    field: (holder, id) => byKey.get(`${holder}.${id}`),
    fieldsOf: (holder) => fields.filter((f) => f.holder === holder),
    sourceIds: new Set(def.sources.map((s) => s.id)),
  };
}
