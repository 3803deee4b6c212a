// The steps of the official JS client's own integration test that quiver serves today, in the
// same order and with the same data shapes (deprecated Vector.data, a duplicate UUID in one
// batch, a uint64 id above 2^53, replication_factor 2 on a single node).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Distance, FieldType, UpdateStatus } from '@qdrant/js-client-grpc';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, enable, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';

let q: TestQuiver;
const collectionName = 'test_collection';
const bigInt = 9007199254740993n;

before(async () => {
  q = await startTestQuiver({ label: 'official' });
});
after(async () => q?.stop());

test('collections: delete (absent is fine), create with replication_factor 2, list, alias', async () => {
  assert.equal(typeof (await q.client.api('collections').delete({ collectionName })).result, 'boolean');
  const created = await q.client.api('collections').create({
    collectionName,
    vectorsConfig: { config: { case: 'params', value: { size: 4n, distance: Distance.Dot } } },
    optimizersConfig: { defaultSegmentNumber: 2n },
    replicationFactor: 2,
  });
  assert.equal(created.result, true);
  assert.ok((await q.client.api('collections').list({})).collections.some((c) => c.name === collectionName));
  const alias = await q.client.api('collections').updateAliases({
    actions: [{ action: { case: 'createAlias', value: { collectionName, aliasName: 'test_collection_alias' } } }],
  });
  assert.equal(alias.result, true);
});

test('field indexes: Acknowledged without wait, Completed with wait=true, each with an operation id', async () => {
  const city = await q.client.api('points').createFieldIndex({ collectionName, fieldName: 'city', fieldType: FieldType.FieldTypeKeyword });
  assert.equal(city.result?.status, UpdateStatus.Acknowledged);
  assert.equal(typeof city.result?.operationId, 'bigint');
  const count = await q.client.api('points').createFieldIndex({ collectionName, fieldName: 'count', fieldType: FieldType.FieldTypeInteger });
  assert.equal(count.result?.status, UpdateStatus.Acknowledged);
  const coords = await q.client.api('points').createFieldIndex({ collectionName, fieldName: 'coords', fieldType: FieldType.FieldTypeGeo, wait: true });
  assert.equal(coords.result?.status, UpdateStatus.Completed);
  assert.equal(typeof coords.result?.operationId, 'bigint');
  assert.ok((await q.client.api('collections').get({ collectionName })).result);
});

test('upsert of 8 points with a duplicate UUID counts 7, and Get answers as the official test expects', async () => {
  const uuid = '98a9a4b1-4ef2-46fb-8315-a97d874fe1d7';
  const points = [
    { id: pid(1n), vectors: denseVectors([0.05, 0.61, 0.76, 0.74]), payload: toPayload({ city: 'Berlin', country: 'Germany', count: 1000000n, square: 12.5, coords: { lat: 1.0, lon: 2.0 } }) },
    { id: pid(2n), vectors: denseVectors([0.19, 0.81, 0.75, 0.11]), payload: toPayload({ city: ['Berlin', 'London'] }) },
    { id: pid(3n), vectors: denseVectors([0.36, 0.55, 0.47, 0.94]), payload: toPayload({ city: ['Berlin', 'Moscow'] }) },
    { id: pid(4n), vectors: denseVectors([0.18, 0.01, 0.85, 0.8]), payload: toPayload({ city: ['London', 'Moscow'] }) },
    { id: pid(bigInt), vectors: denseVectors([0.24, 0.18, 0.22, 0.44]), payload: toPayload({ count: [0n] }) },
    { id: pid(uuid), vectors: denseVectors([0.35, 0.08, 0.11, 0.44]) },
    { id: pid(uuid), vectors: denseVectors([0.35, 0.08, 0.11, 0.44]) },
    { id: pid('f0e09527-b096-42a8-94e9-ea94d342b925'), vectors: denseVectors([0.35, 0.08, 0.11, 0.44]) },
  ];
  const res = await q.client.api('points').upsert({ collectionName, wait: true, points });
  assert.equal(res.result?.status, UpdateStatus.Completed);
  assert.equal(typeof res.result?.operationId, 'bigint');

  const two = await q.client.api('points').get({ collectionName, ids: [pid(2n)], withPayload: enable(true) });
  assert.equal(two.result.length, 1);
  assert.equal(idOf(two.result[0].id), 2n);
  assert.deepEqual(fromPayload(two.result[0].payload), { city: ['Berlin', 'London'] });
  const big = await q.client.api('points').get({ collectionName, ids: [pid(bigInt)] });
  assert.equal(idOf(big.result[0].id), bigInt);
  assert.equal((await q.client.api('points').get({ collectionName, ids: [pid(1n), pid(2n)] })).result.length, 2);
  assert.equal((await q.client.api('collections').get({ collectionName })).result?.pointsCount, 7n);
});

test('search and searchBatch (inner collection names given, outer one used)', async () => {
  const search = await q.client.api('points').search({ collectionName, vector: [0.2, 0.1, 0.9, 0.7], limit: 3n });
  assert.equal(search.result.length, 3);
  const one = { collectionName, vector: [0.2, 0.1, 0.9, 0.7], limit: 3n, withPayload: enable(true) };
  const batch = await q.client.api('points').searchBatch({ collectionName, searchPoints: [one, one] });
  assert.equal(batch.result.length, 2);
  assert.deepEqual(batch.result[0].result.map((p) => idOf(p.id)), search.result.map((p) => idOf(p.id)));
});
