// Query `rrf` with k and weights, and `nearest_with_mmr`, through the official client over 3-shard
// collections. Expected answers are computed here from Qdrant's definitions:
// - weighted RRF: the point at 0-based position p of prefetch list i earns 1 / ((p + 1) / w_i + k - 1),
//   0 when w_i <= 0, summed over the lists (k = 2 and w_i = 1 by default);
// - MMR: candidates are the `candidates_limit` nearest (default: limit); the first pick is the most
//   relevant, each next maximises λ·rel(c) − (1 − λ)·max sim(c, picked), λ = 1 − diversity, with
//   the distance's raw similarity (cosine; −squared L2 for Euclid); scores stay the search scores.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { randomVectors, score } from '../support/data.ts';
import { assertTopK, cos, type Expected } from '../support/query-reference.ts';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, idOf, pid } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

const COS = 'rrf_mmr_cosine';
const EUC = 'rrf_mmr_euclid';
const DIM = 8;
const N = 200;
const vectors = randomVectors(N, DIM, 21);
const queries = randomVectors(4, DIM, 22);
let q: TestQuiver;

before(async () => {
  q = await startTestQuiver({ label: 'rrf-mmr' });
  for (const [collectionName, distance] of [[COS, 1 /* Cosine */], [EUC, 2 /* Euclid */]] as const) {
    await q.client.api('collections').create({ collectionName, vectorsConfig: { config: { case: 'params', value: { size: BigInt(DIM), distance } } }, shardNumber: 3 });
    await q.client.api('points').upsert({ collectionName, wait: true, points: vectors.map((v, i) => ({ id: pid(BigInt(i)), vectors: denseVectors(v) })) });
  }
});
after(async () => q?.stop());

const points = () => q.client.api('points');
const dense = (data: number[]) => ({ variant: { case: 'dense' as const, value: { data } } });
const nearest = (query: number[]) => ({ variant: { case: 'nearest' as const, value: dense(query) } });
const prefetch = (query: number[], limit: number) => ({ query: nearest(query), limit: BigInt(limit) });
const ids = (res: { result: { id?: unknown }[] }) => res.result.map((p) => idOf(p.id as never));
const exact = { exact: true };

/** The cosine top `limit` ids of a query, best first. */
function nearestIds(query: number[], limit: number): bigint[] {
  return vectors.map((v, i) => [BigInt(i), cos(query, v)] as const).sort((a, b) => b[1] - a[1]).slice(0, limit).map(([id]) => id);
}

function weightedRrf(lists: bigint[][], k: number, weights: number[]): Expected {
  const out: Expected = new Map();
  lists.forEach((list, i) => list.forEach((id, p) => out.set(id, (out.get(id) ?? 0) + (weights[i] <= 0 ? 0 : 1 / ((p + 1) / weights[i] + k - 1)))));
  return out;
}


test('rrf with k and weights fuses the prefetch lists by the weighted formula; a zero weight keeps points unscored', async () => {
  const lists = [nearestIds(queries[0], 20), nearestIds(queries[1], 15), nearestIds(queries[2], 10)];
  const fetches = [prefetch(queries[0], 20), prefetch(queries[1], 15), prefetch(queries[2], 10)];
  const fuse = (k: number | undefined, weights: number[], limit: number) =>
    points().query({ collectionName: COS, prefetch: fetches as never, limit: BigInt(limit), query: { variant: { case: 'rrf', value: { ...(k === undefined ? {} : { k }), weights } } } });
  assertTopK((await fuse(5, [3, 1, 0.5], 12)).result, weightedRrf(lists, 5, [3, 1, 0.5]), 12);
  assertTopK((await fuse(60, [], 12)).result, weightedRrf(lists, 60, [1, 1, 1]), 12);
  assertTopK((await fuse(undefined, [1, 2, 1], 12)).result, weightedRrf(lists, 2, [1, 2, 1]), 12);
  const all = new Set(lists.flat());
  const zero = await fuse(undefined, [0, 1, 1], 100);
  assertTopK(zero.result, weightedRrf(lists, 2, [0, 1, 1]), 100);
  assert.equal(zero.result.length, all.size, 'points only in the zero-weight list are kept');
});

