import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../executor';
import type { LegalHoldsTable } from '../types';

/** Legal holds: on a person, a category, or one person's category; each stops the retention sweep (R5.2). */
export type LegalHoldRow = Selectable<LegalHoldsTable>;

export async function insertLegalHoldRow(db: Executor, row: Insertable<LegalHoldsTable>): Promise<void> {
  await db.insertInto('legal_holds').values(row).execute();
}

export async function findLegalHoldRow(db: Executor, id: string): Promise<LegalHoldRow | undefined> {
  return db.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Releases a hold not yet released; false if it was (e.g. by a concurrent release that committed first). */
export async function releaseLegalHoldRow(db: Executor, id: string, at: Date, by: string): Promise<boolean> {
  const r = await db
    .updateTable('legal_holds')
    .set({ released_at: at, released_by: by })
    .where('id', '=', id)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Holds, newest first, a page at a time (`after`: the id of the last hold of the previous page; ids are
 * UUIDv7, so they sort by creation). `current` keeps only those not released and not past their end date.
 */
export async function listLegalHoldRows(
  db: Executor,
  opts: {
    limit: number;
    after?: string | undefined;
    personId?: string | undefined;
    current?: { today: string };
  },
): Promise<LegalHoldRow[]> {
  let q = db.selectFrom('legal_holds').selectAll();
  if (opts.after) q = q.where('id', '<', opts.after);
  if (opts.personId) q = q.where('person_id', '=', opts.personId);
  if (opts.current) q = q.where('released_at', 'is', null).where('ends_on', '>=', opts.current.today);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

/** The holds that may apply to these persons or categories, released or not (the caller decides activity). */
export async function legalHoldsFor(db: Executor, personIds: readonly string[]): Promise<LegalHoldRow[]> {
  return db
    .selectFrom('legal_holds')
    .selectAll()
    .where('released_at', 'is', null)
    .where((eb) =>
      personIds.length > 0
        ? eb.or([eb('person_id', 'is', null), eb('person_id', 'in', [...personIds])])
        : eb('person_id', 'is', null),
    )
    .orderBy('id')
    .execute();
}
