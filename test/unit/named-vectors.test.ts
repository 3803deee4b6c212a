// Named vectors in the engine and the shard RPC: per-name blocks survive encoding; a replica keeps
// each name's vectors through WAL replay, snapshots and compaction; points lacking a name are no
// candidates of its searches; the internal shard RPC carries the vector name and the vectors.
// Expected vectors and rankings are computed here from the inputs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  decodeOperation, encodeOperation, type PointId, type PointRecord, type ReadSelectors, ShardReplica, type ShardOperation, type ShardParams,
} from '../../libs/engine/index.ts';
import { floatsToBytes } from '../../libs/engine/op-codec.ts';
import { internalType } from '../../libs/engine/internal-proto.ts';
import { addShardRpc, type ReplicaReader, RemoteReplicaReader } from '../../libs/shard-rpc/index.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-named-'));
const hnsw = { m: 16, efConstruct: 64, fullScanThresholdKb: 0 };
// Top-level dim/distance/hnsw describe nothing once `named` is given.
const params: ShardParams = {
  dim: 0, distance: 'Cosine', hnsw,
  named: { a: { dim: 2, distance: 'Euclid', hnsw }, b: { dim: 3, distance: 'Dot', hnsw } },
  vacuum: { deletedThreshold: 0.2, minRetired: 10 },
};
const allVectors: ReadSelectors = { payload: { mode: 'none' }, vector: true };

/** Point i has `a` unless i % 4 == 1, `b` unless i % 4 == 2 (so i % 4 == 3 has both, 0 too). */
function vectorsOf(i: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (i % 4 !== 1) out.a = [Math.sin(i), Math.cos(i * 0.7) * 3];
  if (i % 4 !== 2) out.b = [i % 7, Math.sin(i * 1.3), 1];
  return out;
}

function upsertOf(ids: number[]): ShardOperation {
  const blocks = ['a', 'b'].map((name) => {
    const having = ids.map((id, at) => [id, at]).filter(([id]) => vectorsOf(id)[name]);
    return { name, dim: name === 'a' ? 2 : 3, points: having.map(([, at]) => at), vectors: new Float32Array(having.flatMap(([id]) => vectorsOf(id)[name])) };
  });
  return { kind: 'upsert', ids: ids.map(BigInt), dim: 0, vectors: new Float32Array(), payloads: ids.map(() => null), named: blocks };
}

function asPlain(vectors: Record<string, Float32Array> | undefined): Record<string, number[]> {
  return Object.fromEntries(Object.entries(vectors ?? {}).map(([name, v]) => [name, Array.from(v)]));
}

const f32 = (values: number[]) => Array.from(new Float32Array(values));

/** Expected ranking by brute force over `model` for name `name`. */
function ranking(model: Map<number, Record<string, number[]>>, name: string, query: number[], k: number): number[] {
  const score = (v: number[]) => (name === 'a' ? Math.hypot(v[0] - query[0], v[1] - query[1]) : -(v[0] * query[0] + v[1] * query[1] + v[2] * query[2]));
  return [...model].filter(([, v]) => v[name]).map(([id, v]) => [id, score(v[name])]).sort((x, y) => x[1] - y[1]).slice(0, k).map(([id]) => id);
}

async function untilIndexed(replica: ShardReplica): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (replica.store.unindexedCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(replica.store.unindexedCount, 0, 'every name\'s graph caught up');
}

async function assertState(replica: ShardReplica, model: Map<number, Record<string, number[]>>, what: string): Promise<void> {
  const ids = [...model.keys()];
  const got = replica.store.get(ids.map(BigInt), allVectors);
  assert.equal(got.length, ids.length, what);
  got.forEach((p, k) => {
    const expected = Object.fromEntries(Object.entries(model.get(ids[k])!).map(([name, v]) => [name, f32(v)]));
    assert.deepEqual(asPlain(p.named), expected, `${what}: vectors of ${p.id}`);
  });
  for (const [name, query] of [['a', [0.3, -1]], ['b', [1, 0.5, -0.2]]] as [string, number[]][]) {
    const found = await replica.store.search({ vector: new Float32Array(query), vectorName: name, top: 5, selectors: allVectors });
    assert.deepEqual(found.map((p) => Number(p.id)), ranking(model, name, query, 5), `${what}: search by ${name}`);
  }
}

test('named upserts, vector updates and vector deletes survive encoding', () => {
  const ops: ShardOperation[] = [
    upsertOf([0, 1, 2, 3]),
    { kind: 'update_vectors', ids: [7n, 'd6c5a3c8-2b8f-4a4a-9a55-4f0a2c6b8e01'], vectors: [{ name: 'b', dim: 3, points: [1], vectors: new Float32Array([1, 2, 3]) }] },
    { kind: 'delete_vectors', ids: [18446744073709551615n], names: ['a', 'b'] },
  ];
  for (const op of ops) assert.deepEqual(decodeOperation(encodeOperation(op)), { ...op, traceContext: undefined });
});

