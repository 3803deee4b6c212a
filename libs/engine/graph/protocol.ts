// Messages between a shard's GraphIndex (the indexer's main thread) and its graph worker thread.
// The worker handles them strictly in arrival order, except that pending inserts are worked off
// in small chunks between messages, so a search never waits for a whole batch of inserts.

export interface GraphConfig {
  space: 'l2' | 'ip';
  dim: number;
  m: number;
  efConstruct: number;
  /** A graph file written by `save`, to load instead of starting empty. */
  loadFrom?: string;
  /** Labels below this are in the loaded graph (its `save` reply). */
  loadedUpTo?: number;
}

export type ToWorker =
  | { type: 'insert'; firstLabel: number; count: number; vectors: Float32Array }
  | { type: 'delete'; labels: number[] }
  /** `allowed`: when set, only labels whose byte is 1 may be returned (a filtered search). */
  | { type: 'search'; id: number; query: Float32Array; k: number; ef: number; allowed?: Uint8Array }
  | { type: 'save'; id: number; file: string }
  /** Stop between two chunks: terminating a thread inside a native hnswlib call aborts the process. */
  | { type: 'close' };

export type FromWorker =
  /** Every label below `upTo` has been inserted (or skipped, if deleted first). */
  | { type: 'indexed'; upTo: number }
  | { type: 'result'; id: number; labels: number[] }
  | { type: 'saved'; id: number; upTo: number }
  | { type: 'failed'; id: number; message: string };
