// One vector name of a shard: its vectors by label, which labels have one, and its HNSW graph.
// Labels belong to the ShardStore and are shared by every name; a label without this vector is
// never put into this name's graph and is never a candidate of this name's searches.
// Contracts (as in ShardStore): set() is called in increasing label order; labels at or above
// the graph's indexedUpTo are the unindexed tail, which the store's searches scan exactly.
import { GraphIndex } from './graph/graph-index.ts';
import { hnswSpaceFor } from './graph/space.ts';
import type { VectorParams } from './types.ts';
import { VectorColumn } from './vector-column.ts';

/** A name's vectors captured for a snapshot or a compaction: labelCount rows, retired ones included. */
export interface VectorIndexState {
  /** labelCount * dim values; rows of labels without this vector are zeros. */
  data: Float32Array;
  /** One byte per label: 1 when the label has this vector. */
  present: Uint8Array;
}

/** What a VectorIndex asks of its store about labels. */
export interface LabelView {
  /** Labels in use, live or retired: 0 .. count-1. */
  count: number;
  isLive(label: number): boolean;
}

export class VectorIndex {
  private readonly column: VectorColumn;
  private present = new Uint8Array(1024);
  readonly graph: GraphIndex | null;

  /**
   * @param restore a captured state of `labels.count` labels, and the graph holding the labels
   *   below graphUpTo: either a file saved by a snapshot of this name (graphFile) or a graph
   *   already built in its worker (graph, see buildGraphOf), which this index then owns
   */
  constructor(
    readonly name: string,
    readonly params: VectorParams,
    restore?: { state: VectorIndexState; labels: LabelView; graphFile?: string; graph?: GraphIndex | null; graphUpTo: number },
  ) {
    this.column = new VectorColumn(params.dim);
    if (restore?.graph !== undefined) {
      this.graph = restore.graph;
      this.restore(restore.state, restore.labels, this.graph ? restore.graphUpTo : 0);
      return;
    }
    const loaded = Boolean(restore?.graphFile) && (restore?.graphUpTo ?? 0) > 0;
    this.graph = VectorIndex.newGraph(params, loaded ? { loadFrom: restore!.graphFile, loadedUpTo: restore!.graphUpTo } : {});
    if (restore) this.restore(restore.state, restore.labels, loaded ? restore.graphUpTo : 0);
  }

  /** A graph in a new worker thread, or null when the distance has no hnswlib space (exact scans only). */
  private static newGraph(params: VectorParams, from: { loadFrom?: string; loadedUpTo?: number }): GraphIndex | null {
    const space = hnswSpaceFor(params.distance);
    return space ? new GraphIndex({ space, dim: params.dim, m: params.hnsw.m, efConstruct: params.hnsw.efConstruct, ...from }) : null;
  }

  /**
   * Starts building, in a new worker and with `params`' HNSW settings, a graph of `labels`'
   * vectors (ascending labels, renumbered 0..n-1; labels without this vector are left out): the
   * graph a compaction swaps in once it has caught up (GraphIndex.whenCaughtUp). This index and
   * its own graph are not touched. Null when the distance has no graph.
   */
  buildGraphOf(labels: number[], params: VectorParams): GraphIndex | null {
    const graph = VectorIndex.newGraph(params, {});
    if (!graph) return null;
    const dim = this.params.dim;
    const raw = this.column.raw;
    for (let at = 0; at < labels.length; ) {
      if (!this.has(labels[at])) {
        at++;
        continue;
      }
      let end = at + 1; // labels[at..end) are consecutive and all have this vector
      while (end < labels.length && labels[end] === labels[end - 1] + 1 && this.has(labels[end])) end++;
      graph.insertRows(at, raw.subarray(labels[at] * dim, labels[end - 1] * dim + dim));
      at = end;
    }
    return graph;
  }

