import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDuration, dueDate, relationshipStatus, subtractDuration } from '@lupaus/core';
import { insertRetentionRun } from '@lupaus/db';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { attachFile } from '../files/attach-file';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { EXAMPLES_DIR } from '../register/open-register';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { getRetentionRun } from './get-retention-run';
import { listRetentionRuns } from './list-retention-runs';
import { planRetention } from './plan-retention';
import { runRetention } from './run-retention';
import { recordIds, retentionAudit, storedFileCount, tableCounts } from './testing';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Instants clustered around month ends, leap days and midnight, where calendar arithmetic goes wrong. */
function trickyInstant(rnd: () => number): Date {
  const year = 2019 + Math.floor(rnd() * 8);
  const month = Math.floor(rnd() * 12);
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = rnd() < 0.6 ? last - Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * last);
  const ms = rnd() < 0.3 ? 0 : Math.floor(rnd() * 86_400_000);
  return new Date(Date.UTC(year, month, day) + ms);
}

describe('the sweep’s SQL and the core rules agree', () => {
  it('R5.1 addDuration and subtractDuration equal PostgreSQL’s timestamp ± interval in UTC', async () => {
    reg = await openTestRegister('003-auntie');
    const rnd = random(7);
    const periods = ['P1M', 'P3M', 'P7M', 'P1Y', 'P10Y', 'P1M1D', 'P2W', 'P3Y', 'P1Y6M', 'P30D'];
    const cases = Array.from({ length: 400 }, (_, i) => ({
      at: trickyInstant(rnd),
      period: periods[i % periods.length]!,
    }));
    const rows = await sql<{ plus: Date; minus: Date }>`select
        (((e.j->>'at')::timestamptz at time zone 'UTC') + (e.j->>'period')::interval) at time zone 'UTC' as plus,
        (((e.j->>'at')::timestamptz at time zone 'UTC') - (e.j->>'period')::interval) at time zone 'UTC' as minus
      from jsonb_array_elements(${JSON.stringify(cases.map((c) => ({ at: c.at.toISOString(), period: c.period })))}::jsonb)
        with ordinality as e(j, n) order by e.n`.execute(reg.db);
    rows.rows.forEach((r, i) => {
      const c = cases[i]!;
      expect(addDuration(c.at, c.period).toISOString(), `${c.at.toISOString()} + ${c.period}`).toBe(
        new Date(r.plus).toISOString(),
      );
      expect(subtractDuration(c.at, c.period).toISOString(), `${c.at.toISOString()} - ${c.period}`).toBe(
        new Date(r.minus).toISOString(),
      );
    });
  });

  it('R5.1 from_creation: the records the sweep finds due are exactly those whose dueDate has come', async () => {
    reg = await openTestRegister('002-vastuu-group', { clock: fixedClock('2019-01-01T00:00:00Z') });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const rnd = random(11);
    const rows = Array.from({ length: 600 }, (_, i) => ({
      id: uuidv7(),
      person_id: p.id,
      category: i % 2 ? 'chats' : 'call_recordings',
      occurred_at: trickyInstant(rnd),
      data: '{}',
      source: 'subject',
      recorded_at: new Date(),
      recorded_by: 'test',
    }));
    await r.db.insertInto('interactions').values(rows).execute();
    const rules = Object.fromEntries(r.catalogue.categories.map((c) => [c.id, c.retention!]));
    for (const asOf of [
      '2025-02-28',
      '2024-02-29',
      '2024-03-31T06:00:00Z',
      '2026-08-31',
      '2023-12-31T23:59:59.999Z',
    ]) {
      const plan = await planRetention(r, TEST_ADMIN, { asOf, limit: 1000 });
      const at = new Date(plan.asOf).getTime();
      const found = new Set(plan.items.map((x) => x.id));
      const expected = rows.filter((x) => {
        const d = dueDate(rules[x.category]!, 'interaction', { occurredAt: x.occurred_at });
        return d.status === 'due_at' && d.at.getTime() <= at;
      });
      expect(found.size, asOf).toBe(expected.length);
      for (const x of expected)
        expect(found.has(x.id), `${asOf} ${x.category} ${x.occurred_at.toISOString()}`).toBe(true);
      for (const item of plan.items) expect(new Date(item.dueAt!).getTime()).toBeLessThanOrEqual(at);
    }
  });

  it('R5.1 until_relationship_ended: the persons the sweep finds due are those relationshipStatus calls ended', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2019-01-01T00:00:00Z') });
    const r = reg;
    const rnd = random(5);
    const persons = Array.from({ length: 300 }, (_, i) => {
      const created = trickyInstant(rnd);
      const contact = rnd() < 0.8 ? trickyInstant(rnd) : null;
      const ended = rnd() < 0.2 ? trickyInstant(rnd) : null;
      return {
        id: uuidv7(),
        first_name: `P${i}`,
        search_name: `p${i}`,
        attributes: '{}',
        created_at: created,
        updated_at: created,
        created_by: 't',
        updated_by: 't',
        last_contact_at: contact,
        relationship_ended_at: ended,
      };
    });
    await r.db.insertInto('persons').values(persons).execute();
    for (const asOf of ['2024-02-29', '2025-02-28T12:00:00Z', '2027-01-31']) {
      const plan = await planRetention(r, TEST_ADMIN, { asOf, limit: 1000 });
      const at = new Date(plan.asOf);
      const found = new Set(plan.items.filter((x) => x.category === 'basic_details').map((x) => x.id));
      const expected = persons.filter(
        (x) =>
          relationshipStatus(
            r.definition.retention?.relationshipEnd,
            {
              createdAt: x.created_at,
              relationshipEndedAt: x.relationship_ended_at,
              lastContactAt: x.last_contact_at,
              hasOpenInvoice: false,
              hasOpenCollection: false,
            },
            at,
          ).state === 'ended',
      );
      expect([...found].sort(), asOf).toEqual(expected.map((x) => x.id).sort());
      expect(plan.persons.due, asOf).toBe(expected.length);
    }
  });
});

