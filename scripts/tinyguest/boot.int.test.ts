// Boots tinyguest under plain QEMU and checks the behaviour Ferry's tests rely on.
//
// Always TCG: /dev/kvm on Ferry's dev/CI machines is kvm_pvm, which cannot run stock guests.
// The NIC is user-mode with restrict=on: the guest gets a DHCP lease from QEMU itself and no
// packet leaves or enters the host; nothing is ever sent to the guest.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureTinyGuest, MARKERS, type TinyGuestImage } from './tinyguest.ts';

const READY_TIMEOUT_MS = 120_000; // TCG on a busy 2-core machine; a typical boot is 3–10 s
const POWEROFF_LIMIT_MS = 15_000;
const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.ms.fd'; // Secure Boot firmware...
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.ms.fd'; // ...with Microsoft's keys enrolled

interface BootOptions {
  disk?: string;
  iso?: string;
  /** uefi-sb: OVMF with Secure Boot on, as libvirt picks by default on Debian */
  firmware?: 'bios' | 'uefi-sb';
}

/** One QEMU process we started; serial console on its stdout (-nographic), QMP on a socket. */
class Guest {
  readonly started = performance.now();
  serial = '';
  private readonly proc: ChildProcess;
  private readonly exit: Promise<number | null>;
  private exited = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly dir: string,
    opts: BootOptions,
  ) {
    const sb = opts.firmware === 'uefi-sb';
    const args = ['-accel', 'tcg', '-m', sb ? '512' : '256', '-nographic'];
    // Secure Boot OVMF needs q35 with SMM, and resets with 256 MiB right after the EFI stub.
    if (sb) {
      args.push('-machine', 'q35,smm=on', '-global', 'driver=cfi.pflash01,property=secure,value=on');
      args.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`);
      args.push('-drive', `if=pflash,format=raw,unit=1,file=${path.join(dir, 'vars.fd')}`);
    }
    if (opts.disk) args.push('-drive', `file=${opts.disk},format=qcow2,if=virtio`);
    if (opts.iso) args.push('-drive', `file=${opts.iso},media=cdrom,readonly=on`, '-boot', 'd');
    args.push('-nic', 'user,restrict=on,model=virtio-net-pci');
    args.push('-qmp', `unix:${this.qmpPath},server=on,wait=off`);

    this.proc = spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => this.append(d));
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => this.append(`[qemu stderr] ${d}`));
    this.exit = new Promise((resolve, reject) => {
      this.proc.on('error', reject);
      this.proc.on('exit', (code) => {
        this.exited = true;
        this.wake();
        resolve(code);
      });
    });
  }

  get qmpPath(): string {
    return path.join(this.dir, 'qmp.sock');
  }

  get elapsedS(): number {
    return (performance.now() - this.started) / 1000;
  }

  private append(d: string): void {
    this.serial += d;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  /** Resolves with the first match of `pattern` in the console output at or after `from`. */
  waitFor(pattern: string | RegExp, timeoutMs: number, from = 0): Promise<{ match: RegExpExecArray; end: number }> {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = re.exec(this.serial.slice(from));
        if (match) return done(() => resolve({ match, end: from + match.index + match[0].length }));
        if (this.exited) return done(() => reject(new Error(`QEMU exited while waiting for ${re}\n${this.tail()}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out waiting for ${re}\n${this.tail()}`))),
        timeoutMs,
      );
      const done = (f: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        f();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends one QMP command (after the capabilities handshake) and resolves with its return. */
  async qmp(command: string): Promise<unknown> {
    const sock = net.createConnection(this.qmpPath);
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    try {
      let buf = '';
      const replies: Record<string, unknown>[] = [];
      let notify = (): void => {};
      let closed = false;
      sock.on('close', () => {
        closed = true;
        notify();
      });
      sock.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) replies.push(JSON.parse(line) as Record<string, unknown>);
        }
        notify();
      });
      const next = async (): Promise<Record<string, unknown>> => {
        for (;;) {
          const r = replies.shift();
          if (r && !('event' in r)) return r;
          if (!r && closed) throw new Error(`QMP connection closed while running ${command}`);
          if (!r) await new Promise<void>((resolve) => (notify = resolve));
        }
      };
      await next(); // greeting
      for (const execute of ['qmp_capabilities', command]) {
        sock.write(JSON.stringify({ execute }) + '\n');
        const r = await next();
        if ('error' in r) throw new Error(`QMP ${execute}: ${JSON.stringify(r.error)}`);
        if (execute === command) return r.return;
      }
    } finally {
      sock.destroy();
    }
  }

  /** Resolves with QEMU's exit code, or rejects after timeoutMs. */
  waitExit(timeoutMs: number): Promise<number | null> {
    return Promise.race([
      this.exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`QEMU still running after ${timeoutMs} ms\n${this.tail()}`)), timeoutMs).unref(),
      ),
    ]);
  }

  /** Kills this QEMU (by its pid) if it is still running. */
  async kill(): Promise<void> {
    if (this.exited || this.proc.pid === undefined) return;
    process.kill(this.proc.pid, 'SIGKILL');
    await this.exit.catch(() => undefined);
  }

  tail(): string {
    return `--- console tail ---\n${this.serial.slice(-1500)}`;
  }
}

describe('tinyguest boots under QEMU (TCG)', () => {
  let image: TinyGuestImage;
  let dir: string;
  const guests: Guest[] = [];

  beforeAll(async () => {
    image = await ensureTinyGuest();
    dir = await mkdtemp(path.join(os.tmpdir(), 'tinyguest-boot-'));
    // one writable copy: the second boot sees what the first wrote to /data
    await copyFile(image.qcow2, path.join(dir, 'disk.qcow2'));
  }, 300_000);

  afterEach(async () => {
    for (const g of guests.splice(0)) await g.kill();
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Boots, waits for ready + login, presses the ACPI power button; returns the bootcount. */
  async function bootAndPowerOff(label: string, opts: BootOptions): Promise<number> {
    const g = new Guest(dir, opts);
    guests.push(g);

    const ready = await g.waitFor(MARKERS.ready, READY_TIMEOUT_MS);
    const readyS = g.elapsedS;
    await g.waitFor(`tinyguest ${MARKERS.login}`, 30_000, ready.end); // hostname + prompt
    const loginS = g.elapsedS;
    if (opts.disk) expect(ready.match[0]).toContain('disks: vda');
    // DHCP runs in the background, so the lease may come before or after "ready"
    await g.waitFor(/tinyguest: eth0 10\.0\.2\.15\/24/, 30_000);

    // Only after "ready": presses before acpid runs are lost (QEMU does not repeat them).
    const pressed = performance.now();
    await g.qmp('system_powerdown');
    const code = await g.waitExit(POWEROFF_LIMIT_MS);
    const offS = (performance.now() - pressed) / 1000;
    expect(code).toBe(0);
    expect(g.serial).toContain(MARKERS.powerButton);
    expect(g.serial).toContain(MARKERS.powerOff);
    expect(g.serial.indexOf(MARKERS.powerOff)).toBeGreaterThan(g.serial.indexOf(MARKERS.powerButton));

    console.info(
      `[tinyguest ${label}] ready ${readyS.toFixed(2)} s (guest uptime ${ready.match[1]} s), ` +
        `login prompt ${loginS.toFixed(2)} s, power button -> QEMU exit ${offS.toFixed(2)} s`,
    );
    return Number(ready.match[2]);
  }

  it('BIOS disk boot: ready, login prompt, bootcount 1, ACPI power-off', { timeout: 180_000 }, async () => {
    expect(await bootAndPowerOff('bios qcow2', { disk: path.join(dir, 'disk.qcow2') })).toBe(1);
  });

  it('the clean power-off kept /data: next boot counts 2', { timeout: 180_000 }, async () => {
    expect(await bootAndPowerOff('bios qcow2, 2nd boot', { disk: path.join(dir, 'disk.qcow2') })).toBe(2);
  });

  it.skipIf(!existsSync(OVMF_CODE) || !existsSync(OVMF_VARS))(
    'UEFI Secure Boot disk boot (shim -> grub -> kernel)',
    { timeout: 240_000 },
    async () => {
      await copyFile(OVMF_VARS, path.join(dir, 'vars.fd'));
      const disk = path.join(dir, 'disk.qcow2');
      expect(await bootAndPowerOff('uefi secure boot qcow2', { disk, firmware: 'uefi-sb' })).toBeGreaterThan(0);
    },
  );

  it('ISO boot (no data disk: bootcount 0)', { timeout: 180_000 }, async () => {
    expect(await bootAndPowerOff('bios iso', { iso: image.iso })).toBe(0);
  });
});
