// Keeps start-up from leaving V8 memory behind that idle Ferry would keep for nothing: a large
// young generation, and baseline code for functions only start-up runs.
//
// V8 doubles the young generation (up to --max-semi-space-size, 32 MB in `npm start` for the
// libvirt call pool's sake) whenever enough of what it allocated survives, and gives the space
// back only once the process has sat idle for a while. Start-up is nothing but survivors —
// every module, schema and route Ferry loads lives as long as the process — so it used to grow
// the young generation to 16 MB per semi-space, ~28 MB of resident memory that idle Ferry kept
// for nothing (measured by scripts/bench/server-requests). Growth is therefore held off
// (growth factor 1) until Ferry listens, then V8's default (2) is back, so load still grows it.
// V8 reads this flag each time it considers growing, and the flag is process-wide, so Workers
// started meanwhile (libvirt's) are covered too.
import v8 from 'node:v8';

/** V8's default --semi-space-growth-factor (Node 20's V8 11.3 and later). */
const DEFAULT_GROWTH_FACTOR = 2;

/** Holds the young generation at its size; call the returned function to let it grow again. */
export function holdYoungGeneration(): () => void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
  };
}

/**
 * Keeps V8's baseline compiler (Sparkplug) off until released. Start-up runs the server
 * bundle's top-level code once (every module's initializers in one function, ~95 KB of
 * bytecode), the contract's schema builders and route registration: busy enough that V8
 * compiled them to baseline code, ~0.6 MB that each module's record keeps alive for the life
 * of the process (V8 keeps an evaluated module's function), and ~2 MB of idle RSS with what
 * compiling it took (scripts/bench/server-requests). Held off until Ferry listens, functions
 * still get baseline code once they run hot under load; the flag is process-wide, so the
 * libvirt Workers started meanwhile are covered too.
 */
export function holdBaselineCompiler(): () => void {
  v8.setFlagsFromString('--no-sparkplug');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    v8.setFlagsFromString('--sparkplug');
  };
}
