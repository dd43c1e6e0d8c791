import { describe, expect, it } from 'vitest';
import { isLocalUri, vncEndpointOf } from './vnc-target.ts';

const dom = (graphics: string) => `<domain type='kvm'><name>x</name><devices>${graphics}</devices></domain>`;
const code = (f: () => unknown) => { try { f(); return null; } catch (e) { return (e as { code?: string }).code; } };

describe('the VNC endpoint of a VM', () => {
  it('is the loopback address and port of the live XML', () => {
    expect(vncEndpointOf(dom(`<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>`)).endpoint)
      .toEqual({ host: '127.0.0.1', port: 5901 });
  });
  it('is the unix socket when it listens on one', () => {
    expect(vncEndpointOf(dom(`<graphics type='vnc'><listen type='socket' socket='/run/libvirt/qemu/vnc.sock'/></graphics>`)).endpoint)
      .toEqual({ path: '/run/libvirt/qemu/vnc.sock' });
  });
  it.each([
    ['listening on every address', `<graphics type='vnc' port='5901' listen='0.0.0.0'><listen type='address' address='0.0.0.0'/></graphics>`],
    ['listening on a LAN address', `<graphics type='vnc' port='5901' listen='10.0.0.5'/>`],
    ['listening on a network', `<graphics type='vnc' port='5901'><listen type='network' network='default' address='192.168.122.1'/></graphics>`],
    ['with no listen address', `<graphics type='vnc' port='5901'/>`],
    ['with no port assigned', `<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>`],
    ['absent (SPICE only)', `<graphics type='spice' port='5901' listen='127.0.0.1'/>`],
  ])('refuses a display %s with CONSOLE_UNAVAILABLE', (_what, xml) => {
    expect(code(() => vncEndpointOf(dom(xml)))).toBe('CONSOLE_UNAVAILABLE');
  });
});

describe('local hosts', () => {
  it.each([['qemu:///system', true], ['test:///default', true], ['qemu+unix:///system', true], ['qemu+tcp://localhost/system', true],
    ['qemu+ssh://root@node2/system', false], ['qemu+tls://10.0.0.2/system', false], ['not a uri', false]])('%s → %s', (uri, local) => {
    expect(isLocalUri(uri)).toBe(local);
  });
});
