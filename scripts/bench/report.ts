// What every benchmark prints at its end: one PASS/FAIL line per goal, then the machine and
// its load, because on a shared 2-core VM absolute numbers mean little without it.
import { cpus, loadavg } from 'node:os';

export interface Verdict { goal: string; measured: string; pass: boolean; note: string }

/** Prints the verdicts and the load line; returns the end load average and CPU count for the JSON. */
export function printVerdicts(verdicts: readonly Verdict[], run: { started: number; load0: number[] }): { load1: number[]; cpus: number } {
  console.log('\nVerdicts\n');
  for (const v of verdicts) console.log(`${v.pass ? 'PASS' : 'FAIL'}  ${v.goal}: ${v.measured}\n      ${v.note}`);
  const load1 = loadavg();
  const n = cpus().length;
  const seconds = (Date.now() - run.started) / 1000;
  console.log(`\n${n} CPUs, load average ${run.load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} at end; total ${seconds.toFixed(1)} s`);
  if (Math.max(run.load0[0]!, load1[0]!) > n * 0.5) {
    console.log('note: other processes were using the CPUs; absolute numbers are noisy, compare the ratios.');
  }
  return { load1, cpus: n };
}
