import { uuidv7 } from 'uuidv7';
import { recordWrite } from '../audit/record-write';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireSource, resolvePurpose } from '../policy/purpose';
import {
  assertUnique,
  type PersonView,
  personView,
  planPersonWrite,
  validatePersonFields,
  writeLists,
} from './person-store';

export interface PersonWriteInput {
  /** The source of the data: a source id of the definition (R2.6). */
  source: string;
  purpose?: string | undefined;
  /** Declared fields only (R1.5); multiple-valued fields take a list or one value. */
  fields: Record<string, unknown>;
}

/**
 * Adds a person. Every field is validated against the register definition (an undeclared field is refused),
 * the hetu is encrypted and indexed by its keyed hash, each field's provenance is recorded, and an audit row is
 * written, all in one transaction.
 *
 * @example
 * ```ts
 * const person = await createPerson(reg, actor, {
 *   source: 'subject',
 *   fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
 * });
 * ```
 */
export async function createPerson(
  reg: Register,
  actor: Actor,
  input: PersonWriteInput,
): Promise<PersonView> {
  authorize(reg, actor, 'persons.write');
  const purpose = resolvePurpose(reg, input.purpose);
  const source = requireSource(reg, input.source);
  const { values } = validatePersonFields(reg, input.fields, { creating: true });
  const id = uuidv7();
  const now = reg.clock.now();
  const { columns, attributes, lists } = planPersonWrite(reg, values);
  return reg.db.transaction().execute(async (tx) => {
    await assertUnique(tx, columns, undefined);
    await tx
      .insertInto('persons')
      .values({
        id,
        customer_number: (columns.customer_number as string | undefined) ?? null,
        first_name: (columns.first_name as string | undefined) ?? null,
        last_name: (columns.last_name as string | undefined) ?? null,
        nickname: (columns.nickname as string | undefined) ?? null,
        search_name: columns.search_name as string,
        hetu_cipher: (columns.hetu_cipher as Buffer | undefined) ?? null,
        hetu_lookup: (columns.hetu_lookup as Buffer | undefined) ?? null,
        attributes: JSON.stringify(attributes),
        created_at: now,
        updated_at: now,
        created_by: actor.id,
        updated_by: actor.id,
      })
      .execute();
    await writeLists(tx, id, lists);
    await recordWrite(tx, reg, actor, {
      action: 'create',
      entityType: 'person',
      entityId: id,
      personId: id,
      purpose,
      source,
      values,
    });
    const row = await tx.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return personView(tx, reg, actor, row);
  });
}
