// Custom scorers and candidate lists cross the internal shard RPC unchanged (the split deployment
// depends on it), and a shard honours them: an empty candidate list scores nothing, order_by
// values keep their integer / float kind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loaderOptions } from '../../libs/api/proto.ts';
import { type Scorer, type SearchRequest, ShardStore, type ShardParams } from '../../libs/engine/index.ts';
import { pointToMessage, scoredFromMessage, searchFromMessage, searchToMessage } from '../../libs/shard-rpc/codec.ts';

const definition = protoLoader.loadSync('internal/shard.proto', loaderOptions);
const search = definition['quiver.internal.ShardReplica'] as unknown as Record<string, grpc.MethodDefinition<unknown, unknown>>;
const overTheWire = (m: unknown) => search.Search.requestDeserialize(search.Search.requestSerialize(m as never));
const pointOverTheWire = (m: unknown) => {
  const response = search.Search.responseDeserialize(search.Search.responseSerialize({ points: [m] } as never)) as { points: unknown[] };
  return response.points[0] as Record<string, unknown>;
};

const none = { payload: { mode: 'none' as const }, vector: false };
const v = (...xs: number[]) => new Float32Array(xs);

test('every scorer and a candidate list survive the shard RPC encoding', () => {
  const requests: SearchRequest[] = [
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'best_score', positives: [v(1, 2)], negatives: [v(3, 4), v(5, 6)] }, scoreThreshold: 0.25 },
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'sum_scores', positives: [v(1, 2)], negatives: [] } },
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'discover', target: v(9, 9), pairs: [{ positive: v(1, 0), negative: v(0, 1) }] } },
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'context', pairs: [{ positive: v(1, 0), negative: v(0, 1) }] } },
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'order_by', key: 'a.b', descending: true, valueType: 'float', startFrom: 2.5 } },
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'order_by', key: 'k', descending: false, valueType: 'integer', startFrom: -9007199254740993n } },
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'order_by', key: 'at', descending: true, valueType: 'datetime' } },
    { vector: v(), top: 3, selectors: none, scorer: { kind: 'random' } },
    { vector: v(1, 1), top: 3, selectors: none, candidates: [7n, 'c9a1b8f0-0000-4000-8000-000000000001'] },
    { vector: v(1, 1), top: 3, selectors: none, candidates: [] },
  ];
  for (const request of requests) {
    const back = searchFromMessage(overTheWire(searchToMessage('r', request)) as never);
    const comparable = (r: SearchRequest) => ({ ...r, selectors: none, exact: undefined, hnswEf: undefined, scoreThreshold: r.scoreThreshold ?? undefined });
    assert.deepEqual(comparable(back), comparable(request));
  }
  const plain = searchFromMessage(overTheWire(searchToMessage('r', { vector: v(1), top: 1, selectors: none })) as never);
  assert.equal(plain.scorer, undefined);
  assert.equal(plain.candidates, undefined, 'no candidate list means every point');
});

test('order values keep their kind across the RPC', () => {
  const base = { id: 1n, payload: null, vector: null, score: 3, version: 1 };
  assert.equal(scoredFromMessage(pointOverTheWire(pointToMessage({ ...base, orderValue: -9007199254740993n }))).orderValue, -9007199254740993n);
  assert.equal(scoredFromMessage(pointOverTheWire(pointToMessage({ ...base, orderValue: 2.5 }))).orderValue, 2.5);
  assert.equal(scoredFromMessage(pointOverTheWire(pointToMessage(base))).orderValue, undefined);
});

test('a shard scores only the candidates asked for, and orders by integer payload values', async () => {
  const params: ShardParams = { dim: 2, distance: 'Dot', hnsw: { m: 16, efConstruct: 100, fullScanThresholdKb: 10000 } };
  const store = new ShardStore(params);
  try {
    store.apply({ kind: 'upsert', ids: [1n, 2n, 3n], dim: 2, vectors: v(1, 0, 2, 0, 3, 0), payloads: [{ k: 30n }, { k: [5n, 50n] }, { k: 'x' }] }, 1);
    assert.deepEqual(await store.search({ vector: v(1, 0), top: 5, selectors: none, candidates: [] }), []);
    const some = await store.search({ vector: v(1, 0), top: 5, selectors: none, candidates: [1n, 3n, 99n] });
    assert.deepEqual(some.map((p) => [p.id, p.score]), [[3n, 3], [1n, 1]]);
    const asc = await store.search({ vector: v(), top: 5, selectors: none, scorer: { kind: 'order_by', key: 'k', descending: false, valueType: 'integer' } });
    assert.deepEqual(asc.map((p) => [p.id, p.orderValue]), [[2n, 5n], [1n, 30n]], 'an array orders by its first value in the direction; strings are left out');
  } finally {
    await store.close();
  }
});

test('order_by takes one value per point: the first in the direction at or past start_from (qdrant/qdrant#9192); ties by id', async () => {
  const params: ShardParams = { dim: 1, distance: 'Dot', hnsw: { m: 16, efConstruct: 100, fullScanThresholdKb: 10000 } };
  const store = new ShardStore(params);
  const order = async (scorer: Omit<Scorer & { kind: 'order_by' }, 'kind'>) =>
    (await store.search({ vector: v(), top: 10, selectors: none, scorer: { kind: 'order_by', ...scorer } })).map((p) => [p.id, p.orderValue]);
  try {
    store.apply({
      kind: 'upsert', ids: [1n, 2n, 3n, 4n], dim: 1, vectors: v(1, 1, 1, 1),
      payloads: [
        { k: [1n, 5n], f: 2.5, at: '2024-01-01T00:00:00Z' },
        { k: 3n, f: 2n, at: ['2023-06-01T00:00:00.000001Z', '2025-01-01T00:00:00+01:00'] },
        { k: 9007199254740993n, f: 2.5, at: 'not a date' },
        { k: 2.5, f: 'x' },
      ],
    }, 1);
    assert.deepEqual(await order({ key: 'k', descending: false, valueType: 'integer' }), [[1n, 1n], [2n, 3n], [3n, 9007199254740993n]], 'doubles are not integers');
    assert.deepEqual(await order({ key: 'k', descending: false, valueType: 'integer', startFrom: 4n }), [[1n, 5n], [3n, 9007199254740993n]]);
    assert.deepEqual(await order({ key: 'k', descending: true, valueType: 'integer', startFrom: 4n }), [[2n, 3n], [1n, 1n]]);
    assert.deepEqual(await order({ key: 'k', descending: true, valueType: 'integer', startFrom: 9007199254740992n }), [[1n, 5n], [2n, 3n]], 'compared exactly, not as doubles');
    assert.deepEqual(await order({ key: 'f', descending: false, valueType: 'float' }), [[2n, 2], [1n, 2.5], [3n, 2.5]], 'integers count as floats; ties ascend by id');
    assert.deepEqual(await order({ key: 'f', descending: true, valueType: 'float' }), [[3n, 2.5], [1n, 2.5], [2n, 2]], 'ties descend by id when descending');
    const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
    assert.deepEqual(await order({ key: 'at', descending: true, valueType: 'datetime' }), [[2n, micros('2024-12-31T23:00:00Z')], [1n, micros('2024-01-01T00:00:00Z')]]);
    assert.deepEqual(await order({ key: 'at', descending: false, valueType: 'datetime', startFrom: micros('2023-06-01T00:00:00Z') + 2n }), [[1n, micros('2024-01-01T00:00:00Z')], [2n, micros('2024-12-31T23:00:00Z')]]);
  } finally {
    await store.close();
  }
});
