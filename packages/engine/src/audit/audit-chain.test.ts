import { createHash, createHmac, randomBytes } from 'node:crypto';
import { AUDIT_GENESIS, canonicalAudit, chainHash, insertAudit } from '@lupaus/db';
import { TEST_DATABASE_URL } from '@lupaus/db/testing';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, Register } from '../context';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { listPersons } from '../persons/list-persons';
import { updatePerson } from '../persons/update-person';
import { ingestInteractions } from '../records/ingest-interactions';
import { fixedClock, openTestRegister, rejection, TEST_ADMIN } from '../testing';
import { searchAudit } from './search-audit';
import { verifyAudit } from './verify-audit';

const SERVICE: Actor = { id: 'cs-1', roles: ['customer_service'], commitmentSigned: true };
const AUDITOR: Actor = { id: 'aud-1', roles: ['auditor'], commitmentSigned: false };

/** What a database owner can do: switch the append-only trigger off, change the trail, switch it on. */
async function tamper(reg: Register, change: string): Promise<void> {
  await reg.db.transaction().execute(async (tx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
    await sql.raw(change).execute(tx);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
  });
}

async function trail(reg: Register) {
  return reg.db.selectFrom('audit_log').select(['id', 'prev_hash', 'hash']).orderBy('id').execute();
}

/** Persons written and read through the use cases: a trail of eight rows (the list view is one row). */
let made = 0;
async function someWork(reg: Register): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const p = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: `Henkilö${i}`, last_name: 'Testi', customer_number: `C-${made++}` },
    });
    ids.push(p.id);
    await getPerson(reg, SERVICE, p.id);
  }
  await updatePerson(reg, SERVICE, ids[0]!, { source: 'subject', fields: { last_name: 'Lehtonen' } });
  await listPersons(reg, TEST_ADMIN);
  return ids;
}

describe('the chain hash', () => {
  it('R6.4 is HMAC-SHA-256 of the previous hash and the row, whatever the characters, over a stable serialisation', () => {
    const key = randomBytes(32);
    const row = (details: Record<string, unknown>) =>
      canonicalAudit({
        at: new Date('2024-06-01T12:00:00.123Z'),
        actor: 'käyttäjä',
        action: 'read',
        entity_type: 'person',
        entity_id: null,
        person_id: null,
        purpose: 'asiakaspalvelu',
        details,
      });
    const a = row({ z: 1, a: { y: [1, { d: 2, c: 3 }], x: '😀' }, u: undefined });
    expect(a).toBe(
      '["2024-06-01T12:00:00.123Z","käyttäjä","read","person",null,null,"asiakaspalvelu",{"a":{"x":"😀","y":[1,{"c":3,"d":2}]},"z":1}]',
    );
    expect(row({ a: { x: '😀', y: [1, { c: 3, d: 2 }] }, z: 1 })).toBe(a);
    for (const text of [a, 'x'.repeat(5000), '']) {
      expect(chainHash(key, AUDIT_GENESIS, text)).toBe(
        createHmac('sha256', key).update(AUDIT_GENESIS).update(text).digest('hex'),
      );
    }
    expect(chainHash(randomBytes(32), AUDIT_GENESIS, a)).not.toBe(chainHash(key, AUDIT_GENESIS, a));
  });
});

