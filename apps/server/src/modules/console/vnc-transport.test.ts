import { describe, expect, it } from 'vitest';
import { requireVncTransport, sshArgv, vncTransportFor, type SshTarget } from './vnc-transport.ts';

const ssh = (uri: string): SshTarget => {
  const t = vncTransportFor(uri);
  if (t.kind !== 'ssh') throw new Error(`${uri}: ${JSON.stringify(t)}`);
  return t.ssh;
};
const argv = (uri: string, endpoint: { host: string; port: number } = { host: '127.0.0.1', port: 5900 }) => sshArgv(ssh(uri), endpoint);
const code = (f: () => unknown) => { try { f(); return null; } catch (e) { return (e as { code?: string }).code; } };
/** The value following `flag` in argv, or undefined. */
const opt = (a: string[], flag: string) => (a.includes(flag) ? a[a.indexOf(flag) + 1] : undefined);
const sshOptions = (a: string[]) => a.flatMap((v, i) => (a[i - 1] === '-o' ? [v] : []));

describe('the VNC transport of a host URI', () => {
  it.each([
    ['qemu:///system', 'local'],
    ['qemu:///session', 'local'],
    ['test:///default', 'local'],
    ['qemu+unix:///system?socket=/var/tmp/lab/run/libvirt-sock', 'local'],
    ['qemu+tcp://localhost/system', 'local'],
    ['qemu+tls://127.0.0.1/system', 'local'],
    ['qemu+tcp://[::1]/system', 'local'],
    ['qemu+ssh://root@node2/system', 'ssh'],
    ['qemu+ssh://node2/system', 'ssh'],
    // ssh to this machine is still ssh: the URI may name a port forwarded elsewhere.
    ['qemu+ssh://root@localhost:2222/system', 'ssh'],
    ['qemu+SSH://root@node2/system', 'ssh'],
    ['qemu+tcp://10.0.0.2/system', 'refused'],
    ['qemu+tls://node2.example/system', 'refused'],
    ['qemu://node2/system', 'refused'],
    ['qemu+libssh2://root@node2/system', 'refused'],
    ['qemu+libssh://root@node2/system', 'refused'],
    ['qemu+ext://node2/system?command=/bin/x', 'refused'],
    ['not a uri', 'refused'],
  ])('%s → %s', (uri, kind) => {
    expect(vncTransportFor(uri).kind).toBe(kind);
  });

  it.each([['qemu+tcp://10.0.0.2/system', 'tcp'], ['qemu+tls://node2/system', 'tls'], ['qemu://node2/system', 'tls'], ['qemu+libssh2://node2/system', 'libssh2']])(
    'says which transport is needed and why for %s',
    (uri, via) => {
      const t = vncTransportFor(uri);
      expect(t).toMatchObject({ kind: 'refused', message: expect.stringContaining('qemu+ssh://') });
      expect((t as { message: string }).message).toContain(`${via} connection carries only libvirt's own calls`);
      expect(code(() => requireVncTransport(uri))).toBe('CONSOLE_UNAVAILABLE');
    },
  );
});

