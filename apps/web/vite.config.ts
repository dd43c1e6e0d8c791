// Builds the dashboard into dist/, which the Ferry server serves at `/` (apps/server/src/plugins/web.ts).
// The server's CSP allows no inline script, so nothing may be inlined into index.html: Vite
// emits <script type="module" src> and <link> tags only, and no modulepreload polyfill.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // No data: URLs for fonts or scripts (CSP); images are tiny inline SVG in components anyway.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    // `pnpm --filter @ferry/web dev` against a Ferry on :8006 (FERRY_INSECURE_HTTP=1).
    proxy: { '/api': { target: 'http://127.0.0.1:8006', ws: true } },
  },
});
