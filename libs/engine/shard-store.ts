// The in-memory state of one shard replica: id map, vectors, payloads, versions, field index
// declarations, and its HNSW graph (in a worker thread, see graph/).
// Contracts:
// - apply() is synchronous and deterministic: the same operations in the same order give the
//   same labels and state (WAL replay relies on it). It never waits for the graph.
// - A point is visible to reads as soon as apply() returns: labels the graph does not hold yet
//   (the unindexed tail) are scanned exactly by every search, so recall never dips while the
//   graph catches up (Qdrant's appendable segment).
// - Labels are rows of the vector column and of the graph. Overwriting a point gives it a new
//   label and retires the old one (hnswlib's in-place update costs about ten times an insert);
//   retired labels are not reused until the optimiser compacts the shard.
// - Payload objects are replaced, never mutated in place (snapshots share them).
import { bestFirst, largerIsBetter, passesThreshold, scoreAt } from './distance.ts';
import { type Filter, filteredEf, isEmptyFilter, PointMatcher, thresholdPoints } from './filter/index.ts';
import { GraphIndex } from './graph/graph-index.ts';
import { hnswSpaceFor } from './graph/space.ts';
import {
  type BatchOperation, OK, type OperationOutcome, type PayloadOperation, pointNotFound, type ShardOperation, type UpsertMode,
} from './operations.ts';
import { selectPayload } from './payload.ts';
import { payloadChange } from './payload-changes.ts';
import { candidateScorer, type ScorerResult, scorerOrder } from './scorers.ts';
import { compareIds, type Payload, type PointId, type PointRecord, type ReadSelectors, type ScoredRecord, type SearchRequest, type ShardParams } from './types.ts';
import { VectorColumn } from './vector-column.ts';

/** Everything needed to rebuild a store, captured at one sequence number (see snapshot.ts). */
export interface ShardState {
  ids: (PointId | undefined)[];
  versions: number[];
  payloads: (Payload | null)[];
  /** ids.length * dim values. */
  vectors: Float32Array;
  fieldIndexes: [string, string][];
}

/** Filter selectors wait for the store's filter evaluation; until then the ingress refuses them. */
const FILTER_NOT_SUPPORTED: OperationOutcome = { ok: false, kind: 'bad_input', message: 'filter selectors are not supported by this replica yet' };

interface Candidate {
  label: number;
  score: number;
}

export class ShardStore {
  private readonly labels = new Map<PointId, number>();
  private ids: (PointId | undefined)[] = [];
  private payloads: (Payload | null)[] = [];
  /** Sequence number of the operation that last wrote each label (Qdrant's point version). */
  private versions: number[] = [];
  private readonly vectors: VectorColumn;
  readonly graph: GraphIndex | null;
  readonly fieldIndexes = new Map<string, string>();
  /** Filter evaluation, with the payload indexes built for fieldIndexes (kept current by setPayloadOf). */
  private readonly matcher = new PointMatcher({
    ids: () => this.ids,
    payloads: () => this.payloads,
    liveCount: () => this.labels.size,
    labelOf: (id) => this.labels.get(id),
    hasVector: (label, name) => this.hasVector(label, name),
  });

  /**
   * @param graphFile a graph saved by a snapshot of this store, holding labels below graphUpTo
   */
  constructor(private tuned: ShardParams, restore?: { state: ShardState; graphFile?: string; graphUpTo: number }) {
    const params = tuned;
    this.vectors = new VectorColumn(params.dim);
    const space = hnswSpaceFor(params.distance);
    const loaded = restore?.graphFile && restore.graphUpTo > 0;
    this.graph = space
      ? new GraphIndex({
          space, dim: params.dim, m: params.hnsw.m, efConstruct: params.hnsw.efConstruct,
          ...(loaded ? { loadFrom: restore!.graphFile, loadedUpTo: restore!.graphUpTo } : {}),
        })
      : null;
    if (restore) this.restore(restore.state, loaded ? restore.graphUpTo : 0);
  }

  get params(): ShardParams {
    return this.tuned;
  }