test('rrf refuses a weight count that differs from the prefetch count, and k = 0', async () => {
  const fetches = [prefetch(queries[0], 5), prefetch(queries[1], 5), prefetch(queries[2], 5)];
  await rejects(
    points().query({ collectionName: COS, prefetch: fetches as never, query: { variant: { case: 'rrf', value: { weights: [1, 2] } } } }),
    Code.InvalidArgument, /Number of weights in RRF should match number of pre-fetches: got 2, expected 3/,
  );
  await rejects(points().query({ collectionName: COS, prefetch: fetches as never, query: { variant: { case: 'rrf', value: { k: 0 } } } }), Code.InvalidArgument, /rrf\.k: value 0 invalid/);
});

/** Qdrant's MMR over candidate indices (best first), with relevance and pairwise similarity given. */
function mmr(candidates: number[], relevance: (i: number) => number, similarity: (i: number, j: number) => number, diversity: number, limit: number): number[] {
  const lambda = 1 - diversity;
  const picked: number[] = [];
  const left = [...candidates];
  while (picked.length < limit && left.length > 0) {
    const value = (c: number) => (picked.length === 0 ? relevance(c) : lambda * relevance(c) - (1 - lambda) * Math.max(...picked.map((p) => similarity(c, p))));
    const best = left.reduce((a, b) => (value(b) > value(a) ? b : a));
    picked.push(best);
    left.splice(left.indexOf(best), 1);
  }
  return picked;
}

const mmrQuery = (query: number[], diversity?: number, candidatesLimit?: number) => ({
  variant: {
    case: 'nearestWithMmr' as const,
    value: { nearest: dense(query), mmr: { ...(diversity === undefined ? {} : { diversity }), ...(candidatesLimit === undefined ? {} : { candidatesLimit }) } },
  },
});

test('nearest_with_mmr on Cosine: picks by MMR among the nearest candidates, cosine scores kept, offset after the picks', async () => {
  const query = queries[3];
  const candidates = nearestIds(query, 40).map(Number);
  const expected = mmr(candidates, (i) => cos(query, vectors[i]), (i, j) => cos(vectors[i], vectors[j]), 0.7, 10);
  const res = await points().query({ collectionName: COS, query: mmrQuery(query, 0.7, 40), limit: 8n, offset: 2n, params: exact });
  assert.deepEqual(ids(res), expected.slice(2, 10).map(BigInt));
  res.result.forEach((p, i) => assert.ok(Math.abs(p.score - cos(query, vectors[expected[i + 2]])) < 1e-5, 'the search score is kept'));
  assert.notDeepEqual(expected.slice(0, 10), candidates.slice(0, 10), 'diversity changed the picks (the test can fail)');
  const relevanceOnly = await points().query({ collectionName: COS, query: mmrQuery(query, 0, 40), limit: 6n, params: exact });
  assert.deepEqual(ids(relevanceOnly), candidates.slice(0, 6).map(BigInt), 'diversity 0 is plain nearest');
  const byDefault = await points().query({ collectionName: COS, query: mmrQuery(query), limit: 6n, params: exact });
  const defaultExpected = mmr(candidates.slice(0, 6), (i) => cos(query, vectors[i]), (i, j) => cos(vectors[i], vectors[j]), 0.5, 6);
  assert.deepEqual(ids(byDefault), defaultExpected.map(BigInt), 'diversity 0.5 over limit candidates by default');
});

test('nearest_with_mmr on Euclid uses the negated squared distance as similarity; scores are distances', async () => {
  const query = queries[0];
  const sq = (a: number[], b: number[]) => -(score('Euclid', a, b) ** 2);
  const candidates = vectors.map((v, i) => [i, score('Euclid', query, v)] as const).sort((a, b) => a[1] - b[1]).slice(0, 25).map(([i]) => i);
  const expected = mmr(candidates, (i) => sq(query, vectors[i]), (i, j) => sq(vectors[i], vectors[j]), 0.4, 7);
  const res = await points().query({ collectionName: EUC, query: mmrQuery(query, 0.4, 25), limit: 7n, params: exact });
  assert.deepEqual(ids(res), expected.map(BigInt));
  res.result.forEach((p, i) => assert.ok(Math.abs(p.score - score('Euclid', query, vectors[expected[i]])) < 1e-4));
});

test('nearest_with_mmr refuses a diversity outside [0, 1] and more than 16384 candidates', async () => {
  await rejects(points().query({ collectionName: COS, query: mmrQuery(queries[0], 1.5) }), Code.InvalidArgument, /diversity/);
  await rejects(points().query({ collectionName: COS, query: mmrQuery(queries[0], 0.5, 16_385) }), Code.InvalidArgument, /candidates_limit/);
});
