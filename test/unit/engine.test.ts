// The engine alone: operation encoding, the WAL's crash rules, and a replica's idempotence.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  decodeOperation, encodeOperation, prepareVector, ShardReplica, type ShardParams, type UpsertOperation,
} from '../../libs/engine/index.ts';
import { WriteAheadLog } from '../../libs/engine/wal.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-engine-'));
const params: ShardParams = { dim: 3, distance: 'Dot', hnsw: { m: 16, efConstruct: 100, fullScanThresholdKb: 10000 } };
const all = { payload: { mode: 'all' as const }, vector: true };

function upsert(ids: bigint[], base: number, payload: Record<string, unknown> | null = null): UpsertOperation {
  const vectors = new Float32Array(ids.length * 3).map((_, i) => base + i);
  return { kind: 'upsert', ids, dim: 3, vectors, payloads: ids.map(() => payload as never) };
}

test('an operation survives encoding: uint64 ids, UUIDs, packed vectors, integer and double payloads', () => {
  const op: UpsertOperation = {
    kind: 'upsert',
    ids: [18446744073709551615n, '98a9a4b1-4ef2-46fb-8315-a97d874fe1d7'],
    dim: 2,
    vectors: new Float32Array([0.5, -1.25, 3, 4]),
    payloads: [{ big: 9007199254740993n, one: 1, nested: { list: [null, true, 'x', 2.5] } }, null],
  };
  const decoded = decodeOperation(encodeOperation(op));
  assert.deepEqual(decoded, { ...op, traceContext: undefined });
  assert.equal(typeof (decoded as UpsertOperation).payloads[0]!.one, 'number', 'a double stays a double');
});

test('ids on both sides of 2^53 keep every digit through encoding, in upserts and deletes', () => {
  const ids = [0n, 9007199254740991n, 9007199254740992n, 9007199254740993n, 18446744073709551614n];
  const op: UpsertOperation = { kind: 'upsert', ids, dim: 1, vectors: new Float32Array(ids.length), payloads: ids.map(() => null) };
  assert.deepEqual((decodeOperation(encodeOperation(op)) as UpsertOperation).ids, ids);
  assert.deepEqual(decodeOperation(encodeOperation({ kind: 'delete_points', ids })), { kind: 'delete_points', ids, traceContext: undefined });
});

test('cosine vectors are normalised; zero vectors stay zero', () => {
  assert.deepEqual(Array.from(prepareVector('Cosine', new Float32Array([3, 4]))), [Math.fround(0.6), Math.fround(0.8)]);
  assert.deepEqual(Array.from(prepareVector('Cosine', new Float32Array([0, 0]))), [0, 0]);
  assert.deepEqual(Array.from(prepareVector('Dot', new Float32Array([3, 4]))), [3, 4]);
});

test('the WAL returns intact records and cuts a torn tail left by a crash mid-append', async () => {
  const file = path.join(tmp(), 'wal.log');
  const { wal } = WriteAheadLog.open(file);
  await wal.appendDurable(1, Buffer.from('first'));
  await wal.appendDurable(2, Buffer.from('second'));
  wal.close();
  const intact = fs.statSync(file).size;
  fs.appendFileSync(file, Buffer.from([9, 0, 0, 0, 1, 2, 3])); // half a header
  const reopened = WriteAheadLog.open(file);
  assert.deepEqual(reopened.records.map((r) => [r.seq, Buffer.from(r.data).toString()]), [[1, 'first'], [2, 'second']]);
  assert.equal(fs.statSync(file).size, intact, 'the torn tail is truncated');
  reopened.wal.close();
});

test('the WAL stops at a record whose checksum does not match', async () => {
  const file = path.join(tmp(), 'wal.log');
  const { wal } = WriteAheadLog.open(file);
  await wal.appendDurable(1, Buffer.from('good'));
  await wal.appendDurable(2, Buffer.from('flipped'));
  wal.close();
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 1] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const reopened = WriteAheadLog.open(file);
  assert.deepEqual(reopened.records.map((r) => r.seq), [1]);
  reopened.wal.close();
});

