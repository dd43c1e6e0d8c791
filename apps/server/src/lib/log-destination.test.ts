// Batched log output: lines wait at most ~100 ms, a full batch goes out at once, and what waits
// at exit is written.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { batchedStdout } from './log-destination.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-logdest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batchedStdout', () => {
  it('holds lines back for at most ~100 ms, and writes a full batch at once', async () => {
    const file = join(dir, 'a.log');
    const fd = openSync(file, 'a');
    const dest = batchedStdout(fd);
    dest.write('{"n":1}\n');
    dest.write('{"n":2}\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    await sleep(250);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    const big = `${JSON.stringify({ pad: 'x'.repeat(20_000) })}\n`;
    dest.write(big);
    expect(readFileSync(file, 'utf8').endsWith(big)).toBe(true);
    dest.flushSync();
    closeSync(fd);
  });

  it('writes what waits when the process exits', () => {
    const file = join(dir, 'b.log');
    const module = fileURLToPath(new URL('./log-destination.ts', import.meta.url));
    const script = `import { openSync } from 'node:fs'; import { batchedStdout } from ${JSON.stringify(module)};
      const d = batchedStdout(openSync(${JSON.stringify(file)}, 'a')); d.write('{"last":true}\\n'); process.exit(3);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('{"last":true}\n');
  });
});
