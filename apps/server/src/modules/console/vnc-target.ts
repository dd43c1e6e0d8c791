// Where the VNC proxy may connect, and with which password — decided from the VM's LIVE XML
// alone, never from anything the client sent.
//
// - Only a <graphics type='vnc'> listening on a loopback address or a unix socket qualifies:
//   anything else would mean relaying to the network, which Ferry refuses (409
//   CONSOLE_UNAVAILABLE). The port is the one QEMU was given (autoport assigns it at start).
// - Hosts reached over the network (qemu+ssh://, qemu+tcp://…): their loopback is not Ferry's.
//   Tunnelling is not built yet, so VNC is refused for them with CONSOLE_UNAVAILABLE; the
//   serial console works for every host, through libvirt's own stream.
// - The password is Ferry's: each connection sets a fresh random one on the live device
//   (virDomainUpdateDeviceFlags with passwd=…; QEMU keeps clients already connected), so a
//   password read earlier, or a local user on the host, cannot attach without Ferry. Drivers
//   that cannot change it (libvirt's test driver) keep theirs, read from the secure XML.
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { children, child, parseXml, serializeXml, withElement, type XmlElement } from '@ferry/domain-xml';
import { constants as C, isUnsupported, type Connection } from '@ferry/libvirt';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';

export type VncEndpoint = { host: string; port: number } | { path: string };
export interface VncTarget { endpoint: VncEndpoint; password: string | null }

const PASSWORD_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const newPassword = (): string => Array.from({ length: 8 }, () => PASSWORD_CHARS[randomInt(PASSWORD_CHARS.length)]).join('');

/** Whether a libvirt URI reaches the daemon on this machine (no host part, or a loopback one). */
export function isLocalUri(uri: string): boolean {
  try {
    const host = new URL(uri).hostname.replace(/^\[|\]$/g, '');
    return host === '' || host === 'localhost' || isLoopback(host);
  } catch {
    return false;
  }
}

function isLoopback(address: string): boolean {
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** The VNC graphics element of live domain XML and the endpoint it offers. */
export function vncEndpointOf(domainXml: string): { el: XmlElement; endpoint: VncEndpoint } {
  const devices = child(parseXml(domainXml), 'devices');
  const el = children(devices, 'graphics').find((g) => g.attrs.type === 'vnc');
  if (!el) throw new AppError('CONSOLE_UNAVAILABLE', 'the VM has no VNC display');
  const listen = child(el, 'listen');
  const socket = listen?.attrs.type === 'socket' ? listen.attrs.socket : el.attrs.socket;
  if (socket) return { el, endpoint: { path: socket } };
  const address = listen?.attrs.type === 'address' ? listen.attrs.address ?? el.attrs.listen : el.attrs.listen;
  if (listen && listen.attrs.type !== 'address') throw new AppError('CONSOLE_UNAVAILABLE', `the VM's VNC display listens on a ${listen.attrs.type}, not loopback`);
  if (!address || !isLoopback(address)) throw new AppError('CONSOLE_UNAVAILABLE', 'the VM\'s VNC display does not listen on loopback only; Ferry does not relay to it');
  const port = Number(el.attrs.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new AppError('CONSOLE_UNAVAILABLE', 'the VM\'s VNC display has no port yet');
  return { el, endpoint: { host: address === 'localhost' ? '127.0.0.1' : address, port } };
}

/** Refuses VNC for a host whose loopback is not this machine's. */
export function requireLocalVnc(hostUri: string): void {
  if (!isLocalUri(hostUri)) {
    throw new AppError('CONSOLE_UNAVAILABLE', 'VNC consoles of VMs on remote hosts are not available yet; use the serial console');
  }
}

/** Reads the endpoint and sets a fresh password on the live display. */
export async function prepareVncTarget(conn: Connection, uuid: string, hostUri: string): Promise<VncTarget> {
  requireLocalVnc(hostUri);
  const dom = conn.domain(uuid);
  let xml: string;
  try {
    if (!(await dom.isActive())) throw new AppError('INVALID_STATE', 'the VM is not running');
    xml = await dom.getXML(C.VIR_DOMAIN_XML_SECURE);
  } catch (e) {
    throw fromLibvirt(e, 'reading the VM\'s display');
  }
  const { el, endpoint } = vncEndpointOf(xml);
  const password = newPassword();
  try {
    await dom.updateDevice(serializeXml(withElement(el, { attrs: { ...el.attrs, passwd: password } }), { indent: 0 }), C.VIR_DOMAIN_AFFECT_LIVE);
    return { endpoint, password };
  } catch (e) {
    if (isUnsupported(e)) return { endpoint, password: el.attrs.passwd ?? null };
    throw fromLibvirt(e, 'setting the VNC password');
  }
}
