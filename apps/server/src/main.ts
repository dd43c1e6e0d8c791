// Ferry's entry point (`npm start`). The young generation is held small while Ferry starts (see
// lib/startup-heap.ts), so everything else is imported only after that: a static import would
// load the whole module graph before the first line here runs.
import { holdYoungGeneration } from './lib/startup-heap.ts';

const release = holdYoungGeneration();
const { start, startFailed } = await import('./start.ts');
await start({ onListening: release }).catch((e: unknown) => {
  release();
  startFailed(e);
});
