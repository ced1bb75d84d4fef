import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web application's build (issue 7). Everything goes to files under dist/: no inline script or style, no
 * asset inlined as a data: URL, so that the strict Content-Security-Policy of the API (packages/api/src/
 * hardening.ts: scripts and styles only from the origin) holds for the app too.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
