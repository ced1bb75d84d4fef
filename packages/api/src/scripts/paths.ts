import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed OpenAPI description, at the repository root. */
export const OPENAPI_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/openapi.json');
