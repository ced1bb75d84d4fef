import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { type ErasePersonInput, type ErasureResult, runErasure } from './erase-person';

/**
 * Anonymisation on request (R4.9, seeds 001 and 004: "vaatia tietojen anonymisointia soveltuvin osin"): the
 * person's identifying data goes and what is left of their records stays for statistics, linked to nobody.
 *
 * Every record not held by a blocker is anonymised whatever its category's erasure strategy: unlinked from the
 * person (`person_id` null, `anonymised_at` set), dated to its year, each value anonymised by its type
 * (`anonymiseValue`: free text and identifiers go, a date keeps its year, an IP address its network, an address
 * its postal region, amounts and choices stay); files go. The person's own fields go with the person row, as in
 * an erasure; suppressions, art. 19 notices, blockers and their resumption are those of `erasePerson` (a blocked
 * anonymisation anonymises the person's fields that are not held). With `requestId`, a verified request of type
 * `anonymisation` about the person is completed or marked blocked in the same transaction.
 *
 * @example
 * ```ts
 * const r = await anonymisePerson(reg, actor, { personId });
 * r.erased.anonymised; // 12 records kept for statistics, linked to nobody
 * ```
 */
export async function anonymisePerson(
  reg: Register,
  actor: Actor,
  input: ErasePersonInput,
): Promise<ErasureResult> {
  authorize(reg, actor, 'requests.manage');
  return runErasure(reg, actor, input, 'anonymise');
}