  /**
   * Takes new tunables (HNSW and vacuum settings) between two applies; the vector space stays.
   * Live at once: full_scan_threshold, the default search ef and the vacuum thresholds. HNSW m and
   * ef_construct apply to graphs built from now on (the next compaction); the running graph keeps
   * the ones it was built with (hnswlib fixes them when a graph is created).
   */
  retune(next: Pick<ShardParams, 'hnsw' | 'vacuum'>): void {
    this.tuned = { ...this.tuned, hnsw: { ...next.hnsw }, ...(next.vacuum ? { vacuum: { ...next.vacuum } } : {}) };
  }

  private restore(state: ShardState, graphUpTo: number): void {
    const dim = this.params.dim;
    this.ids = state.ids.slice();
    this.versions = state.versions.slice();
    this.payloads = state.payloads.slice();
    const dead: number[] = [];
    for (let label = 0; label < this.ids.length; label++) {
      const id = this.ids[label];
      this.vectors.set(label, state.vectors.subarray(label * dim, (label + 1) * dim));
      if (id === undefined) dead.push(label);
      else this.labels.set(id, label);
    }
    for (const [field, type] of state.fieldIndexes) {
      this.fieldIndexes.set(field, type);
      this.matcher.indexes.declare(field, type, this.payloads); // indexes are rebuilt, never stored
    }
    // The saved graph may predate deletes that the state has; the tail was never in it.
    for (let label = graphUpTo; label < this.ids.length; label++) this.graph?.insert(label, this.vectors.get(label));
    this.graph?.remove(dead);
  }

  get pointCount(): number {
    return this.labels.size;
  }

  /** Labels of overwritten or deleted points, still in the vector column and the graph. */
  get retiredCount(): number {
    return this.ids.length - this.labels.size;
  }

  /** Whether enough labels are retired to be worth compacting (Qdrant's vacuum thresholds). */
  get wantsCompaction(): boolean {
    const { deletedThreshold, minRetired } = this.params.vacuum ?? { deletedThreshold: 0.2, minRetired: 1000 };
    return this.retiredCount >= minRetired && this.retiredCount >= deletedThreshold * this.ids.length;
  }

  /**
   * A new store with only the live points, labels renumbered densely in their current order. Its
   * graph is rebuilt in the background; until then its searches scan exactly. Same ids, payloads,
   * versions and vectors: reads see no difference.
   */
  compacted(): ShardStore {
    const dim = this.params.dim;
    const state: ShardState = { ids: [], versions: [], payloads: [], vectors: new Float32Array(this.labels.size * dim), fieldIndexes: [...this.fieldIndexes] };
    const data = this.vectors.raw;
    for (let label = 0; label < this.ids.length; label++) {
      if (this.ids[label] === undefined) continue;
      state.vectors.set(data.subarray(label * dim, (label + 1) * dim), state.ids.length * dim);
      state.ids.push(this.ids[label]);
      state.versions.push(this.versions[label]);
      state.payloads.push(this.payloads[label]);
    }
    return new ShardStore(this.params, { state, graphUpTo: 0 });
  }

  /** Labels the graph does not hold yet. */
  get unindexedCount(): number {
    return this.graph ? this.ids.length - Math.min(this.graph.indexedUpTo, this.ids.length) : 0;
  }

  apply(op: ShardOperation, version: number): OperationOutcome {
    switch (op.kind) {
      case 'upsert':
        if (op.updateFilter) return FILTER_NOT_SUPPORTED;
        return this.upsert(op.ids, op.vectors, op.payloads, op.mode ?? 'upsert', version);
      case 'delete_points': {
        if (op.filter) return FILTER_NOT_SUPPORTED;
        const retired = op.ids.map((id) => this.retire(id)).filter((l): l is number => l !== undefined);
        this.graph?.remove(retired);
        return OK;
      }
      case 'create_field_index':
        if (this.fieldIndexes.get(op.fieldName) !== op.fieldType) this.matcher.indexes.declare(op.fieldName, op.fieldType, this.payloads);
        this.fieldIndexes.set(op.fieldName, op.fieldType);
        return OK;
      case 'delete_field_index':
        this.fieldIndexes.delete(op.fieldName);
        this.matcher.indexes.drop(op.fieldName);
        return OK;
      case 'set_payload':
      case 'overwrite_payload':
      case 'delete_payload':
      case 'clear_payload':
        return this.changePayloads(op, version);
      case 'batch':
        return this.applyBatch(op, version);
    }
  }

