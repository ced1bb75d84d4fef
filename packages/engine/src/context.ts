import type { Catalogue, Definition, Permission } from '@lupaus/core';
import type { Database, DatabaseKind } from '@lupaus/db';
import type { Kysely } from 'kysely';
import type { HetuVault } from './crypto/vault';
import type { FileStore } from './files/file-store';

/**
 * Who is acting: a signed-in user, a user's API token, or the system itself. Every use case asks
 * `authorize(reg, actor, permission)` first (R6.2, R6.3).
 */
export interface Actor {
  /** The user's id (audit rows name it), or `system`. */
  id: string;
  roles: string[];
  /** Whether the actor has signed the register's current confidentiality commitment (R6.3). */
  commitmentSigned: boolean;
  /** An API token's scopes: it may do only these, and only what its user's roles allow. */
  scopes?: readonly Permission[];
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
export const SYSTEM_ACTOR: Actor = { id: 'system', roles: ['administrator'], commitmentSigned: true };
