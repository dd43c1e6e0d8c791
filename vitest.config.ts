// One Vitest config for the whole workspace. Two projects:
// - unit: fast tests, libvirt's in-process test:///default driver at most; run in parallel.
// - integration (*.int.test.ts): real libvirtd and QEMU guests. They share one daemon (and
//   some restart or SIGSTOP it), so their files run one at a time.
import { defineConfig } from 'vitest/config';

// Vitest 5 prints failures with Map.groupBy, which arrived in Node 21; on Node 20 a failing
// test would crash the reporter instead of being shown. This config runs in Vitest's main
// process, so defining it here is enough.
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, T>(items: Iterable<T>, key: (item: T, i: number) => K): Map<K, T[]> {
      const out = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        out.set(k, [...(out.get(k) ?? []), item]);
      }
      return out;
    },
  });
}

const everywhere = ['apps/*/src/**', 'packages/*/src/**', 'packages/*/scripts/**', 'scripts/**'];
const exclude = ['**/node_modules/**', '**/.cache/**'];
// Suites on this host's shared libvirtd take a machine-wide lock: one such run at a time.
const systemDaemonLock = ['scripts/testing/system-daemon-lock.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: everywhere.map((d) => `${d}/*.test.ts`),
          exclude: [...exclude, '**/*.int.test.ts', '**/*.lab.test.ts', 'apps/web/**'],
          testTimeout: 30_000,
        },
      },
      {
        // The web dashboard's component and hook tests, in a simulated DOM (happy-dom runs on Node 20).
        oxc: { jsx: { runtime: 'automatic' } },
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.test.{ts,tsx}'],
          exclude,
          environment: 'happy-dom',
          setupFiles: ['apps/web/src/testing/setup.ts'],
          testTimeout: 30_000,
        },
      },
      // The browser end-to-end suite (apps/web/e2e): Chromium against a real Ferry and libvirtd.
      // Only with FERRY_E2E=1 — scripts/run-tests.mjs runs it as its own suite, after the rest.
      ...(process.env.FERRY_E2E === '1' ? [{
        test: {
          name: 'e2e',
          globalSetup: systemDaemonLock,
          include: ['apps/web/e2e/**/*.e2e.ts'],
          // *.lab.e2e.ts need the two-host lab (root): the 'lab' project runs them.
          exclude: [...exclude, '**/*.lab.e2e.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      }] : []),
      // Migrations in the two-host lab (scripts/lab; root, *.lab.test.ts), and the browser tests
      // that need it (apps/web/e2e/*.lab.e2e.ts). Only with FERRY_LAB=1.
      ...(process.env.FERRY_LAB === '1' ? [{
        test: {
          name: 'lab',
          globalSetup: systemDaemonLock,
          include: [...everywhere.map((d) => `${d}/*.lab.test.ts`), 'apps/web/e2e/**/*.lab.e2e.ts'],
          exclude,
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      }] : []),
      {
        test: {
          name: 'integration',
          globalSetup: systemDaemonLock,
          include: everywhere.map((d) => `${d}/*.int.test.ts`),
          exclude,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
