import { findControlCharacter, LupausError, type ProblemDetail, parseEmail } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { resolvePurpose } from '../policy/purpose';
import type { DisclosureEntry } from './list-disclosures';

export interface DisclosureInput {
  personId: string;
  /** The definition's disclosure id (`disclosures[].id`): its recipient and basis come from the definition. */
  disclosure: string;
  /**
   * The actual recipient (CJEU C-154/21, Österreichische Post): the collection agency, the authority and its
   * unit. Required: the log exists to tell the person who got their data.
   */
  recipientName: string;
  recipientEmail?: string | undefined;
  /** The categories given; the disclosure's own categories when omitted. Each must be one of them. */
  categories?: readonly string[] | undefined;
  /** The fields given (of those categories); none named means the categories as a whole. */
  fields?: readonly string[] | undefined;
  /** Why: the authority's order and its reference, the invoice sent to collection ... */
  reason?: string | undefined;
  /** When it was given (ISO 8601 with its zone); now when omitted. Not in the future. */
  at?: string | undefined;
  /** The purpose recorded in the audit trail: by default the disclosure's first purpose. */
  purpose?: string | undefined;
}

const MAX_TEXT = 500;

function text(value: unknown, at: string, problems: ProblemDetail[], max = MAX_TEXT): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > max) {
    problems.push({ at, message: `give a text of 1–${max} characters` });
    return null;
  }
  const bad = findControlCharacter(value.replace(/\r?\n/g, ' '), at);
  if (bad) problems.push(bad);
  return value.trim();
}

/**
 * Checks a disclosure against the definition; every problem named, nothing written.
 *
 * @example
 * ```ts
 * checkDisclosure(reg, { personId, disclosure: 'nope', recipientName: 'X' }); // throws VALIDATION_FAILED at 'disclosure'
 * ```
 */
export function checkDisclosure(reg: Register, input: DisclosureInput) {
  const problems: ProblemDetail[] = [];
  const def = reg.definition;
  const personId = requireId(input.personId, 'person', 'personId');
  const declared = def.disclosures.find((d) => d.id === input.disclosure);
  if (!declared) {
    problems.push({
      at: 'disclosure',
      message: `"${String(input.disclosure).slice(0, 60)}" is not a disclosure of this register; declared: ${
        def.disclosures.map((d) => d.id).join(', ') || '(none)'
      }`,
    });
  }
  const recipientName = text(input.recipientName, 'recipientName', problems, 200);
  if (recipientName === null && !problems.some((p) => p.at === 'recipientName')) {
    problems.push({
      at: 'recipientName',
      message: 'name the actual recipient (the company or authority the data went to)',
    });
  }
  let recipientEmail: string | null = null;
  if (input.recipientEmail !== undefined && input.recipientEmail !== null) {
    const e = parseEmail(String(input.recipientEmail));
    if (e.ok) recipientEmail = e.value;
    else problems.push({ at: 'recipientEmail', message: e.reason });
  }
  const reason = text(input.reason, 'reason', problems, 2000);
  let at = reg.clock.now();
  if (input.at !== undefined) {
    const d = new Date(input.at);
    if (
      typeof input.at !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(input.at) ||
      Number.isNaN(d.getTime())
    ) {
      problems.push({
        at: 'at',
        message: 'give the time as ISO 8601 with its zone, e.g. 2026-03-01T12:00:00Z',
      });
    } else if (d.getTime() > at.getTime()) {
      problems.push({ at: 'at', message: 'a disclosure is recorded once made: the time is in the future' });
    } else at = d;
  }
  let categories: string[] = [];
  let allowed: string[] = [];
  let basis: string | undefined;
  if (declared) {
    allowed = declared.categories.length > 0 ? declared.categories : def.categories.map((c) => c.id);
    categories = [...new Set(input.categories ?? declared.categories)];
    categories.forEach((c, i) => {
      if (!allowed.includes(c)) {
        problems.push({
          at: `categories[${i}]`,
          message: `"${String(c).slice(0, 60)}" is not a category of disclosure ${declared.id}; its categories: ${allowed.join(', ')}`,
        });
      }
    });
    if (categories.length === 0) {
      problems.push({
        at: 'categories',
        message: `disclosure ${declared.id} names no categories in the definition: name the categories given`,
      });
    }
    basis =
      declared.basis ??
      (() => {
        const bases = new Set(
          declared.purposes.flatMap((id) => def.purposes.find((p) => p.id === id)?.basis ?? []),
        );
        return bases.size === 1 ? [...bases][0] : undefined;
      })();
    if (!basis) {
      problems.push({
        at: 'disclosure',
        message: `the definition gives disclosure ${declared.id} no legal basis: add its basis to the definition first`,
      });
    }
  }
  const fields = [...new Set(input.fields ?? [])];
  fields.forEach((f, i) => {
    const ok = categories.some(
      (c) => allowed.includes(c) && reg.catalogue.category(c)?.fields.some((x) => x.id === f),
    );
    if (!ok) {
      problems.push({
        at: `fields[${i}]`,
        message: `"${String(f).slice(0, 60)}" is not a field of the categories given (${categories.join(', ')})`,
      });
    }
  });
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const purpose = resolvePurpose(reg, input.purpose ?? declared!.purposes[0]);
  return {
    personId,
    declared: declared!,
    basis: basis!,
    categories,
    fields,
    recipientName: recipientName!,
    recipientEmail,
    reason,
    at,
    purpose,
  };
}

