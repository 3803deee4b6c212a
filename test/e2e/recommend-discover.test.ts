// The older Recommend / Discover APIs and the *Groups RPCs through the official client, over a
// 3-shard Cosine collection; expected answers are brute force from Qdrant's formulas
// (test/support/query-reference.ts). Covers strategies, raw-vector examples, id exclusion,
// NOT_FOUND for missing examples, offset / limit / score_threshold, batches, SearchGroups,
// RecommendGroups with with_lookup, and required limits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { RecommendStrategy } from '@qdrant/js-client-grpc';
import { randomVectors } from '../support/data.ts';
import { assertTopK, averageQuery, bestScore, context, cos, discovery, type Expected, scoreEvery, sumScores, topOf } from '../support/query-reference.ts';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, enable, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

const C = 'reco';
const LOOKUP = 'reco_lookup';
const DIM = 6;
const N = 180;
const vectors = randomVectors(N, DIM, 21);
const queries = randomVectors(3, DIM, 22);
const colour = (i: number) => BigInt(i % 5); // integer group keys 0..4
let q: TestQuiver;

before(async () => {
  q = await startTestQuiver({ label: 'reco' });
  const params = { config: { case: 'params' as const, value: { size: BigInt(DIM), distance: 1 /* Cosine */ } } };
  await q.client.api('collections').create({ collectionName: C, vectorsConfig: params, shardNumber: 3 });
  await q.client.api('collections').create({ collectionName: LOOKUP, vectorsConfig: params });
  await q.client.api('points').upsert({
    collectionName: C,
    wait: true,
    points: vectors.map((v, i) => ({ id: pid(BigInt(i)), vectors: denseVectors(v), payload: toPayload({ colour: colour(i) }) })),
  });
  await q.client.api('points').upsert({
    collectionName: LOOKUP,
    wait: true,
    points: [0n, 1n, 2n, 3n].map((id) => ({ id: pid(id), vectors: denseVectors(vectors[0]), payload: toPayload({ name: `colour ${id}` }) })),
  });
});
after(async () => q?.stop());

const points = () => q.client.api('points');
const ids = (res: { result: { id?: unknown }[] }) => res.result.map((p) => idOf(p.id as never));

const scoreAll = (f: (v: number[]) => number, excluded: number[] = []) => scoreEvery(vectors, f, excluded);


const pos = [2, 30, 61];
const neg = [7];
const posVectors = () => [...pos.map((i) => vectors[i]), queries[0]];
const negVectors = () => neg.map((i) => vectors[i]);
const recommendRequest = (strategy: RecommendStrategy, extra: Record<string, unknown> = {}) => ({
  collectionName: C,
  positive: pos.map((i) => pid(BigInt(i))),
  negative: neg.map((i) => pid(BigInt(i))),
  positiveVectors: [{ data: queries[0] }],
  strategy,
  limit: 7n,
  ...extra,
});

test('Recommend with each strategy equals brute force, examples excluded', async () => {
  const excluded = [...pos, ...neg];
  const avg = averageQuery(posVectors(), negVectors());
  assertTopK((await points().recommend(recommendRequest(RecommendStrategy.AverageVector))).result, scoreAll((v) => cos(avg, v), excluded), 7);
  assertTopK((await points().recommend(recommendRequest(RecommendStrategy.BestScore))).result, scoreAll((v) => bestScore(v, posVectors(), negVectors()), excluded), 7);
  assertTopK((await points().recommend(recommendRequest(RecommendStrategy.SumScores))).result, scoreAll((v) => sumScores(v, posVectors(), negVectors()), excluded), 7);
});

test('Recommend applies offset and a score_threshold; payload when asked', async () => {
  const expected = scoreAll((v) => bestScore(v, posVectors(), negVectors()), [...pos, ...neg]);
  const page = await points().recommend(recommendRequest(RecommendStrategy.BestScore, { offset: 2n, limit: 3n, withPayload: enable(true) }));
  assert.deepEqual(ids(page), topOf(expected, 3, 2).map(([id]) => id));
  for (const p of page.result) assert.deepEqual(fromPayload(p.payload), { colour: colour(Number(idOf(p.id))) });
  const threshold = topOf(expected, 5)[4][1] - 1e-4;
  const above = await points().recommend(recommendRequest(RecommendStrategy.BestScore, { limit: 50n, scoreThreshold: threshold }));
  assert.equal(above.result.length, 5);
});

