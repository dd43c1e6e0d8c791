// qcow2 headers built byte by byte for tests (layout: qemu's docs/interop/qcow2.txt), so a
// test can make exactly the image it needs without qemu-img.
export interface Qcow2HeaderOptions {
  version?: 2 | 3;
  virtualSize?: number;
  backingFile?: string;
  /** Sets the external-data-file incompatible feature bit (v3). */
  dataFileBit?: boolean;
  /** Header extensions as [type, data]. */
  extensions?: [number, Buffer][];
}

export function qcow2Header(o: Qcow2HeaderOptions): Buffer {
  const version = o.version ?? 3;
  const headerLength = version === 3 ? 104 : 72;
  const exts = (o.extensions ?? []).map(([type, data]) => {
    const b = Buffer.alloc(8 + Math.ceil(data.length / 8) * 8);
    b.writeUInt32BE(type, 0);
    b.writeUInt32BE(data.length, 4);
    data.copy(b, 8);
    return b;
  });
  const extBytes = Buffer.concat([...exts, Buffer.alloc(8)]); // type 0: end of extensions
  const backing = o.backingFile ? Buffer.from(o.backingFile) : Buffer.alloc(0);
  const h = Buffer.alloc(headerLength);
  h.writeUInt32BE(0x514649fb, 0);
  h.writeUInt32BE(version, 4);
  if (backing.length) {
    h.writeBigUInt64BE(BigInt(headerLength + extBytes.length), 8);
    h.writeUInt32BE(backing.length, 16);
  }
  h.writeUInt32BE(16, 20); // cluster_bits: 64 KiB
  h.writeBigUInt64BE(BigInt(o.virtualSize ?? 64 * 2 ** 20), 24);
  if (version === 3) {
    if (o.dataFileBit) h.writeBigUInt64BE(1n << 2n, 72);
    h.writeUInt32BE(4, 96); // refcount_order
    h.writeUInt32BE(headerLength, 100);
  }
  return Buffer.concat([h, extBytes, backing]);
}
