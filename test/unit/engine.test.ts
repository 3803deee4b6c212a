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

test('cosine vectors are normalised; zero vectors stay zero', () => {
  assert.deepEqual(Array.from(prepareVector('Cosine', new Float32Array([3, 4]))), [Math.fround(0.6), Math.fround(0.8)]);
  assert.deepEqual(Array.from(prepareVector('Cosine', new Float32Array([0, 0]))), [0, 0]);
  assert.deepEqual(Array.from(prepareVector('Dot', new Float32Array([3, 4]))), [3, 4]);
});

test('the WAL returns intact records and cuts a torn tail left by a crash mid-append', () => {
  const file = path.join(tmp(), 'wal.log');
  const { wal } = WriteAheadLog.open(file);
  wal.append(1, Buffer.from('first'));
  wal.append(2, Buffer.from('second'));
  wal.sync();
  wal.close();
  const intact = fs.statSync(file).size;
  fs.appendFileSync(file, Buffer.from([9, 0, 0, 0, 1, 2, 3])); // half a header
  const reopened = WriteAheadLog.open(file);
  assert.deepEqual(reopened.records.map((r) => [r.seq, Buffer.from(r.data).toString()]), [[1, 'first'], [2, 'second']]);
  assert.equal(fs.statSync(file).size, intact, 'the torn tail is truncated');
  reopened.wal.close();
});

test('the WAL stops at a record whose checksum does not match', () => {
  const file = path.join(tmp(), 'wal.log');
  const { wal } = WriteAheadLog.open(file);
  wal.append(1, Buffer.from('good'));
  wal.append(2, Buffer.from('flipped'));
  wal.close();
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 1] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const reopened = WriteAheadLog.open(file);
  assert.deepEqual(reopened.records.map((r) => r.seq), [1]);
  reopened.wal.close();
});

test('a replica skips redelivered sequence numbers and replays its WAL on open', () => {
  const dir = tmp();
  const replica = ShardReplica.open(dir, params);
  assert.equal(replica.applyLogged(1, encodeOperation(upsert([1n, 2n], 0, { v: 1n }))).duplicate, false);
  assert.equal(replica.applyLogged(2, encodeOperation(upsert([1n], 100, { v: 2n }))).duplicate, false);
  assert.equal(replica.applyLogged(1, encodeOperation(upsert([1n], 0, { v: 1n }))).duplicate, true, 'redelivery of seq 1');
  assert.deepEqual(replica.store.get([1n], all)[0].payload, { v: 2n }, 'the redelivery did not roll point 1 back');
  replica.applyLogged(3, encodeOperation({ kind: 'delete_points', ids: [2n] }));
  replica.close();

  const reopened = ShardReplica.open(dir, params);
  assert.equal(reopened.appliedSeq, 3);
  assert.equal(reopened.store.pointCount, 1);
  const [point] = reopened.store.get([1n, 2n], all);
  assert.deepEqual(point.payload, { v: 2n });
  assert.deepEqual(Array.from(point.vector!), [100, 101, 102]);
  reopened.close();
});

test('search through HNSW and exact scan return the same best point, and deleted points never come back', () => {
  const hnswParams: ShardParams = { dim: 3, distance: 'Euclid', hnsw: { m: 16, efConstruct: 64, fullScanThresholdKb: 0 } };
  const replica = ShardReplica.open(tmp(), hnswParams);
  const ids = Array.from({ length: 500 }, (_, i) => BigInt(i));
  const vectors = new Float32Array(500 * 3).map((_, i) => Math.sin(i * 0.37) * 10);
  replica.applyLogged(1, encodeOperation({ kind: 'upsert', ids, dim: 3, vectors, payloads: ids.map(() => null) }));
  const query = vectors.slice(42 * 3, 43 * 3);
  const selectors = { payload: { mode: 'none' as const }, vector: false };
  const viaGraph = replica.store.search({ vector: query, top: 5, selectors });
  const exact = replica.store.search({ vector: query, top: 5, exact: true, selectors });
  assert.equal(viaGraph[0].id, 42n);
  assert.equal(exact[0].id, 42n);
  assert.equal(exact[0].score, 0);
  replica.applyLogged(2, encodeOperation({ kind: 'delete_points', ids: [42n] }));
  assert.ok(!replica.store.search({ vector: query, top: 5, selectors }).some((p) => p.id === 42n));
  assert.ok(!replica.store.search({ vector: query, top: 5, exact: true, selectors }).some((p) => p.id === 42n));
  replica.close();
});
