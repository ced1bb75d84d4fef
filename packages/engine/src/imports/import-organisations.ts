import { findControlCharacter, isIsoDate, validateFields } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import { insertContactRole, insertOrganisation } from '../organisations/organisation-store';
import { authorize } from '../policy/authorize';
import { requireSource, resolvePurpose } from '../policy/purpose';
import { type ColumnPlan, cellsToFields, planColumns, problemColumn, stableJson } from './csv-fields';
import {
  type BatchCounts,
  type ImportInputBase,
  type ImportReport,
  problemsOf,
  runImport,
} from './import-run';
import { PERSON_KEY_COLUMNS, personKeyOf, resolvePersonKeys } from './person-keys';

export interface ImportOrganisationsInput extends ImportInputBase {}

/** The contact-role columns of an organisation file. */
const ROLE_COLUMNS = [
  'person.person_id',
  'person.customer_number',
  'person.email',
  'person.hetu',
  'title',
  'starts_on',
  'ends_on',
] as const;

/**
 * Imports organisations and their contact persons from CSV (R2.8, R2.2). The organisation's columns are named
 * by its catalogue field ids (`name`, `business_id`, ...; or `mapping`); a row may also name a contact person by
 * `person.customer_number`, `person.email`, `person.hetu` or `person.person_id`, with `title`, `starts_on`
 * (YYYY-MM-DD or D.M.YYYY; today when empty) and `ends_on`. An organisation is matched on its business id (the
 * y-tunnus), else on its exact name, so a rerun updates rather than duplicates; several rows of one organisation
 * each add a contact person. A contact role the person already has in the organisation (open) is kept, its title
 * updated. Each write is validated as any other and leaves provenance and an audit row.
 *
 * @example
 * ```ts
 * await importOrganisations(reg, actor, {
 *   input: 'name;business_id;person.email;title\nOy Esimerkki Ab;1234567-1;maija@example.fi;CEO\n', source: 'purchases',
 * });
 * ```
 */
