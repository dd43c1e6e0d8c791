// Reading the devices of a domain: disks, interfaces, graphics, serial lines, consoles and
// channels, each from its own element under <devices>. Reference:
// https://libvirt.org/formatdomain.html#devices
//
// Live XML (a running domain) carries extra runtime data the same parsers pick up when present:
// the tap device of an interface, the port autoport chose, the pty of a serial line, whether the
// guest agent has its channel open. Everything else that is runtime-only (alias, address,
// index, portid) is ignored.
import type {
  DeviceKey,
  DiskSource,
  DomainChannel,
  DomainConsole,
  DomainDisk,
  DomainGraphics,
  DomainNic,
  DomainSerial,
  NicSource,
} from './domain-types.ts';
import { attr, child, textAt, type XmlElement } from './xml.ts';

/** The virtio port name of the QEMU guest agent channel. */
export const GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0';

/** MACs compare case-insensitively; libvirt writes them lower case. */
export const normalizeMac = (mac: string): string => mac.trim().toLowerCase();
export const diskKey = (targetDev: string): DeviceKey => `disk:${targetDev}`;
export const nicKey = (mac: string): DeviceKey => `nic:${normalizeMac(mac)}`;

export function toInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** Set `key` on `out` only when `value` is defined (the types use optional, not undefined, fields). */
function put<T extends object, K extends keyof T>(out: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) out[key] = value;
}

function diskSource(type: string, source: XmlElement | undefined): DiskSource | undefined {
  if (!source) return undefined;
  const file = attr(source, 'file');
  const dev = attr(source, 'dev');
  const pool = attr(source, 'pool');
  const volume = attr(source, 'volume');
  const protocol = attr(source, 'protocol');
  if (type === 'volume' && pool !== undefined && volume !== undefined) return { pool, volume };
  if (type === 'block' && dev !== undefined) return { dev };
  if (type === 'network' && protocol !== undefined) return { protocol, name: attr(source, 'name') ?? '' };
  if (file !== undefined) return { file };
  return undefined;
}

export function parseDisk(el: XmlElement): DomainDisk {
  const type = attr(el, 'type') ?? 'file';
  const target = child(el, 'target');
  const driver = child(el, 'driver');
  const dev = attr(target, 'dev') ?? '';
  const disk: DomainDisk = {
    key: diskKey(dev),
    device: attr(el, 'device') ?? 'disk',
    type,
    target: dev,
    bus: attr(target, 'bus') ?? '',
    readonly: child(el, 'readonly') !== undefined,
  };
  put(disk, 'source', diskSource(type, child(el, 'source')));
  put(disk, 'format', attr(driver, 'type'));
  put(disk, 'cache', attr(driver, 'cache'));
  put(disk, 'discard', attr(driver, 'discard'));
  put(disk, 'bootOrder', toInt(attr(child(el, 'boot'), 'order')));
  put(disk, 'serial', textAt(el, 'serial'));
  return disk;
}

function nicSource(type: string, source: XmlElement | undefined): NicSource | undefined {
  // A running 'network' interface also names its bridge (<source network='default'
  // bridge='virbr0'>); the configured source is still the network.
  const network = attr(source, 'network');
  const bridge = attr(source, 'bridge');
  if (type === 'network' && network !== undefined) return { network };
  if (type === 'bridge' && bridge !== undefined) return { bridge };
  return undefined;
}

export function parseNic(el: XmlElement): DomainNic {
  const type = attr(el, 'type') ?? '';
  const mac = normalizeMac(attr(child(el, 'mac'), 'address') ?? '');
  const nic: DomainNic = {
    key: nicKey(mac),
    type,
    mac,
    linkState: attr(child(el, 'link'), 'state') === 'down' ? 'down' : 'up',
  };
  put(nic, 'source', nicSource(type, child(el, 'source')));
  put(nic, 'model', attr(child(el, 'model'), 'type'));
  put(nic, 'bootOrder', toInt(attr(child(el, 'boot'), 'order')));
  put(nic, 'targetDev', attr(child(el, 'target'), 'dev'));
  return nic;
}

const LISTEN_TYPES = ['address', 'network', 'socket', 'none'] as const;
type ListenType = (typeof LISTEN_TYPES)[number];
const isListenType = (v: string | undefined): v is ListenType => LISTEN_TYPES.includes(v as ListenType);

export function parseGraphics(el: XmlElement): DomainGraphics {
  const port = toInt(attr(el, 'port'));
  const listenEl = child(el, 'listen');
  const g: DomainGraphics = {
    type: attr(el, 'type') ?? '',
    autoport: attr(el, 'autoport') === 'yes',
    // Only presence is recorded: the value must never leave this function.
    hasPassword: attr(el, 'passwd') !== undefined,
  };
  // port='-1' is libvirt's "not assigned yet" under autoport.
  if (port !== undefined && port > 0) g.port = port;
  const listenType = attr(listenEl, 'type');
  put(g, 'listenType', isListenType(listenType) ? listenType : attr(el, 'listen') !== undefined ? 'address' : undefined);
  // <listen type='address'> is authoritative; the legacy listen= attribute mirrors it.
  put(g, 'listen', attr(listenEl, 'address') ?? attr(el, 'listen'));
  put(g, 'socket', attr(listenEl, 'socket') ?? attr(el, 'socket'));
  return g;
}

export function parseSerial(el: XmlElement): DomainSerial {
  const target = child(el, 'target');
  const s: DomainSerial = { type: attr(el, 'type') ?? '' };
  put(s, 'port', toInt(attr(target, 'port')));
  put(s, 'targetType', attr(target, 'type'));
  put(s, 'ptyPath', attr(child(el, 'source'), 'path'));
  return s;
}

export function parseConsole(el: XmlElement): DomainConsole {
  const target = child(el, 'target');
  const c: DomainConsole = { type: attr(el, 'type') ?? '' };
  put(c, 'targetType', attr(target, 'type'));
  put(c, 'port', toInt(attr(target, 'port')));
  put(c, 'ptyPath', attr(child(el, 'source'), 'path') ?? attr(el, 'tty'));
  return c;
}

export function parseChannel(el: XmlElement): DomainChannel {
  const target = child(el, 'target');
  const ch: DomainChannel = { type: attr(el, 'type') ?? '' };
  put(ch, 'targetType', attr(target, 'type'));
  put(ch, 'name', attr(target, 'name'));
  const state = attr(target, 'state');
  if (state === 'connected' || state === 'disconnected') ch.state = state;
  return ch;
}
