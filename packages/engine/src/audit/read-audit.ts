import { type AuditEntry, insertAudit } from '@lupaus/db';
import type { Register } from '../context';

/** The most rows one commit of the appender writes; more wait for the next. */
export const READ_AUDIT_BATCH = 1000;

interface Waiting {
  entry: AuditEntry;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit of the audit rows of reads (R6.4). A read's audit row used to be written in the read's own
 * transaction, which took the audit chain's advisory lock from its insert to its commit: fifty concurrent reads of
 * a person queued on that lock and paid a commit (a WAL flush) each, one after the other. Reads now hand their
 * rows to this appender, one per register (per database handle), which writes whatever has queued in ONE
 * transaction: one lock, one statement, one commit for all of them. Each read awaits the commit of its own row
 * before it answers, so nothing is shown without its audit row committed; if the commit fails, every read of that
 * batch fails with the error. While a batch commits, new rows queue for the next one (no timer: an idle appender
 * writes a lone row at once).
 *
 * Writes keep their audit rows in their own transactions (atomic with the change). Works on PGlite (one
 * connection: the batch's transaction takes its turn) and on PostgreSQL (a connection of the pool).
 */
class ReadAuditAppender {
  private queue: Waiting[] = [];
  private running = false;

  constructor(
    private readonly db: Register['db'],
    private readonly chainKey: Buffer,
  ) {}

  append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const done = entries.map(
      (entry) => new Promise<void>((resolve, reject) => this.queue.push({ entry, resolve, reject })),
    );
    if (!this.running) void this.drain();
    return Promise.all(done).then(() => undefined);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, READ_AUDIT_BATCH);
        try {
          await this.write(batch.map((w) => w.entry));
          for (const w of batch) w.resolve();
        } catch (e) {
          if (batch.length === 1) {
            batch[0]!.reject(e);
            continue;
          }
          // One bad row must not fail the others: each alone, so only its own read fails.
          for (const w of batch) {
            try {
              await this.write([w.entry]);
              w.resolve();
            } catch (e1) {
              w.reject(e1);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private write(entries: AuditEntry[]): Promise<void> {
    return this.db.transaction().execute((tx) => insertAudit(tx, this.chainKey, entries));
  }
}

const appenders = new WeakMap<object, ReadAuditAppender>();

/**
 * Writes the audit rows of a read through the register's group-commit appender and resolves once they are
 * committed. Call it after the read, outside any transaction, and answer only after it resolves.
 *
 * @example
 * ```ts
 * const view = await personView(reg.db, reg, actor, row);
 * await auditRead(reg, [{ at: reg.clock.now(), actor: actor.id, action: 'read', entityType: 'person',
 *   entityId: id, personId: id, purpose }]);
 * return view;
 * ```
 */
export function auditRead(reg: Register, entries: readonly AuditEntry[]): Promise<void> {
  let a = appenders.get(reg.db);
  if (!a) {
    a = new ReadAuditAppender(reg.db, reg.vault.auditKey);
    appenders.set(reg.db, a);
  }
  return a.append(entries);
}
