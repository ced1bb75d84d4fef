import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate, pgliteParsers } from '../connect';
import { PGliteDialect } from '../dialect/pglite-dialect';
import { AUDIT_GENESIS, canonicalAudit, chainHash, insertAudit } from '../repositories/audit';
/**
 * Issue 8, upgrades: a register created by an older release opens and migrates. The fixture
 * (test/fixtures/register-0001.*, written once by src/scripts/make-upgrade-fixture.ts) is a register at migration
 * 0001-initial, the oldest schema a register can have: as SQL (loaded on PGlite or, with LUPAUS_TEST_DATABASE_URL,
 * on a fresh PostgreSQL database) and as a PGlite data directory written by an earlier PGlite. Each is migrated to
 * the latest schema, as opening a register does (`migrate`), and must then read back every person with their
 * fields, the hetu decrypting under the fixture's key, the audit chain verifying and going on.
 */
import { createServerDatabase, readUpgradeFixture, TEST_DATABASE_URL } from '../testing';
import type { Database } from '../types';
import { migrations } from './index';

const fixture = readUpgradeFixture();
const encryptionKey = Buffer.from(fixture.keys.encryption, 'base64');
const lookupKey = Buffer.from(fixture.keys.lookup, 'base64');
const auditKey = Buffer.from(hkdfSync('sha256', lookupKey, Buffer.alloc(0), 'lupaus audit chain v1', 32));

/** The vault's format: version 1, IV (12), tag (16), ciphertext. */
function decrypt(sealed: Buffer): string {
  expect(sealed[0]).toBe(1);
  const d = createDecipheriv('aes-256-gcm', encryptionKey, sealed.subarray(1, 13));
  d.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([d.update(sealed.subarray(29)), d.final()]).toString('utf8');
}