test('a replica skips redelivered sequence numbers and replays its WAL on open', async () => {
  const dir = tmp();
  const replica = ShardReplica.open(dir, params);
  assert.equal((await replica.applyLogged(1, encodeOperation(upsert([1n, 2n], 0, { v: 1n })))).duplicate, false);
  assert.equal((await replica.applyLogged(2, encodeOperation(upsert([1n], 100, { v: 2n })))).duplicate, false);
  assert.equal((await replica.applyLogged(1, encodeOperation(upsert([1n], 0, { v: 1n })))).duplicate, true, 'redelivery of seq 1');
  assert.deepEqual(replica.store.get([1n], all)[0].payload, { v: 2n }, 'the redelivery did not roll point 1 back');
  await replica.applyLogged(3, encodeOperation({ kind: 'delete_points', ids: [2n] }));
  await replica.close();

  const reopened = ShardReplica.open(dir, params);
  assert.equal(reopened.appliedSeq, 3);
  assert.equal(reopened.store.pointCount, 1);
  const [point] = reopened.store.get([1n, 2n], all);
  assert.deepEqual(point.payload, { v: 2n });
  assert.deepEqual(Array.from(point.vector!), [100, 101, 102]);
  await reopened.close();
});

const euclid: ShardParams = { dim: 3, distance: 'Euclid', hnsw: { m: 16, efConstruct: 64, fullScanThresholdKb: 0 } };
const none = { payload: { mode: 'none' as const }, vector: false };

function manyPoints(count: number, seed: number): UpsertOperation {
  const ids = Array.from({ length: count }, (_, i) => BigInt(i));
  const vectors = new Float32Array(count * 3).map((_, i) => Math.sin(i * 0.37 + seed) * 10);
  return { kind: 'upsert', ids, dim: 3, vectors, payloads: ids.map((id) => ({ id })) };
}

async function untilIndexed(replica: ShardReplica): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (replica.store.unindexedCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(replica.store.unindexedCount, 0, 'the graph caught up');
}

test('points are found the moment they are applied, before the graph holds them, and after', async () => {
  const replica = ShardReplica.open(tmp(), euclid);
  const op = manyPoints(500, 0);
  await replica.applyLogged(1, encodeOperation(op));
  const query = op.vectors.slice(42 * 3, 43 * 3);
  const first = await replica.store.search({ vector: query, top: 5, selectors: none });
  assert.equal(first[0].id, 42n, 'found through the exact scan of the unindexed tail');
  await untilIndexed(replica);
  const viaGraph = await replica.store.search({ vector: query, top: 5, selectors: none });
  const exact = await replica.store.search({ vector: query, top: 5, exact: true, selectors: none });
  assert.equal(viaGraph[0].id, 42n);
  assert.deepEqual(viaGraph.map((p) => p.id), exact.map((p) => p.id));
  assert.equal(exact[0].score, 0);
  await replica.applyLogged(2, encodeOperation({ kind: 'delete_points', ids: [42n] }));
  assert.ok(!(await replica.store.search({ vector: query, top: 5, selectors: none })).some((p) => p.id === 42n));
  assert.ok(!(await replica.store.search({ vector: query, top: 5, exact: true, selectors: none })).some((p) => p.id === 42n));
  await replica.close();
});