test('Recommend: a missing example is NOT_FOUND; limit is required; average needs a positive', async () => {
  await rejects(points().recommend({ collectionName: C, positive: [pid(5000n)], limit: 3n }), Code.NotFound, /No point with id 5000 found/);
  await rejects(points().recommend({ collectionName: C, positive: [pid(1n)] }), Code.InvalidArgument, /limit/);
  await rejects(points().recommend({ collectionName: C, negative: [pid(1n)], limit: 3n }), Code.InvalidArgument, /Positive vectors should not be empty/);
});

test('RecommendBatch answers each request in order', async () => {
  const res = await points().recommendBatch({
    collectionName: C,
    recommendPoints: [
      { collectionName: C, positive: [pid(4n)], limit: 3n },
      { collectionName: C, positive: [pid(8n)], negative: [pid(9n)], strategy: RecommendStrategy.SumScores, limit: 2n },
    ],
  });
  assertTopK(res.result[0].result, scoreAll((v) => cos(vectors[4], v), [4]), 3);
  assertTopK(res.result[1].result, scoreAll((v) => sumScores(v, [vectors[8]], [vectors[9]]), [8, 9]), 2);
});

const example = (i: number) => ({ example: { case: 'id' as const, value: pid(BigInt(i)) } });

test('Discover with a target ranks by pairs then target; without one it is a context search', async () => {
  const pairs: [number, number][] = [[1, 100], [33, 140]];
  const pairVectors = pairs.map(([p, n]) => [vectors[p], vectors[n]] as [number[], number[]]);
  const wire = pairs.map(([p, n]) => ({ positive: example(p), negative: example(n) }));
  const target = { target: { case: 'single' as const, value: { example: { case: 'vector' as const, value: { data: queries[1] } } } } };
  const disc = await points().discover({ collectionName: C, target, context: wire, limit: 6n });
  assertTopK(disc.result, scoreAll((v) => discovery(v, queries[1], pairVectors), pairs.flat()), 6);
  const ctx = await points().discover({ collectionName: C, context: wire, limit: 6n });
  assertTopK(ctx.result, scoreAll((v) => context(v, pairVectors), pairs.flat()), 6);
  const batch = await points().discoverBatch({ collectionName: C, discoverPoints: [{ collectionName: C, target, context: wire, limit: 2n }] });
  assertTopK(batch.result[0].result, scoreAll((v) => discovery(v, queries[1], pairVectors), pairs.flat()), 2);
  await rejects(points().discover({ collectionName: C, target: { target: { case: 'single', value: example(777) } }, context: wire, limit: 2n }), Code.NotFound, /No point with id 777 found/);
});

/** Qdrant's grouping of a best-first ranking: groups open while fewer than `limit`, `size` hits each. */
function expectedGroups(ranked: bigint[], limit: number, size: number): [bigint, bigint[]][] {
  const groups = new Map<bigint, bigint[]>();
  for (const id of ranked) {
    const g = colour(Number(id));
    if (!groups.has(g) && groups.size === limit) continue;
    const hits = groups.get(g) ?? [];
    if (hits.length < size) hits.push(id);
    groups.set(g, hits);
  }
  return [...groups];
}

const groupsOf = (res: { result?: { groups: { id?: { kind: { value?: unknown } }; hits: { id?: unknown }[] }[] } }) =>
  res.result!.groups.map((g) => [g.id?.kind.value, g.hits.map((h) => idOf(h.id as never))]);

test('SearchGroups groups the nearest hits by an integer field, with_lookup fetching each group\'s point', async () => {
  const res = await points().searchGroups({
    collectionName: C, vector: queries[2], groupBy: 'colour', limit: 3, groupSize: 4,
    withLookup: { collection: LOOKUP, withPayload: enable(true) },
  });
  const ranked = topOf(scoreAll((v) => cos(queries[2], v)), N).map(([id]) => id);
  assert.deepEqual(groupsOf(res), expectedGroups(ranked, 3, 4));
  for (const g of res.result!.groups) {
    assert.deepEqual(fromPayload(g.lookup!.payload), { name: `colour ${g.id?.kind.value}` }, 'lookup by group id');
  }
  await rejects(points().searchGroups({ collectionName: C, vector: queries[2], groupBy: 'colour', groupSize: 2 }), Code.InvalidArgument, /limit/);
});

test('RecommendGroups groups best-score recommendations, examples excluded', async () => {
  const res = await points().recommendGroups({
    collectionName: C, positive: [pid(2n), pid(30n)], negative: [pid(7n)], strategy: RecommendStrategy.BestScore,
    groupBy: 'colour', limit: 2, groupSize: 3,
  });
  const ranked = topOf(scoreAll((v) => bestScore(v, [vectors[2], vectors[30]], [vectors[7]]), [2, 30, 7]), N).map(([id]) => id);
  assert.deepEqual(groupsOf(res), expectedGroups(ranked, 2, 3));
});