describe('the audit trail hash chain', () => {
  let reg: Register;
  beforeEach(async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2024-06-01T12:00:00Z') });
  });
  afterEach(async () => {
    await reg.close();
  });

  it('R6.4 chains every row written through the use cases, in id order, and verifies it intact', async () => {
    const persons = await someWork(reg);
    await ingestInteractions(reg, TEST_ADMIN, {
      events: persons.map((id, i) => ({
        person: i === 0 ? { id } : { customerNumber: `C-${made - 3 + i}` },
        kind: 'web_usage',
        source: 'transactions',
        fields: { ip_address: '192.0.2.1', visited_at: '2024-05-01T10:00:00Z', pages: ['/'] },
      })),
    });
    const rows = await trail(reg);
    expect(rows.length).toBeGreaterThanOrEqual(9);
    let prev = AUDIT_GENESIS;
    for (const r of rows) {
      expect(r.prev_hash).toBe(prev);
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      prev = r.hash!;
    }
    const v = await verifyAudit(reg, AUDITOR);
    expect(v).toEqual({ ok: true, rows: rows.length, legacy: 0, head: prev, problems: [] });
  });

  it('R6.4 catches an edited row at its id', async () => {
    await someWork(reg);
    const rows = await trail(reg);
    const victim = rows[5]!.id;
    await tamper(reg, `update audit_log set purpose = 'marketing' where id = ${victim}`);
    const v = await verifyAudit(reg, AUDITOR);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      {
        id: String(victim),
        kind: 'changed',
        message: `row ${victim} was changed: its content does not match its hash`,
      },
    ]);
  });

  it('R6.4 a batch row names its persons under the hash: removing one of them is caught', async () => {
    const persons = await someWork(reg);
    await ingestInteractions(reg, TEST_ADMIN, {
      events: persons.map((id) => ({
        person: { id },
        kind: 'web_usage',
        source: 'transactions',
        fields: { ip_address: '192.0.2.1', visited_at: '2024-05-01T10:00:00Z', pages: ['/'] },
      })),
    });
    const batch = await reg.db
      .selectFrom('audit_log')
      .select(['id', 'person_ids'])
      .where('person_ids', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(batch.person_ids).toEqual(persons);
    expect((await verifyAudit(reg, AUDITOR)).ok).toBe(true);
    await tamper(reg, `update audit_log set person_ids = person_ids[1:2] where id = ${batch.id}`);
    expect((await verifyAudit(reg, AUDITOR)).problems.map((p) => [p.id, p.kind])).toEqual([
      [String(batch.id), 'changed'],
    ]);
  });

  it('R6.4 an edit that recomputes the hash without the register key is still caught', async () => {
    await someWork(reg);
    const rows = await trail(reg);
    const victim = rows[3]!;
    // Whoever has only the database can compute a plain SHA-256, not the keyed HMAC.
    const forged = createHash('sha256').update(`${victim.prev_hash}x`).digest('hex');
    await tamper(reg, `update audit_log set actor = 'nobody', hash = '${forged}' where id = ${victim.id}`);
    const v = await verifyAudit(reg, AUDITOR);
    expect(v.problems.map((p) => [p.id, p.kind])).toEqual([
      [String(victim.id), 'changed'],
      [String(rows[4]!.id), 'missing-before'],
    ]);
  });

  it('R6.4 catches a deleted row and says between which rows', async () => {
    await someWork(reg);
    const rows = await trail(reg);
    await tamper(reg, `delete from audit_log where id = ${rows[4]!.id}`);
    const v = await verifyAudit(reg, AUDITOR);
    expect(v.problems).toEqual([
      {
        id: String(rows[5]!.id),
        kind: 'missing-before',
        message: `a row is missing between rows ${rows[3]!.id} and ${rows[5]!.id}`,
      },
    ]);
  });

  it('R6.4 catches a deleted first row', async () => {
    await someWork(reg);
    const rows = await trail(reg);
    await tamper(reg, `delete from audit_log where id = ${rows[0]!.id}`);
    const v = await verifyAudit(reg, AUDITOR);
    expect(v.problems.map((p) => [p.id, p.kind])).toEqual([[String(rows[1]!.id), 'missing-before']]);
  });

  it('R6.4 catches a forged row inserted in the middle, whatever hash it was given', async () => {
    await someWork(reg);
    // A rolled-back transaction leaves a gap in the ids; the chain does not mind it.
    await reg.db
      .transaction()
      .execute(async (tx) => {
        await insertAudit(tx, reg.vault.auditKey, [
          {
            at: reg.clock.now(),
            actor: 'x',
            action: 'read',
            entityType: 'person',
            entityId: null,
            personId: null,
            purpose: 'service',
          },
        ]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await someWork(reg);
    const rows = await trail(reg);
    const gap = rows.findIndex((r, i) => i > 0 && Number(r.id) !== Number(rows[i - 1]!.id) + 1);
    expect(gap).toBeGreaterThan(0);
    expect((await verifyAudit(reg, AUDITOR)).ok).toBe(true);
    const before = rows[gap - 1]!;
    const forgedId = Number(before.id) + 1;
    await tamper(
      reg,
      `insert into audit_log (id, at, actor, action, entity_type, entity_id, person_id, purpose, details, prev_hash, hash)
       overriding system value values (${forgedId}, now(), 'cs-1', 'read', 'person', null, null, 'service', '{}',
       '${before.hash}', '${'ab'.repeat(32)}')`,
    );
    const v = await verifyAudit(reg, AUDITOR);
    expect(v.problems).toEqual([
      {
        id: String(forgedId),
        kind: 'inserted',
        message: `row ${forgedId} was inserted: the chain goes from row ${before.id} to row ${rows[gap]!.id}, around it`,
      },
    ]);
  });

  it('R6.4 catches a forged row added at the end', async () => {
    await someWork(reg);
    const rows = await trail(reg);
    await tamper(
      reg,
      `insert into audit_log (at, actor, action, entity_type, purpose, prev_hash, hash)
       values (now(), 'cs-1', 'read', 'person', 'service', '${rows.at(-1)!.hash}', '${'cd'.repeat(32)}')`,
    );
    const forged = (await trail(reg)).at(-1)!.id;
    const v = await verifyAudit(reg, AUDITOR);
    expect(v.problems).toEqual([
      {
        id: String(forged),
        kind: 'changed',
        message: `row ${forged} was changed or added: its content does not match its hash`,
      },
    ]);
    // The register goes on chaining from it; the forged row stays caught.
    await someWork(reg);
    expect((await verifyAudit(reg, AUDITOR)).problems.map((p) => p.id)).toEqual([String(forged)]);
  });

  it('R6.4 catches two rows that swapped places', async () => {
    await someWork(reg);
    await someWork(reg);
    const rows = await trail(reg);
    const [a, b] = [rows[3]!.id, rows[7]!.id];
    const cols =
      'at, actor, action, entity_type, entity_id, person_id, person_ids, purpose, details, prev_hash, hash';
    const set = cols
      .split(', ')
      .map((c) => `${c} = o.${c}`)
      .join(', ');
    await tamper(
      reg,
      `update audit_log l set ${set} from (select id, ${cols} from audit_log where id in (${a}, ${b})) o
       where l.id in (${a}, ${b}) and o.id <> l.id`,
    );
    const v = await verifyAudit(reg, AUDITOR);
    expect(v.ok).toBe(false);
    expect(new Set(v.problems.map((p) => p.kind))).toEqual(new Set(['reordered']));
    expect(v.problems.map((p) => p.id)).toEqual(
      expect.arrayContaining([String(a), String(rows[4]!.id), String(b), String(rows[8]!.id)]),
    );
    expect(v.problems[0]!.message).toBe(
      `row ${a} is out of order: it follows row ${rows[6]!.id} in the chain, not row ${rows[2]!.id}`,
    );
  });

  it('R6.4 a deleted last row is caught only against the head an operator kept', async () => {
    await someWork(reg);
    const kept = (await verifyAudit(reg, AUDITOR)).head!;
    await someWork(reg);
    // More rows since: the kept head is still in the chain.
    expect((await verifyAudit(reg, AUDITOR, { expectedHead: kept })).ok).toBe(true);
    const now = await verifyAudit(reg, AUDITOR);
    const rows = await trail(reg);
    await tamper(reg, `delete from audit_log where id = ${rows.at(-1)!.id}`);
    // The chain alone cannot tell: what is left is intact.
    expect((await verifyAudit(reg, AUDITOR)).ok).toBe(true);
    const v = await verifyAudit(reg, AUDITOR, { expectedHead: now.head!.toUpperCase() });
    expect(v.problems).toEqual([
      {
        id: String(rows.at(-2)!.id),
        kind: 'truncated',
        message: `the head you kept (${now.head!.slice(0, 12)}…) is not in the chain: rows after row ${rows.at(-2)!.id} were deleted, or the head is of another register`,
      },
    ]);
    const bad = await rejection(verifyAudit(reg, AUDITOR, { expectedHead: 'nope' }));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.problems[0]!.at).toBe('expectedHead');
  });

  it('R6.4 the trail is append-only: a plain UPDATE or DELETE fails', async () => {
    await someWork(reg);
    const rows = await trail(reg);
    await expect(
      sql`update audit_log set purpose = 'x' where id = ${rows[0]!.id}`.execute(reg.db),
    ).rejects.toThrow();
    await expect(sql`delete from audit_log where id = ${rows[0]!.id}`.execute(reg.db)).rejects.toThrow();
    expect(await trail(reg)).toEqual(rows);
    expect((await verifyAudit(reg, AUDITOR)).ok).toBe(true);
  });

  it('R6.4 rows from before the chain are counted as legacy; a row without a hash later is caught', async () => {
    await sql`insert into audit_log (at, actor, action, entity_type, purpose)
      values (now(), 'old', 'read', 'person', 'service'), (now(), 'old', 'read', 'person', 'service')`.execute(
      reg.db,
    );
    await someWork(reg);
    const rows = await trail(reg);
    expect(rows[2]!.prev_hash).toBe(AUDIT_GENESIS);
    const v = await verifyAudit(reg, AUDITOR);
    expect(v).toMatchObject({ ok: true, legacy: 2, rows: rows.length - 2 });
    await sql`insert into audit_log (at, actor, action, entity_type, purpose)
      values (now(), 'sneaky', 'read', 'person', 'service')`.execute(reg.db);
    const unchained = (await trail(reg)).at(-1)!.id;
    await someWork(reg);
    const w = await verifyAudit(reg, AUDITOR);
    expect(w.problems).toEqual([
      {
        id: String(unchained),
        kind: 'unchained',
        message: `row ${unchained} has no hash: it was written outside the chain, or its hash was removed`,
      },
    ]);
  });

  it('R6.4 verifying needs audit.read', async () => {
    const e = await rejection(verifyAudit(reg, SERVICE));
    expect(e.code).toBe('FORBIDDEN');
    expect((await rejection(searchAudit(reg, SERVICE, {}))).code).toBe('FORBIDDEN');
  });

  it('R6.4 verifies across pages', async () => {
    await someWork(reg);
    const all = await verifyAudit(reg, AUDITOR);
    expect(await verifyAudit(reg, AUDITOR, { pageSize: 2 })).toEqual(all);
    const rows = await trail(reg);
    await tamper(reg, `delete from audit_log where id = ${rows[4]!.id}`);
    expect((await verifyAudit(reg, AUDITOR, { pageSize: 4 })).problems.map((p) => p.id)).toEqual([
      String(rows[5]!.id),
    ]);
  });
});

describe('searching the audit trail', () => {
  let reg: Register;
  beforeEach(async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2024-06-01T12:00:00Z') });
  });
  afterEach(async () => {
    await reg.close();
  });

  it('R6.4 by person: who has looked at this person, and nobody else’s rows', async () => {
    const [a, b] = await someWork(reg);
    const other: Actor = { id: 'cs-2', roles: ['customer_service'], commitmentSigned: true };
    await getPerson(reg, other, a!);
    const page = await searchAudit(reg, AUDITOR, { personId: a!.toUpperCase() });
    expect(page.entries.length).toBeGreaterThan(0);
    // Its own rows and the list view that named it (one row naming every person shown).
    expect(page.entries.every((e) => e.personId === a)).toBe(true);
    expect(page.entries.map((e) => e.action)).toContain('list');
    expect(new Set(page.entries.map((e) => e.actor))).toEqual(new Set(['test-admin', 'cs-1', 'cs-2']));
    expect(page.entries[0]).toMatchObject({
      actor: 'cs-2',
      action: 'read',
      personId: a,
      entityType: 'person',
    });
    const ids = page.entries.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const ofB = await searchAudit(reg, AUDITOR, { personId: b! });
    expect(new Set(ofB.entries.map((e) => e.actor))).toEqual(new Set(['test-admin', 'cs-1']));
  });

  it('R6.4 by user, by time, a page at a time; searching writes no audit row', async () => {
    await someWork(reg);
    const before = (await trail(reg)).length;
    const first = await searchAudit(reg, AUDITOR, { actor: 'cs-1', limit: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.entries.every((e) => e.actor === 'cs-1')).toBe(true);
    const second = await searchAudit(reg, AUDITOR, { actor: 'cs-1', limit: 2, after: first.next! });
    expect(Number(second.entries[0]!.id)).toBeLessThan(Number(first.entries[1]!.id));
    const all = await searchAudit(reg, AUDITOR, { actor: 'cs-1' });
    expect(all.entries).toHaveLength(4);
    expect(all.next).toBeNull();
    expect((await searchAudit(reg, AUDITOR, { from: '2024-06-02' })).entries).toEqual([]);
    expect((await searchAudit(reg, AUDITOR, { to: '2024-06-02', limit: 1 })).entries).toHaveLength(1);
    expect((await trail(reg)).length).toBe(before);
  });

  it('R6.4 a bad search is refused, naming each problem', async () => {
    const e = await rejection(
      searchAudit(reg, AUDITOR, { personId: 'abc', from: 'yesterday', limit: 0, after: 'x' }),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.problems.map((p) => p.at)).toEqual(['personId', 'from', 'limit', 'after']);
    // A day that is not in the calendar (Date would roll 2026-02-30 over to March), and a NUL in a user id.
    for (const from of [
      '2026-13-45',
      '2026-02-30',
      '2025-02-29T10:00Z',
      '2026-01-01\u0000',
      '2026-01-01 junk',
    ]) {
      expect((await rejection(searchAudit(reg, AUDITOR, { from }))).problems.map((p) => p.at)).toEqual([
        'from',
      ]);
    }
    expect(
      (await searchAudit(reg, AUDITOR, { from: '2024-02-29T10:00:00+02:00' })).entries.length,
    ).toBeGreaterThanOrEqual(0);
    expect(
      (await rejection(searchAudit(reg, AUDITOR, { actor: 'cs\u00001' }))).problems.map((p) => p.at),
    ).toEqual(['actor']);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('the audit chain on a PostgreSQL server', () => {
  let reg: Register;
  beforeEach(async () => {
    reg = await openTestRegister('003-auntie');
  });
  afterEach(async () => {
    await reg.close();
  });

  it('R6.4 transactions writing audit rows at once still make one chain (the advisory lock)', async () => {
    const entry = (actor: string) => ({
      at: new Date(),
      actor,
      action: 'read',
      entityType: 'person',
      entityId: null,
      personId: null,
      purpose: 'service',
    });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    // The first holds the lock while the second tries to append.
    const first = reg.db.transaction().execute(async (tx) => {
      await insertAudit(tx, reg.vault.auditKey, [entry('a'), entry('a')]);
      await held;
      await insertAudit(tx, reg.vault.auditKey, [entry('a')]);
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = reg.db.transaction().execute((tx) => insertAudit(tx, reg.vault.auditKey, [entry('b')]));
    await new Promise((r) => setTimeout(r, 100));
    release();
    await Promise.all([first, second]);
    // And many use cases at once, over the pool's connections.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createPerson(reg, TEST_ADMIN, {
          source: 'subject',
          fields: { first_name: `P${i}`, last_name: 'Rinnakkain' },
        }),
      ),
    );
    const rows = await reg.db.selectFrom('audit_log').select(['actor']).orderBy('id').execute();
    expect(rows.slice(0, 4).map((r) => r.actor)).toEqual(['a', 'a', 'a', 'b']);
    const v = await verifyAudit(reg, AUDITOR);
    expect(v).toMatchObject({ ok: true, legacy: 0, problems: [] });
    expect(v.rows).toBeGreaterThanOrEqual(16);
  });
});
