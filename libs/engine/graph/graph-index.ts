// The main-thread handle of a shard's HNSW graph, which lives in a worker thread.
// Contract: labels are inserted in increasing order; `indexedUpTo` tells which prefix of labels the
// graph already holds (everything at or above it is the unindexed tail, which the shard scans
// exactly). Messages are ordered, so a search sees every insert and delete posted before it that
// the worker has applied, and never a label it has not.
import { Worker } from 'node:worker_threads';
import type { FromWorker, GraphConfig, ToWorker } from './protocol.ts';

const workerUrl = new URL('./graph-worker.mjs', import.meta.url);

export class GraphIndex {
  private readonly worker: Worker;
  private upTo: number;
  /** The end of the labels posted for insertion so far. */
  private postedUpTo: number;
  private caughtUp: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (value: FromWorker) => void; reject: (err: Error) => void }>();
  private pendingInsert: { firstLabel: number; vectors: Float32Array[] } | null = null;
  private failure: Error | null = null;
  private closed = false;
  private exited = false;

  constructor(private readonly config: GraphConfig) {
    this.upTo = config.loadedUpTo ?? 0;
    this.postedUpTo = this.upTo;
    // Plain JavaScript, started without the process's flags (`--import tsx` would register the
    // TypeScript loader again in every worker thread, for nothing).
    this.worker = new Worker(workerUrl, { workerData: config, execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new Error(`graph worker exited with code ${code}`));
    });
  }

  /** Labels below this are in the graph. */
  get indexedUpTo(): number {
    return this.upTo;
  }

  private receive(message: FromWorker): void {
    if (message.type === 'indexed') {
      this.upTo = Math.max(this.upTo, message.upTo);
      if (this.upTo >= this.postedUpTo) for (const waiter of this.caughtUp.splice(0)) waiter.resolve();
      return;
    }
    const call = this.calls.get(message.id);
    if (!call) return;
    this.calls.delete(message.id);
    if (message.type === 'failed') call.reject(new Error(message.message));
    else call.resolve(message);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const call of this.calls.values()) call.reject(err);
    this.calls.clear();
    for (const waiter of this.caughtUp.splice(0)) waiter.reject(err);
  }

  /** Resolves once every label posted for insertion so far is in the graph; rejects if the graph dies or closes first. */
  whenCaughtUp(): Promise<void> {
    this.flush();
    if (this.failure) return Promise.reject(this.failure);
    if (this.upTo >= this.postedUpTo) return Promise.resolve();
    return new Promise((resolve, reject) => this.caughtUp.push({ resolve, reject }));
  }

  /** Set when the worker died; the shard then answers every search by exact scan. */
  get failed(): Error | null {
    return this.failure;
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure) return; // a dead graph takes no work; reads fall back to exact scans
    if (message.type === 'insert') this.postedUpTo = message.firstLabel + message.count;
    this.worker.postMessage(message, transfer);
  }

  private call(message: ToWorker & { id: number }, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    this.flush();
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.calls.set(message.id, { resolve, reject });
      this.post(message, transfer);
    });
  }

  /** Queues a label's vector for insertion (the array must not change afterwards); consecutive inserts travel as one message. */
  insert(label: number, vector: Float32Array): void {
    const batch = this.pendingInsert;
    if (batch && batch.firstLabel + batch.vectors.length === label) {
      batch.vectors.push(vector);
    } else {
      this.flush();
      this.pendingInsert = { firstLabel: label, vectors: [vector] };
      queueMicrotask(() => this.flush());
    }
  }

  /** Queues consecutive labels' vectors from firstLabel on (`rows`: count * dim values, copied once). */
  insertRows(firstLabel: number, rows: Float32Array): void {
    this.flush();
    const vectors = rows.slice();
    this.post({ type: 'insert', firstLabel, count: vectors.length / this.config.dim, vectors }, [vectors.buffer]);
  }

  private flush(): void {
    const batch = this.pendingInsert;
    if (!batch) return;
    this.pendingInsert = null;
    const dim = this.config.dim;
    const vectors = new Float32Array(batch.vectors.length * dim);
    batch.vectors.forEach((v, i) => vectors.set(v, i * dim));
    this.post({ type: 'insert', firstLabel: batch.firstLabel, count: batch.vectors.length, vectors }, [vectors.buffer]);
  }

  remove(labels: number[]): void {
    if (labels.length === 0) return;
    this.flush();
    this.post({ type: 'delete', labels });
  }

  /** `allowed` (on a SharedArrayBuffer, so it is not copied): only labels whose byte is 1 are returned. */
  async search(query: Float32Array, k: number, ef: number, allowed?: Uint8Array): Promise<number[]> {
    const reply = await this.call({ type: 'search', id: this.nextId++, query, k, ef, ...(allowed ? { allowed } : {}) });
    return reply.type === 'result' ? reply.labels : [];
  }

  /** Writes the graph to `file`; resolves with the label prefix the file holds. */
  async save(file: string): Promise<number> {
    const reply = await this.call({ type: 'save', id: this.nextId++, file });
    return reply.type === 'saved' ? reply.upTo : 0;
  }

  /** Stops the worker between two insert chunks (terminate() inside a native call would abort the process). */
  async close(): Promise<void> {
    if (this.closed || this.exited) return;
    this.closed = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    if (!this.failure) this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    this.fail(new Error('graph closed'));
    const timer = setTimeout(() => void this.worker.terminate(), 10_000); // a stuck worker: last resort
    await exited;
    clearTimeout(timer);
  }
}
