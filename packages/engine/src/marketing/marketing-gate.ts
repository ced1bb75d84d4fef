import { LupausError, type ProblemDetail, utcDate } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { auditPersonsShown } from '../audit/audit';
import {
  addresseeName,
  type ContactKind,
  channelProblem,
  channels,
  contactHash,
  type MarketingChannel,
  type MarketingPurpose,
  type PostalAddress,
  purposeProblem,
  purposes,
  withoutConsent,
} from '../consents/consent-policy';
import type { Actor, Register } from '../context';
import { ERASURE_MARKS } from '../erasure/erase-person';
import { authorize } from '../policy/authorize';
import { readableFields } from '../policy/field-access';
import { isId } from '../policy/ids';

/**
 * THE marketing gate (R3.2): the one module that builds a marketing selection. Segments (CSV), mailing labels
 * (PDF, HTML) and the API's selections all call `selectForMarketing`; nothing else in the code selects persons
 * for marketing.
 *
 * Input: a marketing purpose (an id of `definition.marketing.purposes`), a channel (an id of
 * `definition.marketing.channels`) and optionally a filter: a list of customer numbers, a list of person ids,
 * and/or an audience (`consumers` or `business` contacts only).
 *
 * A person comes out only if all of these hold (evaluated as of `reg.clock.now()`, "today" its UTC date):
 * 1. Not restricted (art. 18): no `restrictions` row with `lifted_at` null; and not waiting to be erased or
 *    anonymised (a blocked erasure keeps an address for a debt, never for marketing: `ERASURE_MARKS`).
 * 2. No objection: no `objections` row in state `upheld` or `pending` of kind `direct_marketing` whose channel
 *    is this one or null (= every channel), whatever its purpose; and, when the purpose is profiling (see
 *    `purposes` in consent-policy.ts), none of kind `profiling`.
 * 3. Consent: the latest `consents` row of (channel, purpose) (by `at`, then id) is `given`; or there is none
 *    and the purpose's model is `opt_out` and not (the channel is electronic and the person is a consumer).
 *    A latest `withdrawn` or `prohibited` row always excludes.
 * 4. Consumer or business (laki sähköisen viestinnän palveluista 200–201 §): a person is a business contact
 *    only while they have an active contact role (`contact_roles` with `starts_on` ≤ today and `ends_on` null or
 *    ≥ today); electronic opt-out marketing is allowed to business contacts only. Everyone else is a consumer,
 *    whom electronic marketing reaches only with a prior `given` consent.
 * 5. The person has a contact point the channel needs: an email for email, a phone for SMS and phone, a postal
 *    address for post (channels whose contact point the register does not know cannot be selected for).
 * 6. Not suppressed: none of the person's contact points of that kind is on the suppression list for this
 *    channel (an entry of the same kind and channel, whose purpose is null or this purpose, and whose
 *    `valid_until` is null or later than now). A postal address is suppressed by an entry of the address alone
 *    (everyone there) or of the address with this person's name (a personal prohibition, an ASML entry). Entries are keyed hashes, so this step hashes the candidates'
 *    contact points with the vault's lookup key and finds them with one indexed statement per page.
 *
 * Steps 1–5 are one set-based statement (works on PGlite and PostgreSQL, for a million persons: it walks the
 * persons' primary key a page at a time, each condition an indexed `exists` or lateral lookup); step 6 one
 * statement per page. Every page of persons selected gets one audit row naming them all in `person_ids` (action
 * `marketing_select`, the purpose, the channel, the use and one selection id), in the same transaction.
 */

export interface MarketingSelectionInput {
  purpose: string;
  channel: string;
  /** Only these customer numbers. */
  customerNumbers?: string[] | undefined;
  /** Only these persons. */
  personIds?: string[] | undefined;
  /** Only consumers, or only business contacts (persons with an active contact role). */
  audience?: 'all' | 'consumers' | 'business' | undefined;
}

