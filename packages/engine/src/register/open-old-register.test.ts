import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createServerDatabase, readUpgradeFixture, TEST_DATABASE_URL } from '@lupaus/db/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../audit/verify-audit';
import type { Register } from '../context';
import { KEY_FILE } from '../crypto/keys';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { searchPersons } from '../persons/list-persons';
import { revealHetu } from '../persons/reveal-hetu';
import { TEST_ADMIN } from '../testing';
import { DEFINITION_FILE, EXAMPLES_DIR, openRegister, PGLITE_DIR } from './open-register';

/**
 * Issue 8, upgrades, through the engine: a register made by the first release (schema 0001, the fixture in
 * packages/db/test/fixtures) opens with `openRegister` as `lupaus serve` would open it: its database migrates to
 * the latest schema, its audit chain verifies with `verifyAudit` and goes on, and its persons are read, searched
 * and revealed by the use cases under the keys it was made with. On PGlite from the data directory the old PGlite
 * wrote; on the server (LUPAUS_TEST_DATABASE_URL) from the fixture's SQL.
 */
const fixture = readUpgradeFixture();
const dirs: string[] = [];
const databases: { drop(): Promise<void> }[] = [];

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const d of databases) await d.drop();
});

/** A data directory holding the old register: its definition (example 003), its keys and its database. */
async function oldRegisterDir(): Promise<{ dataDir: string; databaseUrl: string | undefined }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lupaus-upgrade-'));
  dirs.push(dataDir);
  copyFileSync(join(EXAMPLES_DIR, '003-auntie', DEFINITION_FILE), join(dataDir, DEFINITION_FILE));
  writeFileSync(join(dataDir, KEY_FILE), `${JSON.stringify({ version: 1, ...fixture.keys })}\n`, {
    mode: 0o600,
  });
  if (TEST_DATABASE_URL) {
    const server = await createServerDatabase('lupaus_upgrade');
    databases.push(server);
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      await c.query(fixture.sql()); // the simple protocol: many statements in one
    } finally {
      await c.end();
    }
    return { dataDir, databaseUrl: server.url };
  }
  const pglite = await PGlite.create({
    dataDir: join(dataDir, PGLITE_DIR),
    loadDataDir: fixture.pgliteDataDir(),
    extensions: { pg_trgm },
  });
  await pglite.close();
  return { dataDir, databaseUrl: undefined };
}

async function migrationsOf(reg: Register): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(reg.db);
  return r.rows.map((x) => x.name);
}

describe('a register made by the first release (issue 8, upgrades)', () => {
  it('issue 8 R2.1 R6.4: opens through openRegister, migrates, verifies its audit chain, and reads, finds and reveals its persons', async () => {
    const { dataDir, databaseUrl } = await oldRegisterDir();
    let reg = await openRegister({ dataDir, databaseUrl });
    try {
      const migrated = await migrationsOf(reg);
      expect(migrated[0]).toBe(fixture.schema);
      expect(migrated.length).toBeGreaterThan(1);

      // The first release's chain verifies under the keys it was made with, and the open's own rows continue it.
      const verified = await verifyAudit(reg, TEST_ADMIN);
      expect(verified.problems).toEqual([]);
      expect(verified.ok).toBe(true);
      expect(verified.rows).toBeGreaterThanOrEqual(fixture.audit.rows);

      for (const p of fixture.persons) {
        const view = await getPerson(reg, TEST_ADMIN, p.id);
        expect(view.fields).toMatchObject({
          customer_number: p.customer_number,
          first_name: p.first_name,
          last_name: p.last_name,
          ...(p.email.length > 0 ? { email: p.email } : {}),
          ...(p.phone.length > 0 ? { phone: p.phone } : {}),
        });
        if (p.phone.length === 0) expect(view.fields.phone).toBeUndefined();
        if (p.hetu) {
          expect((await revealHetu(reg, TEST_ADMIN, p.id)).hetu).toBe(p.hetu);
          const found = await searchPersons(reg, TEST_ADMIN, { hetu: p.hetu });
          expect(found.map((f) => f.id)).toEqual([p.id]);
        }
        for (const email of p.email)
          expect((await searchPersons(reg, TEST_ADMIN, { email })).map((f) => f.id)).toContain(p.id);
      }

      // It takes new persons, and the chain goes on over the first release's rows.
      const added = await createPerson(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { first_name: 'Uusi', last_name: 'Asiakas', email: 'uusi@example.fi', hetu: '010190-998V' },
      });
      expect((await searchPersons(reg, TEST_ADMIN, { hetu: '010190-998V' })).map((f) => f.id)).toEqual([
        added.id,
      ]);
      const after = await verifyAudit(reg, TEST_ADMIN);
      expect(after.ok).toBe(true);
      expect(after.rows).toBeGreaterThan(verified.rows);

      // Opened again, it migrates nothing more and keeps everything.
      await reg.close();
      reg = await openRegister({ dataDir, databaseUrl });
      expect(await migrationsOf(reg)).toEqual(migrated);
      expect((await getPerson(reg, TEST_ADMIN, added.id)).fields).toMatchObject({ first_name: 'Uusi' });
      expect((await verifyAudit(reg, TEST_ADMIN)).ok).toBe(true);
    } finally {
      await reg.close();
    }
  }, 120_000);
});
