import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The web application (issue 7, R7.1) served from the same origin as the API: the files of its build
 * (`packages/web/dist`), and `index.html` for every other GET of a page path (`/persons/…`), so that a reload
 * or a link to a page of the app works. The API keeps its own paths: an unknown `/api/…` path is a 404 with the
 * API's error body, never the app. The app's files carry the same security headers as the API (the strict CSP
 * of hardening.ts: scripts and styles only from the origin, nothing inline).
 *
 * @example
 * ```ts
 * installWebApp(app, '/srv/lupaus/packages/web/dist'); // before app.ready()
 * ```
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Whether a directory holds a built web app (its `index.html`). */
export function isWebAppBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

export function installWebApp(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  const index = join(root, 'index.html');

  const sendFile = (file: string, reply: FastifyReply, immutable: boolean) => {
    const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    reply
      .header('content-type', type)
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    // The HTML is sent as text so that the hardening's onSend hook sees it (it hashes inline styles, if any).
    if (type.startsWith('text/html')) {
      return reply.send(readFileSync(file, 'utf8'));
    }
    return reply.send(createReadStream(file));
  };

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponentSafe((request.url.split('?')[0] ?? '/').split('#')[0] ?? '/');
    if (path === null || path.startsWith('/api/') || path === '/api') return reply.callNotFound();
    const file = resolve(root, `.${path}`);
    const inside = file === root || file.startsWith(root + sep);
    if (inside && file !== root && existsSync(file) && statSync(file).isFile()) {
      return sendFile(file, reply, path.startsWith('/assets/'));
    }
    // A path with a file extension that is not there is a missing file, not a page of the app.
    if (!inside || extname(path) !== '' || !existsSync(index)) return reply.callNotFound();
    return sendFile(index, reply, false);
  });
}

function decodeURIComponentSafe(s: string): string | null {
  try {
    const d = decodeURIComponent(s);
    return d.includes('\0') ? null : d;
  } catch {
    return null;
  }
}
