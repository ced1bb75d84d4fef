import type { CatalogueField, Holder } from '@lupaus/core';
import { LupausError } from '@lupaus/core';
import type { Actor, Register } from '../context';

/** The fields of a holder that the actor's roles may read (R6.2, from the catalogue's readRoles). */
export function readableFields(reg: Register, actor: Actor, holder: Holder): CatalogueField[] {
  return reg.catalogue.fieldsOf(holder).filter((f) => f.readRoles.some((r) => actor.roles.includes(r)));
}

/** Whether the actor may see a sensitive field (such as hetu) unmasked. */
export function mayReveal(field: CatalogueField, actor: Actor): boolean {
  return (field.revealRoles ?? []).some((r) => actor.roles.includes(r));
}

/**
 * Refuses (FORBIDDEN, one problem per field) unless the actor's roles may read every one of the fields, and
 * reveal those that are sensitive (R6.2). For documents that must be whole and show sensitive fields in full
 * (the access report, the portable data): they cannot leave a field out, so whoever may not see a field in
 * them may not prepare them.
 *
 * @example
 * ```ts
 * requireWhole(reg.catalogue.fields, actor, 'an access report'); // throws for customer_service: hetu in full
 * ```
 */
export function requireWhole(fields: readonly CatalogueField[], actor: Actor, what: string): void {
  const missing = fields.filter(
    (f) => !f.readRoles.some((r) => actor.roles.includes(r)) || (f.revealRoles && !mayReveal(f, actor)),
  );
  if (missing.length === 0) return;
  throw new LupausError(
    'FORBIDDEN',
    { fields: missing.map((f) => f.key) },
    missing.map((f) => ({
      at: f.key,
      message: `${what} shows ${f.key} in full, which your roles may not ${f.revealRoles ? 'reveal' : 'read'}`,
    })),
  );
}
