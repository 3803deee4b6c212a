// @ts-check
// The worker thread that owns one shard's hnswlib-node graph. Graph construction is CPU-bound and
// synchronous; here it runs off the thread that answers requests and renews queue locks.
// Plain JavaScript (type-checked through JSDoc): loader hooks are per thread in Node 20, so a
// TypeScript worker had to register tsx in every new thread, which cost about 350 ms of CPU per
// graph (one per vector name per replica, and again per compaction), and with dozens of graphs
// in one process (the unit tests) the hooks threads made starting them crawl.
// Inserts arrive in label order and are applied in chunks of CHUNK points, one chunk per turn of
// the event loop, so searches and deletes that arrive meanwhile are answered between chunks.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';

/** @typedef {import('./protocol.ts').FromWorker} FromWorker */
/** @typedef {import('./protocol.ts').GraphConfig} GraphConfig */
/** @typedef {import('./protocol.ts').ToWorker} ToWorker */

const CHUNK = 64;
/** @type {GraphConfig} */
const config = workerData;

// Graph building yields the CPU to everything that answers requests (this process's main thread,
// Redis, clients on the same machine): it runs at the lowest priority, and takes whatever CPU is
// left. On Linux a nice value belongs to a thread, and setpriority(PROCESS, 0) sets the calling
// thread's only. Searches stay correct if the graph falls behind (the store scans the unindexed
// tail exactly). Measured on 2 cores with a copy of the bench's write phase (three alternating
// runs each): single-point waited upserts during a compaction's graph build had a p50 of
// 3.6-7.0 ms at nice 5 and 3.3-4.3 ms at nice 19.
const GRAPH_THREAD_NICE = 19;
try {
  if (process.platform === 'linux') os.setPriority(GRAPH_THREAD_NICE);
} catch {
  // not permitted here: keep the inherited priority
}
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const graph = new hnswlib.HierarchicalNSW(config.space, config.dim);
let capacity = 1024;
let upTo = 0; // labels below this are inserted or skipped
/** @type {{ firstLabel: number; count: number; vectors: Float32Array; done: number }[]} */
const pending = [];
/** @type {Set<number>} */
const deletedEarly = new Set(); // deleted before their insert was applied
let working = false;

if (config.loadFrom) {
  graph.readIndexSync(config.loadFrom);
  capacity = graph.getMaxElements();
  upTo = config.loadedUpTo ?? 0;
} else {
  graph.initIndex({ maxElements: capacity, m: config.m, efConstruction: config.efConstruct, randomSeed: 100 });
}

/** @param {FromWorker} message */
const send = (message) => port.postMessage(message);

/**
 * @param {Float32Array} values
 * @param {number} from
 * @param {number} dim
 * @returns {number[]}
 */
function toArray(values, from, dim) {
  const out = new Array(dim);
  for (let i = 0; i < dim; i++) out[i] = values[from + i]; // hnswlib-node takes plain arrays
  return out;
}

function insertChunk() {
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

function schedule() {
  if (!working && pending.length) {
    working = true;
    setImmediate(insertChunk);
  }
}

port.on('message', (/** @type {ToWorker} */ message) => {
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
        /** @type {number[]} */
        let labels;
        try {
          const allowed = message.allowed;
          const filter = allowed ? (/** @type {number} */ label) => label < allowed.length && allowed[label] === 1 : undefined;
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
    if ('id' in message) send({ type: 'failed', id: message.id, message: /** @type {Error} */ (err).message });
    else throw err;
  }
});
