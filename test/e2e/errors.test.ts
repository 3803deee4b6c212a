// Bad input gets Qdrant's status code and a message that says what was wrong, and changes
// nothing: after each rejected request the next accepted write gets the very next operation id
// (nothing was queued) and the collection still holds exactly what it held.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, pid } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

let q: TestQuiver;
const C = 'errors';

before(async () => {
  q = await startTestQuiver({ label: 'errors' });
  await q.client.api('collections').create({ collectionName: C, vectorsConfig: { config: { case: 'params', value: { size: 4n, distance: 3 /* Dot */ } } } });
});
after(async () => q?.stop());


const good = (id: bigint) => ({ id: pid(id), vectors: denseVectors([1, 2, 3, 4]) });

async function lastOperationId(): Promise<bigint> {
  const res = await q.client.api('points').upsert({ collectionName: C, wait: true, points: [good(1n)] });
  return res.result!.operationId!;
}

async function assertNothingChanged(before: bigint): Promise<void> {
  assert.equal(await lastOperationId(), before + 1n, 'nothing was queued by the rejected request');
  const count = await q.client.api('points').count({ collectionName: C });
  assert.equal(count.result?.count, 1n);
}

test('an unknown collection is NOT_FOUND for reads and writes', async () => {
  const missing = { collectionName: 'no_such_collection' };
  await rejects(q.client.api('collections').get(missing), Code.NotFound, /Collection `no_such_collection` doesn't exist!/);
  await rejects(q.client.api('points').upsert({ ...missing, wait: true, points: [good(1n)] }), Code.NotFound, /doesn't exist/);
  await rejects(q.client.api('points').search({ ...missing, vector: [1, 2, 3, 4], limit: 1n }), Code.NotFound, /doesn't exist/);
  await rejects(q.client.api('points').get({ ...missing, ids: [pid(1n)] }), Code.NotFound, /doesn't exist/);
  await rejects(q.client.api('points').count(missing), Code.NotFound, /doesn't exist/);
});

test('creating an existing collection is ALREADY_EXISTS and leaves it as it was', async () => {
  const before = await lastOperationId();
  await rejects(
    q.client.api('collections').create({ collectionName: C, vectorsConfig: { config: { case: 'params', value: { size: 8n, distance: 1 } } } }),
    Code.AlreadyExists,
    /Collection `errors` already exists!/,
  );
  const info = await q.client.api('collections').get({ collectionName: C });
  const params = info.result?.config?.params?.vectorsConfig?.config;
  assert.equal(params?.case === 'params' ? params.value.size : undefined, 4n);
  await assertNothingChanged(before);
});

test('a wrong vector dimension is INVALID_ARGUMENT, even for one point of a batch, and nothing is written', async () => {
  const before = await lastOperationId();
  await rejects(
    q.client.api('points').upsert({ collectionName: C, wait: true, points: [good(2n), { id: pid(3n), vectors: denseVectors([1, 2, 3]) }] }),
    Code.InvalidArgument,
    /Vector dimension error: expected dim: 4, got 3/,
  );
  await rejects(q.client.api('points').search({ collectionName: C, vector: [1, 2], limit: 1n }), Code.InvalidArgument, /expected dim: 4, got 2/);
  await assertNothingChanged(before);
});

test('an invalid UUID is INVALID_ARGUMENT and nothing is written', async () => {
  const before = await lastOperationId();
  await rejects(
    q.client.api('points').upsert({ collectionName: C, wait: false, points: [good(2n), { id: pid('not-a-uuid'), vectors: denseVectors([1, 2, 3, 4]) }] }),
    Code.InvalidArgument,
    /Unable to parse UUID: not-a-uuid/,
  );
  await rejects(q.client.api('points').get({ collectionName: C, ids: [pid('1234')] }), Code.InvalidArgument, /Unable to parse UUID/);
  await assertNothingChanged(before);
});

test('non-finite vector values are INVALID_ARGUMENT', async () => {
  const before = await lastOperationId();
  await rejects(
    q.client.api('points').upsert({ collectionName: C, points: [{ id: pid(5n), vectors: denseVectors([1, Number.NaN, 3, 4]) }] }),
    Code.InvalidArgument,
    /non-finite/,
  );
  await assertNothingChanged(before);
});

test('limit 0 is INVALID_ARGUMENT', async () => {
  await rejects(q.client.api('points').search({ collectionName: C, vector: [1, 2, 3, 4], limit: 0n }), Code.InvalidArgument, /limit/);
});

test('collection names must have 1 to 255 characters, and no / on create', async () => {
  await rejects(q.client.api('collections').get({ collectionName: '' }), Code.InvalidArgument, /collection_name/);
  await rejects(q.client.api('collections').get({ collectionName: 'x'.repeat(256) }), Code.InvalidArgument, /between 1 and 255/);
  await rejects(
    q.client.api('collections').create({ collectionName: 'a/b', vectorsConfig: { config: { case: 'params', value: { size: 4n, distance: 1 } } } }),
    Code.InvalidArgument,
    /cannot contain/,
  );
  await rejects(
    q.client.api('collections').create({ collectionName: 'bad_distance', vectorsConfig: { config: { case: 'params', value: { size: 4n, distance: 0 } } } }),
    Code.InvalidArgument,
    /Malformed distance parameter/,
  );
  const list = await q.client.api('collections').list({});
  assert.deepEqual(list.collections.map((c) => c.name), [C]);
});

test('an RPC quiver does not serve yet is UNIMPLEMENTED and names the method', async () => {
  await rejects(q.client.api('points').facet({ collectionName: C, key: 'city' }), Code.Unimplemented, /\/qdrant\.Points\/Facet/);
  await rejects(q.client.api('snapshots').list({ collectionName: C }), Code.Unimplemented, /\/qdrant\.Snapshots\/List/);
});
