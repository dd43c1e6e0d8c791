// The first look at an uploaded image: its header, read from the bytes as they stream past,
// before any of them reach the host. Why here and not only with qemu-img afterwards: it works
// for remote hosts too (the file is not on this machine), and a refused image is refused
// before it is written.
//
// What makes an image unsafe to hand to a VM is a reference to another file: a qcow2 backing
// file (the guest would read e.g. /etc/shadow through it) or an external data file. An image
// declared raw or iso must not be one of the formats that can carry such references either:
// libvirt probes a directory pool's files on refresh and would report it as that format.
// qcow2 header layout: https://gitlab.com/qemu-project/qemu/-/blob/master/docs/interop/qcow2.txt

/** How much of the body is held back for this check (the header and its extensions). */
export const HEAD_BYTES = 64 * 1024;

export type DeclaredFormat = 'qcow2' | 'raw' | 'iso';

export type HeadVerdict =
  | { ok: true; /** A qcow2's virtual size; null for raw and iso. */ virtualSize: number | null }
  | { ok: false; reason: string };

const QCOW_MAGIC = 0x514649fb; // 'QFI\xfb' (qcow and qcow2)
const EXT_END = 0x00000000;
const EXT_DATA_FILE = 0x44415441;
const INCOMPAT_DATA_FILE = 1n << 2n;
const MAX_EXTENSIONS = 64;

// Formats that can point at other files, by their leading bytes.
const REFERENCING_FORMATS: ReadonlyArray<[string, Buffer]> = [
  ['qcow/qcow2', Buffer.from([0x51, 0x46, 0x49, 0xfb])],
  ['QED', Buffer.from('QED\0', 'latin1')],
  ['VMDK', Buffer.from('KDMV', 'latin1')],
  ['VMDK descriptor', Buffer.from('# Disk DescriptorFile', 'latin1')],
];

/** Judges the start of an upload (at most HEAD_BYTES; the whole file when it is shorter). */
export function judgeImageHead(head: Uint8Array, declared: DeclaredFormat): HeadVerdict {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (declared === 'qcow2') return judgeQcow2(buf);
  const disguised = REFERENCING_FORMATS.find(([, magic]) => buf.subarray(0, magic.length).equals(magic));
  if (disguised) return { ok: false, reason: `declared ${declared}, but the bytes are a ${disguised[0]} image; upload it with its real format` };
  return { ok: true, virtualSize: null };
}

function judgeQcow2(buf: Buffer): HeadVerdict {
  if (buf.length < 72 || buf.readUInt32BE(0) !== QCOW_MAGIC) return { ok: false, reason: 'not a qcow2 image (no qcow2 header)' };
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return { ok: false, reason: `qcow2 version ${version} is not supported (2 or 3)` };
  if (buf.readBigUInt64BE(8) !== 0n || buf.readUInt32BE(16) !== 0) return { ok: false, reason: 'the image has a backing file; upload a standalone image (qemu-img convert -O qcow2)' };
  const size = buf.readBigUInt64BE(24);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'the image states an impossible virtual size' };
  let extensionsAt = 72;
  if (version === 3) {
    if (buf.length < 104) return { ok: false, reason: 'truncated qcow2 v3 header' };
    if ((buf.readBigUInt64BE(72) & INCOMPAT_DATA_FILE) !== 0n) return { ok: false, reason: 'the image keeps its data in an external file; upload a standalone image' };
    extensionsAt = buf.readUInt32BE(100);
    if (extensionsAt < 104) return { ok: false, reason: 'malformed qcow2 header length' };
  }
  // Header extensions follow the header, each {type, length, data padded to 8}, until type 0.
  let at = extensionsAt;
  for (let i = 0; i < MAX_EXTENSIONS; i++) {
    if (at + 8 > buf.length) return { ok: false, reason: `the qcow2 header extensions run past the first ${HEAD_BYTES} bytes` };
    const type = buf.readUInt32BE(at);
    if (type === EXT_END) return { ok: true, virtualSize: Number(size) };
    if (type === EXT_DATA_FILE) return { ok: false, reason: 'the image names an external data file; upload a standalone image' };
    at += 8 + Math.ceil(buf.readUInt32BE(at + 4) / 8) * 8;
  }
  return { ok: false, reason: 'too many qcow2 header extensions' };
}
