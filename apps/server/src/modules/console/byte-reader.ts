// Reads exact byte counts from a chunked source (a TCP socket, WebSocket messages) for the RFB
// handshake, where messages are fixed-size fields split arbitrarily across chunks. After the
// handshake, rest() hands back whatever arrived beyond it, so no byte is lost at the switch
// to plain relaying.
export class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.waiter?.();
  }

  /** Makes pending and later reads fail (the source closed). */
  fail(error: Error): void {
    this.failure ??= error;
    this.waiter?.();
  }

  async read(n: number): Promise<Buffer> {
    while (this.buffered < n) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => { this.waiter = resolve; });
      this.waiter = null;
    }
    const all = Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.buffered -= n;
    return all.subarray(0, n);
  }

  rest(): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    this.buffered = 0;
    return all;
  }
}
