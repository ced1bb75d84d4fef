import type { Catalogue, Definition } from '@lupaus/core';
import type { Database, DatabaseKind } from '@lupaus/db';
import type { Kysely } from 'kysely';
import type { HetuVault } from './crypto/vault';
import type { FileStore } from './files/file-store';

/** Who is acting: a user (later issue: accounts), the CLI's operator or the system itself. */
export interface Actor {
  id: string;
  roles: string[];
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** An open register: its definition and catalogue, its database, its keys. Every use case takes one. */
export interface Register {
  definition: Definition;
  catalogue: Catalogue;
  db: Kysely<Database>;
  dbKind: DatabaseKind;
  vault: HetuVault;
  /** The bytes of stored files, encrypted (`<dataDir>/files`; a temporary directory for a test register). */
  files: FileStore;
  clock: Clock;
  /** The data directory (PGlite data, keys, register.yaml); empty for an in-memory test register. */
  dataDir: string;
  close(): Promise<void>;
}

/** The actor of system work (migrations, notice publication at start). */
export const SYSTEM_ACTOR: Actor = { id: 'system', roles: ['administrator'] };
