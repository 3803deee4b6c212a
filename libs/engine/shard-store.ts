// The in-memory state of one shard replica: id map, vectors, payloads, HNSW graph and field
// index declarations. Applies operations (deterministically) and answers reads.
// Labels are rows of the vector column and of the HNSW graph. Overwriting a point gives it a new
// label and retires the old one (hnswlib's in-place update repairs the graph around the old
// node and costs about ten times an insert); retired labels are not reused (reclaiming them is
// compaction, which belongs to the optimiser, not to this store).
import { bestFirst, largerIsBetter, passesThreshold, scoreAt } from './distance.ts';
import { HnswIndex, hnswSpaceFor } from './hnsw-index.ts';
import { OK, type OperationOutcome, type ShardOperation } from './operations.ts';
import { selectPayload } from './payload.ts';
import type { Payload, PointId, PointRecord, ReadSelectors, ScoredRecord, SearchRequest, ShardParams } from './types.ts';
import { VectorColumn } from './vector-column.ts';

export class ShardStore {
  private readonly labels = new Map<PointId, number>();
  private readonly ids: (PointId | undefined)[] = [];
  private readonly payloads: (Payload | null)[] = [];
  /** Sequence number of the operation that last wrote each label (Qdrant's point version). */
  private readonly versions: number[] = [];
  private readonly vectors: VectorColumn;
  private readonly hnsw: HnswIndex | null;
  readonly fieldIndexes = new Map<string, string>();

  constructor(readonly params: ShardParams) {
    this.vectors = new VectorColumn(params.dim);
    const space = hnswSpaceFor(params.distance);
    this.hnsw = space ? new HnswIndex(space, params.dim, params.hnsw) : null;
  }

  get pointCount(): number {
    return this.labels.size;
  }

  apply(op: ShardOperation, version: number): OperationOutcome {
    switch (op.kind) {
      case 'upsert':
        return this.upsert(op.ids, op.vectors, op.payloads, version);
      case 'delete_points':
        for (const id of op.ids) this.remove(id);
        return OK;
      case 'create_field_index':
        this.fieldIndexes.set(op.fieldName, op.fieldType);
        return OK;
      case 'delete_field_index':
        this.fieldIndexes.delete(op.fieldName);
        return OK;
    }
  }

  private upsert(ids: PointId[], vectors: Float32Array, payloads: (Payload | null)[], version: number): OperationOutcome {
    const dim = this.params.dim;
    for (let i = 0; i < ids.length; i++) {
      const vector = vectors.subarray(i * dim, (i + 1) * dim);
      this.remove(ids[i]);
      const label = this.ids.length;
      this.labels.set(ids[i], label);
      this.ids.push(ids[i]);
      this.payloads.push(payloads[i]);
      this.versions.push(version);
      this.vectors.set(label, vector);
      this.hnsw?.insert(label, vector);
    }
    return OK;
  }

  private remove(id: PointId): void {
    const label = this.labels.get(id);
    if (label === undefined) return;
    this.labels.delete(id);
    this.ids[label] = undefined;
    this.payloads[label] = null;
    this.hnsw?.remove(label);
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

  search(req: SearchRequest): ScoredRecord[] {
    if (req.top <= 0 || this.labels.size === 0) return [];
    const { distance, dim, hnsw } = this.params;
    const useExact =
      req.exact || !this.hnsw || (this.labels.size * dim * 4) / 1024 < hnsw.fullScanThresholdKb;
    const candidates = useExact
      ? this.exactTop(req)
      : this.scoreLabels(req, this.hnsw!.search(req.vector, req.top, req.hnswEf ?? hnsw.efConstruct));
    const order = bestFirst(distance);
    return candidates
      .filter((c) => passesThreshold(distance, c.score, req.scoreThreshold))
      .sort(order)
      .slice(0, req.top)
      .map((c) => ({ ...this.record(c.label, req.selectors), score: c.score, version: this.versions[c.label] }));
  }

  private scoreLabels(req: SearchRequest, labels: number[]): { label: number; score: number }[] {
    const data = this.vectors.raw;
    const dim = this.params.dim;
    return labels.map((label) => ({ label, score: scoreAt(this.params.distance, req.vector, data, label * dim) }));
  }

  /**
   * Exact top-k by scanning every live label. Keeps the best k in a small array kept sorted
   * (k is small); allocates only for points that enter it.
   */
  private exactTop(req: SearchRequest): { label: number; score: number }[] {
    const { distance, dim } = this.params;
    const data = this.vectors.raw;
    const sign = largerIsBetter(distance) ? -1 : 1; // compare as "smaller is better"
    const k = req.top;
    const best: { label: number; score: number }[] = [];
    let worst = Number.POSITIVE_INFINITY; // keyed (sign * score) of best[k-1] once full
    const ids = this.ids;
    for (let label = 0; label < ids.length; label++) {
      if (ids[label] === undefined) continue;
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
}