export async function importOrganisations(
  reg: Register,
  actor: Actor,
  input: ImportOrganisationsInput,
): Promise<ImportReport> {
  authorize(reg, actor, 'persons.write');
  const source = requireSource(reg, input.source);
  const purpose = resolvePurpose(reg, input.purpose);
  let plan: ColumnPlan | undefined;
  return runImport(reg, actor, 'organisations', input, source, {
    plan(headers) {
      plan = planColumns(reg, 'organisation', headers, input.mapping, ROLE_COLUMNS);
    },
    processBatch: async (tx, records, problem) => {
      const p = plan as ColumnPlan;
      const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0 };
      const cell = (values: Record<string, string>, target: string) => {
        const h = p.extra.get(target);
        const v = h === undefined ? '' : (values[h] ?? '').trim();
        return v === '' ? undefined : v;
      };
      for (const rec of records) {
        const report = (column: string | null, reason: string) => problem({ line: rec.line, column, reason });
        const v = validateFields(reg.catalogue, 'organisation', cellsToFields(p, rec.values));
        if (v.problems.length > 0) {
          for (const x of problemsOf(rec.line, v.problems, (at) => problemColumn(p, at))) problem(x);
          continue;
        }
        if (typeof v.values.name !== 'string') {
          report(p.columnOf.get('name') ?? 'name', 'an organisation needs a name');
          continue;
        }
        // The contact person, if the row names one.
        const keyCells = Object.fromEntries(
          PERSON_KEY_COLUMNS.map((k) => [k, cell(rec.values, `person.${k}`)]),
        ) as Record<(typeof PERSON_KEY_COLUMNS)[number], string | undefined>;
        const named = Object.values(keyCells).some((x) => x !== undefined);
        let personId: string | undefined;
        const title = cell(rec.values, 'title');
        const startsOn =
          dateCell(cell(rec.values, 'starts_on')) ?? reg.clock.now().toISOString().slice(0, 10);
        const endsOn = dateCell(cell(rec.values, 'ends_on'));
        if (named) {
          const k = personKeyOf(reg, keyCells);
          const keyColumn = (t: string | null) => (t === null ? null : (p.extra.get(`person.${t}`) ?? null));
          if ('reason' in k) {
            report(keyColumn(k.column), k.reason);
            continue;
          }
          const [found] = await resolvePersonKeys(tx, [k.key]);
          if (!found || 'reason' in found) {
            const first = PERSON_KEY_COLUMNS.find((c) => keyCells[c] !== undefined) ?? null;
            report(keyColumn(first), found && 'reason' in found ? found.reason : 'no person found');
            continue;
          }
          personId = found.personId;
          const bad = roleProblem(reg, title, startsOn, endsOn);
          if (bad) {
            report(p.extra.get(bad.column) ?? bad.column, bad.reason);
            continue;
          }
        } else if (title !== undefined || endsOn !== undefined) {
          report(
            p.extra.get('title') ?? null,
            'a title or an end date needs a contact person (person.customer_number, person.email, person.hetu)',
          );
          continue;
        }
        // The organisation: by business id, else by its exact name.
        const org = await findOrganisation(tx, v.values.business_id as string | undefined, v.values.name);
        if (org === 'ambiguous') {
          report(
            p.columnOf.get('name') ?? 'name',
            'several organisations have this name: give the business id',
          );
          continue;
        }
        let status: 'created' | 'updated' | 'unchanged' = 'unchanged';
        const now = reg.clock.now();
        let orgId: string;
        if (!org) {
          orgId = uuidv7();
          status = 'created';
          if (!b(input).dryRun) {
            await insertOrganisation(tx, reg, actor, { id: orgId, values: v.values, purpose, source });
          }
        } else {
          orgId = org.id;
          const stored: Record<string, unknown> = {
            name: org.name,
            business_id: org.business_id,
            ...org.attributes,
          };
          const changed = Object.fromEntries(
            Object.entries(v.values).filter(([k, x]) => stableJson(stored[k] ?? null) !== stableJson(x)),
          );
          if (Object.keys(changed).length > 0) {
            status = 'updated';
            if (!b(input).dryRun) {
              const { name, business_id, ...attributes } = changed;
              await tx
                .updateTable('organisations')
                .set({
                  ...(name !== undefined
                    ? { name: name as string, search_name: (name as string).toLowerCase() }
                    : {}),
                  ...(business_id !== undefined ? { business_id: business_id as string } : {}),
                  attributes: JSON.stringify({ ...org.attributes, ...attributes }),
                  updated_at: now,
                  updated_by: actor.id,
                })
                .where('id', '=', orgId)
                .execute();
              await recordWrite(tx, reg, actor, {
                action: 'update',
                entityType: 'organisation',
                entityId: orgId,
                personId: null,
                purpose,
                source,
                values: changed,
              });
            }
          }
        }
        if (personId) {
          const role = org
            ? await tx
                .selectFrom('contact_roles')
                .select(['id', 'title'])
                .where('person_id', '=', personId)
                .where('organisation_id', '=', orgId)
                .where('ends_on', 'is', null)
                .executeTakeFirst()
            : undefined;
          if (!role) {
            if (status === 'unchanged') status = 'updated';
            if (!b(input).dryRun) {
              const id = uuidv7();
              await insertContactRole(tx, reg, actor, {
                id,
                personId,
                organisationId: orgId,
                title,
                startsOn,
                endsOn,
                purpose,
                source,
              });
            }
          } else if (title !== undefined && role.title !== title) {
            if (status === 'unchanged') status = 'updated';
            if (!b(input).dryRun) {
              await tx
                .updateTable('contact_roles')
                .set({ title, updated_at: now, updated_by: actor.id })
                .where('id', '=', role.id)
                .execute();
              await recordWrite(tx, reg, actor, {
                action: 'update',
                entityType: 'contact_role',
                entityId: role.id,
                personId,
                purpose,
                source,
                values: { title },
                details: { organisationId: orgId },
              });
            }
          }
        }
        counts[status]++;
      }
      return counts;
    },
  });
}

function b(input: ImportOrganisationsInput): { dryRun: boolean } {
  return { dryRun: input.dryRun ?? false };
}

function dateCell(cell: string | undefined): string | undefined {
  if (cell === undefined) return undefined;
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(cell);
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : cell;
}

function roleProblem(
  reg: Register,
  title: string | undefined,
  startsOn: string,
  endsOn: string | undefined,
): { column: string; reason: string } | undefined {
  if (reg.catalogue.fieldsOf('contact_role').length === 0) {
    return { column: 'person.customer_number', reason: 'this register does not declare contact roles' };
  }
  if (title !== undefined) {
    if (!reg.catalogue.field('contact_role', 'title'))
      return {
        column: 'title',
        reason: 'the register definition does not declare a title for contact roles',
      };
    if (title.length > 200 || findControlCharacter(title, 'title'))
      return { column: 'title', reason: 'a title is 1–200 characters' };
  }
  if (!isIsoDate(startsOn)) return { column: 'starts_on', reason: 'starts_on must be a date YYYY-MM-DD' };
  if (endsOn !== undefined && (!isIsoDate(endsOn) || endsOn < startsOn))
    return { column: 'ends_on', reason: 'ends_on must be a date YYYY-MM-DD on or after starts_on' };
  return undefined;
}

async function findOrganisation(
  tx: Executor,
  businessId: string | undefined,
  name: string,
): Promise<
  | { id: string; name: string; business_id: string | null; attributes: Record<string, unknown> }
  | 'ambiguous'
  | undefined
> {
  const q = tx.selectFrom('organisations').select(['id', 'name', 'business_id', 'attributes']);
  const rows = businessId
    ? await q.where('business_id', '=', businessId).execute()
    : await q.where('name', '=', name).limit(2).execute();
  if (rows.length > 1) return 'ambiguous';
  const r = rows[0];
  return r ? { ...r, attributes: (r.attributes as Record<string, unknown>) ?? {} } : undefined;
}
