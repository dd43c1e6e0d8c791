// How `npm start` runs Ferry: `node --max-semi-space-size=32 apps/server/launch.mjs`.
//
// Setup (scripts/setup/build-server.mjs, run by prepare.sh) bundles the server to plain
// JavaScript in dist/; this runs that bundle with plain `node`, so no TypeScript loader stays
// resident in the server (tsx's module-hooks thread and caches: ~15–20 MB of idle memory). The
// bundle runs only while every file that went into it still hashes the same (bundle-state.mjs):
// after an edit, or before setup ever ran, Ferry runs its TypeScript through tsx instead, never
// stale code, and says so in one line on stderr.
//
// Plain JavaScript, in the same process as the server (no wrapper process between the
// operator's signal and the server).
import { serverBundleState } from './bundle-state.mjs';

const { state, manifest, changed } = serverBundleState();
if (state === 'fresh') {
  await import(new URL(`./dist/${manifest.bundles.main}`, import.meta.url).href);
} else {
  const why = state === 'absent' ? 'not built' : `out of date (${changed} changed since it was built)`;
  process.stderr.write(`ferry: the server bundle (apps/server/dist) is ${why}: running the TypeScript through tsx; ` +
    'node scripts/setup/build-server.mjs (or npm start) builds it\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('./src/main.ts');
}
