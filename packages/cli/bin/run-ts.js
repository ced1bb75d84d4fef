#!/usr/bin/env node
// Runs a TypeScript file of the repository through tsx: `node packages/cli/bin/run-ts.js FILE [ARGS...]`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node packages/cli/bin/run-ts.js FILE.ts [ARGS...]');
  process.exit(2);
}
register();
const path = resolve(file);
process.argv = [process.argv[0] ?? 'node', path, ...rest];
await import(pathToFileURL(path).href);
