// The worker thread that owns one shard's hnswlib-node graph. Graph construction is CPU-bound and
// synchronous; here it runs off the thread that answers requests and renews queue locks.
// Inserts arrive in label order and are applied in chunks of CHUNK points, one chunk per turn of
// the event loop, so searches and deletes that arrive meanwhile are answered between chunks.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import type { FromWorker, GraphConfig, ToWorker } from './protocol.ts';

const CHUNK = 64;
const config = workerData as GraphConfig;

// Graph building yields the CPU to everything that answers requests (this process's main thread,
// Redis, clients on the same machine): it runs at the lowest priority, and takes whatever CPU is
// left. On Linux a nice value belongs to a thread, and setpriority(PROCESS, 0) sets the calling
// thread's only. Searches stay correct if the graph falls behind (the store scans the unindexed
// tail exactly). Measured in `npm run bench` on 2 cores: at nice 19 instead of 5, single-point
// waited upserts during a compaction's graph build went from 3.6-7.0 ms to 3.3-4.3 ms p50.
const GRAPH_THREAD_NICE = 19;
try {
  if (process.platform === 'linux') os.setPriority(GRAPH_THREAD_NICE);
} catch {
  // not permitted here: keep the inherited priority
}
const port = parentPort!;
const graph = new hnswlib.HierarchicalNSW(config.space, config.dim);
let capacity = 1024;
let upTo = 0; // labels below this are inserted or skipped
const pending: { firstLabel: number; count: number; vectors: Float32Array; done: number }[] = [];
const deletedEarly = new Set<number>(); // deleted before their insert was applied
let working = false;

if (config.loadFrom) {
  graph.readIndexSync(config.loadFrom);
  capacity = graph.getMaxElements();
  upTo = config.loadedUpTo ?? 0;
} else {
  graph.initIndex({ maxElements: capacity, m: config.m, efConstruction: config.efConstruct, randomSeed: 100 });
}

const send = (message: FromWorker) => port.postMessage(message);

function toArray(values: Float32Array, from: number, dim: number): number[] {
  const out = new Array<number>(dim);
  for (let i = 0; i < dim; i++) out[i] = values[from + i]; // hnswlib-node takes plain arrays
  return out;
}

function insertChunk(): void {
  working = false;
  const batch = pending[0];
  if (!batch) return;
  const end = Math.min(batch.count, batch.done + CHUNK);
  const needed = batch.firstLabel + end;
  if (needed > capacity) {
    capacity = Math.max(needed, capacity * 2);
    graph.resizeIndex(capacity);
  }
  for (let i = batch.done; i < end; i++) {
    const label = batch.firstLabel + i;
    if (deletedEarly.delete(label)) continue;
    graph.addPoint(toArray(batch.vectors, i * config.dim, config.dim), label);
  }
  batch.done = end;
  upTo = batch.firstLabel + end;
  if (batch.done === batch.count) pending.shift();
  send({ type: 'indexed', upTo });
  schedule();
}

function schedule(): void {
  if (!working && pending.length) {
    working = true;
    setImmediate(insertChunk);
  }
}

port.on('message', (message: ToWorker) => {
  try {
    switch (message.type) {
      case 'insert':
        pending.push({ ...message, done: 0 });
        schedule();
        break;
      case 'delete':
        for (const label of message.labels) {
          if (label >= upTo) deletedEarly.add(label);
          else {
            try {
              graph.markDelete(label);
            } catch {
              // already deleted (a restored graph gets its snapshot's deletes again): idempotent
            }
          }
        }
        break;
      case 'search': {
        const k = Math.min(message.k, graph.getCurrentCount());
        if (k <= 0) return send({ type: 'result', id: message.id, labels: [] });
        graph.setEf(Math.max(message.ef, k));
        let labels: number[];
        try {
          const allowed = message.allowed;
          const filter = allowed ? (label: number) => label < allowed.length && allowed[label] === 1 : undefined;
          labels = graph.searchKnn(toArray(message.query, 0, config.dim), k, filter).neighbors;
        } catch {
          labels = []; // fewer live elements than k (many deleted): the caller's exact tail still answers
        }
        send({ type: 'result', id: message.id, labels });
        break;
      }
      case 'save':
        graph.writeIndexSync(message.file);
        send({ type: 'saved', id: message.id, upTo });
        break;
      case 'close':
        pending.length = 0;
        process.exit(0); // ends this thread only, between chunks, never inside an hnswlib call
        break;
    }
  } catch (err) {
    if ('id' in message) send({ type: 'failed', id: message.id, message: (err as Error).message });
    else throw err;
  }
});
