import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeSshFailure, redactSshStderr, SshTunnel, type TunnelExit } from './ssh-tunnel.ts';

const alive = (pid: number | undefined) => pid !== undefined && existsSync(`/proc/${pid}`);
const exit = (stderr: string, code = 255): TunnelExit => ({ code, signal: null, stderr, spawnError: null });

describe('an ssh child as a byte stream', () => {
  it('carries bytes both ways (a stand-in child that echoes)', async () => {
    const t = new SshTunnel('cat', []);
    const got: Buffer[] = [];
    t.on('data', (b: Buffer) => got.push(b));
    t.write(Buffer.from('RFB 003.008\n'));
    await expect.poll(() => Buffer.concat(got).toString()).toBe('RFB 003.008\n');
    t.destroy();
    await t.exited;
  });

  it('destroying it ends the child, even one that ignores SIGTERM', async () => {
    const t = new SshTunnel('sh', ['-c', 'trap "" TERM; while :; do sleep 0.05; done']);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(t.pid)).toBe(true);
    t.destroy();
    const e = await t.exited;
    expect(e.signal).toBe('SIGKILL');
    expect(alive(t.pid)).toBe(false);
  });

  it('ends (close) when the child exits, keeping its stderr and exit code', async () => {
    const t = new SshTunnel('sh', ['-c', 'echo "Permission denied (publickey)." >&2; exit 255']);
    t.resume();
    await new Promise((r) => t.once('close', r));
    expect(await t.exited).toMatchObject({ code: 255, stderr: 'Permission denied (publickey).\n', spawnError: null });
  });

  it('reports a client that cannot be spawned', async () => {
    const t = new SshTunnel('/nonexistent/ssh', []);
    t.on('error', () => undefined);
    const e = await t.exited;
    expect(e.spawnError).toBe('ENOENT');
    expect(describeSshFailure(e, 'host b')).toContain('not installed');
  });
});

describe('why a tunnel failed, in one fixed sentence', () => {
  it.each([
    ['root@10.99.0.2: Permission denied (publickey).', 'refused Ferry\'s key'],
    ['No ED25519 host key is known for 10.99.0.2 and you have requested strict checking.\r\nHost key verification failed.', 'host key of host b could not be verified'],
    ['@@@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@@@', 'could not be verified'],
    ['ssh: connect to host 10.99.0.9 port 22: Connection timed out', 'did not answer over SSH in time'],
    ['ssh: connect to host 10.99.0.2 port 22: Connection refused', 'refused the SSH connection'],
    ['channel 0: open failed: connect failed: Connection refused\nstdio forwarding failed', 'would not forward'],
    ['channel 0: open failed: administratively prohibited: open failed', 'would not forward'],
    ['ssh: Could not resolve hostname nowhere: Name or service not known', 'not reachable'],
    ['kex_exchange_identification: Connection closed by remote host', 'closed the SSH connection'],
    ['something new', 'failed (ssh exited with 255)'],
  ])('%s', (stderr, says) => {
    const sentence = describeSshFailure(exit(stderr), 'host b');
    expect(sentence).toContain(says);
    expect(sentence).not.toContain('10.99.0');
  });

  it('log lines lose control characters and key material', () => {
    const s = redactSshStderr('banner \u001b[31mred\u001b[0m\n-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\nbye');
    expect(s).not.toContain('\u001b');
    expect(s).not.toContain('AAAA');
    expect(s).toContain('[redacted key]');
    expect(s).toContain('bye');
  });
});
