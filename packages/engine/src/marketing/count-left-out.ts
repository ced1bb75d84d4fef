import { sql } from 'kysely';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { checkSelection, gateRules, type MarketingSelectionInput } from './marketing-gate';

/**
 * Why persons are left out of a marketing selection (R3.2), counted by the first rule of the marketing gate that
 * keeps each one out (the order of marketing-gate.ts): restricted or waiting to be erased; an objection to direct
 * marketing (or to profiling, for a profiling purpose); no contact point of the channel's kind; the latest choice
 * of the channel × purpose a prohibition, or a withdrawn consent; no consent where one is needed (an opt-in
 * purpose, or electronic marketing to a consumer). Suppression lists come after these and are counted by the gate
 * itself, by list (`suppressedBy`). Counts only: no person is shown, so nothing is audited person by person.
 *
 * One set-based statement over the gate's own rules (`gateRules`), so the count and the selection cannot disagree.
 *
 * @example
 * ```ts
 * await countLeftOut(reg, actor, { purpose: 'direct_marketing', channel: 'post' });
 * // { restricted: 0, objection: 1, noContact: 3, prohibited: 2, withdrawn: 0, noConsent: 0 }
 * ```
 */
export interface LeftOutCounts {
  restricted: number;
  objection: number;
  noContact: number;
  prohibited: number;
  withdrawn: number;
  noConsent: number;
}

export async function countLeftOut(
  reg: Register,
  actor: Actor,
  input: MarketingSelectionInput,
): Promise<LeftOutCounts> {
  authorize(reg, actor, 'marketing.select');
  const c = checkSelection(reg, actor, input);
  const rules = gateRules(c, reg.clock.now());
  const result = await sql<Record<string, string | number>>`
    select
      count(*) filter (where x.restricted) as restricted,
      count(*) filter (where not x.restricted and x.objected) as objection,
      count(*) filter (where not x.restricted and not x.objected and not x.has_point) as no_contact,
      count(*) filter (where not x.restricted and not x.objected and x.has_point
        and x.state = 'prohibited') as prohibited,
      count(*) filter (where not x.restricted and not x.objected and x.has_point
        and x.state = 'withdrawn') as withdrawn,
      count(*) filter (where not x.restricted and not x.objected and x.has_point
        and x.state is null and not x.without_consent) as no_consent
    from (
      select
        (${rules.restricted} or ${rules.erasing}) as restricted,
        ${rules.objected} as objected,
        ${rules.hasPoint} as has_point,
        lc.state,
        ${rules.withoutConsent} as without_consent
      from persons p
      ${rules.latestChoice}
      where ${sql.join(rules.filters, sql` and `)}
    ) x`.execute(reg.db);
  const row = result.rows[0] ?? {};
  const n = (k: string) => Number(row[k] ?? 0);
  return {
    restricted: n('restricted'),
    objection: n('objection'),
    noContact: n('no_contact'),
    prohibited: n('prohibited'),
    withdrawn: n('withdrawn'),
    noConsent: n('no_consent'),
  };
}
