import {
  type Blocker,
  type BlockerKind,
  endOfDay,
  type Holder,
  isIsoDate,
  LupausError,
  type RetentionRule,
} from '@lupaus/core';
import type { SkippedCategory } from './targets';

/**
 * What the sweep shows and reports (R5.2): the dry run's plan (what would go, why, and what is held back) and a
 * run's report (what went). Ids and field names only, never values, like the audit trail.
 */
export interface RetentionGroup {
  rule: string;
  kind: RetentionRule['kind'];
  category: string;
  holder: Holder;
  action: 'delete' | 'anonymise';
  /** Items due and free to go (in a plan: would go). */
  due: number;
  earliestDue: string | null;
  latestDue: string | null;
  /** Items due but held back, and by what. */
  blocked: number;
  blockedBy: Partial<Record<BlockerKind, number>>;
}

export interface RetentionItem {
  holder: Holder;
  category: string;
  rule: string;
  action: 'delete' | 'anonymise';
  /** The record, contact role or organisation; for a person's own data, the person. */
  id: string;
  personId: string | null;
  /** A person's own data: the fields that would be erased. */
  fields?: string[];
  dueAt: string | null;
  blockers?: Blocker[];
}

export interface ReviewGroup {
  rule: string;
  category: string;
  holder: Holder;
  /** How many items a person should review (older than `reviewEvery`, or all of them). */
  count: number;
  /** The date the oldest of them is counted from. */
  oldest: string | null;
  reviewEvery: string | null;
}

export interface RetentionPlan {
  asOf: string;
  groups: RetentionGroup[];
  /** Whole persons that would go: everything they hold is due and nothing else of them is left. */
  persons: { due: number; blocked: number; earliestDue: string | null; latestDue: string | null };
  /** Items that would go, up to `limit` per group, earliest due first. */
  items: RetentionItem[];
  /** Items due but held back, with their blockers, up to `limit` per group. */
  blocked: RetentionItem[];
  review: ReviewGroup[];
  skipped: SkippedCategory[];
  totals: { due: number; blocked: number; review: number };
  limit: number;
}

export interface RetentionRunGroup extends RetentionGroup {
  deleted: number;
  anonymised: number;
}

export interface RetentionReport {
  runId: string;
  asOf: string;
  dryRun: boolean;
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  groups: RetentionRunGroup[];
  persons: { due: number; deleted: number; blocked: number };
  review: ReviewGroup[];
  skipped: SkippedCategory[];
  totals: {
    deleted: number;
    anonymised: number;
    /** A person's own data of one category erased (counted once per person and category). */
    erased: number;
    persons: number;
    files: number;
    blocked: number;
    review: number;
  };
  batches: number;
  /** Runs left `running` by a process that died, marked interrupted by this one. */
  interrupted: string[];
}

/**
 * The instant a sweep runs as of: a date means the end of that UTC day (everything due on that date goes), a
 * date and time that instant. Anything else is a clear error naming `at`.
 */
export function parseAsOf(value: string | Date | undefined, now: Date, at = 'asOf'): Date {
  if (value === undefined) return now;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw badAsOf(String(value), at);
    return value;
  }
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    if (!isIsoDate(text)) throw badAsOf(text, at);
    return endOfDay(text);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime()) && isIsoDate(text.slice(0, 10))) return d;
  }
  throw badAsOf(text, at);
}

function badAsOf(value: string, at: string): LupausError {
  return new LupausError('VALIDATION_FAILED', { [at]: value }, [
    {
      at,
      message: `"${value.slice(0, 40)}" is not a date (YYYY-MM-DD, meaning the end of that UTC day) or a date and time with its zone (2026-03-01T12:00:00Z)`,
    },
  ]);
}

export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
