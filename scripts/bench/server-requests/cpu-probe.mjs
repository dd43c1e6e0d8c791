// Preload for profile.ts's request runs (`node … --import ./cpu-probe.mjs <entry>`): a CPU
// profile of the main thread only, between two SIGUSR2 (the first starts it, the second stops it
// and writes it as JSON to BENCH_CPUPROF_OUT). `--cpu-prof` would profile every isolate, and
// Ferry has several (main, its libvirt Workers, module-hooks threads), each with its own sampling
// thread: that roughly doubled Ferry's CPU per request, and only Ferry's.
import inspector from 'node:inspector';
import { renameSync, writeFileSync } from 'node:fs';

const out = process.env.BENCH_CPUPROF_OUT;
if (out) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => {
        session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start'));
      });
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, res) => {
      writeFileSync(`${out}.part`, JSON.stringify(err ? { error: String(err) } : res.profile));
      renameSync(`${out}.part`, out);
    });
  });
}
