import { LupausError } from '@lupaus/core';
import {
  AUDIT_GENESIS,
  type AuditRow,
  auditChainPage,
  auditIdsWithHash,
  canonicalAudit,
  chainHash,
} from '@lupaus/db';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';

/** What is wrong with the audit trail, and where. */
export interface AuditProblem {
  /** The row where the chain breaks (for `truncated`, the last row there is; null when there is none). */
  id: string | null;
  /**
   * - `changed`: the row's content does not match its hash (edited in place);
   * - `inserted`: the chain goes around this row (a row that was never written through the register);
   * - `missing-before`: the row follows a row that is no longer there (a deleted row, between the previous id
   *   and this one: ids can have gaps from rolled-back transactions, so the chain, not the ids, says so);
   * - `reordered`: the row follows another row of the trail than the one before it;
   * - `unchained`: the row has no hash, after rows that have;
   * - `truncated`: the head the operator kept is not in the chain (rows at the end were deleted).
   */
  kind: 'changed' | 'inserted' | 'missing-before' | 'reordered' | 'unchained' | 'truncated';
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** The rows checked (every row after the legacy ones). */
  rows: number;
  /** Rows written before the chain existed (a leading run with no hash): not covered by the chain. */
  legacy: number;
  /** The hash of the last row: keep it somewhere else, and pass it as `expectedHead` next time. */
  head: string | null;
  problems: AuditProblem[];
}

export interface VerifyAuditOptions {
  /**
   * A head printed by an earlier verification and kept outside the database. A chain alone cannot show that
   * rows at its end were deleted; the kept head must still be in the chain.
   */
  expectedHead?: string;
  /** Rows read per query (default 5 000). */
  pageSize?: number;
}

const MAX_PROBLEMS = 100;
const HASH_RE = /^[0-9a-f]{64}$/;

interface Seen {
  id: string;
  hash: string | null;
  /** The `changed` problem of this row, if its content did not match its hash. */
  changed?: AuditProblem;
}

/**
 * Verifies the audit trail's hash chain (R6.4): reads every row in id order, a page at a time, recomputes each
 * row's hash from its content and the previous row's hash under the register's audit chain key, and names each
 * break by its row id: an edited row, a deleted row (and between which rows), an inserted row, reordered rows,
 * a row without a hash. With `expectedHead`, also rows deleted from the end. Reads ids only; it writes no audit
 * row (the audit trail holds no personal data, and reading it is no read of personal data).
 *
 * @example
 * ```ts
 * const v = await verifyAudit(reg, actor, { expectedHead: keptHead });
 * if (!v.ok) for (const p of v.problems) console.log(p.id, p.kind, p.message);
 * ```
 */
export async function verifyAudit(
  reg: Register,
  actor: Actor,
  opts: VerifyAuditOptions = {},
): Promise<AuditVerification> {
  authorize(reg, actor, 'audit.read');
  const expectedHead = opts.expectedHead?.trim().toLowerCase();
  if (expectedHead !== undefined && !HASH_RE.test(expectedHead)) {
    throw new LupausError('VALIDATION_FAILED', { expectedHead: opts.expectedHead }, [
      { at: 'expectedHead', message: 'a head is the 64 hexadecimal characters verify printed' },
    ]);
  }
  const pageSize = Math.min(Math.max(Math.trunc(opts.pageSize ?? 5000), 1), 50_000);
  const key = reg.vault.auditKey;
  const problems: AuditProblem[] = [];
  const report = (p: AuditProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let rows = 0;
  let legacy = 0;
  let lastLegacy: string | null = null;
  let inLegacy = true;
  let anchored = false;
  let last: Seen | null = null;
  let beforeLast: Seen | null = null;
  let after: string | null = null;

  const check = async (r: AuditRow) => {
    const id = String(r.id);
    if (r.hash === null && inLegacy) {
      legacy++;
      lastLegacy = id;
      return;
    }
    inLegacy = false;
    rows++;
    if (r.hash === null) {
      report({
        id,
        kind: 'unchained',
        message: `row ${id} has no hash: it was written outside the chain, or its hash was removed`,
      });
      beforeLast = last;
      last = { id, hash: null };
      return;
    }
    const expected = last?.hash ?? AUDIT_GENESIS;
    if (r.prev_hash !== expected) {
      const aroundFrom = beforeLast?.hash ?? AUDIT_GENESIS;
      if (last?.changed && r.prev_hash === aroundFrom) {
        // The chain goes from the row before the previous one straight to this one: the previous row is not
        // part of it.
        last.changed.kind = 'inserted';
        last.changed.message = `row ${last.id} was inserted: the chain goes from ${
          beforeLast ? `row ${beforeLast.id}` : 'its start'
        } to row ${id}, around it`;
      } else if (r.prev_hash === AUDIT_GENESIS) {
        report({
          id,
          kind: 'reordered',
          message: `row ${id} starts the chain, but comes after row ${last?.id ?? lastLegacy}`,
        });
      } else {
        const follows = r.prev_hash ? await auditIdsWithHash(reg.db, r.prev_hash) : [];
        const other = follows.find((x) => x !== last?.id);
        if (other !== undefined) {
          report({
            id,
            kind: 'reordered',
            message: `row ${id} is out of order: it follows row ${other} in the chain${last ? `, not row ${last.id}` : ''}`,
          });
        } else if (last) {
          report({
            id,
            kind: 'missing-before',
            message: `a row is missing between rows ${last.id} and ${id}`,
          });
        } else {
          report({
            id,
            kind: 'missing-before',
            message: `rows are missing before row ${id}: the chain does not start at its beginning`,
          });
        }
      }
    }
    let changed: AuditProblem | undefined;
    if (r.prev_hash === null || chainHash(key, r.prev_hash, canonicalAudit(r)) !== r.hash) {
      changed = {
        id,
        kind: 'changed',
        message: `row ${id} was changed: its content does not match its hash`,
      };
      report(changed);
    }
    if (expectedHead !== undefined && r.hash === expectedHead) anchored = true;
    beforeLast = last;
    last = { id, hash: r.hash, changed };
  };

  for (;;) {
    const page = await auditChainPage(reg.db, after, pageSize);
    for (const r of page) await check(r);
    if (page.length < pageSize) break;
    after = String(page[page.length - 1]!.id);
  }

  const end = last as Seen | null;
  if (end?.changed?.kind === 'changed') {
    end.changed.message = `row ${end.id} was changed or added: its content does not match its hash`;
  }
  if (expectedHead !== undefined && !anchored) {
    report({
      id: end?.id ?? null,
      kind: 'truncated',
      message: `the head you kept (${expectedHead.slice(0, 12)}…) is not in the chain: rows after ${
        end ? `row ${end.id}` : 'its start'
      } were deleted, or the head is of another register`,
    });
  }
  return { ok: problems.length === 0, rows, legacy, head: end?.hash ?? null, problems };
}
