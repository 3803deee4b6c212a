// Entry of the graph worker thread. Loader hooks are per thread in Node 20, so a worker does not
// inherit `--import tsx` from its process: this plain-JS entry registers tsx, then loads the
// TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./graph-worker.ts');