export interface MarketingContact {
  personId: string;
  customerNumber: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Whether the person is a business contact now (an active contact role). */
  business: boolean;
  /** The first contact point of the kind the channel needs. */
  email: string | null;
  phone: string | null;
  address: PostalAddress | null;
}

export interface MarketingSelection {
  selectionId: string;
  purpose: string;
  channel: string;
  kind: ContactKind;
  at: string;
  contacts: MarketingContact[];
  /**
   * Persons who passed every other rule but were left out because a contact point of theirs is on a suppression
   * list, counted by the list: an imported list by its name (such as "ASML Puhelintarjonnan rajoituspalvelu"), a
   * person's own objection or prohibition as `objection` / `prohibition` (R3.2). Counts only, no persons.
   */
  suppressedBy: Record<string, number>;
}

/** What the selection is for, recorded in its audit rows. */
export type MarketingUse = 'selection' | 'segment' | 'labels';

export const MAX_FILTER_ITEMS = 100_000;
export const GATE_PAGE = 5000;

const KIND_FIELD: Record<ContactKind, string> = { email: 'email', phone: 'phone', address: 'address' };

/** A selection checked by `checkSelection`: the purpose and channel resolved, the filters parsed. */
export interface Checked {
  purpose: MarketingPurpose;
  channel: MarketingChannel & { kind: ContactKind };
  customerNumbers: string[] | null;
  personIds: string[] | null;
  audience: 'all' | 'consumers' | 'business';
  /** Whether the actor's roles may read the customer number (else the contacts carry none). */
  showCustomerNumber: boolean;
}

/**
 * Validates a selection's input against the definition and the actor's read roles; throws with every problem
 * named (VALIDATION_FAILED 422, or FORBIDDEN when the actor may not read the fields the selection shows).
 *
 * @example
 * ```ts
 * checkSelection(reg, actor, { purpose: 'direct_marketing', channel: 'email' }).channel.kind; // 'email'
 * ```
 */
