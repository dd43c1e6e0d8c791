// Ferry's entry point (`npm start`). The young generation is held small and the baseline
// compiler off while Ferry starts (see lib/startup-heap.ts), so everything else is imported only
// after that: a static import would load the whole module graph before the first line here runs.
import { holdBaselineCompiler, holdYoungGeneration } from './lib/startup-heap.ts';

const releaseYoungGeneration = holdYoungGeneration();
const releaseBaselineCompiler = holdBaselineCompiler();
const release = () => {
  releaseYoungGeneration();
  releaseBaselineCompiler();
};
const { start, startFailed } = await import('./start.ts');
await start({ onListening: release }).catch((e: unknown) => {
  release();
  startFailed(e);
});
