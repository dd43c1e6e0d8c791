import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/app-error.ts';
import { HEAD_BYTES } from './image-header.ts';
import { pump, WRITE_BYTES, type PumpOptions, type UploadSink } from './upload-pump.ts';

const KiB = 1024;

/** A source of `count` chunks of `size` bytes that records how far it has been read. */
function source(count: number, size: number) {
  const state = { pulled: 0 };
  async function* gen() {
    for (let i = 0; i < count; i++) {
      state.pulled += size;
      yield Buffer.alloc(size, i % 251);
    }
  }
  return { body: gen(), state };
}

/** A sink whose writes complete only when released: libvirt being slow. */
function slowSink() {
  const writes: Buffer[] = [];
  const waiting: Array<() => void> = [];
  const sink: UploadSink = {
    write: (chunk) => { writes.push(Buffer.from(chunk)); return new Promise((r) => waiting.push(r)); },
  };
  return { sink, writes, release: () => waiting.splice(0).forEach((r) => r()) };
}

const opts = (expectedBytes: number, o: Partial<PumpOptions> = {}): PumpOptions => ({
  expectedBytes, inspect: () => undefined, onProgress: () => undefined, failure: () => null, ...o,
});
const tick = () => new Promise((r) => setImmediate(r));

describe('pump', () => {
  it('does not pull the next chunk while libvirt has not taken the last write (backpressure)', async () => {
    const { body, state } = source(64, 64 * KiB); // 4 MiB in socket-sized reads
    const { sink, writes, release } = slowSink();
    const done = pump(body, sink, opts(4096 * KiB));
    for (let round = 0; round < 4; round++) {
      await tick();
      // Held: one write in flight, and nothing read beyond it.
      expect(writes).toHaveLength(round + 1);
      expect(state.pulled).toBe((round + 1) * WRITE_BYTES);
      await tick();
      expect(state.pulled).toBe((round + 1) * WRITE_BYTES);
      release();
    }
    await expect(done).resolves.toBe(4096 * KiB);
  });

  it('holds the first bytes until the header is judged; a refusal writes nothing', async () => {
    const seen: number[] = [];
    const { body } = source(8, 16 * KiB);
    const writes: Buffer[] = [];
    const refused = pump(body, { write: async (c) => { writes.push(Buffer.from(c)); } }, opts(128 * KiB, {
      inspect: (head) => { seen.push(head.length); throw new AppError('BAD_REQUEST', 'no'); },
    }));
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(seen).toEqual([HEAD_BYTES]);
    expect(writes).toHaveLength(0);
  });

  it('judges a body shorter than the header window whole, then writes it', async () => {
    const { body } = source(1, 1000);
    const writes: Buffer[] = [];
    const heads: number[] = [];
    await pump(body, { write: async (c) => { writes.push(Buffer.from(c)); } }, opts(1000, { inspect: (h) => { heads.push(h.length); } }));
    expect(heads).toEqual([1000]);
    expect(Buffer.concat(writes).length).toBe(1000);
  });

  it('writes every byte in order and reports progress', async () => {
    const { body } = source(40, 100 * KiB);
    const writes: Buffer[] = [];
    const progress: number[] = [];
    await pump(body, { write: async (c) => { writes.push(Buffer.from(c)); } }, opts(4000 * KiB, { onProgress: (n) => progress.push(n) }));
    const all = Buffer.concat(writes);
    expect(all.length).toBe(4000 * KiB);
    for (let i = 0; i < 40; i++) expect(all[i * 100 * KiB]).toBe(i % 251);
    expect(progress.at(-1)).toBe(4000 * KiB);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('fails a body shorter or longer than its Content-Length', async () => {
    await expect(pump(source(2, 1000).body, { write: async () => undefined }, opts(3000))).rejects.toThrow(/ended after 2000 of 3000 bytes/);
    await expect(pump(source(4, 1000).body, { write: async () => undefined }, opts(3000))).rejects.toThrow(/longer than its Content-Length/);
  });

  it('fails when the stream reports a failure, and passes on a broken request', async () => {
    let failed: Error | null = null;
    const failing = pump(source(40, 100 * KiB).body, { write: async () => { failed = new AppError('INTERNAL', 'disk full'); } }, opts(4000 * KiB, { failure: () => failed }));
    await expect(failing).rejects.toThrow('disk full');
    async function* aborted() {
      yield Buffer.alloc(100 * KiB);
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    await expect(pump(aborted(), { write: async () => undefined }, opts(1000 * KiB))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
