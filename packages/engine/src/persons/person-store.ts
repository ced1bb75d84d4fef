import {
  type AddressValue,
  CORE_FIELDS,
  emailKey,
  LupausError,
  maskHetu,
  type ValidatedFields,
  validateFields,
} from '@lupaus/core';
import {
  type AddressRow,
  type Executor,
  findMergedInto,
  findPersonRow,
  findPersonWithDetails,
  listContactRolesOfPerson,
  listProvenance,
  loadContactPoints,
  type PersonDetails,
  type PersonRow,
  replaceAddresses,
  replaceEmails,
  replacePhones,
} from '@lupaus/db';
import type { Actor, Register } from '../context';
import { type ContactRoleView, toContactRoleView } from '../organisations/contact-role-view';
import { readableFields } from '../policy/field-access';
import { requireId } from '../policy/ids';

/**
 * Where each person field is kept, from the core fields of the catalogue: a single-valued core field has its
 * own column (the hetu its cipher and lookup columns), a multiple-valued one its own table (emails, phones,
 * addresses); every other declared field lives in `attributes`.
 */
const CORE_PERSON = Object.entries(CORE_FIELDS.person ?? {});
const COLUMN_FIELDS = new Set(
  CORE_PERSON.filter(([, f]) => !f.multiple && f.type !== 'hetu').map(([id]) => id),
);
type ListField = 'email' | 'phone' | 'address';
const LIST_FIELDS = new Set(CORE_PERSON.filter(([, f]) => f.multiple).map(([id]) => id as ListField));

export interface PersonView {
  id: string;
  /** The fields the actor may read; a hetu is masked (reveal it with `revealHetu`). */
  fields: Record<string, unknown>;
  provenance: Record<string, { source: string; savedAt: string; savedBy: string }>;
  contactRoles: ContactRoleView[];
  createdAt: string;
  updatedAt: string;
}

/** Validates person fields against the catalogue; throws with every problem named (R1.5). */
export function validatePersonFields(
  reg: Register,
  fields: Record<string, unknown>,
  opts: { creating: boolean },
): ValidatedFields {
  const v = validateFields(reg.catalogue, 'person', fields, { requireRequired: opts.creating });
  if (v.problems.length > 0) {
    throw new LupausError(
      v.undeclared.length > 0 ? 'FIELD_NOT_DECLARED' : 'VALIDATION_FAILED',
      {},
      v.problems,
    );
  }
  return v;
}

export function searchNameOf(first: string | null, last: string | null, nickname: string | null): string {
  return [first, last, nickname]
    .filter((x): x is string => !!x)
    .join(' ')
    .toLowerCase();
}

/** Splits validated values into column, list and attribute updates. */
export function planPersonWrite(reg: Register, values: Record<string, unknown>, current?: PersonRow) {
  const columns: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = { ...((current?.attributes as Record<string, unknown>) ?? {}) };
  const lists: Partial<Record<ListField, unknown[]>> = {};
  for (const [name, value] of Object.entries(values)) {
    if (COLUMN_FIELDS.has(name)) columns[name] = value;
    else if (name === 'hetu') {
      columns.hetu_cipher = value === null ? null : reg.vault.encrypt(value as string);
      columns.hetu_lookup = value === null ? null : reg.vault.lookup(value as string);
    } else if (LIST_FIELDS.has(name as ListField)) {
      lists[name as ListField] = value === null ? [] : (value as unknown[]);
    } else if (value === null) delete attributes[name];
    else attributes[name] = value;
  }
  const pick = (k: 'first_name' | 'last_name' | 'nickname') =>
    (k in columns ? (columns[k] as string | null) : (current?.[k] ?? null)) ?? null;
  columns.search_name = searchNameOf(pick('first_name'), pick('last_name'), pick('nickname'));
  return { columns, attributes, lists };
}

/** Refuses a hetu or customer number that another person already has (without echoing the value). */
export async function assertUnique(
  tx: Executor,
  columns: Record<string, unknown>,
  selfId: string | undefined,
): Promise<void> {
  const problems: { at: string; message: string }[] = [];
  if (columns.hetu_lookup) {
    const other = await tx
      .selectFrom('persons')
      .select('id')
      .where('hetu_lookup', '=', columns.hetu_lookup as Buffer)
      .executeTakeFirst();
    if (other && other.id !== selfId) {
      problems.push({
        at: 'fields.hetu',
        message: `another person (${other.id}) has this personal identity code`,
      });
    }
  }
  if (typeof columns.customer_number === 'string') {
    const other = await tx
      .selectFrom('persons')
      .select('id')
      .where('customer_number', '=', columns.customer_number)
      .executeTakeFirst();
    if (other && other.id !== selfId) {
      problems.push({
        at: 'fields.customer_number',
        message: `another person (${other.id}) has this customer number`,
      });
    }
  }
  if (problems.length > 0) throw new LupausError('CONFLICT', {}, problems);
}

