import { describe, expect, it } from 'vitest';
import { trimNativeHeap } from './native-heap.ts';

// What it saves is measured by scripts/bench/server-requests (RSS of idle Ferry); here: that
// it finds malloc_trim where glibc is the C library and is a harmless no-op elsewhere.
const glibc = Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

describe('trimNativeHeap', () => {
  it(`trims on glibc, answers false elsewhere (this machine: ${glibc ? 'glibc' : 'not glibc'})`, () => {
    expect(trimNativeHeap()).toBe(glibc);
    expect(trimNativeHeap()).toBe(glibc); // the second call reuses the loaded function
  });
});