  /**
   * Loads a captured state in bulk: one copy of the column and of the presence bytes, and the
   * live tail above the saved graph sent to the graph as runs of consecutive labels (one message
   * per run instead of one copy per label).
   */
  private restore(state: VectorIndexState, labels: LabelView, graphUpTo: number): void {
    const dim = this.params.dim;
    const count = labels.count;
    this.column.load(state.data, count);
    this.present = new Uint8Array(Math.max(count, 1024));
    this.present.set(state.present.subarray(0, count));
    const dead: number[] = [];
    let runFrom = -1; // first label of the current run of live tail labels with this vector
    const endRun = (end: number) => {
      if (runFrom >= 0) this.graph?.insertRows(runFrom, state.data.subarray(runFrom * dim, end * dim));
      runFrom = -1;
    };
    for (let label = 0; label < count; label++) {
      const wanted = this.present[label] === 1 && labels.isLive(label);
      // The saved graph may predate deletes that the state has; the tail was never in it.
      if (label < graphUpTo) {
        if (this.present[label] === 1 && !wanted) dead.push(label);
        continue;
      }
      if (wanted && runFrom < 0) runFrom = label;
      if (!wanted) endRun(label);
    }
    endRun(count);
    this.graph?.remove(dead);
  }

  private markPresent(label: number): void {
    if (label >= this.present.length) {
      const grown = new Uint8Array(Math.max(label + 1, this.present.length * 2));
      grown.set(this.present);
      this.present = grown;
    }
    this.present[label] = 1;
  }

  has(label: number): boolean {
    return label < this.present.length && this.present[label] === 1;
  }

  /** Stores a label's vector (prepared for the distance; the array must not change afterwards). */
  set(label: number, vector: Float32Array): void {
    this.column.set(label, vector);
    this.markPresent(label);
    this.graph?.insert(label, vector);
  }

  /** Stores consecutive labels' vectors from `firstLabel` on (`rows`: count * dim values, prepared; copied). */
  setRows(firstLabel: number, rows: Float32Array): void {
    const count = rows.length / this.params.dim;
    if (count === 0) return;
    this.column.setRows(firstLabel, rows);
    this.markPresent(firstLabel + count - 1);
    this.present.fill(1, firstLabel, firstLabel + count);
    this.graph?.insertRows(firstLabel, rows);
  }

  /** A copy of a label's vector, or null when the label has none. */
  get(label: number): Float32Array | null {
    return this.has(label) ? this.column.get(label) : null;
  }

  /** Retired labels leave the graph (labels without this vector were never in it). */
  retire(labels: number[]): void {
    this.graph?.remove(labels.filter((l) => this.has(l)));
  }

  /** Live labels with this vector that the graph does not hold yet. */
  unindexedCount(labels: LabelView): number {
    if (!this.graph) return 0;
    let count = 0;
    for (let label = Math.min(this.graph.indexedUpTo, labels.count); label < labels.count; label++) {
      if (this.has(label) && labels.isLive(label)) count++;
    }
    return count;
  }

  /** The backing array; row r starts at r * dim (zeros for labels without this vector). Valid until the next set. */
  get raw(): Float32Array {
    return this.column.raw;
  }

  /** A copy of `labelCount` labels' vectors and presence. */
  capture(labelCount: number): VectorIndexState {
    const dim = this.params.dim;
    const data = new Float32Array(labelCount * dim);
    data.set(this.column.raw.subarray(0, Math.min(labelCount * dim, this.column.raw.length)));
    const present = new Uint8Array(labelCount);
    present.set(this.present.subarray(0, Math.min(labelCount, this.present.length)));
    return { data, present };
  }

  /**
   * The vectors and presence of `labels` (ascending), renumbered 0..n-1; runs of consecutive
   * labels are copied at once. For compaction.
   */
  captureRows(labels: number[]): VectorIndexState {
    const dim = this.params.dim;
    const raw = this.column.raw;
    const data = new Float32Array(labels.length * dim);
    const present = new Uint8Array(labels.length);
    for (let at = 0; at < labels.length; ) {
      let end = at + 1; // labels[at..end) are consecutive
      while (end < labels.length && labels[end] === labels[end - 1] + 1) end++;
      const from = labels[at];
      const rows = Math.max(0, Math.min(end - at, this.column.capacity - from));
      data.set(raw.subarray(from * dim, (from + rows) * dim), at * dim);
      for (let i = at; i < end; i++) present[i] = this.has(labels[i]) ? 1 : 0;
      at = end;
    }
    return { data, present };
  }

  close(): Promise<void> {
    return this.graph?.close() ?? Promise.resolve();
  }
}
