// The foundation, end to end through @qdrant/js-client-grpc: 1,000 points upserted with
// wait=true and 1,000 with wait=false are all found again, by Get and by Search, with scores
// equal to a brute-force computation done here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UpdateStatus } from '@qdrant/js-client-grpc';
import { bruteForce, closeScore, normalise, randomVectors } from '../support/data.ts';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, enable, fromPayload, type Id, idOf, type Json, pid, toPayload } from '../support/wire.ts';

const DIM = 16;
const COLLECTION = 'foundation';
let q: TestQuiver;

const idFor = (i: number): Id =>
  i % 3 === 0 ? `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}` : 9007199254740993n + BigInt(i);
const payloadFor = (i: number): { [k: string]: Json } => ({
  i: BigInt(i),
  big: 9007199254740993n + BigInt(i),
  half: i + 0.5,
  whole: 2.0, // a double that happens to be integral stays a double
  name: `point-${i}`,
  even: i % 2 === 0,
  nothing: null,
  tags: ['a', `t${i % 7}`],
  nested: { depth: { n: BigInt(i % 5) }, list: [1n, 2.5, 'x', true, null] },
});

const vectors = randomVectors(2000, DIM, 42);
const ids = vectors.map((_, i) => idFor(i));

before(async () => {
  q = await startTestQuiver({ label: 'foundation' });
  await q.client.api('collections').create({
    collectionName: COLLECTION,
    vectorsConfig: { config: { case: 'params', value: { size: BigInt(DIM), distance: 1 /* Cosine */ } } },
  });
});

after(async () => q?.stop());

async function upsertRange(from: number, to: number, wait: boolean) {
  const points = [];
  for (let i = from; i < to; i++) points.push({ id: pid(ids[i]), vectors: denseVectors(vectors[i]), payload: toPayload(payloadFor(i)) });
  return q.client.api('points').upsert({ collectionName: COLLECTION, wait, points });
}

test('1,000 points with wait=true are Completed, and 1,000 with wait=false are Acknowledged', async () => {
  for (let from = 0; from < 1000; from += 100) {
    const res = await upsertRange(from, from + 100, true);
    assert.equal(res.result?.status, UpdateStatus.Completed);
    assert.ok((res.result?.operationId ?? 0n) > 0n);
  }
  const count = await q.client.api('points').count({ collectionName: COLLECTION, exact: true });
  assert.equal(count.result?.count, 1000n, 'Completed writes are visible at once');
  for (let from = 1000; from < 2000; from += 100) {
    const res = await upsertRange(from, from + 100, false);
    assert.equal(res.result?.status, UpdateStatus.Acknowledged);
  }
});

test('acknowledged writes are applied: the count reaches 2,000', async () => {
  const deadline = Date.now() + 30_000;
  let count = 0n;
  while (Date.now() < deadline) {
    count = (await q.client.api('points').count({ collectionName: COLLECTION })).result?.count ?? 0n;
    if (count === 2000n) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(count, 2000n);
  const info = await q.client.api('collections').get({ collectionName: COLLECTION });
  assert.equal(info.result?.pointsCount, 2000n);
});

test('every point is found by Get, with its payload (integers kept) and its normalised vector', async () => {
  for (let from = 0; from < 2000; from += 250) {
    const batch = ids.slice(from, from + 250);
    const res = await q.client.api('points').get({
      collectionName: COLLECTION,
      ids: batch.map(pid),
      withPayload: enable(true),
      withVectors: { selectorOptions: { case: 'enable', value: true } },
    });
    assert.equal(res.result.length, batch.length);
    res.result.forEach((point, k) => {
      const i = from + k;
      assert.equal(idOf(point.id), ids[i], 'points come back in the order asked');
      assert.deepEqual(fromPayload(point.payload), payloadFor(i));
      const got = point.vectors?.vectorsOptions.case === 'vector' ? point.vectors.vectorsOptions.value : undefined;
      assert.equal(got?.vector.case, 'dense', 'vectors are returned in the dense oneof');
      const expected = normalise(vectors[i]);
      (got?.vector.value as { data: number[] }).data.forEach((x, d) => assert.ok(Math.abs(x - expected[d]) < 1e-6));
    });
  }
});

test('every point is found by Search with brute-force scores', async () => {
  for (let i = 0; i < 2000; i += 1) {
    const res = await q.client.api('points').search({ collectionName: COLLECTION, vector: vectors[i], limit: 5n });
    const expected = bruteForce('Cosine', vectors[i], vectors, 5);
    assert.equal(res.result.length, 5);
    assert.ok(res.result.some((p) => idOf(p.id) === ids[i]), `point ${i} finds itself`);
    res.result.forEach((p, k) => {
      assert.ok(closeScore(p.score, expected[k][1]), `rank ${k} of query ${i}: ${p.score} vs ${expected[k][1]}`);
      assert.equal(idOf(p.id), ids[expected[k][0]]);
    });
  }
});

test('Get omits missing ids, answers duplicates once and returns no payload unless asked', async () => {
  const res = await q.client.api('points').get({ collectionName: COLLECTION, ids: [pid(ids[1]), pid(123n), pid(ids[1]), pid(ids[2])] });
  assert.deepEqual(res.result.map((p) => idOf(p.id)), [ids[1], ids[2]]);
  assert.deepEqual(res.result[0].payload, {});
  assert.equal(res.result[0].vectors, undefined);
  const some = await q.client.api('points').get({
    collectionName: COLLECTION,
    ids: [pid(ids[4])],
    withPayload: { selectorOptions: { case: 'include', value: { fields: ['name', 'nested.depth'] } } },
  });
  assert.deepEqual(fromPayload(some.result[0].payload), { name: 'point-4', nested: { depth: { n: 4n } } });
});

test('a uint64 id above 2^53 keeps every digit', async () => {
  const res = await q.client.api('points').get({ collectionName: COLLECTION, ids: [pid(9007199254740994n)] });
  assert.equal(idOf(res.result[0].id), 9007199254740994n);
});
