// Giving freed native memory back to the system (glibc's malloc_trim).
//
// glibc's malloc gives every thread that allocates under contention an arena of its own, and
// memory freed into an arena mostly stays there: only the main arena is trimmed on its own, and
// only at its top. A process that starts several JS threads (the libvirt Workers, Node's
// module-hooks thread of a loader such as tsx, V8's platform threads) leaves their start-up
// allocations — parsers' and compilers' zones, module sources, libvirt's connection set-up —
// freed but resident in those arenas for as long as it runs. malloc_trim(0) walks every arena
// and returns their free pages (madvise), which the next allocation faults back in if needed.
// Measured on Ferry idle (scripts/bench/server-requests): 4–7 MB of RSS, in under 1 ms.
//
// Here rather than in the server because only this package may load native code (koffi).
// Not glibc (musl, another OS): a no-op that says so.
import koffi from 'koffi';

let mallocTrim: ((pad: number) => number) | null | undefined;

/** Returns free malloc memory of every thread's arena to the system; false where glibc is absent. */
export function trimNativeHeap(): boolean {
  if (mallocTrim === undefined) {
    try {
      mallocTrim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
    } catch {
      mallocTrim = null;
    }
  }
  if (!mallocTrim) return false;
  mallocTrim(0);
  return true;
}
