import { createHash, hash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../executor';
import type { AuditRow } from '../types';

/** One audit row: ids only, never personal data (DESIGN.md principle 2). */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  personId: string | null;
  /**
   * The persons of a batch (an ingestion, an import): one row names them all, and a search by person finds it
   * (migration 0006). Leave it out for a row about one person or none.
   */
  personIds?: readonly string[] | undefined;
  purpose: string;
  details?: Record<string, unknown>;
}

/**
 * What the first row of the chain follows (and the first row after rows written before the chain existed, whose
 * hash is null).
 */
export const AUDIT_GENESIS = '0'.repeat(64);

/**
 * The advisory lock every writer of audit rows takes (`pg_advisory_xact_lock`) before it reads the chain's head:
 * writers queue until the holder's transaction ends, so two transactions never chain from the same head.
 * 'LupausAu' in ASCII.
 */
export const AUDIT_LOCK = '5509433283042296181';

/**
 * A uuid as PostgreSQL prints it (lower case, hyphens), so that the hash covers what the column gives back
 * whatever spelling of the uuid the caller had.
 */
function uuidText(id: string | null): string | null {
  if (id === null) return null;
  const hex = id.replace(/[{}-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return id; // not a uuid: the insert fails on it anyway
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether `v` is plain JSON data whose objects list their keys in sorted order already (then JSON.stringify will do). */
function sortedPlain(v: unknown): boolean {
  if (v === null) return true;
  const t = typeof v;
  if (t === 'string' || t === 'boolean' || t === 'number') return true;
  if (t !== 'object') return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!sortedPlain(x)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  let prev: string | null = null;
  for (const k in v as Record<string, unknown>) {
    if (prev !== null && prev > k) return false;
    if (!sortedPlain((v as Record<string, unknown>)[k])) return false;
    prev = k;
  }
  return true;
}

/**
 * JSON with the keys of every object sorted (jsonb keeps its own order of keys, JavaScript the insertion order).
 * Details already in order, as a batch writes them, take the native JSON.stringify.
 */
function canonicalJson(v: unknown): string {
  return sortedPlain(v) ? JSON.stringify(v) : sortedJson(v);
}

function sortedJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return sortedJson(withJson.toJSON());
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (i > 0) s += ',';
      s += x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 'null' : sortedJson(x);
    }
    return `${s}]`;
  }
  const o = v as Record<string, unknown>;
  let s = '{';
  let first = true;
  for (const k of Object.keys(o).sort()) {
    const x = o[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    s += `${first ? '' : ','}${JSON.stringify(k)}:${sortedJson(x)}`;
    first = false;
  }
  return `${s}}`;
}

/** The columns of an audit row the hash covers, as they come back from the database. */
export interface AuditContent {
  at: Date;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  person_id: string | null;
  /** Absent or null on rows that name no batch of persons: the serialisation leaves it out, as before it existed. */
  person_ids?: readonly string[] | null;
  purpose: string;
  details: unknown;
}

/**
 * The stable serialisation of an audit row that its hash covers: a JSON array of the time (ISO, milliseconds),
 * actor, action, entity type, entity id, person id, purpose and details (keys sorted at every depth), then the
 * persons of a batch row when it has them (so rows written before migration 0006 serialise as they did).
 */
export function canonicalAudit(r: AuditContent): string {
  const base = `${JSON.stringify([r.at.toISOString(), r.actor, r.action, r.entity_type, r.entity_id, r.person_id, r.purpose]).slice(0, -1)},${canonicalJson(r.details ?? {})}]`;
  return r.person_ids == null ? base : withPersons(base, r.person_ids);
}

function withPersons(base: string, personIds: readonly string[]): string {
  return `${base.slice(0, -1)},${JSON.stringify(personIds)}]`;
}

/**
 * HMAC-SHA-256 with the key's pads hashed in place (RFC 2104), through the one-shot `crypto.hash` into reused
 * buffers: about 0.9 µs a row where `createHmac` takes 1.4 µs, which counts for a batch of a thousand rows.
 */
class ChainHasher {
  private inner: Buffer;
  private readonly outer = Buffer.alloc(96);
  private readonly ipad = Buffer.alloc(64, 0x36);

  constructor(key: Buffer) {
    const k = key.length > 64 ? createHash('sha256').update(key).digest() : key;
    for (let i = 0; i < k.length; i++) this.ipad[i]! ^= k[i]!;
    this.outer.fill(0x5c, 0, 64);
    for (let i = 0; i < k.length; i++) this.outer[i]! ^= k[i]!;
    this.inner = Buffer.alloc(4096);
    this.ipad.copy(this.inner);
  }

  hex(prevHash: string, canonical: string): string {
    const most = 64 + 3 * (prevHash.length + canonical.length);
    if (this.inner.length < most) {
      this.inner = Buffer.alloc(most);
      this.ipad.copy(this.inner);
    }
    const n = this.inner.write(prevHash, 64, 'utf8');
    const m = this.inner.write(canonical, 64 + n, 'utf8');
    this.outer.write(hash('sha256', this.inner.subarray(0, 64 + n + m), 'binary'), 64, 'binary');
    return hash('sha256', this.outer, 'hex');
  }
}

const hashers = new WeakMap<Buffer, ChainHasher>();

/** HMAC-SHA-256 (hex) under the register's audit chain key of the previous row's hash followed by the row. */
export function chainHash(key: Buffer, prevHash: string, canonical: string): string {
  let h = hashers.get(key);
  if (!h) {
    h = new ChainHasher(key);
    hashers.set(key, h);
  }
  return h.hex(prevHash, canonical);
}

/**
 * Per transaction, the chain's head after this transaction's last insert: while the transaction holds the advisory
 * lock nobody else appends, so the next insert of the same transaction need not lock and read again. The insert
 * still checks the head in its own statement and starts over if it moved (a write outside `insertAudit`).
 */
const heads = new WeakMap<object, string>();

async function readHead(db: Executor): Promise<string> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK}::bigint)`.execute(db);
  // A statement of its own after the lock: in READ COMMITTED its snapshot sees what the last holder committed.
  const r = await sql<{ hash: string | null }>`select hash from audit_log order by id desc limit 1`.execute(
    db,
  );
  return r.rows[0]?.hash ?? AUDIT_GENESIS;
}

/**
 * Writes audit rows, chained: each row's `hash` is the HMAC of the previous row's hash and the row (R6.4), under a
 * key the database does not hold (`chainKey`, the register's `vault.auditKey`), so that whoever can only change
 * the database cannot re-forge the chain after an edit. Call it with the same transaction as the read or write it
 * records (a READ COMMITTED one, the default); it takes an advisory lock that serialises the writers of audit rows
 * until that transaction ends. The rows travel as one JSON parameter, so a list view or a batch of thousands of
 * rows is one statement with one parameter, inserted in chain order (ids ascend along the chain).
 *
 * @example
 * ```ts
 * await insertAudit(tx, reg.vault.auditKey, [{ at, actor: 'u1', action: 'read', entityType: 'person',
 *   entityId: id, personId: id, purpose: 'service' }]);
 * ```
 */
export async function insertAudit(
  db: Executor,
  chainKey: Buffer,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  if (!db.isTransaction) {
    await db.transaction().execute((tx) => insertAudit(tx, chainKey, entries));
    return;
  }
  // Each row as the insert sends it (without the persons) and the persons as PostgreSQL prints them.
  const rows = entries.map((e) =>
    canonicalAudit({
      at: e.at,
      actor: e.actor,
      action: e.action,
      entity_type: e.entityType,
      entity_id: uuidText(e.entityId),
      person_id: uuidText(e.personId),
      purpose: e.purpose,
      details: e.details ?? {},
    }),
  );
  const persons = entries.map((e) =>
    e.personIds && e.personIds.length > 0 ? e.personIds.map((id) => uuidText(id) as string) : null,
  );
  let head = heads.get(db);
  for (let attempt = 0; attempt < 2; attempt++) {
    head ??= await readHead(db);
    let prev = head;
    let json = '[';
    for (let i = 0; i < rows.length; i++) {
      const canonical = rows[i]!;
      const ids = persons[i];
      prev = chainHash(chainKey, prev, ids ? withPersons(canonical, ids) : canonical);
      // The row's canonical array with its hash appended, then its persons as an array literal:
      // [at, actor, ..., details, hash] or [at, actor, ..., details, hash, "{id,id,...}"].
      json += `${i > 0 ? ',' : ''}${canonical.slice(0, -1)},"${prev}"${ids ? `,${JSON.stringify(`{${ids.join(',')}}`)}` : ''}]`;
    }
    json += ']';
    // The guard: the head is still what the hashes chain from (it is, unless this transaction wrote audit rows
    // some other way). `order by n`: ids are drawn in chain order.
    const r = await sql<{ n: number }>`with ins as (
        insert into audit_log (at, actor, action, entity_type, entity_id, person_id, purpose, details, prev_hash, hash,
          person_ids)
        select (e->>0)::timestamptz, e->>1, e->>2, e->>3, (e->>4)::uuid, (e->>5)::uuid, e->>6, e->7,
          lag(e->>8, 1, ${head}::text) over (order by n), e->>8, (e->>9)::uuid[]
        from jsonb_array_elements(${json}::jsonb) with ordinality as t(e, n)
        where coalesce((select hash from audit_log order by id desc limit 1), ${AUDIT_GENESIS}::text) = ${head}::text
        order by n
        returning 1
      ) select count(*)::int as n from ins`.execute(db);
    if ((r.rows[0]?.n ?? 0) === rows.length) {
      heads.set(db, prev);
      return;
    }
    heads.delete(db);
    head = undefined;
  }
  throw new Error('the head of the audit chain kept moving inside this transaction');
}

/** A page of the audit trail in id order, after the row `afterId` (or from the start): for verifying the chain. */
export async function auditChainPage(
  db: Executor,
  afterId: string | null,
  limit: number,
): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id').limit(limit);
  if (afterId !== null) q = q.where('id', '>', afterId);
  return q.execute();
}

/** The ids of the rows with this hash (a chain break names where the row it follows is). */
export async function auditIdsWithHash(db: Executor, hash: string): Promise<string[]> {
  const r = await db
    .selectFrom('audit_log')
    .select('id')
    .where('hash', '=', hash)
    .orderBy('id')
    .limit(5)
    .execute();
  return r.map((x) => String(x.id));
}

/** A search of the audit trail, newest first; `before` is the id the previous page ended with. */
export interface AuditQuery {
  personId?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
  before?: string;
  limit: number;
}

export async function searchAuditRows(db: Executor, q: AuditQuery): Promise<AuditRow[]> {
  let s = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  const personId = q.personId;
  if (personId !== undefined) {
    // The person's own rows and the batch rows that name them (GIN on person_ids).
    s = s.where((eb) =>
      eb.or([eb('person_id', '=', personId), sql<boolean>`person_ids @> array[${personId}]::uuid[]`]),
    );
  }
  if (q.actor !== undefined) s = s.where('actor', '=', q.actor);
  if (q.action !== undefined) s = s.where('action', '=', q.action);
  if (q.from !== undefined) s = s.where('at', '>=', q.from);
  if (q.to !== undefined) s = s.where('at', '<', q.to);
  if (q.before !== undefined) s = s.where('id', '<', q.before);
  return s.execute();
}