describe('the ssh command of a qemu+ssh:// host', () => {
  it('forwards stdio to the display with -W, in batch mode, host keys checked strictly, host last after --', () => {
    const a = argv('qemu+ssh://node2/system');
    expect(a.slice(-4)).toEqual(['-W', '127.0.0.1:5900', '--', 'node2']);
    expect(sshOptions(a)).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=yes', 'ConnectTimeout=10']));
    expect(a).toEqual(expect.arrayContaining(['-T', '-x', '-a']));
    expect(opt(a, '-l')).toBeUndefined();
    expect(opt(a, '-p')).toBeUndefined();
    expect(opt(a, '-i')).toBeUndefined();
    expect(sshOptions(a).some((o) => o.startsWith('UserKnownHostsFile'))).toBe(false);
  });

  it('takes the user and port of the URI', () => {
    const a = argv('qemu+ssh://admin@node2:2222/system');
    expect(opt(a, '-l')).toBe('admin');
    expect(opt(a, '-p')).toBe('2222');
    expect(a.at(-1)).toBe('node2');
  });

  it('takes keyfile= as -i and known_hosts= as the known-hosts file', () => {
    const a = argv('qemu+ssh://root@10.99.0.2/system?keyfile=/var/lib/ferry/ssh/id_ed25519&known_hosts=/var/lib/ferry/ssh/known_hosts');
    expect(opt(a, '-i')).toBe('/var/lib/ferry/ssh/id_ed25519');
    expect(sshOptions(a)).toContain('UserKnownHostsFile=/var/lib/ferry/ssh/known_hosts');
    expect(sshOptions(a)).toContain('StrictHostKeyChecking=yes');
  });

  it('no_verify=1 relaxes host key checking as libvirt does (StrictHostKeyChecking=no); 0 keeps it', () => {
    expect(sshOptions(argv('qemu+ssh://node2/system?no_verify=1'))).toContain('StrictHostKeyChecking=no');
    expect(sshOptions(argv('qemu+ssh://node2/system?no_verify=0'))).toContain('StrictHostKeyChecking=yes');
    expect(vncTransportFor('qemu+ssh://node2/system?no_verify=yes')).toMatchObject({ kind: 'refused', message: expect.stringContaining('no_verify') });
  });

  it('handles IPv6 hosts and displays', () => {
    const a = argv('qemu+ssh://root@[fd00::2]:2200/system', { host: '::1', port: 5901 });
    expect(a.slice(-4)).toEqual(['-W', '[::1]:5901', '--', 'fd00::2']);
    expect(opt(a, '-p')).toBe('2200');
  });

  it('percent-decodes the user', () => {
    expect(opt(argv('qemu+ssh://ops.team@node2/system'), '-l')).toBe('ops.team');
    expect(vncTransportFor('qemu+ssh://a%20b@node2/system').kind).toBe('refused');
  });

  it.each([
    ['a host starting with -', 'qemu+ssh://-oProxyCommand=touch%20x/system'],
    ['a host starting with - (plain)', 'qemu+ssh://-node2/system'],
    ['a host with an encoded space', 'qemu+ssh://node%202/system'],
    ['a host with an encoded newline', 'qemu+ssh://node2%0Aevil/system'],
    ['a raw newline anywhere', 'qemu+ssh://root@node2/system\n?keyfile=/k'],
    ['a raw tab in the host', 'qemu+ssh://no\tde2/system'],
    ['a user starting with -', 'qemu+ssh://-oProxyCommand=x@node2/system'],
    ['a user with a newline', 'qemu+ssh://ro%0Aot@node2/system'],
    ['a relative keyfile', 'qemu+ssh://node2/system?keyfile=id_rsa'],
    ['a keyfile starting with -', 'qemu+ssh://node2/system?keyfile=-oProxyCommand=x'],
    ['a keyfile with a space', 'qemu+ssh://node2/system?keyfile=/a%20b'],
    ['a keyfile with a newline', 'qemu+ssh://node2/system?keyfile=/a%0Ab'],
    ['a keyfile with an ssh token', 'qemu+ssh://node2/system?keyfile=/home/%25u/key'],
    ['a known_hosts with a space (ssh would read two files)', 'qemu+ssh://node2/system?known_hosts=/a%20/etc/passwd'],
    ['a known_hosts under ~', 'qemu+ssh://node2/system?known_hosts=~/.ssh/kh'],
    ['no host', 'qemu+ssh:///system'],
  ])('refuses %s', (_what, uri) => {
    expect(vncTransportFor(uri).kind).toBe('refused');
  });

  it('reaches only a loopback display by address: a unix socket or any other address is refused', () => {
    const t = ssh('qemu+ssh://node2/system');
    expect(code(() => sshArgv(t, { path: '/run/libvirt/qemu/vnc.sock' }))).toBe('CONSOLE_UNAVAILABLE');
    expect(code(() => sshArgv(t, { host: '10.0.0.5', port: 5900 }))).toBe('CONSOLE_UNAVAILABLE');
    expect(code(() => sshArgv(t, { host: '-oProxyCommand=x', port: 5900 }))).toBe('CONSOLE_UNAVAILABLE');
  });
});
