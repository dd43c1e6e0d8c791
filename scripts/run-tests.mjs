#!/usr/bin/env node
// Ferry's test orchestrator: `npm test` runs it after scripts/setup/prepare.sh.
//
// Runs, in order, the suites
//   typecheck  pnpm exec tsc -p tsconfig.json --noEmit      (1 test: pass/fail)
//   lint       pnpm exec eslint .                            (1 test: pass/fail)
//   vitest     pnpm exec vitest run --reporter=default --reporter=json --outputFile=<tmp>
//              (counts from vitest's JSON report)
//   e2e        FERRY_E2E=1 pnpm exec vitest run --project e2e … (the browser suite in apps/web/e2e:
//              Chromium against a real Ferry and libvirtd; counted the same way)
//   lab        FERRY_LAB=1 pnpm exec vitest run --project lab … (migrations in the two-host lab,
//              scripts/lab, also from the dashboard in Chromium (apps/web/e2e/*.lab.e2e.ts, which
//              builds the web app itself like the e2e files; `npm test` installs chromium): needs
//              root; as non-root its tests skip and say why)
// streaming each one's output live to stdout, then prints a summary table and, as the very last
// line, "N passed, N failed" (", N skipped" when N > 0) over all suites. Exits 1 if anything
// failed, else 0.
//
// Usage: node scripts/run-tests.mjs [--only=<suite>[,<suite>...]] [--cwd=<dir>] [-- <vitest args>]
//   npm test -- --only=vitest -- packages/libvirt -t 'parses'
// Plain Node ESM, no dependencies.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const SUITES = ['typecheck', 'lint', 'vitest', 'e2e', 'lab'];
const ESLINT_CONFIGS = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  'eslint.config.mts',
  'eslint.config.cts',
];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  if (message) process.stderr.write(`run-tests: ${message}\n`);
  process.stderr.write(
    'usage: node scripts/run-tests.mjs [--only=<suite>[,<suite>...]] [--cwd=<dir>] [-- <vitest args>]\n' +
      `suites: ${SUITES.join(', ')}\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { only: [...SUITES], cwd: repoRoot, vitestArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      opts.vitestArgs = argv.slice(i + 1);
      break;
    }
    if (arg === '-h' || arg === '--help') usage();
    let m;
    if ((m = /^--only=(.*)$/.exec(arg))) {
      const names = m[1].split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of names) if (!SUITES.includes(n)) usage(`unknown suite '${n}'`);
      if (names.length === 0) usage('--only needs a suite name');
      opts.only = SUITES.filter((s) => names.includes(s));
    } else if ((m = /^--cwd=(.+)$/.exec(arg))) {
      opts.cwd = path.resolve(m[1]);
    } else {
      usage(`unknown argument '${arg}' (vitest arguments go after '--')`);
    }
  }
  return opts;
}

// pnpm as prepare.sh left it: $FERRY_PNPM, `pnpm` on PATH, prepare.sh's npx shim, or npx itself.
function resolvePnpm() {
  const cacheDir =
    process.env.FERRY_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ferry');
  const candidates = [process.env.FERRY_PNPM, 'pnpm', path.join(cacheDir, 'bin', 'pnpm')].filter(Boolean);
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (r.status === 0 && r.stdout.trim().split('\n').pop() === PNPM_VERSION) return [c];
  }
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { stdio: 'ignore' });
    if (r.status === 0) return [c]; // some pnpm is better than none; prepare.sh warned already
  }
  return ['npx', '-y', `pnpm@${PNPM_VERSION}`];
}

let currentChild = null;
let interrupted = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    interrupted = sig;
    if (currentChild) currentChild.kill(sig);
  });
}

function say(line) {
  process.stdout.write(`${line}\n`);
}

// Run a command with its stdout and stderr both going to our stdout, live.
function run(cmd, args, cwd, env = process.env) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, stdio: ['inherit', 'inherit', 1] });
    } catch (err) {
      say(`[ferry test] could not start ${cmd}: ${err.message}`);
      resolve({ code: 127 });
      return;
    }
    currentChild = child;
    child.on('error', (err) => {
      currentChild = null;
      say(`[ferry test] could not start ${cmd}: ${err.message}`);
      resolve({ code: 127 });
    });
    child.on('close', (code, signal) => {
      currentChild = null;
      resolve({ code: code ?? 128, signal });
    });
  });
}

function describeExit({ code, signal }) {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

function vitestCounts(reportFile, exit, cwd) {
  const notes = [];
  if (!fs.existsSync(reportFile)) {
    return { passed: 0, failed: 1, skipped: 0, notes: [`vitest ${describeExit(exit)} without a JSON report`] };
  }
  let report;
  try {
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  } catch (err) {
    return { passed: 0, failed: 1, skipped: 0, notes: [`unreadable vitest JSON report: ${err.message}`] };
  }
  const passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  // Skipped and todo tests. Count per test from the per-file results when present, so that a
  // test never counts twice; else from the totals.
  let skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  if (files.length > 0) {
    skipped = 0;
    for (const f of files) {
      for (const t of f.assertionResults ?? []) {
        if (t.status !== 'passed' && t.status !== 'failed') skipped++;
      }
    }
  }
  // A test file that failed without a failing test (it did not load, its worker crashed, a hook
  // failed) counts as one failed test.
  for (const f of files) {
    const failedTests = (f.assertionResults ?? []).filter((t) => t.status === 'failed').length;
    if (f.status === 'failed' && failedTests === 0) {
      failed++;
      const where = f.name ? path.relative(cwd, f.name) : '?';
      notes.push(`${where}: ${(f.message || 'failed without a failing test').split('\n')[0]}`);
    }
  }
  if (files.length === 0 && (report.numTotalTests ?? 0) === 0 && exit.code !== 0) {
    failed++;
    notes.push('no test files found');
  } else if (exit.code !== 0 && failed === 0) {
    failed++;
    notes.push(`vitest ${describeExit(exit)} with no failed test (unhandled error?)`);
  }
  return { passed, failed, skipped, notes };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const pnpm = resolvePnpm();
  const [pnpmCmd, ...pnpmPre] = pnpm;
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-tests-'));
  const results = [];

  const exec = async (name, args, env) => {
    const shown = [...(env ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : []), ...pnpm, ...args].join(' ');
    say(`\n[ferry test] ===== ${name}: ${shown} =====`);
    const t0 = performance.now();
    const exit = await run(pnpmCmd, [...pnpmPre, ...args], opts.cwd, env ? { ...process.env, ...env } : process.env);
    return { exit, seconds: (performance.now() - t0) / 1000 };
  };

  try {
    for (const suite of opts.only) {
      if (interrupted) {
        results.push({ suite, passed: 0, failed: 1, skipped: 0, seconds: 0, notes: [`not run (${interrupted})`] });
        continue;
      }
      if (suite === 'typecheck') {
        const { exit, seconds } = await exec(suite, ['exec', 'tsc', '-p', 'tsconfig.json', '--noEmit']);
        const ok = exit.code === 0;
        results.push({ suite, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds, notes: ok ? [] : [`tsc ${describeExit(exit)}`] });
      } else if (suite === 'lint') {
        if (!ESLINT_CONFIGS.some((f) => fs.existsSync(path.join(opts.cwd, f)))) {
          const msg = `no ESLint config (${ESLINT_CONFIGS.join(', ')}) in ${opts.cwd}: lint counts as failed`;
          say(`\n[ferry test] ===== lint: not run =====\n[ferry test] ${msg}`);
          results.push({ suite, passed: 0, failed: 1, skipped: 0, seconds: 0, notes: ['no eslint config file'] });
          continue;
        }
        const { exit, seconds } = await exec(suite, ['exec', 'eslint', '.']);
        const ok = exit.code === 0;
        results.push({ suite, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds, notes: ok ? [] : [`eslint ${describeExit(exit)}`] });
      } else if (suite === 'vitest') {
        const reportFile = path.join(tmpDir, 'vitest.json');
        const { exit, seconds } = await exec(suite, [
          'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${reportFile}`,
          ...opts.vitestArgs,
        ]);
        results.push({ suite, ...vitestCounts(reportFile, exit, opts.cwd), seconds });
      } else if (suite === 'e2e') {
        // vitest.config.ts defines the e2e project only with FERRY_E2E=1, so `vitest run` above
        // never starts a browser.
        const reportFile = path.join(tmpDir, 'e2e.json');
        const { exit, seconds } = await exec(suite, [
          'exec', 'vitest', 'run', '--project', 'e2e', '--reporter=default', '--reporter=json', `--outputFile=${reportFile}`,
        ], { FERRY_E2E: '1' });
        results.push({ suite, ...vitestCounts(reportFile, exit, opts.cwd), seconds });
      } else if (suite === 'lab') {
        // Its own suite, after the rest: it runs two more libvirtds and TCG guests, which would
        // compete for the CPUs with the integration tests' guests.
        const reportFile = path.join(tmpDir, 'lab.json');
        const { exit, seconds } = await exec(suite, [
          'exec', 'vitest', 'run', '--project', 'lab', '--reporter=default', '--reporter=json', `--outputFile=${reportFile}`,
        ], { FERRY_LAB: '1' });
        results.push({ suite, ...vitestCounts(reportFile, exit, opts.cwd), seconds });
      }
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  // Summary table, then the totals line, which must be the very last line.
  const total = { passed: 0, failed: 0, skipped: 0 };
  const rows = [['suite', 'result', 'passed', 'failed', 'skipped', 'time']];
  for (const r of results) {
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    rows.push([r.suite, r.failed ? 'FAIL' : 'ok', r.passed, r.failed, r.skipped, `${r.seconds.toFixed(1)}s`].map(String));
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const fmt = (row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  say('\n[ferry test] ===== summary =====');
  for (const row of rows) say(fmt(row));
  for (const r of results) for (const n of r.notes) say(`  ${r.suite}: ${n}`);
  if (interrupted) say(`  interrupted by ${interrupted}`);
  let last = `${total.passed} passed, ${total.failed} failed`;
  if (total.skipped > 0) last += `, ${total.skipped} skipped`;
  say(last);
  process.exitCode = total.failed > 0 || interrupted ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`run-tests: ${err?.stack ?? err}\n`);
  say('0 passed, 1 failed');
  process.exitCode = 1;
});
