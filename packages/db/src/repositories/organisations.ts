import type { Insertable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Executor } from '../executor';
import type { ContactRolesTable, OrganisationsTable } from '../types';

export async function insertOrganisationRow(db: Executor, row: Insertable<OrganisationsTable>) {
  await db.insertInto('organisations').values(row).execute();
}

export async function updateOrganisationRow(db: Executor, id: string, patch: Updateable<OrganisationsTable>) {
  await db.updateTable('organisations').set(patch).where('id', '=', id).execute();
}

export async function findOrganisationRow(db: Executor, id: string) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganisationByBusinessId(db: Executor, businessId: string) {
  return db.selectFrom('organisations').select('id').where('business_id', '=', businessId).executeTakeFirst();
}

export async function listOrganisationRows(
  db: Executor,
  opts: { q?: string | undefined; limit: number; after?: string | undefined },
) {
  let q = db.selectFrom('organisations').selectAll();
  if (opts.after) q = q.where('id', '>', opts.after);
  if (opts.q) {
    const text = opts.q.toLowerCase();
    const prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('search_name', 'like', prefix),
        sql<boolean>`search_name % ${text}`,
        eb('business_id', '=', opts.q!),
      ]),
    );
  }
  return q.orderBy('id').limit(opts.limit).execute();
}

export async function insertContactRoleRow(db: Executor, row: Insertable<ContactRolesTable>) {
  await db.insertInto('contact_roles').values(row).execute();
}

export async function updateContactRoleRow(db: Executor, id: string, patch: Updateable<ContactRolesTable>) {
  await db.updateTable('contact_roles').set(patch).where('id', '=', id).execute();
}

export async function findContactRoleRow(db: Executor, id: string) {
  return db.selectFrom('contact_roles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listContactRolesOfPerson(db: Executor, personId: string) {
  return db
    .selectFrom('contact_roles')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('starts_on', 'desc')
    .execute();
}

export async function listContactRolesOfOrganisation(db: Executor, organisationId: string) {
  return db
    .selectFrom('contact_roles')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('starts_on', 'desc')
    .execute();
}