test('a replica keeps each name through WAL replay, snapshots and compaction; lacking points are no candidates', async () => {
  const dir = tmp();
  const model = new Map<number, Record<string, number[]>>();
  const ids = Array.from({ length: 120 }, (_, i) => i);
  ids.forEach((i) => model.set(i, vectorsOf(i)));
  let replica = ShardReplica.open(dir, params);
  await replica.applyLogged(1, encodeOperation(upsertOf(ids)));
  // Point 1 had only b: it gets a; point 3 loses b; point 999 does not exist.
  const update = await replica.applyLogged(2, encodeOperation({
    kind: 'update_vectors', ids: [1n, 999n], vectors: [{ name: 'a', dim: 2, vectors: new Float32Array([9, 9, 8, 8]) }],
  }));
  assert.deepEqual(update, { duplicate: false, outcome: { ok: false, kind: 'not_found', message: 'No point with id 999 found' } });
  model.get(1)!.a = [9, 9];
  await replica.applyLogged(3, encodeOperation({ kind: 'delete_vectors', ids: [3n], names: ['b'] }));
  delete model.get(3)!.b;
  const label = (id: PointId) => replica.store.labelOf(id)!;
  assert.equal(replica.store.hasVector(label(3n), 'a'), true);
  assert.equal(replica.store.hasVector(label(3n), 'b'), false);
  assert.equal(replica.store.hasVector(label(5n), 'a'), false, 'point 5 was written without a');
  await assertState(replica, model, 'applied');
  await untilIndexed(replica);
  await assertState(replica, model, 'through the graphs');
  await replica.close(); // no snapshot: the next open replays the WAL

  replica = ShardReplica.open(dir, params);
  await assertState(replica, model, 'after WAL replay');
  await untilIndexed(replica); // so the snapshot's graphs hold every label
  await replica.snapshot();
  await replica.close();
  replica = ShardReplica.open(dir, params);
  assert.equal(replica.store.unindexedCount, 0, 'each name\'s graph came back from the snapshot');
  await assertState(replica, model, 'after a snapshot');

  // Overwrite 40 points (retiring their labels) so the replica compacts.
  const overwritten = ids.slice(0, 40);
  await replica.applyLogged(4, encodeOperation(upsertOf(overwritten)));
  overwritten.forEach((i) => model.set(i, vectorsOf(i)));
  await replica.compact();
  assert.equal(replica.store.retiredCount, 0, 'compacted');
  await assertState(replica, model, 'after compaction');
  await replica.close({ snapshot: true });
});

test('the shard RPC carries the vector name, the selected names and the vectors', async () => {
  const replica = ShardReplica.open(tmp(), params);
  await replica.applyLogged(1, encodeOperation(upsertOf([0, 1, 2, 3])));
  const local: ReplicaReader = {
    search: (_r, req) => replica.store.search(req),
    get: async (_r, ids, s) => replica.store.get(ids, s),
    count: async () => replica.store.pointCount,
    scroll: async (_r, from, limit, s) => replica.store.scroll(from, limit, s),
    stats: async () => ({ points: replica.store.pointCount, unindexed: replica.store.unindexedCount }),
  };
  const server = new grpc.Server();
  addShardRpc(server, local);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const remote = new RemoteReplicaReader(`127.0.0.1:${port}`);
  try {
    const onlyB: ReadSelectors = { payload: { mode: 'none' }, vector: ['b'] };
    const got: PointRecord[] = await remote.get('r', [0n, 2n], onlyB);
    assert.deepEqual(got.map((p) => asPlain(p.named)), [{ b: f32(vectorsOf(0).b) }, {}], 'point 2 lacks b: an empty selection');
    const none = await remote.get('r', [0n], { payload: { mode: 'none' }, vector: false });
    assert.equal(none[0].named, undefined);
    const found: PointRecord[] = await remote.search('r', { vector: new Float32Array([0, 0]), vectorName: 'a', top: 10, exact: true, selectors: allVectors });
    assert.deepEqual(found.map((p) => Number(p.id)).sort(), [0, 2, 3], 'only the points with a');
  } finally {
    remote.close();
    server.forceShutdown();
    await replica.close();
  }
});

test('a snapshot written before named vectors (the unnamed vector in the header) still loads', async () => {
  const dir = tmp();
  const legacy: ShardParams = { dim: 2, distance: 'Euclid', hnsw };
  fs.writeFileSync(path.join(dir, 'params.json'), JSON.stringify(legacy));
  const Header = internalType('internal/snapshot.proto', 'quiver.internal.SnapshotHeader');
  const Chunk = internalType('internal/snapshot.proto', 'quiver.internal.SnapshotChunk');
  fs.mkdirSync(path.join(dir, 'snapshot-5'));
  // Labels 0..2; label 1 retired (absent from the chunk).
  const header = Header.fromObject({ seq: '5', dim: 2, label_count: 3, graph_up_to: 0, vectors: floatsToBytes(new Float32Array([1, 1, 2, 2, 3, 3])) });
  const chunk = Chunk.fromObject({ points: [{ label: 0, id: { num: '10' }, version: '4' }, { label: 2, id: { num: '12' }, version: '5' }] });
  fs.writeFileSync(path.join(dir, 'snapshot-5', 'state.bin'), Buffer.concat([Header.encodeDelimited(header).finish(), Chunk.encodeDelimited(chunk).finish()]));
  fs.writeFileSync(path.join(dir, 'CURRENT'), 'snapshot-5');
  const replica = ShardReplica.open(dir, legacy);
  assert.equal(replica.appliedSeq, 5);
  assert.deepEqual(replica.store.get([10n, 11n, 12n], allVectors).map((p) => [p.id, Array.from(p.vector ?? [])]), [[10n, [1, 1]], [12n, [3, 3]]]);
  const nearest = await replica.store.search({ vector: new Float32Array([2.9, 3]), top: 2, exact: true, selectors: allVectors });
  assert.deepEqual(nearest.map((p) => p.id), [12n, 10n]);
  await replica.close();
});
