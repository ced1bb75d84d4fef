import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Keys, randomKeys } from './vault';

/**
 * The register's keys: from the environment (`LUPAUS_ENCRYPTION_KEY`, `LUPAUS_LOOKUP_KEY`, base64 of 32 bytes)
 * or from `keys.json` in the data directory, made at init with file mode 0600. Losing them loses every hetu.
 */
export const KEY_FILE = 'keys.json';

function decode(name: string, value: string): Buffer {
  const b = Buffer.from(value, 'base64');
  if (b.length !== 32) throw new Error(`${name} must be 32 bytes in base64 (got ${b.length} bytes)`);
  return b;
}

export function keysFromEnvironment(env: NodeJS.ProcessEnv = process.env): Keys | undefined {
  const enc = env.LUPAUS_ENCRYPTION_KEY;
  const look = env.LUPAUS_LOOKUP_KEY;
  if (!enc && !look) return undefined;
  if (!enc || !look) throw new Error('set both LUPAUS_ENCRYPTION_KEY and LUPAUS_LOOKUP_KEY, or neither');
  return { encryption: decode('LUPAUS_ENCRYPTION_KEY', enc), lookup: decode('LUPAUS_LOOKUP_KEY', look) };
}

export function readKeyFile(dataDir: string): Keys | undefined {
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { encryption?: string; lookup?: string };
  if (!parsed.encryption || !parsed.lookup) throw new Error(`${file} lacks the encryption or lookup key`);
  return {
    encryption: decode(`${file} encryption`, parsed.encryption),
    lookup: decode(`${file} lookup`, parsed.lookup),
  };
}

export function createKeyFile(dataDir: string): Keys {
  const keys = randomKeys();
  writeFileSync(
    join(dataDir, KEY_FILE),
    `${JSON.stringify({ version: 1, encryption: keys.encryption.toString('base64'), lookup: keys.lookup.toString('base64') }, null, 2)}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return keys;
}

export function loadKeys(dataDir: string): Keys {
  const keys = keysFromEnvironment() ?? readKeyFile(dataDir);
  if (!keys) {
    throw new Error(
      `no keys: ${join(dataDir, KEY_FILE)} is missing and LUPAUS_ENCRYPTION_KEY is not set (run lupaus init)`,
    );
  }
  return keys;
}
