import {
  type CatalogueCategory,
  contactRoleBlocks,
  type Holder,
  openAccountsBlock,
  RECORD_HOLDERS,
  type RecordHolder,
  type RetentionRule,
} from '@lupaus/core';
import type { Register } from '../context';

/**
 * What the sweep works through, derived from the register definition alone (R5.1): each category with its
 * retention rule, where its data lives, and what may block it. No category, field or period is written in code.
 *
 * - records (orders, invoices, debt collection cases, loyalty levels, interactions): one table per holder, the
 *   category is the record's kind; a due record is deleted or anonymised whole;
 * - a person's own data: the category's fields are erased from the person; the person row goes when every
 *   person-held category is due and nothing else of the person is left;
 * - contact roles and organisations: the row goes whole, when every category of its holder is due.
 *
 * Categories of holders without storage yet (consents, requests) and rules the sweep cannot apply are listed as
 * skipped, with the reason, so that the report never hides them.
 */
export type SubjectKind = 'record' | 'person' | 'contact_role' | 'organisation';

export interface SweepTarget {
  category: CatalogueCategory;
  rule: RetentionRule;
  holder: Holder;
  subject: SubjectKind;
  /** What happens to due data: deleted (strategy delete, or keep: a keep reason holds only until retention ends), or anonymised. */
  action: 'delete' | 'anonymise';
  /** For contact roles and organisations: every category of the holder (the row goes when all are due). */
  siblings: { category: CatalogueCategory; rule: RetentionRule }[];
}

export interface ReviewTarget {
  category: CatalogueCategory;
  rule: RetentionRule;
  holder: Holder;
  subject: SubjectKind;
}

export interface SkippedCategory {
  category: string;
  holder: Holder;
  rule: string | null;
  reason: string;
}

export interface SweepTargets {
  /** Swept in this order: records, persons' own data, contact roles, organisations. */
  due: SweepTarget[];
  review: ReviewTarget[];
  skipped: SkippedCategory[];
  /** Every category a person holds (for deleting whole persons). */
  personCategories: { category: CatalogueCategory; rule: RetentionRule | undefined }[];
}

function subjectOf(holder: Holder): SubjectKind | undefined {
  if ((RECORD_HOLDERS as readonly string[]).includes(holder)) return 'record';
  if (holder === 'person') return 'person';
  if (holder === 'contact_role') return 'contact_role';
  if (holder === 'organisation') return 'organisation';
  return undefined;
}

/**
 * Records first; then persons' own data, before the contact roles that data of kind while_contact_person counts
 * from; then contact roles; organisations last, after their contact roles.
 */
const ORDER: Record<SubjectKind, number> = { record: 0, person: 1, contact_role: 2, organisation: 3 };

const NEEDS_PERIOD: RetentionRule['kind'][] = ['from_creation', 'after_relationship_end'];

export function sweepTargets(reg: Register): SweepTargets {
  const due: SweepTarget[] = [];
  const review: ReviewTarget[] = [];
  const skipped: SkippedCategory[] = [];
  for (const category of reg.catalogue.categories) {
    const holder = category.holder;
    const rule = category.retention;
    const subject = subjectOf(holder);
    if (!rule) {
      skipped.push({
        category: category.id,
        holder,
        rule: null,
        reason: 'the category has no retention rule',
      });
      continue;
    }
    if (!subject) {
      skipped.push({
        category: category.id,
        holder,
        rule: rule.id,
        reason: `data of holder ${holder} is not stored yet, so there is nothing to sweep`,
      });
      continue;
    }
    if (rule.kind === 'until_no_longer_needed') {
      review.push({ category, rule, holder, subject });
      continue;
    }
    if (NEEDS_PERIOD.includes(rule.kind) && !rule.period) {
      skipped.push({
        category: category.id,
        holder,
        rule: rule.id,
        reason: `a rule of kind ${rule.kind} needs a period`,
      });
      continue;
    }
    if (
      subject === 'organisation' &&
      (rule.kind === 'after_relationship_end' || rule.kind === 'until_relationship_ended')
    ) {
      skipped.push({
        category: category.id,
        holder,
        rule: rule.id,
        reason: 'an organisation has no customer relationship of its own to count from',
      });
      continue;
    }
    let siblings = [{ category, rule }];
    if (subject === 'contact_role' || subject === 'organisation') {
      // The row goes whole: when every category of its holder is due. A category kept until no longer needed
      // keeps the row for a person to decide; the first category of the holder stands for the others.
      const all = reg.catalogue.categoriesOf(holder);
      if (all.some((c) => c.retention?.kind === 'until_no_longer_needed')) {
        review.push({ category, rule, holder, subject });
        continue;
      }
      if (all.find((c) => c.retention)?.id !== category.id) continue;
      siblings = all.flatMap((c) => (c.retention ? [{ category: c, rule: c.retention }] : []));
    }
    due.push({
      category,
      rule,
      holder,
      subject,
      // A contact role or an organisation anonymised would be a link to nobody: it is deleted.
      action:
        category.erasure.strategy === 'anonymise' && (subject === 'record' || subject === 'person')
          ? 'anonymise'
          : 'delete',
      siblings,
    });
  }
  due.sort((a, b) => ORDER[a.subject] - ORDER[b.subject]);
  const personCategories = reg.catalogue
    .categoriesOf('person')
    .map((category) => ({ category, rule: category.retention }));
  return { due, review, skipped, personCategories };
}

export function isRecordHolder(holder: Holder): holder is RecordHolder {
  return (RECORD_HOLDERS as readonly string[]).includes(holder);
}

export { contactRoleBlocks, openAccountsBlock };
