import { createPerson, getPerson } from '@lupaus/engine';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus audit verify` and `lupaus audit search`, run in-process (R6.4). */
const cli = useCliHarness('lupaus-audit-');
const lupaus = cli.lupaus;

describe('lupaus audit', () => {
  let dir: string;
  let url: string | undefined;
  let looked: string;
  let other: string;

  beforeAll(async () => {
    ({ dir, url } = await cli.initRegister('003-auntie'));
    await withRegister(dir, url, async (reg) => {
      const person = (first: string) =>
        createPerson(reg, OPERATOR, {
          source: 'subject',
          fields: { first_name: first, last_name: 'Asiakas' },
        });
      looked = (await person('Katsottu')).id;
      other = (await person('Muu')).id;
      await getPerson(reg, { id: 'cs-7', roles: ['customer_service'], commitmentSigned: true }, looked);
    });
  }, 120_000);

  it('R6.4 lupaus audit search --person tells who has looked at that person, and --user what a user did', async () => {
    const run = await lupaus(['audit', 'search', '--person', looked, '--dir', dir], url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('cs-7');
    expect(run.stdout).toContain(looked);
    expect(run.stdout).not.toContain(other);
    expect(run.stdout).not.toContain('Katsottu');
    const json = await lupaus(['audit', 'search', '--user', 'cs-7', '--json', '--dir', dir], url);
    expect(json.code, json.stderr).toBe(0);
    const page = JSON.parse(json.stdout) as { entries: { actor: string; personId: string }[] };
    expect(page.entries).toEqual([
      expect.objectContaining({ actor: 'cs-7', personId: looked, action: 'read' }),
    ]);
    const none = await lupaus(['audit', 'search', '--dir', dir], url);
    expect(none.code).toBe(2);
    const bad = await lupaus(['audit', 'search', '--person', 'abc', '--dir', dir], url);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('personId: "abc" is not a valid person id');
  }, 180_000);

  it('R6.4 lupaus audit verify prints the head of an intact chain, and names each tampered row', async () => {
    const ok = await lupaus(['audit', 'verify', '--dir', dir], url);
    expect(ok.code, ok.stderr).toBe(0);
    const m = /^(\d+) rows, chain intact, head ([0-9a-f]{64})\n$/.exec(ok.stdout);
    expect(m, ok.stdout).not.toBeNull();
    const head = m![2]!;
    expect(Number(m![1])).toBeGreaterThanOrEqual(3);
    expect((await lupaus(['audit', 'verify', '--head', head, '--dir', dir], url)).code).toBe(0);

    const ids = await withRegister(dir, url, async (reg) => {
      const rows = await reg.db.selectFrom('audit_log').select('id').orderBy('id').execute();
      await reg.db.transaction().execute(async (tx) => {
        await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
        await sql`update audit_log set actor = 'someone-else' where id = ${rows[0]!.id}`.execute(tx);
        await sql`delete from audit_log where id = ${rows.at(-1)!.id}`.execute(tx);
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
      });
      return rows.map((r) => String(r.id));
    });
    const bad = await lupaus(['audit', 'verify', '--head', head, '--dir', dir], url);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`row ${ids[0]}: changed: row ${ids[0]} was changed`);
    expect(bad.stdout).toContain(`row ${ids.at(-2)}: truncated: the head you kept`);
    expect(bad.stderr).toContain('the audit trail has been tampered with (2 problems)');
    // Without the kept head, the deleted last row goes unseen: only the edit is caught.
    const plain = await lupaus(['audit', 'verify', '--dir', dir], url);
    expect(plain.code).toBe(1);
    expect(plain.stdout.trim().split('\n')).toHaveLength(1);
  }, 180_000);
});
