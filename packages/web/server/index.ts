import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the web application lives and how it gets built (issue 7), for `lupaus start`/`serve` and the browser
 * tests: the app's build goes to `packages/web/dist`, which `lupaus serve` serves at `/`.
 */
export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = join(WEB_ROOT, 'dist');

/** The newest modification time of the app's sources (src/, public/, index.html, vite.config.ts). */
function newestSource(): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ['src', 'public', 'index.html', 'vite.config.ts', 'package.json']) walk(join(WEB_ROOT, p));
  return newest;
}

/** Whether dist/ holds a build that is not older than the sources (a checkout without sources counts as built). */
export function webAppUpToDate(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return false;
  return statSync(index).mtimeMs >= newestSource();
}

/**
 * Builds the app with Vite when dist/ is missing or older than the sources; returns whether it built. Vite is a
 * development dependency of the web package, installed by `npm install` in a clone.
 */
export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<boolean> {
  if (webAppUpToDate()) return false;
  log('building the web application (packages/web) …');
  const { build } = await import('vite');
  // Built beside dist/ and then moved into place, so that two builds at once (a test and `lupaus start`) or a
  // server reading dist/ meanwhile never see half a build.
  const tmp = `${WEB_DIST}.building-${process.pid}-${Date.now()}`;
  try {
    await build({
      root: WEB_ROOT,
      configFile: join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
    rmSync(WEB_DIST, { recursive: true, force: true });
    renameSync(tmp, WEB_DIST);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}