/** A fresh, EMPTY database (no migrations): PGlite in memory, or a new database on the test server. */
async function emptyDatabase(): Promise<{
  db: Kysely<Database>;
  load(sql: string): Promise<void>;
  close(): Promise<void>;
}> {
  if (TEST_DATABASE_URL) {
    const server = await createServerDatabase('lupaus_upgrade');
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      load: async (text) => {
        const c = await pool.connect();
        try {
          await c.query(text); // the simple protocol: many statements in one
        } finally {
          c.release();
        }
      },
      close: async () => {
        await db.destroy();
        await server.drop();
      },
    };
  }
  const pglite = await PGlite.create({ extensions: { pg_trgm }, parsers: pgliteParsers });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    load: async (text) => {
      await pglite.exec(text);
    },
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Everything the register must still say after the upgrade. */
async function expectRegisterReadsBack(db: Kysely<Database>): Promise<void> {
  expect(await appliedMigrations(db)).toEqual(Object.keys(migrations).sort());

  for (const p of fixture.persons) {
    const row = await db.selectFrom('persons').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      customer_number: p.customer_number,
      first_name: p.first_name,
      last_name: p.last_name,
      nickname: p.nickname,
    });
    const attributes = typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes;
    expect(attributes).toMatchObject({ gender: p.gender, language: p.language });
    if (p.hetu) {
      expect(decrypt(row.hetu_cipher as Buffer)).toBe(p.hetu);
      // The keyed lookup still finds the person by hetu.
      const found = await db
        .selectFrom('persons')
        .select('id')
        .where('hetu_lookup', '=', createHmac('sha256', lookupKey).update(p.hetu).digest())
        .execute();
      expect(found.map((f) => f.id)).toEqual([p.id]);
    } else {
      expect(row.hetu_cipher).toBeNull();
    }
    const emails = await db
      .selectFrom('person_emails')
      .select('value')
      .where('person_id', '=', p.id)
      .orderBy('position')
      .execute();
    expect(emails.map((e) => e.value)).toEqual(p.email);
    const phones = await db
      .selectFrom('person_phones')
      .select('value')
      .where('person_id', '=', p.id)
      .orderBy('position')
      .execute();
    expect(phones.map((e) => e.value)).toEqual(p.phone);
    const addresses = await db
      .selectFrom('person_addresses')
      .select(['street', 'postal_code', 'city', 'country'])
      .where('person_id', '=', p.id)
      .orderBy('position')
      .execute();
    expect(addresses).toEqual(
      p.address.map((a) => ({
        street: a.street,
        postal_code: a.postalCode,
        city: a.city,
        country: a.country,
      })),
    );
    const fields = await db
      .selectFrom('provenance')
      .select('field')
      .where('entity_type', '=', 'person')
      .where('entity_id', '=', p.id)
      .execute();
    expect(fields.map((f) => f.field)).toContain('first_name');
    if (p.hetu) expect(fields.map((f) => f.field)).toContain('hetu');
  }
  const role = await db
    .selectFrom('contact_roles')
    .select(['person_id', 'organisation_id'])
    .where('id', '=', fixture.contactRole.id)
    .executeTakeFirstOrThrow();
  expect(role).toEqual({ person_id: fixture.contactRole.personId, organisation_id: fixture.organisation.id });

  // The audit chain verifies row by row under the key derived from the fixture's lookup key.
  const audit = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
  expect(audit).toHaveLength(fixture.audit.rows);
  let prev = AUDIT_GENESIS;
  for (const r of audit) {
    const details = typeof r.details === 'string' ? JSON.parse(r.details) : r.details;
    expect(r.prev_hash).toBe(prev);
    expect(r.hash, `audit row ${r.id}`).toBe(chainHash(auditKey, prev, canonicalAudit({ ...r, details })));
    prev = r.hash!;
  }
  expect(prev).toBe(fixture.audit.head);

  // The upgraded register goes on: a new audit row continues the old chain, the append-only trigger of 0005 now
  // guards it, and a table of a later migration (consents, 0004) takes rows of the old persons.
  await insertAudit(db, auditKey, [
    {
      at: new Date(),
      actor: 'upgrade-test',
      action: 'read',
      entityType: 'person',
      entityId: fixture.persons[0]!.id,
      personId: fixture.persons[0]!.id,
      purpose: 'customer_relationship',
    },
  ]);
  const last = await db
    .selectFrom('audit_log')
    .select(['prev_hash'])
    .orderBy('id', 'desc')
    .limit(1)
    .execute();
  expect(last[0]!.prev_hash).toBe(fixture.audit.head);
  await expect(sql`update audit_log set actor = 'x'`.execute(db)).rejects.toThrow();
  await db
    .insertInto('consents')
    .values({
      id: '0190a1b2-0009-7000-8000-000000000001',
      person_id: fixture.persons[0]!.id,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      at: new Date(),
      source: 'subject',
      evidence_text: 'upgrade test',
      evidence_file_id: null,
      notice_version: 1,
      request_id: null,
      recorded_at: new Date(),
      recorded_by: 'upgrade-test',
    })
    .execute();
}

describe('upgrades (issue 8)', () => {
  it('issue 8 R2.1 R6.4: a register at the oldest schema (0001, SQL fixture) migrates to the latest and reads back whole', async () => {
    const handle = await emptyDatabase();
    try {
      await handle.load(fixture.sql());
      expect(await appliedMigrations(handle.db)).toEqual([fixture.schema]);
      await migrate(handle.db);
      await expectRegisterReadsBack(handle.db);
      await migrate(handle.db); // opening it again migrates nothing and breaks nothing
      expect(await appliedMigrations(handle.db)).toEqual(Object.keys(migrations).sort());
    } finally {
      await handle.close();
    }
  }, 60_000);

  it.skipIf(TEST_DATABASE_URL)(
    'issue 8: a PGlite data directory written at the oldest schema opens with this PGlite and migrates',
    async () => {
      const pglite = await PGlite.create({
        loadDataDir: fixture.pgliteDataDir(),
        extensions: { pg_trgm },
        parsers: pgliteParsers,
      });
      const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
      try {
        expect(await appliedMigrations(db)).toEqual([fixture.schema]);
        await migrate(db);
        await expectRegisterReadsBack(db);
      } finally {
        await db.destroy();
        await pglite.close();
      }
    },
    60_000,
  );
});
