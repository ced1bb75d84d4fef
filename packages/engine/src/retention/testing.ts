import type { Register } from '../context';

/**
 * Helpers for the retention tests (not exported from the package): row counts of every table the sweep touches,
 * and the audit rows of the sweep.
 */
export const SWEPT_TABLES = [
  'persons',
  'person_emails',
  'person_phones',
  'person_addresses',
  'contact_roles',
  'organisations',
  'interactions',
  'orders',
  'invoices',
  'collection_cases',
  'loyalty_memberships',
  'files',
  'file_deletions',
  'provenance',
  'legal_holds',
  'audit_log',
] as const;

export async function tableCounts(reg: Register): Promise<Record<(typeof SWEPT_TABLES)[number], number>> {
  const out = {} as Record<(typeof SWEPT_TABLES)[number], number>;
  for (const t of SWEPT_TABLES) {
    const r = await reg.db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

export async function recordIds(
  reg: Register,
  table: 'interactions' | 'orders' | 'invoices' | 'collection_cases' | 'loyalty_memberships',
) {
  const rows = await reg.db.selectFrom(table).select(['id', 'person_id', 'category']).orderBy('id').execute();
  return rows;
}

export async function retentionAudit(reg: Register) {
  return reg.db
    .selectFrom('audit_log')
    .select(['action', 'entity_type', 'entity_id', 'person_id', 'purpose', 'details'])
    .where('action', 'like', 'retention_%')
    .orderBy('id')
    .execute();
}

export async function storedFileCount(reg: Register): Promise<number> {
  let n = 0;
  for await (const _ of reg.files.list()) n++;
  return n;
}
