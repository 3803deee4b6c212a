// The universal Query API through the official client, over a 3-shard Cosine collection of seeded
// vectors. Every expected answer is computed here by brute force from Qdrant's formulas
// (test/support/query-reference.ts): nearest by vector and by id (the id excluded), recommend,
// discover, context, order_by (and its index requirement), sample, RRF / DBSF fusion of prefetch
// lists, prefetch rescoring (nested), offset / limit / score_threshold, lookup_from, QueryBatch,
// QueryGroups, and the errors Qdrant gives.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { Direction, FieldType, Fusion, RecommendStrategy } from '@qdrant/js-client-grpc';
import { normalise, randomVectors } from '../support/data.ts';
import {
  assertTopK, averageQuery, bestScore, context, cos, dbsfFuse, discovery, type Expected, scoreEvery, rrfFuse, sumScores, topOf,
} from '../support/query-reference.ts';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, enable, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

const C = 'query';
const OTHER = 'query_other';
const DIM = 8;
const N = 240;
const vectors = randomVectors(N, DIM, 11);
const otherVectors = randomVectors(20, DIM, 12);
const queries = randomVectors(4, DIM, 13);
const price = (i: number) => ((i * 37) % N) + 0.5; // distinct
const groupOf = (i: number) => `g${i % 7}`;
let q: TestQuiver;

before(async () => {
  q = await startTestQuiver({ label: 'query' });
  const params = { config: { case: 'params' as const, value: { size: BigInt(DIM), distance: 1 /* Cosine */ } } };
  await q.client.api('collections').create({ collectionName: C, vectorsConfig: params, shardNumber: 3 });
  await q.client.api('collections').create({ collectionName: OTHER, vectorsConfig: params });
  await q.client.api('points').upsert({
    collectionName: C,
    wait: true,
    points: vectors.map((v, i) => ({ id: pid(BigInt(i)), vectors: denseVectors(v), payload: toPayload({ n: BigInt(i), price: price(i), group: groupOf(i) }) })),
  });
  await q.client.api('points').upsert({ collectionName: OTHER, wait: true, points: otherVectors.map((v, i) => ({ id: pid(BigInt(i)), vectors: denseVectors(v) })) });
  await q.client.api('points').createFieldIndex({ collectionName: C, fieldName: 'price', fieldType: FieldType.FieldTypeFloat, wait: true });
});
after(async () => q?.stop());

const points = () => q.client.api('points');
const dense = (data: number[]) => ({ variant: { case: 'dense' as const, value: { data } } });
const byId = (id: bigint) => ({ variant: { case: 'id' as const, value: pid(id) } });
const nearest = (input: ReturnType<typeof dense> | ReturnType<typeof byId>) => ({ variant: { case: 'nearest' as const, value: input } });
const ids = (res: { result: { id?: unknown }[] }) => res.result.map((p) => idOf(p.id as never));

const scoreAll = (f: (v: number[]) => number, excluded: number[] = []) => scoreEvery(vectors, f, excluded);


test('nearest to a vector: brute-force top 10 by default, payload only when asked', async () => {
  const res = await points().query({ collectionName: C, query: nearest(dense(queries[0])) });
  assertTopK(res.result, scoreAll((v) => cos(queries[0], v)), 10);
  assert.deepEqual(res.result[0].payload, {});
  assert.equal(res.result[0].vectors, undefined);
  const withPayload = await points().query({ collectionName: C, query: nearest(dense(queries[0])), limit: 3n, withPayload: enable(true), withVectors: enable(true) });
  for (const p of withPayload.result) {
    const i = Number(idOf(p.id));
    assert.deepEqual(fromPayload(p.payload), { n: BigInt(i), price: price(i), group: groupOf(i) });
    const got = p.vectors?.vectorsOptions.case === 'vector' ? p.vectors.vectorsOptions.value : undefined;
    const expected = normalise(vectors[i]);
    (got?.vector.value as { data: number[] }).data.forEach((x, d) => assert.ok(Math.abs(x - expected[d]) < 1e-6, 'stored (normalised) vector'));
  }
});