test('a snapshot plus the WAL after it rebuild the replica; covered WAL segments are deleted', async () => {
  const dir = tmp();
  const policy = { walBytes: Number.MAX_SAFE_INTEGER, operations: 2 };
  const replica = ShardReplica.open(dir, euclid, { policy });
  await replica.applyLogged(1, encodeOperation(manyPoints(300, 0)));
  await untilIndexed(replica);
  await replica.applyLogged(2, encodeOperation({ kind: 'delete_points', ids: [7n] })); // triggers a snapshot at seq 2
  await replica.snapshot();
  await replica.applyLogged(3, encodeOperation(upsert([1000n], 5, { late: true })));
  const before = await replica.store.search({ vector: new Float32Array([5, 6, 7]), top: 3, selectors: none });
  await replica.close();

  const files = fs.readdirSync(dir).sort();
  assert.ok(files.includes('CURRENT') && files.includes('snapshot-2'), files.join(' '));
  assert.deepEqual(files.filter((f) => f.startsWith('wal-')), ['wal-3.log'], 'segments before the snapshot are gone');

  const reopened = ShardReplica.open(dir, euclid, { policy });
  assert.equal(reopened.appliedSeq, 3);
  assert.equal(reopened.store.pointCount, 300);
  assert.deepEqual(reopened.store.get([7n], all), [], 'the delete before the snapshot holds');
  assert.deepEqual(reopened.store.get([1000n], { payload: { mode: 'all' }, vector: false })[0].payload, { late: true });
  assert.deepEqual(reopened.store.get([3n], { payload: { mode: 'all' }, vector: false })[0].payload, { id: 3n });
  assert.equal(reopened.store.unindexedCount, 1, 'the graph came back from the snapshot; only the later point is unindexed');
  const after = await reopened.store.search({ vector: new Float32Array([5, 6, 7]), top: 3, selectors: none });
  assert.deepEqual(after.map((p) => p.id), before.map((p) => p.id));
  await reopened.close();
});

test('a snapshot interrupted before it was published is ignored', async () => {
  const dir = tmp();
  const replica = ShardReplica.open(dir, params);
  await replica.applyLogged(1, encodeOperation(upsert([1n], 0)));
  await replica.close();
  fs.mkdirSync(path.join(dir, 'snapshot.tmp-1-1'));
  fs.writeFileSync(path.join(dir, 'snapshot.tmp-1-1', 'state.bin'), 'torn');
  const reopened = ShardReplica.open(dir, params);
  assert.equal(reopened.store.pointCount, 1);
  assert.ok(!fs.readdirSync(dir).some((f) => f.startsWith('snapshot.tmp-')));
  await reopened.close();
});

test('overwrites and deletes past the vacuum thresholds compact the replica; reads see no difference', async () => {
  const dir = tmp();
  const vacuumed: ShardParams = { ...euclid, vacuum: { deletedThreshold: 0.2, minRetired: 10 } };
  const replica = ShardReplica.open(dir, vacuumed);
  await replica.applyLogged(1, encodeOperation(manyPoints(100, 0)));
  const before = replica.store;
  const overwrite = manyPoints(40, 1); // new vectors and payloads for ids 0..39
  overwrite.payloads = overwrite.ids.map((id) => ({ id, second: true }));
  await replica.applyLogged(2, encodeOperation({ kind: 'delete_points', ids: [90n, 91n] }));
  assert.equal(replica.store, before, '2 retired labels are below the thresholds');
  await replica.applyLogged(3, encodeOperation(overwrite)); // 42 of 140 labels retired: compaction starts
  await replica.compact(); // waits for it (a second call finds nothing left to do)
  assert.notEqual(replica.store, before, 'the store was replaced by a compacted one');
  assert.equal(replica.store.retiredCount, 0);
  assert.equal(replica.store.pointCount, 98);
  assert.deepEqual(replica.store.get([5n], { payload: { mode: 'all' }, vector: false })[0].payload, { id: 5n, second: true });
  assert.deepEqual(replica.store.get([90n], all), []);
  const query = overwrite.vectors.slice(7 * 3, 8 * 3);
  assert.equal((await replica.store.search({ vector: query, top: 1, selectors: none }))[0].id, 7n);
  await untilIndexed(replica);
  assert.equal((await replica.store.search({ vector: query, top: 1, selectors: none }))[0].id, 7n, 'through the rebuilt graph too');
  await replica.close({ snapshot: true });
  const reopened = ShardReplica.open(dir, vacuumed);
  assert.equal(reopened.store.pointCount, 98);
  assert.equal(reopened.store.retiredCount, 0);
  assert.deepEqual(reopened.store.get([5n], { payload: { mode: 'all' }, vector: false })[0].payload, { id: 5n, second: true });
  await reopened.close();
});

