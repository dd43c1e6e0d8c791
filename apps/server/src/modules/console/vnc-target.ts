// Where the VNC proxy may connect, and with which password — decided from the VM's LIVE XML
// alone, never from anything the client sent.
//
// - Only a <graphics type='vnc'> listening on a loopback address or a unix socket qualifies:
//   anything else would mean relaying to the network, which Ferry refuses (409
//   CONSOLE_UNAVAILABLE). The port is the one QEMU was given (autoport assigns it at start).
// - That loopback is the VM's host's: for a host reached over the network, vnc-transport.ts
//   decides how it is reached (an ssh tunnel for qemu+ssh://) or that it cannot be.
// - The password is Ferry's: each connection sets a fresh random one on the live device
//   (virDomainUpdateDeviceFlags with passwd=…; QEMU keeps clients already connected), so a
//   password read earlier, or a local user on the host, cannot attach without Ferry. Drivers
//   that cannot change it (libvirt's test driver) keep theirs, read from the secure XML.
import { randomInt } from 'node:crypto';
import { children, child, parseXml, serializeXml, withElement, type XmlElement } from '@ferry/domain-xml';
import { constants as C, isUnsupported, type Connection } from '@ferry/libvirt';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import { isLoopback, vncTransportFor } from './vnc-transport.ts';

export type VncEndpoint = { host: string; port: number } | { path: string };
export interface VncTarget { endpoint: VncEndpoint; password: string | null }

const PASSWORD_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const newPassword = (): string => Array.from({ length: 8 }, () => PASSWORD_CHARS[randomInt(PASSWORD_CHARS.length)]).join('');

/** Whether a libvirt URI reaches the daemon on this machine (no host part, or a loopback one). */
export const isLocalUri = (uri: string): boolean => vncTransportFor(uri).kind === 'local';

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

/** Reads the endpoint (`check` may refuse it) and sets a fresh password on the live display. */
export async function prepareVncTarget(conn: Connection, uuid: string, check: (endpoint: VncEndpoint) => void = () => undefined): Promise<VncTarget> {
  const dom = conn.domain(uuid);
  let xml: string;
  try {
    if (!(await dom.isActive())) throw new AppError('INVALID_STATE', 'the VM is not running');
    xml = await dom.getXML(C.VIR_DOMAIN_XML_SECURE);
  } catch (e) {
    throw fromLibvirt(e, 'reading the VM\'s display');
  }
  const { el, endpoint } = vncEndpointOf(xml);
  check(endpoint);
  const password = newPassword();
  try {
    await dom.updateDevice(serializeXml(withElement(el, { attrs: { ...el.attrs, passwd: password } }), { indent: 0 }), C.VIR_DOMAIN_AFFECT_LIVE);
    return { endpoint, password };
  } catch (e) {
    if (isUnsupported(e)) return { endpoint, password: el.attrs.passwd ?? null };
    // QEMU sets a password only on a display started with one ('Could not set password').
    if (el.attrs.passwd === undefined) throw new AppError('CONSOLE_UNAVAILABLE', 'the VM\'s VNC display was started without a password, and QEMU cannot give it one while it runs; define the display with a password (passwd=) and restart the VM', undefined, undefined, e);
    throw fromLibvirt(e, 'setting the VNC password');
  }
}
