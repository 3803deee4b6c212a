// Upserts whose points all carry every vector are stored row block by row block (one copy per
// block): ids listed twice, overwrites of earlier operations, payloads and versions must come out
// as a point-by-point model computed here says, through exact scans and through the graph.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PointId, ShardStore, type ShardParams, type UpsertOperation } from '../../libs/engine/index.ts';

const DIM = 4;
const params: ShardParams = { dim: DIM, distance: 'Euclid', hnsw: { m: 16, efConstruct: 64, fullScanThresholdKb: 0 } };
const all = { payload: { mode: 'all' as const }, vector: true };
const none = { payload: { mode: 'none' as const }, vector: false };

function op(ids: bigint[], seed: number): UpsertOperation {
  const vectors = new Float32Array(ids.length * DIM).map((_, i) => Math.fround(Math.sin(i * 0.71 + seed) * 10));
  return { kind: 'upsert', ids, dim: DIM, vectors, payloads: ids.map((id, i) => ({ seed, at: i, id: Number(id) })) };
}

test('block upserts keep the last listing of each id, its payload and version, and searches see only live points', async () => {
  const store = new ShardStore(params);
  const model = new Map<PointId, { vector: number[]; payload: unknown; version: number }>();
  const ops = [
    op(Array.from({ length: 300 }, (_, i) => BigInt(i)), 1),
    op([5n, 7n, 5n, 400n, 7n, 5n], 2), // duplicates within one operation: the last listing wins
    op(Array.from({ length: 150 }, (_, i) => BigInt(i * 2)), 3), // overwrites every other point
  ];
  ops.forEach((o, k) => {
    assert.deepEqual(store.apply(o, k + 1), { ok: true });
    o.ids.forEach((id, i) => model.set(id, { vector: Array.from(o.vectors.subarray(i * DIM, (i + 1) * DIM)), payload: o.payloads[i], version: k + 1 }));
  });
  assert.equal(store.pointCount, model.size);
  assert.equal(store.retiredCount, 300 + 6 + 150 - model.size);
  for (const [id, expected] of model) {
    const [point] = store.get([id], all);
    assert.deepEqual(Array.from(point.vector!), expected.vector, `vector of ${id}`);
    assert.deepEqual(point.payload, expected.payload, `payload of ${id}`);
  }

  const deadline = Date.now() + 10_000;
  while (store.unindexedCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(store.unindexedCount, 0, 'the graph caught up');
  for (const probe of [0n, 5n, 7n, 400n, 299n]) {
    const query = new Float32Array(model.get(probe)!.vector);
    const truth = [...model]
      .map(([id, p]) => ({ id, d: p.vector.reduce((s, x, i) => s + (x - query[i]) ** 2, 0) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5);
    const found = await store.search({ vector: query, top: 5, selectors: none });
    assert.deepEqual(found.map((p) => p.id), truth.map((t) => t.id), `graph search around ${probe}`);
    assert.deepEqual(found.map((p) => p.version), truth.map((t) => model.get(t.id)!.version));
  }
  await store.close();
});