export function checkSelection(reg: Register, actor: Actor, input: MarketingSelectionInput): Checked {
  const problems: ProblemDetail[] = [];
  const cp = channelProblem(reg, input?.channel);
  if (cp) problems.push(cp);
  const pp = purposeProblem(reg, input?.purpose);
  if (pp) problems.push(pp);
  const channel = channels(reg).find((c) => c.id === input?.channel);
  if (channel && !channel.kind) {
    problems.push({
      at: 'channel',
      message: `the register does not know what contact point channel "${channel.id}" uses (email, sms, phone, post do)`,
    });
  }
  for (const key of ['customerNumbers', 'personIds'] as const) {
    const list = input?.[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > MAX_FILTER_ITEMS) {
      problems.push({ at: key, message: `${key} is a list of at most ${MAX_FILTER_ITEMS} items` });
      continue;
    }
    const bad = list.findIndex((x) => (key === 'personIds' ? !isId(x) : typeof x !== 'string' || x === ''));
    if (bad >= 0) {
      problems.push({
        at: `${key}[${bad}]`,
        message:
          key === 'personIds'
            ? `"${String(list[bad]).slice(0, 60)}" is not a valid person id`
            : 'a customer number is non-empty text',
      });
    }
  }
  const audience = input?.audience ?? 'all';
  if (!['all', 'consumers', 'business'].includes(audience)) {
    problems.push({ at: 'audience', message: 'audience is all, consumers or business' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const readable = new Set(readableFields(reg, actor, 'person').map((f) => f.id));
  const needed = ['first_name', 'last_name', KIND_FIELD[channel!.kind!]];
  // Filtering by customer numbers would confirm them: it needs them readable too.
  if (input.customerNumbers !== undefined) needed.push('customer_number');
  const missing = needed.filter((f) => reg.catalogue.field('person', f) && !readable.has(f));
  if (missing.length > 0) {
    throw new LupausError(
      'FORBIDDEN',
      { fields: missing },
      missing.map((f) => ({ at: f, message: `your roles may not read ${f}, which the selection shows` })),
    );
  }
  return {
    purpose: purposes(reg).find((p) => p.id === input.purpose)!,
    channel: channel as Checked['channel'],
    customerNumbers: input.customerNumbers ?? null,
    personIds: input.personIds?.map((x) => x.toLowerCase()) ?? null,
    audience: audience as Checked['audience'],
    showCustomerNumber: !reg.catalogue.field('person', 'customer_number') || readable.has('customer_number'),
  };
}

interface CandidateRow {
  id: string;
  customer_number: string | null;
  first_name: string | null;
  last_name: string | null;
  business: boolean;
  points: unknown;
}

/**
 * The rules of steps 1–5 as SQL over `persons p` and the latest choice `lc` (joined by `latestChoice`), written
 * once for the gate's selection and for the count of who is left out and why (`countLeftOut`), so the two can
 * never disagree.
 */
export function gateRules(c: Checked, now: Date) {
  const today = utcDate(now);
  const activeRole = sql<boolean>`exists (select 1 from contact_roles r where r.person_id = p.id
      and r.starts_on <= ${today}::date and (r.ends_on is null or r.ends_on >= ${today}::date))`;
  const pointTable =
    c.channel.kind === 'email'
      ? 'person_emails'
      : c.channel.kind === 'phone'
        ? 'person_phones'
        : 'person_addresses';
  const objectionKinds = c.purpose.profiling
    ? sql`((o.kind = 'direct_marketing' and (o.channel is null or o.channel = ${c.channel.id})) or o.kind = 'profiling')`
    : sql`(o.kind = 'direct_marketing' and (o.channel is null or o.channel = ${c.channel.id}))`;
  const rule = withoutConsent(c.purpose.model, c.channel.electronic);
  return {
    activeRole,
    /** The selection's own filters: customer numbers, person ids, audience. */
    filters: [
      c.customerNumbers === null ? sql`true` : sql`p.customer_number = any(${c.customerNumbers}::text[])`,
      c.personIds === null ? sql`true` : sql`p.id = any(${c.personIds}::uuid[])`,
      c.audience === 'business'
        ? activeRole
        : c.audience === 'consumers'
          ? sql`not ${activeRole}`
          : sql`true`,
    ],
    /** Step 1: processing restricted … */
    restricted: sql<boolean>`exists (select 1 from restrictions r where r.person_id = p.id and r.lifted_at is null)`,
    /** … or an erasure under way. */
    erasing: sql<boolean>`coalesce(p.relationship_end_reason in (${sql.join(Object.values(ERASURE_MARKS))}), false)`,
    /** Step 2: an objection to direct marketing on this channel (or to profiling, for a profiling purpose). */
    objected: sql<boolean>`exists (select 1 from objections o where o.person_id = p.id
        and o.state in ('upheld', 'pending') and ${objectionKinds})`,
    /** Step 3: a contact point of the channel's kind. */
    hasPoint: sql<boolean>`exists (select 1 from ${sql.table(pointTable)} x where x.person_id = p.id)`,
    /** Step 4: the latest choice of this channel × purpose, as `lc.state`. */
    latestChoice: sql`left join lateral (
      select c.state from consents c
      where c.person_id = p.id and c.channel = ${c.channel.id} and c.purpose = ${c.purpose.id}
      order by c.at desc, c.id desc limit 1
    ) lc on true`,
    /** Step 5: without a consent row, opt-out purposes only, and on an electronic channel business contacts only. */
    withoutConsent:
      rule === 'nobody' ? sql<boolean>`false` : rule === 'business' ? activeRole : sql<boolean>`true`,
  };
}

/** Steps 1–5: one page of candidates after `after`, in person id order. */
async function candidatePage(
  tx: Executor,
  c: Checked,
  now: Date,
  after: string | null,
  limit: number,
): Promise<CandidateRow[]> {
  const rules = gateRules(c, now);
  const points =
    c.channel.kind === 'email'
      ? sql`(select coalesce(json_agg(x.value order by x.position), '[]'::json) from person_emails x where x.person_id = p.id)`
      : c.channel.kind === 'phone'
        ? sql`(select coalesce(json_agg(x.value order by x.position), '[]'::json) from person_phones x where x.person_id = p.id)`
        : sql`(select coalesce(json_agg(json_build_object('street', x.street, 'poBox', x.po_box,
              'postalCode', x.postal_code, 'city', x.city, 'country', x.country) order by x.position), '[]'::json)
            from person_addresses x where x.person_id = p.id)`;
  const filters = [after === null ? sql`true` : sql`p.id > ${after}::uuid`, ...rules.filters];
  const result = await sql<CandidateRow>`
    select p.id, p.customer_number, p.first_name, p.last_name, ${rules.activeRole} as business, ${points} as points
    from persons p
    ${rules.latestChoice}
    where ${sql.join(filters, sql` and `)}
      and not ${rules.restricted}
      and not ${rules.erasing}
      and not ${rules.objected}
      and ${rules.hasPoint}
      and (lc.state = 'given' or (lc.state is null and ${rules.withoutConsent}))
    order by p.id
    limit ${limit}`.execute(tx);
  return result.rows;
}

function parsePoints(raw: unknown): unknown[] {
  const v = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return Array.isArray(v) ? v : [];
}

/** Whether any suppression entry could apply to this selection at all. */
async function hasSuppressions(tx: Executor, c: Checked, now: Date): Promise<boolean> {
  const row = await sql<{ found: boolean }>`
    select exists (select 1 from suppressions s
      where s.kind = ${c.channel.kind} and s.channel = ${c.channel.id}
        and (s.purpose is null or s.purpose = ${c.purpose.id})
        and (s.valid_until is null or s.valid_until > ${now})) as found`.execute(tx);
  return row.rows[0]?.found === true;
}

/**
 * Step 6: the hex hashes among `hashes` that are on the suppression list for this channel and purpose, each with
 * the lists that hold it (an imported list by its name, else `objection` or `prohibition`).
 */
async function suppressedAmong(
  tx: Executor,
  c: Checked,
  now: Date,
  hashes: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (hashes.length === 0) return out;
  const rows = await sql<{ h: string; list: string }>`
    select distinct encode(s.value_hash, 'hex') as h, coalesce(s.list_name, s.reason) as list from suppressions s
    where s.kind = ${c.channel.kind} and s.channel = ${c.channel.id}
      and (s.purpose is null or s.purpose = ${c.purpose.id})
      and (s.valid_until is null or s.valid_until > ${now})
      and s.value_hash in (select decode(x, 'hex') from unnest(${hashes}::text[]) as x)`.execute(tx);
  for (const r of rows.rows) out.set(r.h, [...(out.get(r.h) ?? []), r.list]);
  return out;
}

/**
 * Runs the gate page by page inside the caller's transaction, handing each page of admitted contacts to
 * `onPage` (already audited). Returns the selection's id and count.
 *
 * @example
 * ```ts
 * await reg.db.transaction().execute((tx) =>
 *   forEachMarketingPageIn(tx, reg, actor, { purpose, channel: 'post' }, 'labels', (page) => print(page)),
 * );
 * ```
 */
export async function forEachMarketingPageIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  input: MarketingSelectionInput,
  use: MarketingUse,
  onPage: (contacts: MarketingContact[]) => void | Promise<void>,
  opts: { pageSize?: number } = {},
): Promise<{
  selectionId: string;
  count: number;
  kind: ContactKind;
  at: Date;
  /** Persons left out because a contact point is on a suppression list, by list (see `MarketingSelection`). */
  suppressedBy: Record<string, number>;
}> {
  const c = checkSelection(reg, actor, input);
  const now = reg.clock.now();
  const selectionId = uuidv7();
  const pageSize = opts.pageSize ?? GATE_PAGE;
  let after: string | null = null;
  let count = 0;
  const suppressedBy: Record<string, number> = {};
  // Most selections meet no suppression entry of their kind and channel: then nothing needs hashing.
  const anySuppression = await hasSuppressions(tx, c, now);
  for (;;) {
    const rows = await candidatePage(tx, c, now, after, pageSize);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const perPerson = rows.map((r) => {
      const points = parsePoints(r.points);
      // An address is suppressed for everyone at it, or for this addressee at it.
      const name = addresseeName(r.first_name, r.last_name);
      const hashes = !anySuppression
        ? []
        : points.flatMap((pt) =>
            c.channel.kind === 'address'
              ? [
                  contactHash(reg, 'address', pt as PostalAddress).toString('hex'),
                  contactHash(reg, 'address', { ...(pt as PostalAddress), name }).toString('hex'),
                ]
              : [contactHash(reg, c.channel.kind, pt as string).toString('hex')],
          );
      return { r, points, hashes };
    });
    const suppressed = await suppressedAmong(
      tx,
      c,
      now,
      perPerson.flatMap((x) => x.hashes),
    );
    // Who a list keeps out, counted by the list (the reason the selection names).
    for (const x of perPerson) {
      if (x.points.length === 0) continue;
      const lists = new Set(x.hashes.flatMap((h) => suppressed.get(h) ?? []));
      for (const list of lists) suppressedBy[list] = (suppressedBy[list] ?? 0) + 1;
    }
    const admitted: MarketingContact[] = perPerson
      .filter((x) => x.points.length > 0 && !x.hashes.some((h) => suppressed.has(h)))
      .map(({ r, points }) => {
        const first = points[0];
        return {
          personId: r.id,
          customerNumber: c.showCustomerNumber ? r.customer_number : null,
          firstName: r.first_name,
          lastName: r.last_name,
          business: r.business === true || (r.business as unknown) === 't',
          email: c.channel.kind === 'email' ? (first as string) : null,
          phone: c.channel.kind === 'phone' ? (first as string) : null,
          address: c.channel.kind === 'address' ? (first as PostalAddress) : null,
        };
      });
    if (admitted.length > 0) {
      await auditPersonsShown(
        tx,
        reg,
        actor,
        {
          action: 'marketing_select',
          purpose: c.purpose.id,
          details: { selectionId, channel: c.channel.id, purpose: c.purpose.id, use },
        },
        admitted.map((a) => a.personId),
      );
      count += admitted.length;
      await onPage(admitted);
    }
    if (rows.length < pageSize) break;
  }
  return { selectionId, count, kind: c.channel.kind, at: now, suppressedBy };
}

/**
 * Selects the persons a marketing purpose may reach on a channel (R3.2), by the rules above, in one transaction;
 * every person selected is audited.
 *
 * @example
 * ```ts
 * const sel = await selectForMarketing(reg, actor, { purpose: 'direct_marketing', channel: 'email' });
 * for (const c of sel.contacts) console.log(c.email);
 * ```
 */
export async function selectForMarketing(
  reg: Register,
  actor: Actor,
  input: MarketingSelectionInput,
  use: MarketingUse = 'selection',
): Promise<MarketingSelection> {
  authorize(reg, actor, 'marketing.select');
  checkSelection(reg, actor, input);
  return reg.db.transaction().execute(async (tx) => {
    const contacts: MarketingContact[] = [];
    const r = await forEachMarketingPageIn(tx, reg, actor, input, use, (page) => {
      contacts.push(...page);
    });
    return {
      selectionId: r.selectionId,
      purpose: input.purpose,
      channel: input.channel,
      kind: r.kind,
      at: r.at.toISOString(),
      contacts,
      suppressedBy: r.suppressedBy,
    };
  });
}
