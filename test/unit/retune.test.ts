// Live tunables of a replica (UpdateCollection -> indexer -> ShardReplica.retune): a lowered vacuum
// threshold compacts at once without changing any read, and tunables survive a restart while
// the vector space stays the one the replica was created with.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { encodeOperation, ShardReplica, type ShardParams, type UpsertOperation } from '../../libs/engine/index.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-retune-'));
const params: ShardParams = {
  dim: 2, distance: 'Euclid',
  hnsw: { m: 16, efConstruct: 100, fullScanThresholdKb: 10000 },
  vacuum: { deletedThreshold: 0.2, minRetired: 1000 },
};
const all = { payload: { mode: 'all' as const }, vector: true };

function points(count: number, shift: number): UpsertOperation {
  const ids = Array.from({ length: count }, (_, i) => BigInt(i));
  const vectors = new Float32Array(count * 2).map((_, i) => i + shift);
  return { kind: 'upsert', ids, dim: 2, vectors, payloads: ids.map((id) => ({ id })) };
}

test('a lowered vacuum threshold compacts a running replica at once; every point reads the same', async (t) => {
  const dir = tmp();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const replica = ShardReplica.open(dir, params);
  await replica.applyLogged(1, encodeOperation(points(150, 0)));
  await replica.applyLogged(2, encodeOperation(points(150, 0.5))); // 150 retired labels, below 1000
  assert.equal(replica.store.retiredCount, 150);
  const ids = Array.from({ length: 150 }, (_, i) => BigInt(i));
  const before = replica.store.get(ids, all).map((p) => ({ id: p.id, vector: Array.from(p.vector!), payload: p.payload }));
  await replica.retune({ ...params, vacuum: { deletedThreshold: 0.1, minRetired: 100 } });
  assert.equal(replica.store.retiredCount, 0, 'compacted by the retune');
  const after = replica.store.get(ids, all).map((p) => ({ id: p.id, vector: Array.from(p.vector!), payload: p.payload }));
  assert.deepEqual(after, before);
  assert.equal(after[7].vector[0], 14.5, 'the overwrite is what remains');
  await replica.close();
});

test('tunables survive a reopen; a reopen takes the tunables it is given but keeps the stored vector space', async (t) => {
  const dir = tmp();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const replica = ShardReplica.open(dir, params);
  await replica.retune({ ...params, hnsw: { m: 8, efConstruct: 40, fullScanThresholdKb: 20 } });
  assert.deepEqual(replica.store.params.hnsw, { m: 8, efConstruct: 40, fullScanThresholdKb: 20 });
  await replica.close();
  const stored = JSON.parse(fs.readFileSync(path.join(dir, 'params.json'), 'utf8'));
  assert.deepEqual(stored.hnsw, { m: 8, efConstruct: 40, fullScanThresholdKb: 20 });
  const changedWhileClosed: ShardParams = { ...params, dim: 99, distance: 'Dot', hnsw: { m: 4, efConstruct: 10, fullScanThresholdKb: 10 } };
  const reopened = ShardReplica.open(dir, changedWhileClosed);
  assert.equal(reopened.store.params.dim, 2);
  assert.equal(reopened.store.params.distance, 'Euclid');
  assert.deepEqual(reopened.store.params.hnsw, { m: 4, efConstruct: 10, fullScanThresholdKb: 10 });
  await reopened.close();
});