/**
 * Records a disclosure inside the caller's transaction (R6.5): what was given (categories, fields), to whom
 * (the definition's recipient and the actual recipient), on which basis (the definition's), why and when. The
 * log is append-only; an audit row names the ids and categories.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute((tx) =>
 *   recordDisclosureIn(tx, reg, actor, { personId, disclosure: 'collection', recipientName: 'Perintä Oy' }),
 * );
 * ```
 */
export async function recordDisclosureIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  input: DisclosureInput,
): Promise<DisclosureEntry> {
  const c = checkDisclosure(reg, input);
  await requirePersonRow(tx, c.personId, 'personId');
  const id = uuidv7();
  await tx
    .insertInto('disclosure_log')
    .values({
      id,
      person_id: c.personId,
      disclosure: c.declared.id,
      recipient: c.declared.recipient,
      recipient_name: c.recipientName,
      recipient_email: c.recipientEmail,
      basis: c.basis,
      categories: c.categories,
      fields: c.fields,
      reason: c.reason,
      at: c.at,
      recorded_by: actor.id,
    })
    .execute();
  await audit(tx, reg, actor, {
    action: 'disclose',
    entityType: 'disclosure',
    entityId: id,
    personId: c.personId,
    purpose: c.purpose,
    details: {
      disclosure: c.declared.id,
      recipient: c.declared.recipient,
      categories: c.categories,
      fields: c.fields,
    },
  });
  return {
    id,
    disclosure: c.declared.id,
    recipient: c.declared.recipient,
    recipientName: c.recipientName,
    recipientEmail: c.recipientEmail,
    basis: c.basis,
    categories: c.categories,
    fields: c.fields,
    reason: c.reason,
    at: c.at.toISOString(),
  };
}

/**
 * Records a disclosure of a person's data in a transaction of its own (R6.5); see `recordDisclosureIn`.
 * The input is checked whole before the transaction opens.
 *
 * @example
 * ```ts
 * const entry = await recordDisclosure(reg, actor, {
 *   personId, disclosure: 'authority_orders', recipientName: 'Poliisi, Helsingin poliisilaitos',
 *   categories: ['contact_details'], reason: 'order 123/2026',
 * });
 * ```
 */
export async function recordDisclosure(
  reg: Register,
  actor: Actor,
  input: DisclosureInput,
): Promise<DisclosureEntry> {
  authorize(reg, actor, 'disclosures.manage');
  checkDisclosure(reg, input);
  return reg.db.transaction().execute((tx) => recordDisclosureIn(tx, reg, actor, input));
}
