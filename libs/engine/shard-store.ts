// The in-memory state of one shard replica: id map, payloads, versions, field index declarations,
// and per vector name its vectors and HNSW graph (vector-index.ts; graphs in worker threads).
// Contracts:
// - apply() is synchronous and deterministic: the same operations in the same order give the
//   same labels and state (WAL replay relies on it). It never waits for the graph.
// - A point is visible to reads as soon as apply() returns: labels the graph does not hold yet
//   (the unindexed tail) are scanned exactly by every search, so recall never dips while the
//   graph catches up (Qdrant's appendable segment).
// - Labels are rows of the vector column and of the graph. Overwriting a point gives it a new
//   label and retires the old one (hnswlib's in-place update costs about ten times an insert);
//   retired labels are not reused until the optimiser compacts the shard. Labels are shared by all
//   vector names; a point may lack some names (it is then no candidate in their searches).
// - Changing some vectors of a point (update_vectors, delete_vectors) rewrites the point under a
//   new label too, carrying its other vectors and payload over.
// - Payload objects are replaced, never mutated in place (snapshots share them).
// - Writes that select points by filter (delete, payload, delete_vectors by filter; update_filter)
//   select them here, on this replica's state at apply time, before the operation changes anything.
import { bestFirst, largerIsBetter, passesThreshold, scoreAt } from './distance.ts';
import { type Filter, filteredEf, isEmptyFilter, PointMatcher, thresholdPoints } from './filter/index.ts';
import {
  type BatchOperation, OK, type OperationOutcome, type PayloadOperation, pointNotFound, type ShardOperation, type UpsertOperation,
  type VectorBlock,
} from './operations.ts';
import { selectPayload } from './payload.ts';
import { payloadChange } from './payload-changes.ts';
import type { GraphIndex } from './graph/graph-index.ts';
import { candidateScorer, type ScorerResult, scorerOrder } from './scorers.ts';
import {
  compareIds, type NamedVectors, type Payload, type PointId, type PointRecord, type ReadSelectors, type ScoredRecord,
  type SearchRequest, type ShardParams, type VectorParams, vectorParamsByName,
} from './types.ts';
import { type LabelView, VectorIndex, type VectorIndexState } from './vector-index.ts';

/** Everything needed to rebuild a store, captured at one sequence number (see snapshot.ts). */
export interface ShardState {
  ids: (PointId | undefined)[];
  versions: number[];
  payloads: (Payload | null)[];
  /** Per vector name, ids.length labels' vectors and presence. */
  vectors: Map<string, VectorIndexState>;
  fieldIndexes: [string, string][];
}

/** A compaction in progress (ShardStore.startCompaction). */
export interface CompactionBuild {
  /** The labels live when it started, ascending: label i of the built graphs is live[i]. */
  live: number[];
  /** How many labels the store had then; later labels are written after the start. */
  labelCount: number;
  /** Per vector name, the graph being built (null for a name without a graph). */
  graphs: Map<string, GraphIndex | null>;
  /** Resolves once every graph holds all of `live`; rejects if one dies or is cancelled. */
  ready: Promise<void>;
  /** Stops the build (its graphs' workers). */
  cancel(): Promise<void>;
}