test('a compaction builds its graphs while the replica goes on writing and searching; every write of that time is in the compacted store', async () => {
  const vacuumed: ShardParams = { ...euclid, vacuum: { deletedThreshold: 0.2, minRetired: 10 } };
  const replica = ShardReplica.open(tmp(), vacuumed);
  const initial = manyPoints(3000, 0);
  await replica.applyLogged(1, encodeOperation(initial));
  await untilIndexed(replica);
  await replica.applyLogged(2, encodeOperation({ kind: 'delete_points', ids: Array.from({ length: 800 }, (_, i) => BigInt(2000 + i)) }));
  const before = replica.store;
  assert.ok(before.wantsCompaction);

  const compaction = replica.compact();
  // Queued behind the compaction's start and applied while its graphs are built (3,000 points take
  // the worker far longer than four WAL appends), so the swap must carry them over.
  const overwrite = manyPoints(20, 5); // ids 0..19: new vectors, payload { id }
  overwrite.payloads = overwrite.ids.map((id) => ({ id, during: true }));
  const added: UpsertOperation = { ...manyPoints(50, 9), ids: Array.from({ length: 50 }, (_, i) => BigInt(5000 + i)) };
  added.payloads = added.ids.map((id) => ({ id }));
  await replica.applyLogged(3, encodeOperation(overwrite));
  await replica.applyLogged(4, encodeOperation({ kind: 'delete_points', ids: Array.from({ length: 10 }, (_, i) => BigInt(20 + i)) }));
  await replica.applyLogged(5, encodeOperation(added));
  await replica.applyLogged(6, encodeOperation({ kind: 'set_payload', target: { ids: [100n] }, payload: { tagged: true } }));
  assert.equal(replica.store, before, 'the writes were applied before the compacted store took over');
  assert.ok(replica.compacting, 'reported as compacting (the collection is Yellow)');
  const query = added.vectors.slice(7 * 3, 8 * 3);
  assert.equal((await replica.store.search({ vector: query, top: 1, selectors: none }))[0].id, 5007n, 'the old store answers meanwhile');
  await compaction;

  const store = replica.store;
  assert.notEqual(store, before, 'the compacted store took over');
  assert.ok(!replica.compacting);
  assert.equal(store.pointCount, 3000 - 800 - 10 + 50);
  assert.equal(store.retiredCount, 30, 'the labels retired during the build (20 overwritten, 10 deleted) are retired in the new store');
  const expected = new Map<bigint, { vector: number[]; payload: unknown }>();
  const put = (op: UpsertOperation, i: number) => expected.set(op.ids[i] as bigint, { vector: Array.from(op.vectors.slice(i * 3, i * 3 + 3)), payload: op.payloads[i] });
  initial.ids.forEach((_, i) => put(initial, i));
  for (let id = 2000n; id < 2800n; id++) expected.delete(id);
  overwrite.ids.forEach((_, i) => put(overwrite, i));
  for (let id = 20n; id < 30n; id++) expected.delete(id);
  added.ids.forEach((_, i) => put(added, i));
  expected.get(100n)!.payload = { id: 100n, tagged: true };
  const ids = [...expected.keys(), 25n, 2500n];
  const got = new Map(store.get(ids, all).map((p) => [p.id as bigint, { vector: Array.from(p.vector as Float32Array), payload: p.payload }]));
  assert.deepEqual(got, expected);

  await untilIndexed(replica);
  for (const [op, i] of [[added, 7], [overwrite, 3], [initial, 1500]] as const) {
    const q = op.vectors.slice(i * 3, i * 3 + 3);
    const viaGraph = await store.search({ vector: q, top: 5, selectors: none });
    const exact = await store.search({ vector: q, top: 5, exact: true, selectors: none });
    assert.equal(viaGraph[0].id, op.ids[i]);
    assert.deepEqual(viaGraph.map((p) => p.id), exact.map((p) => p.id), 'the built graph plus its tail answer as an exact scan does');
  }
  const deletedQuery = initial.vectors.slice(25 * 3, 26 * 3);
  assert.ok(!(await store.search({ vector: deletedQuery, top: 5, selectors: none })).some((p) => p.id === 25n), 'deleted during the build: gone from the graph');
  await replica.close();
});
