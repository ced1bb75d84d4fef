import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  attachFile,
  createPerson,
  createRecord,
  erasePerson,
  type openRegister,
  placeLegalHold,
  receiveRequest,
  recordConsent,
  recordDisclosure,
  releaseLegalHold,
  verifyIdentity,
} from '@lupaus/engine';
import { sql } from 'kysely';
import pg from 'pg';
import { fillDueRecordings } from '../commands/retention-fixture';
import { OPERATOR, withRegister } from '../testing';

/**
 * The register the crash tests start from (issue 8), built once and copied for every run: seed 002 with
 * - E, to erase on a verified request: contact points, a call recording with its file, a chat, a consent, a
 *   prohibition and a disclosure to a recipient with an email address (so an art. 19 notice goes);
 * - H, whose erasure was blocked by a legal hold that has since been released (`lupaus erasures resume`);
 * - K and O, to merge (O has a record, a consent and a file);
 * - R, to rectify on a verified request, with a disclosure (so an art. 19 notice goes);
 * - two persons that the import file updates, and the file (`people.csv`, 14 rows of which 12 new);
 * - call recordings due by 2026-01-01 (some with files) and not due, for the retention sweep.
 */
export interface CrashFixture {
  dir: string;
  url: string | undefined;
  csv: string;
  ids: { e: string; eRequest: string; h: string; k: string; o: string; r: string; rRequest: string };
}

export const RETENTION_DUE = 24;

export async function buildCrashFixture(dir: string, url: string | undefined): Promise<CrashFixture> {
  const ids = await withRegister(dir, url, async (reg) => {
    const person = async (first: string, last: string, email: string) =>
      (
        await createPerson(reg, OPERATOR, {
          source: 'subject',
          fields: { first_name: first, last_name: last, email: [email], phone: ['+358401234567'] },
        })
      ).id;
    const recording = async (personId: string, text: string) => {
      const rec = await createRecord(reg, OPERATOR, personId, {
        kind: 'call_recordings',
        source: 'subject',
        fields: { called_at: '2025-12-20T10:00:00Z' },
      });
      await attachFile(reg, OPERATOR, rec.id, 'call_recording', {
        name: 'call.txt',
        mediaType: 'text/plain',
        bytes: Buffer.from(text),
      });
    };
    const request = async (type: 'erasure' | 'rectification', personId: string) => {
      const q = await receiveRequest(reg, OPERATOR, { type, personId, receivedVia: 'electronic' });
      await verifyIdentity(reg, OPERATOR, q.id, { method: 'strong_electronic_identification' });
      return q.id;
    };
    const disclose = (personId: string) =>
      recordDisclosure(reg, OPERATOR, {
        personId,
        disclosure: 'partner_direct_marketing',
        recipientName: 'Kumppani Oy',
        recipientEmail: 'tietosuoja@kumppani.example',
        categories: ['contact_details'],
      });

    const e = await person('Eetu', 'Erasmaa', 'eetu@example.fi');
    await recording(e, 'Puhelu: Eetu Erasmaa');
    await createRecord(reg, OPERATOR, e, {
      kind: 'chats',
      source: 'subject',
      fields: { chat_transcript: 'Hei, Eetu tässä', chatted_at: '2025-12-21T10:00:00Z' },
    });
    await recordConsent(reg, OPERATOR, {
      personId: e,
      channel: 'email',
      purpose: 'customer_communication',
      state: 'given',
      source: 'subject',
      evidenceText: 'verkkolomake',
    });
    await recordConsent(reg, OPERATOR, {
      personId: e,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'prohibited',
      source: 'subject',
      evidenceText: 'puhelimessa',
    });
    await disclose(e);
    const eRequest = await request('erasure', e);

    const h = await person('Hilla', 'Holdinen', 'hilla@example.fi');
    await recording(h, 'Puhelu: Hilla Holdinen');
    const hold = await placeLegalHold(reg, OPERATOR, { personId: h, reason: 'Riita', endsOn: '2099-12-31' });
    const hRequest = await request('erasure', h);
    const blocked = await erasePerson(reg, OPERATOR, { personId: h, requestId: hRequest });
    if (blocked.state !== 'blocked') throw new Error('the fixture expected a blocked erasure');
    await releaseLegalHold(reg, OPERATOR, hold.id);

    const k = await person('Kaisa', 'Kotilainen', 'kaisa@example.fi');
    const o = await person('Kaisa', 'Kotilainen', 'kaisa.k@example.fi');
    await recording(o, 'Puhelu: Kaisa K');
    await recordConsent(reg, OPERATOR, {
      personId: o,
      channel: 'email',
      purpose: 'direct_marketing',
      state: 'given',
      source: 'subject',
      evidenceText: 'lomake',
    });

    const r = await person('Riku', 'Rektinen', 'riku@example.fi');
    await disclose(r);
    const rRequest = await request('rectification', r);

    await person('Unto', 'Uusinen', 'unto@example.fi');
    await person('Ulla', 'Uusinen', 'ulla@example.fi');
    return { e, eRequest, h, k, o, r, rRequest };
  });
  await fillDueRecordings(dir, { databaseUrl: url, due: RETENTION_DUE, notDue: 6, persons: 6, fileEvery: 3 });

  const rows = ['first_name;last_name;email;job_title'];
  for (let i = 1; i <= 12; i++) rows.push(`Tuoja${i};Tuotu;tuoja${i}@example.fi;Myyjä`);
  rows.push('Unto;Uusinen;unto@example.fi;Johtaja', 'Ulla;Uusinen;ulla@example.fi;Insinööri');
  const csv = join(dir, 'people.csv');
  writeFileSync(csv, `${rows.join('\n')}\n`);
  return { dir, url, csv, ids };
}

