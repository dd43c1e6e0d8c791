// An `ssh -W` child as a byte stream: its stdout is what the remote VNC display sent, its stdin
// what goes to it. The console code handles it like a TCP socket (a Duplex), so the RFB
// handshake and the relay are the same for local and tunnelled displays.
//
// - ssh is spawned with an argument array (never a shell) built by vnc-transport.ts.
// - Destroying the stream ends the child: SIGTERM, then SIGKILL if it is still there 2 s later.
//   The console hub destroys it when the WebSocket closes, so no tunnel outlives its socket.
// - stdout is paused while the reader lags (push() returned false): backpressure reaches the
//   remote display through ssh's channel window.
// - ssh's stderr is kept (the first STDERR_MAX bytes) for the log and to say why a tunnel
//   failed; it never reaches the client as is — describeSshFailure() turns it into one of a few
//   fixed sentences.
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';

export interface TunnelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** spawn itself failed (ENOENT: no ssh client installed). */
  spawnError: string | null;
}

const STDERR_MAX = 4096;
const KILL_GRACE_MS = 2_000;

export class SshTunnel extends Duplex {
  readonly child: ChildProcess;
  /** Resolves once the child is gone, however it ended. */
  readonly exited: Promise<TunnelExit>;
  private stderr = '';
  private exit: TunnelExit | null = null;

  constructor(file: string, args: readonly string[]) {
    super({ allowHalfOpen: false });
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const { stdin, stdout, stderr } = this.child as ChildProcess & { stdin: NodeJS.WritableStream; stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream };
    this.exited = new Promise((resolve) => {
      let spawnError: string | null = null;
      this.child.once('error', (e: NodeJS.ErrnoException) => {
        spawnError = e.code ?? e.message;
        if (this.child.pid === undefined) finish(null, null);
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exit) return;
        this.exit = { code, signal, stderr: this.stderr, spawnError };
        resolve(this.exit);
      };
      this.child.once('close', finish);
    });
    stderr.on('data', (b: Buffer) => { if (this.stderr.length < STDERR_MAX) this.stderr += b.toString('utf8').slice(0, STDERR_MAX - this.stderr.length); });
    stdout.on('data', (b: Buffer) => { if (!this.push(b)) stdout.pause(); });
    stdout.once('end', () => this.push(null));
    // A write after ssh exited fails with EPIPE: the stream ends, the relay sees it close.
    stdin.on('error', () => this.destroy());
    stdout.on('error', () => this.destroy());
    void this.exited.then(() => { if (!this.readableEnded) this.push(null); });
  }

  /** The child's pid (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) return cb(new Error('the ssh tunnel has closed'));
    stdin.write(chunk, (e) => cb(e ?? null));
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.child.stdin?.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.child.stdin?.destroy();
    this.child.stdout?.destroy();
    if (this.exit === null && this.child.pid !== undefined) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => { if (this.exit === null) this.child.kill('SIGKILL'); }, KILL_GRACE_MS);
      t.unref();
      void this.exited.then(() => clearTimeout(t));
    }
    cb(err);
  }
}

/**
 * ssh's stderr, fit for a log line: control characters (a hostile banner could carry terminal
 * escapes) replaced, and anything that looks like key material dropped.
 */
export function redactSshStderr(stderr: string): string {
  return stderr
    .replace(/-----BEGIN [^-]*PRIVATE KEY-----[\s\S]*?(-----END [^-]*PRIVATE KEY-----|$)/g, '[redacted key]')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '?')
    .trim();
}

/** One fixed sentence saying why a tunnel to `host` failed, from ssh's exit and stderr. */
export function describeSshFailure(exit: TunnelExit, host: string): string {
  const e = exit.stderr;
  if (exit.spawnError === 'ENOENT') return 'the ssh client (OpenSSH) is not installed on the Ferry server';
  if (exit.spawnError) return `the ssh client could not be started (${exit.spawnError})`;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .* not known|No .* host key is known/i.test(e)) {
    return `the SSH host key of ${host} could not be verified against the host URI's known_hosts (or the user's)`;
  }
  if (/Permission denied|Too many authentication failures|no matching|Load key .*: (invalid format|bad permissions)|UNPROTECTED PRIVATE KEY/i.test(e)) {
    return `the SSH server of ${host} refused Ferry's key (check the host URI's user and keyfile=)`;
  }
  if (/open failed|administratively prohibited|stdio forwarding failed/i.test(e)) {
    return `the SSH server of ${host} would not forward to the VM's display (AllowTcpForwarding, or the display is gone)`;
  }
  if (/timed out/i.test(e)) return `${host} did not answer over SSH in time`;
  if (/Connection refused/i.test(e)) return `${host} refused the SSH connection`;
  if (/Could not resolve hostname|No route to host|Network is unreachable|Name or service not known/i.test(e)) return `${host} is not reachable over SSH`;
  if (/Connection closed|Connection reset|kex_exchange_identification/i.test(e)) return `${host} closed the SSH connection`;
  return `the SSH tunnel to ${host} failed (ssh exited with ${exit.signal ?? exit.code})`;
}