export async function writeLists(
  tx: Executor,
  personId: string,
  lists: Partial<Record<'email' | 'phone' | 'address', unknown[]>>,
): Promise<void> {
  if (lists.email) {
    await replaceEmails(
      tx,
      personId,
      (lists.email as string[]).map((value) => ({ value, key: emailKey(value) })),
    );
  }
  if (lists.phone) await replacePhones(tx, personId, lists.phone as string[]);
  if (lists.address) {
    await replaceAddresses(
      tx,
      personId,
      (lists.address as AddressValue[]).map(
        (a): AddressRow => ({
          street: a.street ?? null,
          po_box: a.poBox ?? null,
          postal_code: a.postalCode ?? null,
          city: a.city ?? null,
          country: a.country,
        }),
      ),
    );
  }
}

export async function requirePersonRow(tx: Executor, id: string, at = 'id'): Promise<PersonRow> {
  const row = await findPersonRow(tx, requireId(id, 'person', at));
  return row ?? personMissing(tx, id);
}

/** A person's row with what a view of it shows, in one statement (see `findPersonWithDetails`); errors as `requirePersonRow`. */
export async function requirePersonWithDetails(
  db: Executor,
  id: string,
  at = 'id',
): Promise<{ row: PersonRow; details: PersonDetails }> {
  const found = await findPersonWithDetails(db, requireId(id, 'person', at));
  return found ?? personMissing(db, id);
}

/** Throws PERSON_MERGED (naming where the person went) or NOT_FOUND for an id with no person. */
async function personMissing(tx: Executor, id: string): Promise<never> {
  // A merged person's id says where the person went (R2.7).
  const merged = await findMergedInto(tx, id);
  if (merged) {
    throw new LupausError('PERSON_MERGED', { id, mergedInto: merged.keptId }, [
      {
        at: 'id',
        message: `person ${id} was merged into person ${merged.keptId} on ${merged.at.toISOString()}`,
      },
    ]);
  }
  throw new LupausError('NOT_FOUND', { id }, [{ at: 'id', message: `no person ${id}` }]);
}

/**
 * The value of one person field as stored: a column, the hetu (decrypted, and masked when `opts.hetu` is
 * `masked`), the contact points (emails, phones, addresses) or an attribute. For `personView` and the access
 * report, which shows the subject everything in full.
 */
export function personFieldValue(
  reg: Register,
  row: PersonRow,
  points: Awaited<ReturnType<typeof loadContactPoints>>,
  field: string,
  opts: { hetu: 'masked' | 'full' },
): unknown {
  switch (field) {
    case 'first_name':
    case 'last_name':
    case 'nickname':
    case 'customer_number':
      return row[field];
    case 'hetu': {
      if (!row.hetu_cipher) return null;
      const hetu = reg.vault.decrypt(Buffer.from(row.hetu_cipher));
      return opts.hetu === 'masked' ? maskHetu(hetu) : hetu;
    }
    case 'email':
      return points.emails;
    case 'phone':
      return points.phones;
    case 'address':
      return points.addresses.map((a) => ({
        ...(a.street ? { street: a.street } : {}),
        ...(a.po_box ? { poBox: a.po_box } : {}),
        ...(a.postal_code ? { postalCode: a.postal_code } : {}),
        ...(a.city ? { city: a.city } : {}),
        country: a.country,
      }));
    default:
      return (row.attributes as Record<string, unknown>)?.[field];
  }
}

/** Builds what the actor may see of a person: readable fields only, the hetu masked. */
export async function personView(
  tx: Executor,
  reg: Register,
  actor: Actor,
  row: PersonRow,
  /** What `findPersonWithDetails` read with the row; else read here. */
  details?: PersonDetails,
): Promise<PersonView> {
  const readable = readableFields(reg, actor, 'person');
  const points = details?.points ?? (await loadContactPoints(tx, row.id));
  const fields: Record<string, unknown> = {};
  for (const f of readable) {
    const value = personFieldValue(reg, row, points, f.id, { hetu: 'masked' });
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    fields[f.id] = value;
  }
  const readableIds = new Set(readable.map((f) => f.id));
  const provenance: PersonView['provenance'] = {};
  for (const p of details?.provenance ?? (await listProvenance(tx, 'person', row.id))) {
    if (!readableIds.has(p.field)) continue;
    provenance[p.field] = {
      source: p.source,
      savedAt: new Date(p.saved_at).toISOString(),
      savedBy: p.saved_by,
    };
  }
  const roles = details?.contactRoles ?? (await listContactRolesOfPerson(tx, row.id));
  return {
    id: row.id,
    fields,
    provenance,
    contactRoles: roles.map((r) => toContactRoleView(r, reg.clock.now())),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
