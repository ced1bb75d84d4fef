import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-activity-and-retention';
import * as m0003 from './0003-hot-last-contact';
import * as m0004 from './0004-consents-and-rights';
import * as m0005 from './0005-accounts-audit-breaches';
import * as m0006 from './0006-audit-many-persons';
import * as m0007 from './0007-imports';
import * as m0008 from './0008-merges';
import * as m0009 from './0009-nickname-prefix';
import * as m0010 from './0010-public-page';
import * as m0011 from './0011-scrub-queue';

/**
 * Every migration, listed statically so that bundling and tests see the same set. Migrations are frozen once
 * released: a change of schema is a new file.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-activity-and-retention': m0002,
  '0003-hot-last-contact': m0003,
  '0004-consents-and-rights': m0004,
  '0005-accounts-audit-breaches': m0005,
  '0006-audit-many-persons': m0006,
  '0007-imports': m0007,
  '0008-merges': m0008,
  '0009-nickname-prefix': m0009,
  '0010-public-page': m0010,
  '0011-scrub-queue': m0011,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