/** Saved graphs to load, per vector name: the file and the label prefix it holds. */
export type SavedGraphs = Map<string, { file: string; upTo: number }>;

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
  /** Per vector name ("" is the unnamed default). */
  readonly vectors = new Map<string, VectorIndex>();
  private readonly view: LabelView = {
    count: 0, // replaced by a getter in the constructor
    isLive: (label) => this.ids[label] !== undefined,
  };
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
   * @param restore a captured state, with its graphs either saved by a snapshot (`graphs`) or built
   *   for it by a compaction (`built`, holding the labels below `upTo`)
   */
  constructor(
    private tuned: ShardParams,
    restore?: { state: ShardState; graphs?: SavedGraphs; built?: { graphs: Map<string, GraphIndex | null>; upTo: number } },
  ) {
    Object.defineProperty(this.view, 'count', { get: () => this.ids.length });
    if (restore) this.restore(restore.state);
    for (const [name, vectorParams] of vectorParamsByName(tuned)) {
      const state = restore?.state.vectors.get(name);
      const saved = restore?.graphs?.get(name);
      const built = restore?.built;
      const from = !state
        ? undefined
        : built
          ? { state, labels: this.view, graph: built.graphs.get(name) ?? null, graphUpTo: built.upTo }
          : { state, labels: this.view, graphFile: saved?.file, graphUpTo: saved?.upTo ?? 0 };
      this.vectors.set(name, new VectorIndex(name, vectorParams, from));
    }
  }

  /** The default vector's graph (null when it has none); see `vectors` for every name's. */
  get graph() {
    return this.vectors.get('')?.graph ?? null;
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
  retune(next: Pick<ShardParams, 'hnsw' | 'vacuum' | 'named'>): void {
    this.tuned = {
      ...this.tuned, hnsw: { ...next.hnsw }, ...(next.vacuum ? { vacuum: { ...next.vacuum } } : {}), ...(next.named ? { named: next.named } : {}),
    };
  }

  /** A vector name's current parameters (tunables live, see retune), or undefined for an unknown name. */
  private paramsOf(name: string): VectorParams | undefined {
    const { named, dim, distance, hnsw } = this.tuned;
    if (named) return named[name];
    return name === '' ? { dim, distance, hnsw } : undefined;
  }

  /** Ids, payloads, versions and field indexes of a captured state (vectors: see VectorIndex). */
  private restore(state: ShardState): void {
    this.ids = state.ids.slice();
    this.versions = state.versions.slice();
    this.payloads = state.payloads.slice();
    this.ids.forEach((id, label) => id !== undefined && this.labels.set(id, label));
    for (const [field, type] of state.fieldIndexes) {
      this.fieldIndexes.set(field, type);
      this.matcher.indexes.declare(field, type, this.payloads); // indexes are rebuilt, never stored
    }
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
   * Starts a compaction (Qdrant's vacuum optimiser): the labels live now, and per vector name a
   * graph of them, renumbered densely, built in a new worker while this store goes on applying
   * writes and answering searches with its own graphs. Finish with compactedWith once `ready`
   * resolves, or cancel.
   */
  startCompaction(): CompactionBuild {
    const live: number[] = [];
    for (let label = 0; label < this.ids.length; label++) if (this.ids[label] !== undefined) live.push(label);
    const graphs = new Map<string, GraphIndex | null>();
    for (const [name, index] of this.vectors) graphs.set(name, index.buildGraphOf(live, this.paramsOf(name) ?? index.params));
    const built = [...graphs.values()].filter((g): g is GraphIndex => g !== null);
    return {
      live,
      labelCount: this.ids.length,
      graphs,
      ready: Promise.all(built.map((g) => g.whenCaughtUp())).then(() => {}),
      cancel: () => Promise.all(built.map((g) => g.close())).then(() => {}),
    };
  }

  /**
   * The compacted store, from this store's state now and a build of startCompaction that is
   * ready: the labels live at the start keep the numbers the built graphs gave them (those
   * retired since are retired there too and leave the graphs), and the labels written since
   * follow, as the new graphs' unindexed tail. Same ids, payloads, versions and vectors: reads
   * see no difference. The new store owns the build's graphs; this one keeps its own (close it).
   */
  compactedWith(build: CompactionBuild): ShardStore {
    const order = build.live.slice();
    for (let label = build.labelCount; label < this.ids.length; label++) if (this.ids[label] !== undefined) order.push(label);
    const state: ShardState = {
      ids: order.map((l) => this.ids[l]),
      versions: order.map((l) => this.versions[l]),
      payloads: order.map((l) => this.payloads[l]),
      vectors: new Map(),
      fieldIndexes: [...this.fieldIndexes],
    };
    for (const [name, index] of this.vectors) state.vectors.set(name, index.captureRows(order));
    return new ShardStore(this.params, { state, built: { graphs: build.graphs, upTo: build.live.length } });
  }

  /** Live vectors the graphs do not hold yet: the largest backlog of any one name. */
  get unindexedCount(): number {
    let most = 0;
    for (const index of this.vectors.values()) most = Math.max(most, index.unindexedCount(this.view));
    return most;
  }

  apply(op: ShardOperation, version: number): OperationOutcome {
    switch (op.kind) {
      case 'upsert':
        return this.upsert(op, version);
      case 'update_vectors': {
        const perPoint = vectorsPerPoint(op.ids.length, op.vectors);
        const skipped = this.existingNotMatching(op.ids, op.updateFilter);
        return this.rewrite(op.ids, version, (old, i) => ({ ...old, ...perPoint[i] }), skipped);
      }
      case 'delete_vectors':
        return this.rewrite(this.listedAndMatching(op.ids, op.filter), version, (old) => {
          const kept = { ...old };
          for (const name of op.names) delete kept[name];
          return kept;
        });
      case 'delete_points': {
        const retired = this.listedAndMatching(op.ids, op.filter).map((id) => this.retire(id)).filter((l): l is number => l !== undefined);
        for (const index of this.vectors.values()) index.retire(retired);
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

  private upsert(op: UpsertOperation, version: number): OperationOutcome {
    const { ids, payloads } = op;
    const mode = op.mode ?? 'upsert';
    const blocks = op.dim > 0 ? [{ name: '', dim: op.dim, vectors: op.vectors }, ...(op.named ?? [])] : (op.named ?? []);
    if (mode === 'upsert' && !op.updateFilter && blocks.every((block) => !block.points)) {
      this.writeRows(ids, payloads, blocks, version);
      return OK;
    }
    const perPoint = vectorsPerPoint(ids.length, blocks);
    // Existence is judged once, on the state before this operation (duplicate ids within it all
    // pass or fail together; the last one wins, as with a plain upsert).
    const existedBefore = mode === 'upsert' ? null : new Set(ids.filter((id) => this.labels.has(id)));
    const excluded = this.existingNotMatching(ids, op.updateFilter);
    const points: { id: PointId; vectors: NamedVectors; payload: Payload | null }[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (existedBefore && existedBefore.has(ids[i]) !== (mode === 'update_only')) continue;
      if (excluded?.has(ids[i])) continue;
      points.push({ id: ids[i], vectors: perPoint[i], payload: payloads[i] });
    }
    this.write(points, version);
    return OK;
  }

  /** Writes whole points, each under a new label; an existing point's old label is retired. */
  private write(points: { id: PointId; vectors: NamedVectors; payload: Payload | null }[], version: number): void {
    const retired: number[] = [];
    for (const point of points) {
      const old = this.retire(point.id);
      if (old !== undefined) retired.push(old);
      const label = this.ids.length;
      this.labels.set(point.id, label);
      this.ids.push(point.id);
      this.payloads.push(null);
      this.setPayloadOf(label, point.payload);
      this.versions.push(version);
      for (const [name, vector] of Object.entries(point.vectors)) this.vectors.get(name)?.set(label, vector);
    }
    for (const index of this.vectors.values()) index.retire(retired);
  }

  /**
   * write() for points that all carry every block's name, in order: the same labels (one new label
   * per point, consecutive), state and graph messages' effect, but each block's rows are stored
   * and sent to the graph with one copy instead of one per point.
   */
  private writeRows(ids: PointId[], payloads: (Payload | null)[], blocks: VectorBlock[], version: number): void {
    const first = this.ids.length;
    const retired: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const old = this.retire(ids[i]);
      if (old !== undefined) retired.push(old);
      const label = first + i;
      this.labels.set(ids[i], label);
      this.ids.push(ids[i]);
      this.payloads.push(null);
      this.setPayloadOf(label, payloads[i]);
      this.versions.push(version);
    }
    // Rows before retirements: a point listed twice retires a label of this very operation.
    for (const block of blocks) this.vectors.get(block.name)?.setRows(first, block.vectors.subarray(0, ids.length * block.dim));
    for (const index of this.vectors.values()) index.retire(retired);
  }

  /**
   * Rewrites the vectors of existing points (payloads kept); missing ids are skipped and the first
   * one is reported as not_found, as Qdrant reports it after updating the points it found. Ids in
   * `skipped` (existing points an update_filter excludes) are left alone without a report.
   */
  private rewrite(
    ids: PointId[], version: number, change: (old: NamedVectors, i: number) => NamedVectors, skipped?: Set<PointId>,
  ): OperationOutcome {
    let missing: PointId | undefined;
    ids.forEach((id, i) => {
      if (skipped?.has(id)) return;
      const label = this.labels.get(id);
      if (label === undefined) {
        missing ??= id;
        return;
      }
      // One at a time: an id listed twice sees its first change.
      this.write([{ id, vectors: change(this.vectorsAt(label, true), i), payload: this.payloads[label] }], version);
    });
    return missing === undefined ? OK : pointNotFound(missing);
  }

  /** The label's vectors of the selected names. */
  private vectorsAt(label: number, selector: ReadSelectors['vector']): NamedVectors {
    const out: NamedVectors = {};
    if (selector === false) return out;
    for (const [name, index] of this.vectors) {
      if (selector !== true && !selector.includes(name)) continue;
      const vector = index.get(label);
      if (vector) out[name] = vector;
    }
    return out;
  }

  /**
   * A payload operation on the listed ids or on the points matching a filter. Like Qdrant, it
   * changes every listed point that exists and then reports the first listed id that does not
   * (NOT_FOUND for wait=true callers), so a partly missing list still changes the points that
   * exist; a filter matching nothing is no error. The changed points get `version` and keep their
   * labels (no vector change, no graph work).
   */
  private changePayloads(op: PayloadOperation, version: number): OperationOutcome {
    const change = payloadChange(op);
    const changeAt = (label: number) => {
      this.setPayloadOf(label, change(this.payloads[label]));
      this.versions[label] = version;
    };
    if ('filter' in op.target) {
      for (const label of this.matchingLabels(op.target.filter)) changeAt(label);
      return OK;
    }
    let missing: PointId | undefined;
    for (const id of op.target.ids) {
      const label = this.labels.get(id);
      if (label === undefined) missing ??= id;
      else changeAt(label);
    }
    return missing === undefined ? OK : pointNotFound(missing);
  }

  /** The listed ids, then the ids of the live points matching `filter` (if any), selected now. */
  private listedAndMatching(ids: PointId[], filter: Filter | undefined): PointId[] {
    return filter ? [...ids, ...this.matchingIds(filter)] : ids;
  }

  /**
   * Qdrant's update_filter: the listed ids of existing points that do not match `filter`, judged
   * now (before the operation changes anything), so duplicate ids in one operation agree.
   */
  private existingNotMatching(ids: PointId[], filter: Filter | undefined): Set<PointId> | undefined {
    if (!filter) return undefined;
    const matches = this.matcher.test(filter);
    return new Set(ids.filter((id) => {
      const label = this.labels.get(id);
      return label !== undefined && !matches(label);
    }));
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

  /** Whether the live point at `label` has the vector `name` ('' = the default unnamed vector). */
  hasVector(label: number, name: string): boolean {
    return this.ids[label] !== undefined && (this.vectors.get(name)?.has(label) ?? false);
  }

  /** The label of a live point, for per-label checks such as hasVector. */
  labelOf(id: PointId): number | undefined {
    return this.labels.get(id);
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
   * The best `top` points by the vector `req.vectorName` (default ""); points without that vector
   * are no candidates. Exact when asked, when the shard is below the name's full-scan threshold,
   * or when the name has no graph; otherwise the graph's candidates for the indexed labels plus an
   * exact scan of the unindexed tail.
   */
  async search(req: SearchRequest): Promise<ScoredRecord[]> {
    const name = req.vectorName ?? '';
    const index = this.vectors.get(name);
    const params = this.paramsOf(name);
    if (!index || !params || req.top <= 0 || this.labels.size === 0) return [];
    const on: Searched = { index, params };
    if (req.scorer || req.candidates) return this.scanScored(req, on);
    if (req.filter && !isEmptyFilter(req.filter)) return this.filteredSearch(req, req.filter, on);
    const { dim, hnsw } = params;
    const graph = index.graph;
    const small = (this.labels.size * dim * 4) / 1024 < hnsw.fullScanThresholdKb;
    let candidates: Candidate[];
    if (req.exact || !graph || small || graph.indexedUpTo === 0 || graph.failed) {
      candidates = this.exactTop(req, on, 0);
    } else {
      const upTo = graph.indexedUpTo;
      // A graph closed meanwhile (the store was compacted away) leaves the exact scan to answer.
      const fromGraph = await graph.search(req.vector, req.top, req.hnswEf ?? hnsw.efConstruct).catch(() => null);
      if (fromGraph === null) return this.finish(req, on, this.exactTop(req, on, 0));
      // After the await: skip labels retired meanwhile, and labels the tail scan covers too.
      const tailFrom = Math.min(upTo, this.ids.length);
      const live = fromGraph.filter((label) => label < tailFrom && this.ids[label] !== undefined);
      candidates = [...this.scoreLabels(req, on, live), ...this.exactTop(req, on, tailFrom)];
    }
    return this.finish(req, on, candidates);
  }

  /** A custom scorer or a candidate list: every live (candidate) label with the vector passing the filter, if any, scored exactly. */
  private scanScored(req: SearchRequest, on: Searched): ScoredRecord[] {
    const filterTest = req.filter && !isEmptyFilter(req.filter) ? this.matcher.test(req.filter) : (label: number) => this.ids[label] !== undefined;
    const passes = (label: number) => on.index.has(label) && filterTest(label);
    const labels = req.candidates
      ? [...new Set(req.candidates.map((id) => this.labels.get(id)).filter((l): l is number => l !== undefined && passes(l)))]
      : this.ids.flatMap((_id, label) => (passes(label) ? [label] : []));
    if (!req.scorer) return this.finish(req, on, this.scoreLabels(req, on, labels));
    const score = candidateScorer(req.scorer, on.params.distance);
    const dim = on.params.dim;
    const data = on.index.raw;
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
  private async filteredSearch(req: SearchRequest, filter: Filter, on: Searched): Promise<ScoredRecord[]> {
    const { dim, hnsw } = on.params;
    const graph = on.index.graph;
    const graphUsable = !req.exact && graph !== null && !graph.failed && graph.indexedUpTo > 0;
    const candidates = this.matcher.candidates(filter);
    const exactAmongMatches = () => {
      const { allowed } = this.matcher.bitmap(filter, false, candidates);
      return this.finish(req, on, this.exactTop(req, on, 0, (label) => allowed[label] === 1));
    };
    if (!graphUsable || this.matcher.estimate(filter, candidates) < thresholdPoints(hnsw.fullScanThresholdKb, dim)) return exactAmongMatches();
    const { allowed, count } = this.matcher.bitmap(filter, true, candidates);
    const upTo = Math.min(graph!.indexedUpTo, this.ids.length);
    let matchedIndexed = 0;
    for (let label = 0; label < upTo; label++) matchedIndexed += allowed[label] & (on.index.has(label) ? 1 : 0);
    const ef = filteredEf(req.hnswEf ?? hnsw.efConstruct, req.top, count, this.labels.size);
    const fromGraph = await graph!.search(req.vector, req.top, ef, allowed).catch(() => null);
    // After the await: labels retired meanwhile are dropped, and the filter is checked again.
    const test = this.matcher.test(filter);
    const tailFrom = Math.min(upTo, this.ids.length);
    const live = (fromGraph ?? []).filter((label) => label < tailFrom && test(label));
    if (fromGraph === null || fromGraph.length < Math.min(req.top, matchedIndexed)) return exactAmongMatches();
    return this.finish(req, on, [...this.scoreLabels(req, on, live), ...this.exactTop(req, on, tailFrom, test)]);
  }

  private finish(req: SearchRequest, on: Searched, candidates: Candidate[]): ScoredRecord[] {
    const { distance } = on.params;
    return candidates
      .filter((c) => this.ids[c.label] !== undefined && passesThreshold(distance, c.score, req.scoreThreshold))
      .sort(bestFirst(distance))
      .slice(0, req.top)
      .map((c) => ({ ...this.record(c.label, req.selectors), score: c.score, version: this.versions[c.label] }));
  }

  private scoreLabels(req: SearchRequest, on: Searched, labels: number[]): Candidate[] {
    const data = on.index.raw;
    const { dim, distance } = on.params;
    return labels.map((label) => ({ label, score: scoreAt(distance, req.vector, data, label * dim) }));
  }

  /**
   * Exact top-k over the live labels with the vector from `fromLabel` on (only those `accept`
   * takes, if given). Keeps the best k in a small sorted array (k is small); allocates only for
   * points that enter it.
   */
  private exactTop(req: SearchRequest, on: Searched, fromLabel: number, accept?: (label: number) => boolean): Candidate[] {
    const { distance, dim } = on.params;
    const data = on.index.raw;
    const sign = largerIsBetter(distance) ? -1 : 1; // compare as "smaller is better"
    const k = req.top;
    const best: Candidate[] = [];
    let worst = Number.POSITIVE_INFINITY; // sign * score of best[k-1] once full
    const ids = this.ids;
    const index = on.index;
    for (let label = fromLabel; label < ids.length; label++) {
      if (ids[label] === undefined || !index.has(label) || (accept && !accept(label))) continue;
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
    const { '': vector, ...named } = this.vectorsAt(label, selectors.vector);
    const record: PointRecord = {
      id: this.ids[label]!,
      payload: selectPayload(this.payloads[label], selectors.payload),
      vector: vector ?? null,
    };
    // A shard with named vectors answers a selection with the (maybe empty) map of them.
    if (selectors.vector !== false && !this.vectors.has('')) record.named = named;
    return record;
  }

  /** A consistent copy of the state (arrays copied, payload objects shared: they are never mutated). */
  capture(): ShardState {
    const n = this.ids.length;
    return {
      ids: this.ids.slice(),
      versions: this.versions.slice(),
      payloads: this.payloads.slice(),
      vectors: new Map([...this.vectors].map(([name, index]) => [name, index.capture(n)])),
      fieldIndexes: [...this.fieldIndexes],
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.vectors.values()].map((index) => index.close()));
  }
}

/** The vector a search runs on: its storage and its current parameters. */
interface Searched {
  index: VectorIndex;
  params: VectorParams;
}

/** Unpacks vector blocks into each point's vectors by name. */
function vectorsPerPoint(count: number, blocks: VectorBlock[]): NamedVectors[] {
  const out: NamedVectors[] = Array.from({ length: count }, () => ({}));
  for (const block of blocks) {
    const points = block.points ?? out.map((_, i) => i);
    points.forEach((point, row) => {
      out[point][block.name] = block.vectors.subarray(row * block.dim, (row + 1) * block.dim);
    });
  }
  return out;
}
