import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, contactHash, purposes } from '../consents/consent-policy';
import type { Register } from '../context';
import { DEFINITION_FILE, EXAMPLES_DIR } from '../register/open-register';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { selectForMarketing } from './marketing-gate';

/**
 * R3.2 property: generated registers (persons with random emails, phones and addresses, random histories of
 * consents, withdrawals and prohibitions, restrictions, objections, contact roles and suppression entries)
 * go through the gate for every channel × purpose; the result equals an independent oracle written here, and
 * nobody who prohibited, withdrew, objected, is restricted or suppressed ever comes out.
 *
 * Seed 003 (email and SMS electronic, phone and post not; a profiling purpose), with market research made
 * opt-in so that both models are covered.
 */
const NOW = new Date('2026-06-15T12:00:00Z');
const TODAY = '2026-06-15';
const DAY = 86_400_000;

const EMAILS = ['anna@example.fi', 'Anna@Example.FI', 'bertta@example.fi', 'cecilia@example.com'];
const EMAIL_ID = (e: string) => e.toLowerCase();
const PHONES = ['+358401111111', '+358402222222', '+358403333333'];
const ADDRESSES = [
  { street: 'Kotikatu 1', postal_code: '00100', city: 'Helsinki', id: 'a' },
  { street: 'kotikatu  1', postal_code: '00100', city: 'HELSINKI', id: 'a' },
  { street: 'Rantatie 5 B', postal_code: '33100', city: 'Tampere', id: 'b' },
  { street: 'Kuja 9', postal_code: '90100', city: 'Oulu', id: 'c' },
];

type State = 'given' | 'withdrawn' | 'prohibited';
interface GenConsent {
  channel: string;
  purpose: string;
  state: State;
  daysAgo: number;
}
interface GenPerson {
  emails: number[];
  phones: number[];
  addresses: number[];
  consents: GenConsent[];
  restrictions: boolean[]; // lifted?
  objections: {
    kind: 'direct_marketing' | 'profiling' | 'legitimate_interest';
    channel: string | null;
    state: 'pending' | 'upheld' | 'rejected';
  }[];
  roles: { startsIn: number; endsIn: number | null }[];
}
interface GenSuppression {
  kind: 'email' | 'phone' | 'address';
  index: number;
  channel: string;
  purpose: string | null;
  validDays: number | null; // days from now; negative = already ended
}

