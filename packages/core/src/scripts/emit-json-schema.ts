/**
 * Writes `schema/register.schema.json` at the repository root from the Zod schema of the register definition
 * (R1.1). Run after changing `definition/schema.ts`; `json-schema.test.ts` fails while the file is stale.
 *
 *   npx tsx packages/core/src/scripts/emit-json-schema.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { definitionJsonSchemaText } from '../definition/json-schema';

export const JSON_SCHEMA_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../schema/register.schema.json',
);

mkdirSync(dirname(JSON_SCHEMA_PATH), { recursive: true });
writeFileSync(JSON_SCHEMA_PATH, definitionJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
