#!/usr/bin/env node
// The `lupaus` command. Lupaus is written in TypeScript and run through tsx, registered here as a loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
