// Collects a guest's serial console text from a Stream and waits for markers in it.
import type { Stream } from '../../packages/libvirt/src/index.ts';

export class ConsoleReader {
  text = '';
  private ended = false;

  constructor(readonly stream: Stream) {
    const decoder = new TextDecoder();
    stream.on('data', (chunk) => { this.text += decoder.decode(chunk, { stream: true }); });
    stream.on('end', () => { this.ended = true; });
    stream.on('error', () => { this.ended = true; });
  }

  async waitFor(marker: RegExp | string, ms: number, from = 0): Promise<RegExpMatchArray> {
    const end = Date.now() + ms;
    for (;;) {
      const tail = this.text.slice(from);
      const m = typeof marker === 'string' ? (tail.includes(marker) ? ([marker] as RegExpMatchArray) : null) : marker.exec(tail);
      if (m) return m;
      if (Date.now() > end || this.ended) {
        throw new Error(`no ${String(marker)} on the console after ${ms} ms${this.ended ? ' (stream ended)' : ''}; last output:\n${this.text.slice(-600)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends keystrokes, e.g. a command followed by "\r". */
  type(text: string): Promise<void> {
    return this.stream.write(new TextEncoder().encode(text));
  }
}
