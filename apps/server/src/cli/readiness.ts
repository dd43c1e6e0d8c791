// `npm start` runs this for now: is this host ready to run Ferry's VMs, and if not, what fixes it.
//
//   tsx apps/server/src/cli/readiness.ts [--uri <uri>] [--json] [--fix]
//
// --uri   libvirt URI (default: $FERRY_LIBVIRT_URI, else qemu:///system)
// --json  print the API-shaped report ({ acceleration, checks, facts }; with --fix also `fixes`)
// --fix   as root, apply the safe fixes (missing Debian packages, default pool and network),
//         say what was done, then check again
// Exit code: 0 when no check fails (warnings allowed), 1 otherwise, 2 on bad arguments.
//
// This is the one file of the readiness feature that reads the configuration, argv and the real
// libvirt; everything it calls takes them as arguments.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { Libvirt, type Connection } from '@ferry/libvirt';
import { loadConfig } from '../config.ts';
import { buildReadinessReport, isReady, type ReadinessReport } from '../modules/hosts/readiness/readiness.checks.ts';
import { createNodeProbes, gatherReadinessFacts, type ConnectFn, type ReadinessHypervisor } from '../modules/hosts/readiness/readiness.facts.ts';
import { applySafeFixes, fixRefusal, type CommandResult, type FixAction, type ReadinessFixHypervisor } from '../modules/hosts/readiness/readiness.fix.ts';

const CONNECT_TIMEOUT_MS = 20_000;
const SYMBOLS = { pass: '✔', warn: '⚠', fail: '✘' } as const;

function usage(): string {
  return 'usage: readiness [--uri <libvirt-uri>] [--json] [--fix]\n';
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        uri: { type: 'string' },
        json: { type: 'boolean', default: false },
        fix: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage()}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(usage());
    return 0;
  }
  const uri = args.uri ?? loadConfig().libvirtUri;
  const out = (text: string) => (args.json ? process.stderr : process.stdout).write(text);

  const session = new LibvirtSession(uri);
  try {
    const probes = createNodeProbes();
    const connect: ConnectFn = () => session.connection();
    let facts = await gatherReadinessFacts(uri, connect, probes);
    let report = buildReadinessReport(facts);
    let fixes: FixAction[] | undefined;
    if (!args.json) out(renderReport(report));

    if (args.fix) {
      const refusal = fixRefusal(facts);
      if (refusal) {
        out(`\n--fix: ${refusal}\n`);
      } else {
        out('\nApplying safe fixes…\n');
        fixes = await applySafeFixes(facts, {
          hypervisor: facts.libvirt.reachable ? await session.connection() : null,
          run: (program, programArgs, env) => runCommand(program, programArgs, env, out),
          readFile: (path) => readFile(path, 'utf8'),
          homeDir: homedir(),
        });
        out(renderFixes(fixes));
        if (fixes.length > 0) {
          facts = await gatherReadinessFacts(uri, connect, probes);
          report = buildReadinessReport(facts);
          if (!args.json) out(`\nAfter fixes:\n${renderReport(report)}`);
        }
      }
    }

    if (args.json) process.stdout.write(`${JSON.stringify(fixes ? { ...report, fixes } : report, null, 2)}\n`);
    return isReady(report) ? 0 : 1;
  } finally {
    await session.close();
  }
}

/**
 * Opens the real connection lazily and once; a failed open is retried on the next call, so
 * the re-check after fixes sees a daemon that a fix made reachable.
 */
class LibvirtSession {
  private lv: Libvirt | null = null;
  private conn: Connection | null = null;

  constructor(private readonly uri: string) {}

  async connection(): Promise<ReadinessHypervisor & ReadinessFixHypervisor> {
    if (this.conn?.isOpen) return this.conn;
    this.lv ??= await Libvirt.start();
    const lv = this.lv;
    this.conn = await withTimeout(lv.open(this.uri, { readOnly: false }), CONNECT_TIMEOUT_MS, `no answer from ${this.uri} within ${CONNECT_TIMEOUT_MS / 1000} s`);
    return this.conn;
  }

  async close(): Promise<void> {
    await this.conn?.close().catch(() => undefined);
    await this.lv?.close().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function runCommand(program: string, args: readonly string[], env: Record<string, string> | undefined, out: (t: string) => void): Promise<CommandResult> {
  out(`  … running: ${program} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ code: 127, output: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

// ---- rendering ---------------------------------------------------------------------------------

function renderReport(report: ReadinessReport): string {
  const { facts } = report;
  const where = facts.scope === 'local' ? 'this machine' : 'remote host: only what libvirt reports';
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines = [`Ferry host readiness for ${facts.uri} (${where})`, ''];
  for (const c of report.checks) {
    lines.push(`  ${SYMBOLS[c.status]} ${c.id.padEnd(width)}  ${c.message}`);
    if (c.fix) lines.push(`      fix: ${c.fix}`);
  }
  lines.push('', renderVerdict(report));
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  const fails = count('fail');
  const warns = count('warn');
  lines.push(fails > 0
    ? `Not ready: ${fails} check${fails > 1 ? 's' : ''} failed, ${warns} warning${warns === 1 ? '' : 's'}.`
    : `Ready${warns > 0 ? `, with ${warns} warning${warns === 1 ? '' : 's'}` : ''}.`);
  return `${lines.join('\n')}\n`;
}

function renderVerdict(report: ReadinessReport): string {
  switch (report.acceleration) {
    case 'kvm':
      return 'Acceleration: KVM — guests run with hardware virtualization.';
    case 'tcg':
      return 'Acceleration: TCG only — guests run under software emulation, roughly 10–50× slower than KVM (why: see "acceleration" above).';
    case 'none':
      return 'Acceleration: none — no guest can run on this host yet.';
  }
}

function renderFixes(fixes: FixAction[]): string {
  if (fixes.length === 0) return 'Nothing to fix automatically.\n';
  return `${fixes.map((f) => `  ${f.ok ? SYMBOLS.pass : SYMBOLS.fail} ${f.action}${f.error ? ` — ${f.error}` : ''}`).join('\n')}\n`;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`readiness: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
});