test('nearest to a point id uses its vector and leaves the point itself out', async () => {
  const res = await points().query({ collectionName: C, query: nearest(byId(17n)), limit: 5n });
  assert.ok(!ids(res).includes(17n));
  assertTopK(res.result, scoreAll((v) => cos(vectors[17], v), [17]), 5);
});

test('a referenced id that does not exist answers NOT_FOUND', async () => {
  await rejects(points().query({ collectionName: C, query: nearest(byId(99999n)) }), Code.NotFound, /No point with id 99999 found/);
  await rejects(
    points().query({ collectionName: C, query: { variant: { case: 'recommend', value: { positive: [byId(1n), byId(123456n)] } } } }),
    Code.NotFound, /No point with id 123456 found/,
  );
});

test('offset, limit and a strict score_threshold apply after the merge', async () => {
  const expected = scoreAll((v) => cos(queries[1], v));
  const res = await points().query({ collectionName: C, query: nearest(dense(queries[1])), offset: 3n, limit: 4n });
  const want = topOf(expected, 4, 3);
  assert.deepEqual(ids(res), want.map(([id]) => id));
  const threshold = topOf(expected, 8)[7][1] - 1e-3;
  const above = await points().query({ collectionName: C, query: nearest(dense(queries[1])), limit: 50n, scoreThreshold: threshold });
  assert.deepEqual(ids(above), topOf(expected, 50).filter(([, s]) => s > threshold).map(([id]) => id));
  assert.equal(above.result.length, 8);
});

test('recommend: average vector, best score and sum of scores, examples excluded', async () => {
  const pos = [3, 40, 77];
  const neg = [5, 120];
  const input = (strategy: RecommendStrategy) => ({
    collectionName: C,
    limit: 8n,
    query: { variant: { case: 'recommend' as const, value: { positive: [...pos.map((i) => byId(BigInt(i))), dense(queries[2])], negative: neg.map((i) => byId(BigInt(i))), strategy } } },
  });
  const posVectors = [...pos.map((i) => vectors[i]), queries[2]];
  const negVectors = neg.map((i) => vectors[i]);
  const excluded = [...pos, ...neg];
  const avg = averageQuery(posVectors, negVectors);
  assertTopK((await points().query(input(RecommendStrategy.AverageVector))).result, scoreAll((v) => cos(avg, v), excluded), 8);
  assertTopK((await points().query(input(RecommendStrategy.BestScore))).result, scoreAll((v) => bestScore(v, posVectors, negVectors), excluded), 8);
  assertTopK((await points().query(input(RecommendStrategy.SumScores))).result, scoreAll((v) => sumScores(v, posVectors, negVectors), excluded), 8);
});

test('discover ranks by context pairs then target; context alone by the pair loss', async () => {
  const pairs: [number, number][] = [[10, 11], [50, 90]];
  const pairVectors = pairs.map(([p, n]) => [vectors[p], vectors[n]] as [number[], number[]]);
  const wirePairs = pairs.map(([p, n]) => ({ positive: byId(BigInt(p)), negative: byId(BigInt(n)) }));
  const excluded = [...pairs.flat(), 200];
  const disc = await points().query({
    collectionName: C, limit: 10n,
    query: { variant: { case: 'discover', value: { target: byId(200n), context: { pairs: wirePairs } } } },
  });
  assertTopK(disc.result, scoreAll((v) => discovery(v, vectors[200], pairVectors), excluded), 10);
  const ctx = await points().query({ collectionName: C, limit: 10n, query: { variant: { case: 'context', value: { pairs: wirePairs } } } });
  assertTopK(ctx.result, scoreAll((v) => context(v, pairVectors), pairs.flat()), 10);
});