  private upsert(ids: PointId[], vectors: Float32Array, payloads: (Payload | null)[], mode: UpsertMode, version: number): OperationOutcome {
    const dim = this.params.dim;
    const retired: number[] = [];
    // Existence is judged once, on the state before this operation (duplicate ids within it all
    // pass or fail together; the last one wins, as with a plain upsert).
    const existedBefore = mode === 'upsert' ? null : new Set(ids.filter((id) => this.labels.has(id)));
    for (let i = 0; i < ids.length; i++) {
      if (existedBefore && existedBefore.has(ids[i]) !== (mode === 'update_only')) continue;
      const vector = vectors.subarray(i * dim, (i + 1) * dim);
      const old = this.retire(ids[i]);
      if (old !== undefined) retired.push(old);
      const label = this.ids.length;
      this.labels.set(ids[i], label);
      this.ids.push(ids[i]);
      this.payloads.push(null);
      this.setPayloadOf(label, payloads[i]);
      this.versions.push(version);
      this.vectors.set(label, vector);
      this.graph?.insert(label, vector);
    }
    this.graph?.remove(retired);
    return OK;
  }

  /**
   * A payload operation on the listed ids. Like Qdrant, it changes every listed point that exists
   * and then reports the first listed id that does not (NOT_FOUND for wait=true callers), so a
   * partly missing list still changes the points that exist. The changed points get `version`
   * and keep their labels (no vector change, no graph work).
   */
  private changePayloads(op: PayloadOperation, version: number): OperationOutcome {
    if (!('ids' in op.target)) return FILTER_NOT_SUPPORTED;
    const change = payloadChange(op);
    let missing: PointId | undefined;
    for (const id of op.target.ids) {
      const label = this.labels.get(id);
      if (label === undefined) {
        missing ??= id;
        continue;
      }
      this.setPayloadOf(label, change(this.payloads[label]));
      this.versions[label] = version;
    }
    return missing === undefined ? OK : pointNotFound(missing);
  }

  private applyBatch(op: BatchOperation, version: number): OperationOutcome {
    let first: OperationOutcome = OK;
    for (const inner of op.operations) {
      const outcome = this.apply(inner, version);
      if (outcome.ok) continue;
      if (first.ok) first = outcome;
      if (op.stopAtFirstFailure) break;
    }
    return first;
  }

  /**
   * The one place a label's payload changes (upserts, payload operations, retirement); restore
   * and compaction load whole states instead. The payload object is replaced, never mutated.
   */
  private setPayloadOf(label: number, payload: Payload | null): void {
    this.matcher.indexes.payloadChanged(label, this.payloads[label], payload); // keeps payload indexes current
    this.payloads[label] = payload;
  }

  /** Forgets a point; returns its label, which the graph must drop. */
  private retire(id: PointId): number | undefined {
    const label = this.labels.get(id);
    if (label === undefined) return undefined;
    this.labels.delete(id);
    this.ids[label] = undefined;
    this.setPayloadOf(label, null);
    return label;
  }

  /** Whether the point at `label` has the vector `name` ('' = the default unnamed vector). */
  hasVector(label: number, name: string): boolean {
    return name === '' && this.ids[label] !== undefined; // every point has exactly the default vector
  }

  /**
   * Labels of the live points matching `filter`, ascending. Synchronous and deterministic (it
   * reads only this store's state), so apply() may use it for writes that select by filter.
   */
  matchingLabels(filter: Filter): number[] {
    return this.matcher.labels(filter);
  }

  /** Ids of the live points matching `filter`, in label order. Same contract as matchingLabels. */
  matchingIds(filter: Filter): PointId[] {
    return this.matchingLabels(filter).map((label) => this.ids[label]!);
  }

  /** How many live points match: counted when `exact`, else the planner's estimate. */
  count(filter?: Filter, exact = true): number {
    if (!filter || isEmptyFilter(filter)) return this.labels.size;
    return exact ? this.matcher.bitmap(filter).count : this.matcher.estimate(filter);
  }

  /** Points with an indexable value, per indexed field. */
  indexedPointCounts(): Map<string, number> {
    return this.matcher.indexes.pointCounts();
  }

