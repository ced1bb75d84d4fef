import { LupausError, RECORD_HOLDERS, type RecordHolder } from '@lupaus/core';
import { arrayLiteral, RECORD_TABLES, type RecordTableHolder } from '@lupaus/db';
import { sql } from 'kysely';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import {
  ANONYMISATION_PURPOSE,
  ERASURE_PURPOSE,
  type ErasureBlocker,
  type ErasureMode,
} from './erase-person';
import { decideErasureIn } from './erasure-blockers';

/** What would become of one category of the person's records. */
export interface ErasurePlanRecords {
  holder: RecordHolder;
  category: string;
  /** Records that would be deleted. */
  erase: number;
  /** Records that would be anonymised (unlinked from the person, kept for statistics). */
  anonymise: number;
  /** Records a blocker keeps. */
  keep: number;
}

/** The dry run of an erasure or anonymisation (R4.4): what would go, what would stay and why. */
export interface ErasurePlan {
  personId: string;
  mode: ErasureMode;
  /** When the plan was made: the blockers' ends are judged on this day. */
  at: string;
  /** `completed` when nothing blocks (the person would go whole), else `blocked`. */
  state: 'completed' | 'blocked';
  blockers: ErasureBlocker[];
  /** Person fields the held data would keep on the person row while blocked. */
  keptFields: string[];
  /** Person fields that would lose their value (declared fields not kept; those without a value lose nothing). */
  erasedFields: string[];
  records: ErasurePlanRecords[];
  /** Other rows of the person that would go. */
  other: { files: number; consents: number; contactRoles: number; legalHolds: number };
  /** Whether the person row itself would go. */
  personGoes: boolean;
}

const TABLE_OF = (holder: RecordHolder) => RECORD_TABLES[holder as RecordTableHolder].table;
const PLAN_MODES: ErasureMode[] = ['erase', 'anonymise'];

/**
 * The dry run of an erasure (R4.4) or an anonymisation (R4.9): the same decisions as `erasePerson` makes
 * (`decideErasureIn`, the one place that knows the blockers), shown before staff confirm. It writes nothing but
 * its audit row (action `erasure_plan`, ids and counts only).
 *
 * @example
 * ```ts
 * const plan = await planErasure(reg, actor, { personId });
 * plan.blockers; // [{ kind: 'contact_role', id: '0193…', until: null }]
 * ```
 */
export async function planErasure(
  reg: Register,
  actor: Actor,
  input: { personId: string; mode?: ErasureMode | undefined; purpose?: string | undefined },
): Promise<ErasurePlan> {
  authorize(reg, actor, 'requests.manage');
  const personId = requireId(input?.personId, 'person', 'personId');
  const mode = input.mode ?? 'erase';
  if (!PLAN_MODES.includes(mode)) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'mode', message: `"${String(mode).slice(0, 30)}" is not a mode; use erase or anonymise` },
    ]);
  }
  const purpose =
    input.purpose === undefined
      ? mode === 'erase'
        ? ERASURE_PURPOSE
        : ANONYMISATION_PURPOSE
      : resolvePurpose(reg, input.purpose);
  const now = reg.clock.now();
  return reg.db.transaction().execute(async (tx) => {
    const d = await decideErasureIn(tx, reg, personId, mode, now);
    const blocked = d.blockers.length > 0;
    const records: ErasurePlanRecords[] = [];
    for (const r of d.records) {
      const counts = await sql<{ category: string; n: string | number; held: string | number }>`
        select category, count(*) as n, count(*) filter (where id = any(${arrayLiteral(r.held)}::uuid[])) as held
        from ${sql.table(TABLE_OF(r.holder))} where person_id = ${personId} group by category order by category`.execute(
        tx,
      );
      for (const c of counts.rows) {
        const n = Number(c.n);
        const held = d.wholePersonHeld || d.heldCategories.has(c.category) ? n : Number(c.held);
        const goes = n - held;
        records.push({
          holder: r.holder,
          category: c.category,
          erase: r.toDelete.includes(c.category) ? goes : 0,
          anonymise: r.toAnonymise.includes(c.category) ? goes : 0,
          keep: held,
        });
      }
    }
    // Files go with the person, except those of records a blocker keeps.
    const files = await sql<{
      entity_type: string;
      entity_id: string;
    }>`select entity_type, entity_id from files
      where person_id = ${personId}`.execute(tx);
    const keptRecords = new Set<string>();
    for (const ids of d.heldIds.values()) for (const id of ids) keptRecords.add(id);
    if (d.heldCategories.size > 0) {
      for (const holder of RECORD_HOLDERS) {
        const rows = await sql<{ id: string }>`select id from ${sql.table(TABLE_OF(holder))}
          where person_id = ${personId} and category = any(${arrayLiteral([...d.heldCategories])}::text[])`.execute(
          tx,
        );
        for (const row of rows.rows) keptRecords.add(row.id);
      }
    }
    const filesGo = d.wholePersonHeld
      ? 0
      : files.rows.filter((f) => !blocked || !keptRecords.has(f.entity_id)).length;
    const consents = d.wholePersonHeld
      ? 0
      : Number(
          (
            await sql<{
              n: string | number;
            }>`select count(*) as n from consents where person_id = ${personId}`.execute(tx)
          ).rows[0]?.n ?? 0,
        );
    const keptHolds = blocked ? d.activeHolds.map((h) => h.id) : [];
    const holds = Number(
      (
        await sql<{ n: string | number }>`select count(*) as n from legal_holds where person_id = ${personId}
          and not (id = any(${arrayLiteral(keptHolds)}::uuid[]))`.execute(tx)
      ).rows[0]?.n ?? 0,
    );
    const plan: ErasurePlan = {
      personId,
      mode,
      at: now.toISOString(),
      state: blocked ? 'blocked' : 'completed',
      blockers: d.blockers,
      keptFields: blocked ? d.personFields.filter((f) => d.keptFieldSet.has(f)) : [],
      erasedFields: blocked ? d.personFields.filter((f) => !d.keptFieldSet.has(f)) : d.personFields,
      records,
      other: {
        files: filesGo,
        consents,
        contactRoles: d.wholePersonHeld
          ? 0
          : blocked
            ? d.roles.length - d.activeRoles.length
            : d.roles.length,
        legalHolds: d.wholePersonHeld ? 0 : holds,
      },
      personGoes: !blocked,
    };
    await audit(tx, reg, actor, {
      action: 'erasure_plan',
      entityType: 'person',
      entityId: personId,
      personId,
      purpose,
      details: {
        mode,
        state: plan.state,
        blockers: plan.blockers.map((b) => ('id' in b ? { kind: b.kind, id: b.id } : { kind: b.kind })),
      },
    });
    return plan;
  });
}
