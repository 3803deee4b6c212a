// Qdrant's score semantics per distance, through the official client: similarities (Cosine, Dot)
// rank larger first, distances (Euclid, Manhattan) are returned as distances, smaller first;
// score_threshold is strict; offset skips after ranking. Exact scan and the HNSW graph both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bruteForce, closeScore, DISTANCE_ENUM, type DistanceName, largerIsBetter, randomVectors } from '../support/data.ts';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, idOf, pid } from '../support/wire.ts';

const DIM = 8;
const N = 300;
const vectors = randomVectors(N, DIM, 7);
const queries = randomVectors(20, DIM, 99);
let q: TestQuiver;

before(async () => {
  q = await startTestQuiver({ label: 'distances' });
});
after(async () => q?.stop());

async function collectionWith(distance: DistanceName, name: string, fullScanThresholdKb?: bigint) {
  await q.client.api('collections').create({
    collectionName: name,
    vectorsConfig: { config: { case: 'params', value: { size: BigInt(DIM), distance: DISTANCE_ENUM[distance] } } },
    ...(fullScanThresholdKb === undefined ? {} : { hnswConfig: { fullScanThreshold: fullScanThresholdKb } }),
  });
  await q.client.api('points').upsert({
    collectionName: name,
    wait: true,
    points: vectors.map((v, i) => ({ id: pid(BigInt(i)), vectors: denseVectors(v) })),
  });
}

for (const distance of ['Cosine', 'Dot', 'Euclid', 'Manhattan'] as DistanceName[]) {
  describe(distance, () => {
    const name = `d_${distance.toLowerCase()}`;
    before(() => collectionWith(distance, name));

    test('top-k ids, order and scores equal brute force', async () => {
      for (const query of queries) {
        const res = await q.client.api('points').search({ collectionName: name, vector: query, limit: 10n });
        const expected = bruteForce(distance, query, vectors, 10);
        assert.deepEqual(res.result.map((p) => idOf(p.id)), expected.map(([i]) => BigInt(i)));
        res.result.forEach((p, k) => assert.ok(closeScore(p.score, expected[k][1]), `${p.score} vs ${expected[k][1]}`));
      }
    });

    test('offset skips the best results; score_threshold is strict in the distance direction', async () => {
      const query = queries[0];
      const expected = bruteForce(distance, query, vectors, 15);
      const paged = await q.client.api('points').search({ collectionName: name, vector: query, limit: 5n, offset: 10n });
      assert.deepEqual(paged.result.map((p) => idOf(p.id)), expected.slice(10, 15).map(([i]) => BigInt(i)));
      const threshold = Math.fround(expected[4][1]);
      const res = await q.client.api('points').search({ collectionName: name, vector: query, limit: 50n, scoreThreshold: threshold });
      const better = (s: number) => (largerIsBetter(distance) ? s > threshold : s < threshold);
      const all = bruteForce(distance, query, vectors, N).filter(([, s]) => better(Math.fround(s)));
      assert.equal(res.result.length, all.length);
      for (const p of res.result) assert.ok(better(p.score), `${p.score} passes ${threshold}`);
    });
  });
}

test('searches through the HNSW graph keep recall@10 >= 0.95 against brute force', async () => {
  for (const distance of ['Cosine', 'Dot', 'Euclid'] as DistanceName[]) {
    const name = `hnsw_${distance.toLowerCase()}`;
    await collectionWith(distance, name, 0n); // threshold 0: never an exact scan
    let hits = 0;
    for (const query of queries) {
      const res = await q.client.api('points').search({ collectionName: name, vector: query, limit: 10n });
      const expected = new Set(bruteForce(distance, query, vectors, 10).map(([i]) => BigInt(i)));
      hits += res.result.filter((p) => expected.has(idOf(p.id) as bigint)).length;
      res.result.forEach((p) => assert.ok(closeScore(p.score, bruteForce(distance, query, [vectors[Number(idOf(p.id))]], 1)[0][1])));
    }
    assert.ok(hits / (queries.length * 10) >= 0.95, `${distance} recall ${hits / (queries.length * 10)}`);
  }
});