describe('the marketing gate, property (R3.2)', () => {
  let reg: Register;
  let CHANNELS: string[];
  let PURPOSES: string[];

  beforeAll(async () => {
    const source = readFileSync(join(EXAMPLES_DIR, '003-auntie', DEFINITION_FILE), 'utf8').replace(
      /(- id: market_research\n\s+name: [^\n]+\n\s+model:) opt_out/,
      '$1 opt_in',
    );
    reg = await openTestRegister('003-auntie', {
      clock: fixedClock(NOW.toISOString()),
      definitionSource: source,
    });
    CHANNELS = channels(reg).map((c) => c.id);
    PURPOSES = purposes(reg).map((p) => p.id);
    expect(purposes(reg).find((p) => p.id === 'market_research')?.model).toBe('opt_in');
    expect(purposes(reg).find((p) => p.id === 'direct_marketing_profiling')?.profiling).toBe(true);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('R3.2 for generated registers the gate selects exactly what the oracle does, and never anyone who forbade it', async () => {
    const channel = fc.constantFrom('email', 'sms', 'phone', 'post');
    const purpose = fc.constantFrom('direct_marketing', 'direct_marketing_profiling', 'market_research');
    const personArb: fc.Arbitrary<GenPerson> = fc.record({
      emails: fc.uniqueArray(fc.integer({ min: 0, max: EMAILS.length - 1 }), { maxLength: 2 }),
      phones: fc.uniqueArray(fc.integer({ min: 0, max: PHONES.length - 1 }), { maxLength: 2 }),
      addresses: fc.uniqueArray(fc.integer({ min: 0, max: ADDRESSES.length - 1 }), { maxLength: 2 }),
      consents: fc.array(
        fc.record({
          channel,
          purpose,
          state: fc.constantFrom<State>('given', 'withdrawn', 'prohibited'),
          daysAgo: fc.integer({ min: 0, max: 5 }),
        }),
        { maxLength: 6 },
      ),
      restrictions: fc.array(fc.boolean(), { maxLength: 1 }),
      objections: fc.array(
        fc.record({
          kind: fc.constantFrom(
            'direct_marketing' as const,
            'profiling' as const,
            'legitimate_interest' as const,
          ),
          channel: fc.option(channel, { nil: null }),
          state: fc.constantFrom('pending' as const, 'upheld' as const, 'rejected' as const),
        }),
        { maxLength: 2 },
      ),
      roles: fc.array(
        fc.record({
          startsIn: fc.integer({ min: -3, max: 1 }),
          endsIn: fc.option(fc.integer({ min: -1, max: 2 }), { nil: null }),
        }),
        { maxLength: 1 },
      ),
    });
    const suppressionArb: fc.Arbitrary<GenSuppression> = fc
      .record({
        kind: fc.constantFrom('email' as const, 'phone' as const, 'address' as const),
        index: fc.nat(),
        channel,
        purpose: fc.option(purpose, { nil: null }),
        validDays: fc.option(fc.integer({ min: -2, max: 2 }), { nil: null }),
      })
      .map((s) => ({
        ...s,
        index:
          s.index %
          (s.kind === 'email' ? EMAILS.length : s.kind === 'phone' ? PHONES.length : ADDRESSES.length),
      }));

    await fc.assert(
      fc.asyncProperty(
        fc.array(personArb, { minLength: 1, maxLength: 8 }),
        fc.array(suppressionArb, { maxLength: 4 }),
        async (people, suppressions) => {
          const ids = await load(reg, people, suppressions);
          for (const ch of CHANNELS) {
            for (const pu of PURPOSES) {
              const got = (await selectForMarketing(reg, TEST_ADMIN, { purpose: pu, channel: ch })).contacts
                .map((c) => c.personId)
                .sort();
              const expected = oracle(reg, people, ids, suppressions, ch, pu).sort();
              expect(got, `${ch} × ${pu}`).toEqual(expected);
              // The promise itself, stated apart from the oracle.
              for (const [i, p] of people.entries()) {
                if (!got.includes(ids[i]!)) continue;
                const latest = latestConsent(p, ch, pu);
                expect(latest?.state === 'withdrawn' || latest?.state === 'prohibited').toBe(false);
                expect(p.restrictions.some((lifted) => !lifted)).toBe(false);
                expect(
                  p.objections.some(
                    (o) =>
                      o.kind === 'direct_marketing' &&
                      o.state !== 'rejected' &&
                      (o.channel === null || o.channel === ch),
                  ),
                ).toBe(false);
              }
            }
          }
        },
      ),
      { numRuns: 50 },
    );
  }, 300_000);
});

function kindOf(channel: string): 'email' | 'phone' | 'address' {
  return channel === 'email' ? 'email' : channel === 'post' ? 'address' : 'phone';
}

/** The latest consent of a channel × purpose: the latest time, and of equal times the one recorded last. */
function latestConsent(p: GenPerson, ch: string, pu: string): GenConsent | undefined {
  let best: { c: GenConsent; i: number } | undefined;
  p.consents.forEach((c, i) => {
    if (c.channel !== ch || c.purpose !== pu) return;
    if (!best || c.daysAgo < best.c.daysAgo || (c.daysAgo === best.c.daysAgo && i > best.i)) best = { c, i };
  });
  return best?.c;
}

function dateIn(days: number): string {
  return new Date(NOW.getTime() + days * DAY).toISOString().slice(0, 10);
}

/** What the gate should select, computed from the generated register without SQL or hashes. */
function oracle(
  reg: Register,
  people: GenPerson[],
  ids: string[],
  suppressions: GenSuppression[],
  ch: string,
  pu: string,
): string[] {
  const channel = channels(reg).find((c) => c.id === ch)!;
  const purpose = purposes(reg).find((p) => p.id === pu)!;
  const kind = kindOf(ch);
  const out: string[] = [];
  people.forEach((p, i) => {
    if (p.restrictions.some((lifted) => !lifted)) return;
    const objected = p.objections.some(
      (o) =>
        o.state !== 'rejected' &&
        ((o.kind === 'direct_marketing' && (o.channel === null || o.channel === ch)) ||
          (purpose.profiling && o.kind === 'profiling')),
    );
    if (objected) return;
    const business = p.roles.some(
      (r) =>
        dateIn(r.startsIn) <= TODAY && (r.endsIn === null || dateIn(Math.max(r.startsIn, r.endsIn)) >= TODAY),
    );
    const latest = latestConsent(p, ch, pu);
    const consentOk =
      latest?.state === 'given' ||
      (latest === undefined && purpose.model === 'opt_out' && (!channel.electronic || business));
    if (!consentOk) return;
    const points: string[] =
      kind === 'email'
        ? p.emails.map((e) => EMAIL_ID(EMAILS[e]!))
        : kind === 'phone'
          ? p.phones.map((x) => PHONES[x]!)
          : p.addresses.map((a) => ADDRESSES[a]!.id);
    if (points.length === 0) return;
    const suppressed = suppressions.some((s) => {
      if (s.kind !== kind || s.channel !== ch) return false;
      if (s.purpose !== null && s.purpose !== pu) return false;
      if (s.validDays !== null && s.validDays <= 0) return false;
      const value =
        s.kind === 'email'
          ? EMAIL_ID(EMAILS[s.index]!)
          : s.kind === 'phone'
            ? PHONES[s.index]!
            : ADDRESSES[s.index]!.id;
      return points.includes(value);
    });
    if (suppressed) return;
    out.push(ids[i]!);
  });
  return out;
}

/** Empties the register and writes the generated one straight into the tables. */
async function load(reg: Register, people: GenPerson[], suppressions: GenSuppression[]): Promise<string[]> {
  return reg.db.transaction().execute(async (tx) => {
    await sql`delete from persons`.execute(tx);
    await sql`delete from organisations`.execute(tx);
    await sql`delete from suppressions`.execute(tx);
    const ids = people.map(() => uuidv7());
    const org = uuidv7();
    const meta = { created_at: NOW, updated_at: NOW, created_by: 't', updated_by: 't' };
    await sql`insert into organisations (id, name, search_name, created_at, updated_at, created_by, updated_by)
      values (${org}, 'Oy', 'oy', ${NOW}, ${NOW}, 't', 't')`.execute(tx);
    for (const [i, p] of people.entries()) {
      const id = ids[i]!;
      await sql`insert into persons (id, first_name, last_name, search_name, created_at, updated_at, created_by, updated_by)
        values (${id}, ${`P${i}`}, 'Testi', ${`p${i} testi`}, ${NOW}, ${NOW}, 't', 't')`.execute(tx);
      for (const [pos, e] of p.emails.entries()) {
        const value = EMAILS[e]!;
        await tx
          .insertInto('person_emails')
          .values({ id: uuidv7(), person_id: id, position: pos, value, value_key: value.toLowerCase() })
          .execute();
      }
      for (const [pos, x] of p.phones.entries()) {
        await tx
          .insertInto('person_phones')
          .values({ id: uuidv7(), person_id: id, position: pos, value: PHONES[x]! })
          .execute();
      }
      for (const [pos, a] of p.addresses.entries()) {
        const { street, postal_code, city } = ADDRESSES[a]!;
        await tx
          .insertInto('person_addresses')
          .values({
            id: uuidv7(),
            person_id: id,
            position: pos,
            street,
            po_box: null,
            postal_code,
            city,
            country: 'FI',
          })
          .execute();
      }
      for (const c of p.consents) {
        await tx
          .insertInto('consents')
          .values({
            id: uuidv7(),
            person_id: id,
            channel: c.channel,
            purpose: c.purpose,
            state: c.state,
            at: new Date(NOW.getTime() - c.daysAgo * DAY),
            source: 'subject',
            evidence_text: 'generated',
            evidence_file_id: null,
            notice_version: 1,
            request_id: null,
            recorded_at: NOW,
            recorded_by: 't',
          })
          .execute();
      }
      for (const lifted of p.restrictions) {
        await tx
          .insertInto('restrictions')
          .values({
            id: uuidv7(),
            person_id: id,
            ground: 'accuracy_contested',
            reason: null,
            request_id: null,
            started_at: NOW,
            started_by: 't',
            lift_notified_at: null,
            lifted_at: lifted ? NOW : null,
            lifted_by: lifted ? 't' : null,
          })
          .execute();
      }
      for (const o of p.objections) {
        await tx
          .insertInto('objections')
          .values({
            id: uuidv7(),
            person_id: id,
            kind: o.kind,
            channel: o.channel,
            purpose: null,
            situation: null,
            state: o.state,
            decision: null,
            decided_at: null,
            decided_by: null,
            request_id: null,
            received_at: NOW,
            recorded_by: 't',
          })
          .execute();
      }
      for (const r of p.roles) {
        await tx
          .insertInto('contact_roles')
          .values({
            id: uuidv7(),
            person_id: id,
            organisation_id: org,
            title: null,
            starts_on: dateIn(r.startsIn),
            ends_on: r.endsIn === null ? null : dateIn(Math.max(r.startsIn, r.endsIn)),
            source: 'subject',
            ...meta,
          })
          .execute();
      }
    }
    for (const s of suppressions) {
      const hash =
        s.kind === 'email'
          ? contactHash(reg, 'email', EMAILS[s.index]!)
          : s.kind === 'phone'
            ? contactHash(reg, 'phone', PHONES[s.index]!)
            : contactHash(reg, 'address', {
                street: ADDRESSES[s.index]!.street,
                postalCode: ADDRESSES[s.index]!.postal_code,
                city: ADDRESSES[s.index]!.city,
                country: 'FI',
              });
      await tx
        .insertInto('suppressions')
        .values({
          id: uuidv7(),
          channel: s.channel,
          kind: s.kind,
          value_hash: hash,
          purpose: s.purpose,
          reason: 'import',
          list_name: 'generated',
          valid_until: s.validDays === null ? null : new Date(NOW.getTime() + s.validDays * DAY),
          added_at: NOW,
          added_by: 't',
        })
        .execute();
    }
    return ids;
  });
}
