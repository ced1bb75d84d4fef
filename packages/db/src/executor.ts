import type { Kysely, Transaction } from 'kysely';
import type { Database } from './types';

/**
 * What every repository function takes: the root handle or an open transaction. PGlite has one connection,
 * so a query on the root handle inside a transaction would wait for ever; pass the transaction.
 */
export type Executor = Kysely<Database> | Transaction<Database>;