describe('dry run, report and runs', () => {
  it('R5.2 a dry run shows what would go and changes nothing but its own report row', async () => {
    const clock = fixedClock('2025-01-01T00:00:00Z');
    reg = await openTestRegister('002-vastuu-group', { clock });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'A', last_name: 'B' },
    });
    const call = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'call_recordings',
      source: 'subject',
      fields: { called_at: '2025-01-01T00:00:00Z' },
    });
    await attachFile(r, TEST_ADMIN, call.id, 'call_recording', {
      name: 'a.mp3',
      mediaType: 'audio/mpeg',
      bytes: Buffer.from('x'),
    });
    const before = await tableCounts(r);
    const audit = await r.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    const report = await runRetention(r, TEST_ADMIN, { asOf: '2026-01-01', dryRun: true });
    expect(report).toMatchObject({ dryRun: true, status: 'completed' });
    expect(report.groups.find((g) => g.category === 'call_recordings')).toMatchObject({ due: 1, deleted: 0 });
    expect(await tableCounts(r)).toEqual(before);
    expect(await r.db.selectFrom('audit_log').selectAll().orderBy('id').execute()).toEqual(audit);
    expect(await storedFileCount(r)).toBe(1);
    const runs = await listRetentionRuns(r, TEST_ADMIN);
    expect(runs.items).toEqual([
      expect.objectContaining({ id: report.runId, dryRun: true, status: 'completed' }),
    ]);
    const run = await getRetentionRun(r, TEST_ADMIN, report.runId);
    expect(run.report.groups?.find((g) => g.category === 'call_recordings')?.due).toBe(1);
  });

  it('R5.2 bad input is a clear error naming what and where, and changes nothing', async () => {
    reg = await openTestRegister('002-vastuu-group');
    const r = reg;
    const before = await tableCounts(r);
    await expect(runRetention(r, TEST_ADMIN, { asOf: '2026-02-30' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [
        expect.objectContaining({
          at: 'asOf',
          message: expect.stringContaining('"2026-02-30" is not a date'),
        }),
      ],
    });
    await expect(runRetention(r, TEST_ADMIN, { asOf: 'yesterday' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    // A real run never removes what falls due only after today; a dry run may look ahead.
    await expect(runRetention(r, TEST_ADMIN, { asOf: '2999-01-01' })).rejects.toMatchObject({
      problems: [
        expect.objectContaining({ at: 'asOf', message: expect.stringContaining('by the end of today') }),
      ],
    });
    await expect(runRetention(r, TEST_ADMIN, { batchSize: 0 })).rejects.toMatchObject({
      problems: [expect.objectContaining({ at: 'batchSize' })],
    });
    await expect(getRetentionRun(r, TEST_ADMIN, 'x')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(getRetentionRun(r, TEST_ADMIN, uuidv7())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await tableCounts(r)).toEqual(before);
    expect((await listRetentionRuns(r, TEST_ADMIN)).items).toEqual([]);
    await expect(runRetention(r, TEST_ADMIN, { asOf: '2999-01-01', dryRun: true })).resolves.toMatchObject({
      dryRun: true,
    });
  });

  it('R5.2 two runs never overlap; a run left running by a dead process is marked interrupted by the next', async () => {
    reg = await openTestRegister('002-vastuu-group');
    const r = reg;
    const stale = uuidv7();
    await insertRetentionRun(r.db, {
      id: stale,
      asOf: new Date(),
      dryRun: false,
      status: 'running',
      startedAt: new Date(),
      actor: 'x',
    });
    const [a, b] = await Promise.allSettled([runRetention(r, TEST_ADMIN), runRetention(r, TEST_ADMIN)]);
    const outcomes = [a.status, b.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const failed = [a, b].find((x) => x.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({
      code: 'CONFLICT',
      problems: [expect.objectContaining({ at: 'retention' })],
    });
    const done = (
      [a, b].find((x) => x.status === 'fulfilled') as PromiseFulfilledResult<{ interrupted: string[] }>
    ).value;
    expect(done.interrupted).toEqual([stale]);
    expect((await getRetentionRun(r, TEST_ADMIN, stale)).status).toBe('interrupted');
    if (r.dbKind === 'postgres') {
      // Another process holding the lock (here: another connection) keeps this one out.
      await r.db.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(${sql.lit(0x4c555041)})`.execute(conn);
        await expect(runRetention(r, TEST_ADMIN)).rejects.toMatchObject({ code: 'CONFLICT' });
        await sql`select pg_advisory_unlock(${sql.lit(0x4c555041)})`.execute(conn);
      });
      await expect(runRetention(r, TEST_ADMIN)).resolves.toMatchObject({ status: 'completed' });
    }
  });
});

describe('anonymisation', () => {
  /** 003 with web usage anonymised rather than deleted, and the address of basic details anonymised. */
  function anonymisingSource(): string {
    const source = readFileSync(join(EXAMPLES_DIR, '003-auntie', 'register.yaml'), 'utf8');
    const web = source.indexOf('  - id: web_usage');
    const at = source.indexOf('    retention: customer_relationship\n', web);
    let out = `${source.slice(0, at)}    erasure: { strategy: anonymise }\n${source.slice(at)}`;
    out = out.replace(
      '      - id: address\n        label: { fi: Osoite, en: Address }\n        type: address\n',
      '      - id: address\n        label: { fi: Osoite, en: Address }\n        type: address\n        erasure: { strategy: anonymise }\n',
    );
    expect(out).not.toBe(source);
    return out;
  }

  it('R4.9 anonymised records are unlinked from the person and keep only what names nobody', async () => {
    const clock = fixedClock('2020-01-01T00:00:00Z');
    reg = await openTestRegister('003-auntie', { clock, definitionSource: anonymisingSource() });
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'subject',
      fields: {
        first_name: 'A',
        last_name: 'B',
        email: 'a@example.com',
        address: { street: 'Katu 1', postalCode: '33100', city: 'Tampere' },
        wishes: 'Aamulla',
      },
    });
    const visit = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'web_usage',
      source: 'transactions',
      fields: {
        ip_address: '192.0.2.57',
        visited_at: '2020-03-15T10:11:12Z',
        pages: ['/hinnasto'],
        browser: 'Firefox',
        referrer: 'https://example.com/x',
      },
    });
    // A legal hold on the person's own data keeps the person row, so the anonymised address can be seen.
    await sql`insert into legal_holds (id, person_id, category, reason, starts_at, ends_on, created_at, created_by)
      values (${uuidv7()}, ${p.id}, 'household', 'x', ${new Date('2020-01-01T00:00:00Z')}, '2099-01-01', now(), 't')`.execute(
      r.db,
    );
    clock.set('2030-01-01T00:00:00Z');
    const report = await runRetention(r, TEST_ADMIN, { asOf: '2030-01-01' });
    expect(report.groups.find((g) => g.category === 'web_usage')).toMatchObject({
      action: 'anonymise',
      anonymised: 1,
    });
    const row = await r.db
      .selectFrom('interactions')
      .selectAll()
      .where('id', '=', visit.id)
      .executeTakeFirstOrThrow();
    expect(row.person_id).toBeNull();
    expect(row.anonymised_at).not.toBeNull();
    expect(new Date(row.occurred_at).toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(row.data).toEqual({ ip_address: '192.0.2.0', visited_at: '2020-01-01T00:00:00.000Z' });
    const person = await getPerson(r, TEST_ADMIN, p.id);
    expect(person.fields).toEqual({ address: [{ postalCode: '33', country: 'FI' }] });
    const audit = await retentionAudit(r);
    expect(audit.find((a) => a.action === 'retention_anonymise')).toMatchObject({
      entity_type: 'interaction',
      person_id: p.id,
    });
    expect(
      audit.find(
        (a) => a.entity_type === 'person' && (a.details as { category: string }).category === 'basic_details',
      ),
    ).toMatchObject({
      action: 'retention_delete',
      details: expect.objectContaining({ anonymised: ['address'] }),
    });
    // Run again: nothing changes, no new audit rows.
    await runRetention(r, TEST_ADMIN, { asOf: '2030-01-01' });
    expect((await retentionAudit(r)).slice(audit.length)).toEqual([]);
    expect((await recordIds(r, 'interactions')).length).toBe(1);
  });
});