  /** Points by id, in the order asked, missing ids omitted, duplicates once. */
  get(ids: PointId[], selectors: ReadSelectors): PointRecord[] {
    const out: PointRecord[] = [];
    const seen = new Set<PointId>();
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const label = this.labels.get(id);
      if (label !== undefined) out.push(this.record(label, selectors));
    }
    return out;
  }

  /** Up to `limit` points in id order, starting at `from` (inclusive). */
  scroll(from: PointId | undefined, limit: number, selectors: ReadSelectors, filter?: Filter): PointRecord[] {
    const page: PointId[] = []; // sorted, at most `limit`: the smallest ids seen so far
    const allowed = filter && !isEmptyFilter(filter) ? this.matcher.bitmap(filter).allowed : null;
    for (const [id, label] of this.labels) {
      if (allowed && allowed[label] !== 1) continue;
      if (from !== undefined && compareIds(id, from) < 0) continue;
      if (page.length === limit && compareIds(id, page[limit - 1]) >= 0) continue;
      let at = page.length;
      while (at > 0 && compareIds(page[at - 1], id) > 0) at--;
      page.splice(at, 0, id);
      if (page.length > limit) page.pop();
    }
    return page.map((id) => this.record(this.labels.get(id)!, selectors));
  }

  /**
   * The best `top` points. Exact when asked, when the shard is below the full-scan threshold, or
   * when there is no graph; otherwise the graph's candidates for the indexed labels plus an exact
   * scan of the unindexed tail.
   */
  async search(req: SearchRequest): Promise<ScoredRecord[]> {
    if (req.top <= 0 || this.labels.size === 0) return [];
    if (req.scorer || req.candidates) return this.scanScored(req);
    if (req.filter && !isEmptyFilter(req.filter)) return this.filteredSearch(req, req.filter);
    const { distance, dim, hnsw } = this.params;
    const small = (this.labels.size * dim * 4) / 1024 < hnsw.fullScanThresholdKb;
    let candidates: Candidate[];
    if (req.exact || !this.graph || small || this.graph.indexedUpTo === 0 || this.graph.failed) {
      candidates = this.exactTop(req, 0);
    } else {
      const upTo = this.graph.indexedUpTo;
      // A graph closed meanwhile (the store was compacted away) leaves the exact scan to answer.
      const fromGraph = await this.graph.search(req.vector, req.top, req.hnswEf ?? hnsw.efConstruct).catch(() => null);
      if (fromGraph === null) return this.finish(req, this.exactTop(req, 0));
      // After the await: skip labels retired meanwhile, and labels the tail scan covers too.
      const tailFrom = Math.min(upTo, this.ids.length);
      const live = fromGraph.filter((label) => label < tailFrom && this.ids[label] !== undefined);
      candidates = [...this.scoreLabels(req, live), ...this.exactTop(req, tailFrom)];
    }
    return this.finish(req, candidates);
  }

  /** A custom scorer or a candidate list: every live (candidate) label passing the filter, if any, scored exactly. */
  private scanScored(req: SearchRequest): ScoredRecord[] {
    const passes = req.filter && !isEmptyFilter(req.filter) ? this.matcher.test(req.filter) : (label: number) => this.ids[label] !== undefined;
    const labels = req.candidates
      ? [...new Set(req.candidates.map((id) => this.labels.get(id)).filter((l): l is number => l !== undefined && passes(l)))]
      : this.ids.flatMap((_id, label) => (passes(label) ? [label] : []));
    if (!req.scorer) return this.finish(req, this.scoreLabels(req, labels));
    const score = candidateScorer(req.scorer, this.params.distance);
    const dim = this.params.dim;
    const data = this.vectors.raw;
    const scored: (ScorerResult & { label: number; id: PointId })[] = [];
    for (const label of labels) {
      const result = score(data, label * dim, this.payloads[label], this.ids[label]!);
      if (result && (req.scoreThreshold === undefined || result.score > req.scoreThreshold)) scored.push({ ...result, label, id: this.ids[label]! });
    }
    return scored
      .sort(scorerOrder(req.scorer))
      .slice(0, req.top)
      .map((c) => ({
        ...this.record(c.label, req.selectors), score: c.score, version: this.versions[c.label],
        ...(c.orderValue === undefined ? {} : { orderValue: c.orderValue }),
      }));
  }

  /**
   * A filtered search, planned as in filter/planner.ts: exact among the matching points when the
   * estimate is below the full-scan threshold, else the graph walk restricted to the matching
   * labels plus the exact filtered scan of the tail. A graph answer shorter than the matching
   * indexed points allow (a walk cut off by a very selective filter) is replaced by the exact scan.
   */
  private async filteredSearch(req: SearchRequest, filter: Filter): Promise<ScoredRecord[]> {
    const { dim, hnsw } = this.params;
    const graph = this.graph;
    const graphUsable = !req.exact && graph !== null && !graph.failed && graph.indexedUpTo > 0;
    const candidates = this.matcher.candidates(filter);
    const exactAmongMatches = () => {
      const { allowed } = this.matcher.bitmap(filter, false, candidates);
      return this.finish(req, this.exactTop(req, 0, (label) => allowed[label] === 1));
    };
    if (!graphUsable || this.matcher.estimate(filter, candidates) < thresholdPoints(hnsw.fullScanThresholdKb, dim)) return exactAmongMatches();
    const { allowed, count } = this.matcher.bitmap(filter, true, candidates);
    const upTo = Math.min(graph!.indexedUpTo, this.ids.length);
    let matchedIndexed = 0;
    for (let label = 0; label < upTo; label++) matchedIndexed += allowed[label];
    const ef = filteredEf(req.hnswEf ?? hnsw.efConstruct, req.top, count, this.labels.size);
    const fromGraph = await graph!.search(req.vector, req.top, ef, allowed).catch(() => null);
    // After the await: labels retired meanwhile are dropped, and the filter is checked again.
    const test = this.matcher.test(filter);
    const tailFrom = Math.min(upTo, this.ids.length);
    const live = (fromGraph ?? []).filter((label) => label < tailFrom && test(label));
    if (fromGraph === null || fromGraph.length < Math.min(req.top, matchedIndexed)) return exactAmongMatches();
    return this.finish(req, [...this.scoreLabels(req, live), ...this.exactTop(req, tailFrom, test)]);
  }

  private finish(req: SearchRequest, candidates: Candidate[]): ScoredRecord[] {
    const { distance } = this.params;
    const order = bestFirst(distance);
    return candidates
      .filter((c) => passesThreshold(distance, c.score, req.scoreThreshold))
      .sort(order)
      .slice(0, req.top)
      .map((c) => ({ ...this.record(c.label, req.selectors), score: c.score, version: this.versions[c.label] }));
  }

  private scoreLabels(req: SearchRequest, labels: number[]): Candidate[] {
    const data = this.vectors.raw;
    const dim = this.params.dim;
    return labels.map((label) => ({ label, score: scoreAt(this.params.distance, req.vector, data, label * dim) }));
  }

  /**
   * Exact top-k over the live labels from `fromLabel` on (only those `accept` takes, if given).
   * Keeps the best k in a small sorted array (k is small); allocates only for points that enter it.
   */
  private exactTop(req: SearchRequest, fromLabel: number, accept?: (label: number) => boolean): Candidate[] {
    const { distance, dim } = this.params;
    const data = this.vectors.raw;
    const sign = largerIsBetter(distance) ? -1 : 1; // compare as "smaller is better"
    const k = req.top;
    const best: Candidate[] = [];
    let worst = Number.POSITIVE_INFINITY; // sign * score of best[k-1] once full
    const ids = this.ids;
    for (let label = fromLabel; label < ids.length; label++) {
      if (ids[label] === undefined || (accept && !accept(label))) continue;
      const score = scoreAt(distance, req.vector, data, label * dim);
      const key = sign * score;
      if (best.length === k && key >= worst) continue;
      let at = best.length;
      while (at > 0 && sign * best[at - 1].score > key) at--;
      best.splice(at, 0, { label, score });
      if (best.length > k) best.pop();
      if (best.length === k) worst = sign * best[k - 1].score;
    }
    return best;
  }

  private record(label: number, selectors: ReadSelectors): PointRecord {
    return {
      id: this.ids[label]!,
      payload: selectPayload(this.payloads[label], selectors.payload),
      vector: selectors.vector ? this.vectors.get(label) : null,
    };
  }

  /** A consistent copy of the state (arrays copied, payload objects shared: they are never mutated). */
  capture(): ShardState {
    const n = this.ids.length;
    return {
      ids: this.ids.slice(),
      versions: this.versions.slice(),
      payloads: this.payloads.slice(),
      vectors: this.vectors.raw.slice(0, n * this.params.dim),
      fieldIndexes: [...this.fieldIndexes],
    };
  }

  async close(): Promise<void> {
    await this.graph?.close();
  }
}
