import type { CatalogueField, Holder } from '@lupaus/core';
import type { Actor, Register } from '../context';

/** The fields of a holder that the actor's roles may read (R6.2, from the catalogue's readRoles). */
export function readableFields(reg: Register, actor: Actor, holder: Holder): CatalogueField[] {
  return reg.catalogue.fieldsOf(holder).filter((f) => f.readRoles.some((r) => actor.roles.includes(r)));
}

/** Whether the actor may see a sensitive field (such as hetu) unmasked. */
export function mayReveal(field: CatalogueField, actor: Actor): boolean {
  return (field.revealRoles ?? []).some((r) => actor.roles.includes(r));
}
