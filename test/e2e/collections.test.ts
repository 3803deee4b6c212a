// Collections through the official client: create with Qdrant's defaults echoed by Get, list,
// existence, delete (a missing one is OK with result=false), aliases that work wherever a
// collection name does, and the HealthCheck the clients call at start-up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';

let q: TestQuiver;
before(async () => {
  q = await startTestQuiver({ label: 'collections' });
});
after(async () => q?.stop());

const params = (size: bigint, distance: number) => ({ config: { case: 'params' as const, value: { size, distance } } });

test('HealthCheck answers Qdrant\'s title and a version within one minor of the official client', async () => {
  const reply = await q.client.api('service').healthCheck({});
  assert.equal(reply.title, 'qdrant - vector search engine');
  const [major, minor] = reply.version.split('.').map(Number);
  assert.match(reply.version, /^\d+\.\d+\.\d+$/);
  assert.equal(major, 1);
  assert.ok(Math.abs(minor - 18) <= 1, `version ${reply.version}`);
});

test('Get echoes the configuration with Qdrant\'s defaults filled in, and a true status and count', async () => {
  await q.client.api('collections').create({
    collectionName: 'echo',
    vectorsConfig: params(32n, 4 /* Manhattan */),
    hnswConfig: { m: 32n },
    optimizersConfig: { defaultSegmentNumber: 2n },
    replicationFactor: 2,
    metadata: toPayload({ owner: 'team-a', version: 3n }),
  });
  const info = (await q.client.api('collections').get({ collectionName: 'echo' })).result!;
  assert.equal(info.status, 1 /* Green */);
  assert.equal(info.pointsCount, 0n);
  const config = info.config!;
  const vectors = config.params!.vectorsConfig!.config;
  assert.equal(vectors.case, 'params');
  assert.equal(vectors.value!.size, 32n);
  assert.equal(vectors.value!.distance, 4);
  assert.equal(config.params!.shardNumber, 1);
  assert.equal(config.params!.replicationFactor, 2);
  assert.equal(config.params!.onDiskPayload, true);
  assert.equal(config.hnswConfig!.m, 32n);
  assert.equal(config.hnswConfig!.efConstruct, 100n);
  assert.equal(config.hnswConfig!.fullScanThreshold, 10000n);
  assert.equal(config.optimizerConfig!.defaultSegmentNumber, 2n);
  assert.equal(config.optimizerConfig!.deletedThreshold, 0.2);
  assert.equal(config.walConfig!.walCapacityMb, 32n);
  assert.deepEqual(fromPayload(config.metadata), { owner: 'team-a', version: 3n });
});

test('List is sorted by name; CollectionExists and Delete answer for missing collections without errors', async () => {
  for (const name of ['zeta', 'alpha']) await q.client.api('collections').create({ collectionName: name, vectorsConfig: params(4n, 1) });
  const names = (await q.client.api('collections').list({})).collections.map((c) => c.name);
  assert.deepEqual(names, [...names].sort());
  assert.ok(names.includes('alpha') && names.includes('zeta'));
  assert.equal((await q.client.api('collections').collectionExists({ collectionName: 'alpha' })).result?.exists, true);
  assert.equal((await q.client.api('collections').collectionExists({ collectionName: 'nope' })).result?.exists, false);
  assert.equal((await q.client.api('collections').delete({ collectionName: 'nope' })).result, false);
  assert.equal((await q.client.api('collections').delete({ collectionName: 'zeta' })).result, true);
  assert.equal((await q.client.api('collections').collectionExists({ collectionName: 'zeta' })).result?.exists, false);
});

test('a deleted and re-created collection starts empty', async () => {
  const name = 'phoenix';
  await q.client.api('collections').create({ collectionName: name, vectorsConfig: params(4n, 3) });
  await q.client.api('points').upsert({ collectionName: name, wait: true, points: [{ id: pid(1n), vectors: denseVectors([1, 0, 0, 0]) }] });
  await q.client.api('collections').delete({ collectionName: name });
  await q.client.api('collections').create({ collectionName: name, vectorsConfig: params(4n, 3) });
  assert.equal((await q.client.api('points').count({ collectionName: name })).result?.count, 0n);
  const res = await q.client.api('points').upsert({ collectionName: name, wait: true, points: [{ id: pid(2n), vectors: denseVectors([0, 1, 0, 0]) }] });
  assert.equal(res.result?.status, 2);
  const found = await q.client.api('points').search({ collectionName: name, vector: [1, 0, 0, 0], limit: 10n });
  assert.deepEqual(found.result.map((p) => idOf(p.id)), [2n]);
});

test('aliases: created, listed, usable wherever a name is, renamed and deleted atomically', async () => {
  await q.client.api('collections').create({ collectionName: 'target', vectorsConfig: params(4n, 3) });
  await q.client.api('collections').updateAliases({ actions: [{ action: { case: 'createAlias', value: { collectionName: 'target', aliasName: 'current' } } }] });
  await q.client.api('points').upsert({ collectionName: 'current', wait: true, points: [{ id: pid(7n), vectors: denseVectors([1, 1, 1, 1]) }] });
  const got = await q.client.api('points').get({ collectionName: 'target', ids: [pid(7n)] });
  assert.equal(got.result.length, 1);
  assert.equal((await q.client.api('collections').get({ collectionName: 'current' })).result?.pointsCount, 1n);
  const all = await q.client.api('collections').listAliases({});
  assert.deepEqual(all.aliases.map((a) => [a.aliasName, a.collectionName]), [['current', 'target']]);
  // A failing action leaves every action of the request undone.
  await assert.rejects(
    q.client.api('collections').updateAliases({
      actions: [
        { action: { case: 'renameAlias', value: { oldAliasName: 'current', newAliasName: 'next' } } },
        { action: { case: 'createAlias', value: { collectionName: 'missing', aliasName: 'x' } } },
      ],
    }),
  );
  assert.equal((await q.client.api('collections').listCollectionAliases({ collectionName: 'target' })).aliases[0]?.aliasName, 'current');
  await q.client.api('collections').updateAliases({ actions: [{ action: { case: 'renameAlias', value: { oldAliasName: 'current', newAliasName: 'next' } } }] });
  assert.deepEqual((await q.client.api('collections').listCollectionAliases({ collectionName: 'target' })).aliases.map((a) => a.aliasName), ['next']);
  await q.client.api('collections').delete({ collectionName: 'target' });
  assert.deepEqual((await q.client.api('collections').listAliases({})).aliases, [], 'deleting a collection removes its aliases');
});
