/**
 * Writes `docs/openapi.json` from the routes of the API (R7.3). Run after changing a route or schema;
 * `openapi.test.ts` fails while the committed file is stale.
 *
 *   node packages/cli/bin/run-ts.js packages/api/src/scripts/emit-openapi.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiOnlyApp } from '../app';
import { openApiText } from '../openapi';
import { OPENAPI_PATH } from './paths';

const app = await openApiOnlyApp();
mkdirSync(dirname(OPENAPI_PATH), { recursive: true });
writeFileSync(OPENAPI_PATH, openApiText(app));
await app.close();
console.log(`wrote ${OPENAPI_PATH}`);
