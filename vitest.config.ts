import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * One project per package. The database-backed projects (db, api, cli) run on PGlite by default and on a
 * PostgreSQL server when LUPAUS_TEST_DATABASE_URL is set (see packages/db/src/testing.ts); CI runs both. On the
 * server, `npm run test:db` runs of the cli project only the tests whose behaviour depends on the database (the
 * sweep killed midway, serve): the other commands are thin adapters whose engine paths the db project covers.
 */
export default defineConfig({
  test: {
    // Vitest's default is one worker less than the cores: one on a two-core machine. Most test files wait on a
    // database, a spawned command or a browser as much as they compute, so two workers halve the wall time there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Each project's files share their worker's modules (isolate: false): a file then costs its tests, not a
    // fresh import of the engine, Fastify and PGlite's WASM. Measured on this 2-core machine: the api project
    // 114 s instead of 332 s. Tests must therefore leave no module state behind (they open their own registers).
    projects: [
      { test: { name: 'core', include: ['packages/core/**/*.test.ts'], isolate: false } },
      {
        test: {
          name: 'db',
          include: ['packages/db/**/*.test.ts', 'packages/engine/**/*.test.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'api',
          include: ['packages/api/**/*.test.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'cli',
          // `npm run test:db` (on the server) takes of the cli only the commands whose behaviour depends on the
          // database (see above), in the same run as db and api so that the two workers stay busy.
          include: process.env.LUPAUS_TEST_CLI_DB_ONLY
            ? [
                'packages/cli/src/commands/{retention,serve,backup}.test.ts',
                'packages/cli/src/crash/*.test.ts',
              ]
            : ['packages/cli/**/*.test.ts'],
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: 'bench', include: ['bench/**/*.test.ts'], testTimeout: 120_000, isolate: false } },
      {
        // The web application in Debian's Chromium (playwright-core); builds the app first when needed.
        test: {
          name: 'web',
          include: ['packages/web/test/**/*.test.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