test('order_by a float-indexed payload field, both directions, with start_from; an unindexed key is refused', async () => {
  const byPrice = [...Array(N).keys()].sort((a, b) => price(a) - price(b));
  const asc = await points().query({ collectionName: C, limit: 5n, query: { variant: { case: 'orderBy', value: { key: 'price' } } } });
  assert.deepEqual(ids(asc), byPrice.slice(0, 5).map(BigInt));
  assert.deepEqual(asc.result.map((p) => p.orderValue?.variant.value), byPrice.slice(0, 5).map(price));
  const desc = await points().query({
    collectionName: C, limit: 4n,
    query: { variant: { case: 'orderBy', value: { key: 'price', direction: Direction.Desc, startFrom: { value: { case: 'float', value: 100 } } } } },
  });
  assert.deepEqual(ids(desc), byPrice.filter((i) => price(i) <= 100).reverse().slice(0, 4).map(BigInt));
  await rejects(
    points().query({ collectionName: C, query: { variant: { case: 'orderBy', value: { key: 'n' } } } }),
    Code.InvalidArgument, /No range index for `order_by` key: `n`/,
  );
});

test('sample random returns distinct existing points; no query lists points in id order', async () => {
  const sample = await points().query({ collectionName: C, limit: 15n, query: { variant: { case: 'sample', value: 0 } } });
  const sampled = ids(sample) as bigint[];
  assert.equal(new Set(sampled).size, 15);
  for (const id of sampled) assert.ok(id >= 0n && id < BigInt(N));
  const plain = await points().query({ collectionName: C, offset: 2n, limit: 4n });
  assert.deepEqual(ids(plain), [2n, 3n, 4n, 5n]);
});

/** Brute-force nearest list of a prefetch: ids and scores, best first. */
function nearestList(query: number[], limit: number, among?: bigint[]): [bigint, number][] {
  const all = scoreAll((v) => cos(query, v));
  const candidates = among ? new Map([...all].filter(([id]) => among.includes(id))) : all;
  return topOf(candidates, limit);
}

const prefetchNearest = (query: number[], limit: bigint, prefetch: unknown[] = []) => ({ query: nearest(dense(query)), limit, prefetch });

test('RRF and DBSF fuse the prefetch lists; fused scores >= threshold are kept', async () => {
  const a = nearestList(queries[0], 20);
  const b = nearestList(queries[1], 15);
  const prefetch = [prefetchNearest(queries[0], 20n), prefetchNearest(queries[1], 15n)];
  const rrf = await points().query({ collectionName: C, prefetch: prefetch as never, limit: 12n, query: { variant: { case: 'fusion', value: Fusion.RRF } } });
  const rrfExpected = rrfFuse([a.map(([id]) => id), b.map(([id]) => id)]);
  assertTopK(rrf.result, rrfExpected, 12);
  const dbsf = await points().query({ collectionName: C, prefetch: prefetch as never, limit: 12n, query: { variant: { case: 'fusion', value: Fusion.DBSF } } });
  assertTopK(dbsf.result, dbsfFuse([a, b]), 12);
  const threshold = topOf(rrfExpected, 3)[2][1];
  const kept = await points().query({ collectionName: C, prefetch: prefetch as never, limit: 12n, scoreThreshold: threshold, query: { variant: { case: 'fusion', value: Fusion.RRF } } });
  assert.deepEqual(new Set(ids(kept)), new Set([...rrfExpected].filter(([, s]) => Math.fround(s) >= Math.fround(threshold)).map(([id]) => id)));
});

test('a query over prefetches rescores only the prefetched points, nested prefetches included', async () => {
  const first = nearestList(queries[0], 30).map(([id]) => id);
  const res = await points().query({ collectionName: C, prefetch: [prefetchNearest(queries[0], 30n)] as never, query: nearest(dense(queries[1])), limit: 5n });
  assertTopK(res.result, new Map(nearestList(queries[1], 30, first)), 5);
  const inner = nearestList(queries[0], 50).map(([id]) => id);
  const middle = nearestList(queries[1], 20, inner).map(([id]) => id);
  const nested = await points().query({
    collectionName: C,
    prefetch: [prefetchNearest(queries[1], 20n, [prefetchNearest(queries[0], 50n)])] as never,
    query: nearest(dense(queries[2])),
    limit: 6n,
  });
  assertTopK(nested.result, new Map(nearestList(queries[2], 20, middle)), 6);
});

