import { LupausError } from '@lupaus/core';
import { releaseRetentionLock, tryRetentionLock } from '@lupaus/db';
import type { Register } from '../context';

/**
 * Two retention runs never overlap. On PostgreSQL a session-level advisory lock held on one connection for the
 * whole run keeps out runs of other processes (the server drops it when a killed process's connection goes);
 * PGlite has one connection and one process, so an in-process guard does. Both are checked in-process too.
 */
const running = new WeakSet<object>();

export function sweepBusy(): LupausError {
  return new LupausError('CONFLICT', {}, [
    {
      at: 'retention',
      message: 'another retention run is going on; this one did nothing (try again when it has finished)',
    },
  ]);
}

export async function withSweepLock<T>(reg: Register, fn: () => Promise<T>): Promise<T> {
  if (running.has(reg.db)) throw sweepBusy();
  running.add(reg.db);
  try {
    if (reg.dbKind === 'postgres') {
      return await reg.db.connection().execute(async (conn) => {
        if (!(await tryRetentionLock(conn))) throw sweepBusy();
        try {
          return await fn();
        } finally {
          await releaseRetentionLock(conn);
        }
      });
    }
    return await fn();
  } finally {
    running.delete(reg.db);
  }
}