/**
 * A copy of the fixture: its data directory (keys, files, PGlite's pgdata) and, on a server, its database made
 * from the fixture's as a template (fast: a file copy on the server). Returns the copy's database URL.
 */
export async function copyFixture(
  f: CrashFixture,
  to: string,
  freshName: () => string,
): Promise<string | undefined> {
  cpSync(f.dir, to, { recursive: true });
  if (!f.url) return undefined;
  const name = freshName();
  const template = new URL(f.url).pathname.slice(1);
  const admin = new URL(f.url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`create database ${name} template ${template}`);
  } finally {
    await c.end();
  }
  const u = new URL(f.url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Tables that record runs and their trail: they differ between a run killed and rerun and one never killed. */
const BOOKKEEPING = new Set([
  'audit_log',
  'import_runs',
  'retention_runs',
  'kysely_migration',
  'kysely_migration_lock',
]);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g;

/**
 * Every table of the register but the bookkeeping ones, as sorted lines of JSON with what a run makes anew taken
 * out: ids that the fixture does not hold become `<new>`, instants after the fixture was made `<now>`, bytes
 * (the encrypted hetu, random nonces) their length. Two registers with equal states give equal states.
 */
export async function registerState(
  dir: string,
  url: string | undefined,
  known?: { ids: Set<string>; madeAt: number },
): Promise<Record<string, string[]>> {
  return withRegister(dir, url, (reg) => stateOf(reg, known));
}

/** `registerState` of a register open in this process. */
export async function stateOf(
  reg: Awaited<ReturnType<typeof openRegister>>,
  known?: { ids: Set<string>; madeAt: number },
): Promise<Record<string, string[]>> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(reg.db);
  const out: Record<string, string[]> = {};
  for (const { table_name: t } of tables.rows) {
    if (BOOKKEEPING.has(t)) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(reg.db);
    out[t] = rows.rows.map((r) => (known ? normalise(r, known) : JSON.stringify(r))).sort();
  }
  return out;
}

function normalise(row: Record<string, unknown>, known: { ids: Set<string>; madeAt: number }): string {
  const text = JSON.stringify(
    Object.fromEntries(
      Object.keys(row)
        .sort()
        .map((k) => {
          const v = row[k];
          if (v instanceof Uint8Array) return [k, `<bytes ${v.length}>`];
          // A serial id: a server does not give back the numbers a rolled-back transaction took.
          if (k === 'id' && /^\d+$/.test(String(v))) return [k, '<serial>'];
          return [k, v];
        }),
    ),
  );
  return text
    .replace(UUID, (id) => (known.ids.has(id.toLowerCase()) ? id : '<new>'))
    .replace(INSTANT, (t) => (Date.parse(t) >= known.madeAt ? '<now>' : t));
}

/** The ids a state holds (to tell the fixture's ids from those a run makes). */
export function idsOf(state: Record<string, string[]>): Set<string> {
  const ids = new Set<string>();
  for (const lines of Object.values(state)) {
    for (const l of lines) for (const m of l.matchAll(UUID)) ids.add(m[0].toLowerCase());
  }
  return ids;
}