test('a prefetch without a query lists points by id, and the query orders them (here by price)', async () => {
  const byPrice = [...Array(N).keys()].sort((a, b) => price(a) - price(b));
  const res = await points().query({
    collectionName: C, limit: 6n, prefetch: [{ limit: 1000n }] as never, query: { variant: { case: 'orderBy', value: { key: 'price' } } },
  });
  assert.deepEqual(ids(res), byPrice.slice(0, 6).map(BigInt));
  const firstFifty = await points().query({
    collectionName: C, limit: 3n, prefetch: [{ limit: 50n }] as never, query: { variant: { case: 'orderBy', value: { key: 'price', direction: Direction.Desc } } },
  });
  assert.deepEqual(ids(firstFifty), [...Array(50).keys()].sort((a, b) => price(b) - price(a)).slice(0, 3).map(BigInt));
});

test('lookup_from takes the example from another collection and excludes nothing', async () => {
  const res = await points().query({ collectionName: C, query: nearest(byId(5n)), lookupFrom: { collectionName: OTHER }, limit: 5n });
  assertTopK(res.result, scoreAll((v) => cos(otherVectors[5], v)), 5);
});

test('QueryBatch answers each query of the outer collection in order', async () => {
  const res = await points().queryBatch({
    collectionName: C,
    queryPoints: [
      { collectionName: C, query: nearest(dense(queries[0])), limit: 3n },
      { collectionName: 'ignored', query: nearest(byId(9n)), limit: 4n },
    ],
  });
  assertTopK(res.result[0].result, scoreAll((v) => cos(queries[0], v)), 3);
  assertTopK(res.result[1].result, scoreAll((v) => cos(vectors[9], v), [9]), 4);
});

test('QueryGroups: best hits grouped by a payload field, group_size hits each, limit groups', async () => {
  const res = await points().queryGroups({ collectionName: C, query: nearest(dense(queries[3])), groupBy: 'group', limit: 3n, groupSize: 2n });
  const ranked = topOf(scoreAll((v) => cos(queries[3], v)), N);
  const expected = new Map<string, bigint[]>();
  for (const [id] of ranked) {
    const g = groupOf(Number(id));
    if (!expected.has(g) && expected.size === 3) continue;
    const hits = expected.get(g) ?? [];
    if (hits.length < 2) hits.push(id);
    expected.set(g, hits);
  }
  const got = res.result!.groups.map((g) => [g.id?.kind.value, g.hits.map((h) => idOf(h.id))]);
  assert.deepEqual(got, [...expected]);
});

test('unknown vector names, unbuilt variants and filters are refused before any search', async () => {
  await rejects(points().query({ collectionName: C, query: nearest(dense(queries[0])), using: 'image' }), Code.InvalidArgument, /Not existing vector name error: image/);
  await rejects(points().query({ collectionName: C, query: nearest(dense([1, 2])) }), Code.InvalidArgument, /expected dim: 8, got 2/);
  await rejects(points().query({ collectionName: C, query: { variant: { case: 'fusion', value: Fusion.RRF } } }), Code.InvalidArgument, /prefetch/);
  await rejects(
    points().query({ collectionName: C, prefetch: [prefetchNearest(queries[0], 5n)] as never }),
    Code.InvalidArgument, /A query is needed to merge the prefetches/,
  );
  await rejects(points().query({ collectionName: C, scoreThreshold: 0.5 }), Code.InvalidArgument, /A query is needed to use the score_threshold/);
  await rejects(
    points().query({ collectionName: C, scoreThreshold: 0.5, query: { variant: { case: 'orderBy', value: { key: 'price' } } } }),
    Code.InvalidArgument, /Can't use score_threshold with an order_by query/,
  );
  await rejects(
    points().query({ collectionName: C, query: { variant: { case: 'formula', value: { expression: { variant: { case: 'constant', value: 1 } } } } } as never }),
    Code.Unimplemented, /formula/,
  );
});
