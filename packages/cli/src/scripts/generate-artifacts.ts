/**
 * `npm run generate`: writes every committed artifact derived from code, so that none can drift: the JSON
 * Schema of a register definition (`schema/register.schema.json`) and the OpenAPI description
 * (`docs/openapi.json`). Tests in core and api fail while either is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiOnlyApp, openApiText } from '@lupaus/api';
import { definitionJsonSchemaText } from '@lupaus/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

function write(relative: string, text: string): void {
  const file = resolve(root, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${relative}`);
}

write('schema/register.schema.json', definitionJsonSchemaText());
const app = await openApiOnlyApp();
write('docs/openapi.json', openApiText(app));
await app.close();
