// Named vectors through the official client: a collection with two names of different sizes and
// distances, points with both names or with one only. Every expectation comes from a model kept
// in this file (the vectors each point should have) and a brute-force search over it, never
// from quiver. Also: with_vectors selectors, UpdateVectors / DeleteVectors, bad input that changes
// nothing, and a restart that keeps the named vectors.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import type { PointId, RetrievedPoint, ScoredPoint } from '@qdrant/js-client-grpc';
import { loadConfig } from '../../libs/config/index.ts';
import { createLogger } from '../../services/common/logger.ts';
import { startQuiver } from '../../services/common/quiver.ts';
import { bruteForce, closeScore, DISTANCE_ENUM, type DistanceName, randomVectors } from '../support/data.ts';
import { clientFor, startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis.ts';
import { enable, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

const C = 'named';
const SPACES: Record<string, { size: number; distance: DistanceName }> = {
  image: { size: 4, distance: 'Dot' },
  text: { size: 3, distance: 'Cosine' },
};
const NAMES = Object.keys(SPACES);
const N = 90;

/** The model: what each point's vectors should be (raw, as sent). */
const model = new Map<bigint, Record<string, number[]>>();
const imageData = randomVectors(N + 20, 4, 11);
const textData = randomVectors(N + 20, 3, 12);

let q: TestQuiver;

before(async () => {
  q = await startTestQuiver({ label: 'named' });
  await q.client.api('collections').create({
    collectionName: C,
    hnswConfig: { fullScanThreshold: 0n }, // searches go through each name's graph once it holds the points
    vectorsConfig: {
      config: {
        case: 'paramsMap',
        value: {
          map: {
            image: { size: 4n, distance: DISTANCE_ENUM.Dot, hnswConfig: { m: 8n }, onDisk: true },
            text: { size: 3n, distance: DISTANCE_ENUM.Cosine },
          },
        },
      },
    },
  });
  // Points i % 3 == 0 have both names, 1 the image only, 2 the text only.
  const points = [];
  for (let i = 0; i < N; i++) {
    const vectors: Record<string, number[]> = {};
    if (i % 3 !== 2) vectors.image = imageData[i];
    if (i % 3 !== 1) vectors.text = textData[i];
    model.set(BigInt(i), vectors);
    points.push({ id: pid(BigInt(i)), vectors: namedVectors(vectors), payload: toPayload({ i: BigInt(i) }) });
  }
  await q.client.api('points').upsert({ collectionName: C, wait: true, points });
});
after(async () => q?.stop());

function namedVectors(vectors: Record<string, number[]>) {
  const map = Object.fromEntries(Object.entries(vectors).map(([name, data]) => [name, { vector: { case: 'dense' as const, value: { data } } }]));
  return { vectorsOptions: { case: 'vectors' as const, value: { vectors: map } } };
}

function normalise(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return norm === 0 ? v : v.map((x) => x / norm);
}

/** What the server should store for a vector: Cosine vectors normalised. */
function stored(name: string, v: number[]): number[] {
  return SPACES[name].distance === 'Cosine' ? normalise(v) : v;
}

/** The named vectors of an answer, as plain arrays. */
function vectorsOf(point: RetrievedPoint | ScoredPoint): Record<string, number[]> | undefined {
  const v = point.vectors?.vectorsOptions;
  if (!v || v.case === undefined) return undefined;
  assert.equal(v.case, 'vectors', 'a collection with named vectors answers NamedVectors');
  return Object.fromEntries(Object.entries(v.value.vectors).map(([name, out]) => {
    assert.equal(out.vector.case, 'dense');
    return [name, (out.vector.value as { data: number[] }).data];
  }));
}

function assertVectorsClose(got: Record<string, number[]> | undefined, expected: Record<string, number[]>, what: string): void {
  assert.deepEqual(Object.keys(got ?? {}).sort(), Object.keys(expected).sort(), `${what}: vector names`);
  for (const [name, values] of Object.entries(expected)) {
    const want = stored(name, values);
    got![name].forEach((x, d) => assert.ok(Math.abs(x - want[d]) < 1e-5, `${what}: ${name}[${d}] ${x} vs ${want[d]}`));
  }
}

/** Brute force over the model's points that have the name. */
function expectedSearch(name: string, query: number[], k: number): [bigint, number][] {
  const ids = [...model].filter(([, v]) => v[name]).map(([id]) => id);
  return bruteForce(SPACES[name].distance, query, ids.map((id) => model.get(id)![name]), k).map(([i, s]) => [ids[i], s]);
}

async function assertSearchMatchesModel(name: string, query: number[]): Promise<void> {
  const res = await q.client.api('points').search({ collectionName: C, vector: query, vectorName: name, limit: 10n });
  const expected = expectedSearch(name, query, 10);
  assert.deepEqual(res.result.map((p) => idOf(p.id)), expected.map(([id]) => id), `search by ${name}`);
  res.result.forEach((p, k) => assert.ok(closeScore(p.score, expected[k][1]), `${name} rank ${k}: ${p.score} vs ${expected[k][1]}`));
}

async function getPoints(ids: bigint[], withVectors: Record<string, unknown> = enable(true)) {
  return (await q.client.api('points').get({ collectionName: C, ids: ids.map(pid), withVectors: withVectors as never, withPayload: enable(true) })).result;
}

async function assertModelHolds(ids: bigint[]): Promise<void> {
  const got = await getPoints(ids);
  assert.deepEqual(got.map((p) => idOf(p.id)), ids);
  got.forEach((p) => assertVectorsClose(vectorsOf(p), model.get(idOf(p.id) as bigint)!, `point ${idOf(p.id)}`));
}


const idsSelector = (ids: bigint[]) => ({ pointsSelectorOneOf: { case: 'points' as const, value: { ids: ids.map(pid) } } });

test('GetCollectionInfo echoes the named vector parameters as created', async () => {
  const info = await q.client.api('collections').get({ collectionName: C });
  const config = info.result?.config?.params?.vectorsConfig?.config;
  assert.equal(config?.case, 'paramsMap');
  const map = (config?.value as { map: Record<string, { size: bigint; distance: number; hnswConfig?: { m?: bigint }; onDisk?: boolean }> }).map;
  assert.deepEqual(Object.keys(map).sort(), ['image', 'text']);
  assert.equal(map.image.size, 4n);
  assert.equal(map.image.distance, DISTANCE_ENUM.Dot);
  assert.equal(map.image.hnswConfig?.m, 8n);
  assert.equal(map.image.onDisk, true);
  assert.equal(map.text.size, 3n);
  assert.equal(map.text.distance, DISTANCE_ENUM.Cosine);
  assert.equal(info.result?.pointsCount, BigInt(N));
});

test('Search by each name equals brute force over the points that have that name', async () => {
  for (const name of NAMES) {
    for (const query of randomVectors(8, SPACES[name].size, 40 + name.length)) await assertSearchMatchesModel(name, query);
  }
  const batch = await q.client.api('points').searchBatch({
    collectionName: C,
    searchPoints: NAMES.map((name) => ({ collectionName: C, vector: randomVectors(1, SPACES[name].size, 5)[0], vectorName: name, limit: 5n })),
  });
  NAMES.forEach((name, k) => {
    const expected = expectedSearch(name, randomVectors(1, SPACES[name].size, 5)[0], 5);
    assert.deepEqual(batch.result[k].result.map((p) => idOf(p.id)), expected.map(([id]) => id), `batch search by ${name}`);
  });
});

test('Query with `using` searches that name, by vector and by point id, and returns NamedVectors', async () => {
  const dense = (data: number[]) => ({ variant: { case: 'dense' as const, value: { data } } });
  const byId = (id: bigint) => ({ variant: { case: 'id' as const, value: pid(id) } });
  const nearest = (input: ReturnType<typeof dense> | ReturnType<typeof byId>) => ({ variant: { case: 'nearest' as const, value: input } });
  const query = randomVectors(1, 3, 77)[0];
  const res = await q.client.api('points').query({ collectionName: C, query: nearest(dense(query)), using: 'text', limit: 5n, withVectors: enable(true) });
  const expected = expectedSearch('text', query, 5);
  assert.deepEqual(res.result.map((p) => idOf(p.id)), expected.map(([id]) => id));
  res.result.forEach((p, k) => {
    assert.ok(closeScore(p.score, expected[k][1]));
    assertVectorsClose(vectorsOf(p), model.get(idOf(p.id) as bigint)!, `query hit ${idOf(p.id)}`);
  });
  // By id: point 4 (i % 3 == 1) has an image; the point itself is left out.
  const byPoint = await q.client.api('points').query({ collectionName: C, query: nearest(byId(4n)), using: 'image', limit: 5n });
  const fromImage = expectedSearch('image', model.get(4n)!.image!, 6).filter(([id]) => id !== 4n).slice(0, 5);
  assert.deepEqual(byPoint.result.map((p) => idOf(p.id)), fromImage.map(([id]) => id));
  await rejects(q.client.api('points').query({ collectionName: C, query: nearest(dense(query)), using: 'audio' }), Code.InvalidArgument, /Not existing vector name error: audio/);
});

test('with_vectors: enable returns every name a point has, include only the names listed, none by default', async () => {
  const ids = [0n, 1n, 2n];
  await assertModelHolds(ids);
  const onlyText = await getPoints(ids, { selectorOptions: { case: 'include', value: { names: ['text'] } } });
  onlyText.forEach((p) => {
    const { text } = model.get(idOf(p.id) as bigint)!;
    assertVectorsClose(vectorsOf(p), text ? { text } : {}, `text of point ${idOf(p.id)}`);
  });
  const without = await getPoints(ids, enable(false));
  without.forEach((p) => assert.equal(p.vectors, undefined));
  const scrolled = await q.client.api('points').scroll({
    collectionName: C, limit: 3, withVectors: { selectorOptions: { case: 'include', value: { names: ['image'] } } },
  });
  scrolled.result.forEach((p) => {
    const { image } = model.get(idOf(p.id) as bigint)!;
    assertVectorsClose(vectorsOf(p), image ? { image } : {}, `scrolled point ${idOf(p.id)}`);
  });
  const query = imageData[0];
  const found = await q.client.api('points').search({ collectionName: C, vector: query, vectorName: 'image', limit: 3n, withVectors: enable(true) });
  found.result.forEach((p) => assertVectorsClose(vectorsOf(p), model.get(idOf(p.id) as bigint)!, `search hit ${idOf(p.id)}`));
});

test('UpdateVectors replaces the names given and keeps the other names and the payload', async () => {
  const res = await q.client.api('points').updateVectors({
    collectionName: C,
    wait: true,
    points: [
      { id: pid(1n), vectors: namedVectors({ text: textData[N] }) }, // point 1 had the image only
      { id: pid(3n), vectors: namedVectors({ image: imageData[N + 1] }) }, // point 3 had both
    ],
  });
  assert.equal(res.result?.status, 2 /* Completed */);
  model.get(1n)!.text = textData[N];
  model.get(3n)!.image = imageData[N + 1];
  await assertModelHolds([1n, 3n]);
  const payloads = await getPoints([1n, 3n], enable(false));
  assert.deepEqual(payloads.map((p) => fromPayload(p.payload)), [{ i: 1n }, { i: 3n }]);
  await assertSearchMatchesModel('text', textData[N]);
  await assertSearchMatchesModel('image', imageData[N + 1]);
});

test('UpdateVectors of a missing point answers NOT_FOUND with wait=true, after updating the points found', async () => {
  await rejects(
    q.client.api('points').updateVectors({
      collectionName: C, wait: true,
      points: [{ id: pid(6n), vectors: namedVectors({ text: textData[N + 2] }) }, { id: pid(999n), vectors: namedVectors({ text: textData[N + 3] }) }],
    }),
    Code.NotFound, /No point with id 999 found/,
  );
  model.get(6n)!.text = textData[N + 2];
  await assertModelHolds([6n]);
  assert.deepEqual(await getPoints([999n]), [], 'no point was created');
});

test('DeleteVectors removes the names listed; the point stays, and is no candidate of that name', async () => {
  const res = await q.client.api('points').deleteVectors({ collectionName: C, wait: true, pointsSelector: idsSelector([0n, 9n]), vectors: { names: ['image'] } });
  assert.equal(res.result?.status, 2 /* Completed */);
  delete model.get(0n)!.image;
  delete model.get(9n)!.image;
  await assertModelHolds([0n, 9n]);
  const hits = await q.client.api('points').search({ collectionName: C, vector: imageData[0], vectorName: 'image', limit: BigInt(N) });
  assert.ok(!hits.result.some((p) => idOf(p.id) === 0n || idOf(p.id) === 9n));
  await assertSearchMatchesModel('image', imageData[9]);
  await rejects(
    q.client.api('points').deleteVectors({ collectionName: C, wait: true, pointsSelector: idsSelector([12345n]), vectors: { names: ['text'] } }),
    Code.NotFound, /No point with id 12345 found/,
  );
  assert.equal((await q.client.api('points').count({ collectionName: C })).result?.count, BigInt(N));
});

/** A harmless write (point 3's text, unchanged); its operation id tells whether anything was queued in between. */
async function operationId(): Promise<bigint> {
  const res = await q.client.api('points').updateVectors({ collectionName: C, wait: true, points: [{ id: pid(3n), vectors: namedVectors({ text: model.get(3n)!.text! }) }] });
  return res.result!.operationId!;
}

test('UpdateBatch applies update_vectors and delete_vectors in order', async () => {
  const operations = [
    { operation: { case: 'updateVectors' as const, value: { points: [{ id: pid(12n), vectors: namedVectors({ text: textData[N + 4] }) }] } } },
    { operation: { case: 'deleteVectors' as const, value: { pointsSelector: idsSelector([12n]), vectors: { names: ['image'] } } } },
  ];
  const res = await q.client.api('points').updateBatch({ collectionName: C, wait: true, operations: operations as never });
  assert.deepEqual(res.result.map((r) => r.status), [2, 2]);
  model.get(12n)!.text = textData[N + 4];
  delete model.get(12n)!.image;
  await assertModelHolds([12n]);
});

test('a has_vector filter selects the points that have that name', async () => {
  for (const name of NAMES) {
    const filter = { must: [{ conditionOneOf: { case: 'hasVector' as const, value: { hasVector: name } } }] };
    const res = await q.client.api('points').scroll({ collectionName: C, filter, limit: N + 10, withPayload: enable(false) });
    const expected = [...model].filter(([, v]) => v[name]).map(([id]) => id).sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(res.result.map((p) => idOf(p.id)), expected, `has_vector ${name}`);
  }
});

test('bad input is INVALID_ARGUMENT and changes nothing', async () => {
  const firstId = await operationId();
  const before = await getPoints([3n]);
  const searchQuery = (name: string | undefined, size: number) =>
    q.client.api('points').search({ collectionName: C, vector: new Array(size).fill(0.5), ...(name === undefined ? {} : { vectorName: name }), limit: 1n });
  await rejects(searchQuery(undefined, 4), Code.InvalidArgument, /Not existing vector name error: $/);
  await rejects(searchQuery('audio', 4), Code.InvalidArgument, /Not existing vector name error: audio/);
  await rejects(searchQuery('text', 4), Code.InvalidArgument, /expected dim: 3, got 4/);

  const upsert = (vectors: ReturnType<typeof namedVectors> | { vectorsOptions: { case: 'vector'; value: { data: number[] } } }) =>
    q.client.api('points').upsert({ collectionName: C, wait: true, points: [{ id: pid(3n), vectors }] });
  await rejects(upsert(namedVectors({ audio: [1, 2] })), Code.InvalidArgument, /Not existing vector name error: audio/);
  await rejects(upsert(namedVectors({ image: [1, 2, 3] })), Code.InvalidArgument, /expected dim: 4, got 3/);
  await rejects(upsert(namedVectors({ text: [1, Number.NaN, 0] })), Code.InvalidArgument, /non-finite/);
  await rejects(upsert({ vectorsOptions: { case: 'vector', value: { data: [1, 2, 3, 4] } } }), Code.InvalidArgument, /Not existing vector name error: $/);
  await rejects(
    q.client.api('points').upsert({ collectionName: C, wait: true, points: [{ id: pid(3n) }] }),
    Code.InvalidArgument, /Expected some vectors/,
  );
  await rejects(
    q.client.api('points').updateVectors({ collectionName: C, wait: true, points: [{ id: pid(3n), vectors: namedVectors({ text: [1, 2] }) }] }),
    Code.InvalidArgument, /expected dim: 3, got 2/,
  );
  await rejects(
    q.client.api('points').updateVectors({ collectionName: C, wait: true, points: [{ id: pid(3n), vectors: namedVectors({ audio: [1] }) }] }),
    Code.InvalidArgument, /Not existing vector name error: audio/,
  );
  await rejects(
    q.client.api('points').deleteVectors({ collectionName: C, wait: true, pointsSelector: idsSelector([3n]), vectors: { names: ['text', 'audio'] } }),
    Code.InvalidArgument, /Not existing vector name error: audio/,
  );
  assert.equal(await operationId(), firstId + 1n, 'nothing was queued by the rejected requests');
  const after = await getPoints([3n]);
  assert.deepEqual(after.map(vectorsOf), before.map(vectorsOf), 'point 3 is as it was');
  await assertModelHolds([3n]);
  assert.equal((await q.client.api('points').count({ collectionName: C })).result?.count, BigInt(N));
});

test('a restarted quiver keeps named vectors, including points that lack a name', async () => {
  const redisUrl = await testRedisUrl();
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-named-restart-'));
  const prefix = uniquePrefix('named-restart');
  const config = loadConfig({
    REDIS_URL: redisUrl, QUIVER__REDIS__PREFIX: prefix, QUIVER__REDIS__AUTOSTART: 'false', QDRANT__STORAGE__STORAGE_PATH: storage,
    QDRANT__SERVICE__GRPC_PORT: '0', QUIVER__INDEXER__PORT: '0', QUIVER__LOG_LEVEL: 'silent',
  });
  const start = () => startQuiver(config, ['ingress', 'indexer', 'query'], createLogger(config.logLevel));
  let quiver = await start();
  try {
    let client = clientFor(quiver.grpcPort!);
    await client.api('collections').create({
      collectionName: 'kept',
      vectorsConfig: { config: { case: 'paramsMap', value: { map: { a: { size: 2n, distance: DISTANCE_ENUM.Euclid }, b: { size: 3n, distance: DISTANCE_ENUM.Cosine } } } } },
    });
    const points: [bigint, Record<string, number[]>][] = [[1n, { a: [1, 2], b: [3, 0, 4] }], [2n, { a: [5, 5] }], [3n, { b: [0, 1, 0] }]];
    await client.api('points').upsert({ collectionName: 'kept', wait: true, points: points.map(([id, v]) => ({ id: pid(id), vectors: namedVectors(v) })) });
    await client.api('points').deleteVectors({ collectionName: 'kept', wait: true, pointsSelector: idsSelector([1n]), vectors: { names: ['a'] } });
    await quiver.stop();
    quiver = await start();
    client = clientFor(quiver.grpcPort!);
    const got = (await client.api('points').get({ collectionName: 'kept', ids: [1n, 2n, 3n].map(pid), withVectors: enable(true) })).result;
    const expected: Record<string, number[]>[] = [{ b: [0.6, 0, 0.8] }, { a: [5, 5] }, { b: [0, 1, 0] }];
    assert.deepEqual(got.map((p) => idOf(p.id as PointId)), [1n, 2n, 3n]);
    got.forEach((p, k) => {
      const v = vectorsOf(p)!;
      assert.deepEqual(Object.keys(v).sort(), Object.keys(expected[k]).sort());
      for (const [name, values] of Object.entries(expected[k])) v[name].forEach((x, d) => assert.ok(Math.abs(x - values[d]) < 1e-6));
    });
    const nearest = await client.api('points').search({ collectionName: 'kept', vector: [1, 2], vectorName: 'a', limit: 5n });
    assert.deepEqual(nearest.result.map((p) => idOf(p.id)), [2n], 'only point 2 still has vector a');
    assert.ok(closeScore(nearest.result[0].score, Math.hypot(4, 3)));
  } finally {
    await quiver.stop();
    await deletePrefix(redisUrl, prefix);
    fs.rmSync(storage, { recursive: true, force: true });
  }
});
