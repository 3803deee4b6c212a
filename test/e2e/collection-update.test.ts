// Collections/Update through the official client: every kind of diff is echoed by Get (metadata
// merged by key, quantization set and disabled), refused updates (each with Qdrant's status)
// leave Get exactly as it was, and changed tunables reach the indexer that runs the replica
// without a restart, which compacts it without losing or changing a point.
// Also the edge validation of collection and alias names (1..255 characters; Create forbids
// more characters than the other RPCs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

let q: TestQuiver;
before(async () => {
  q = await startTestQuiver({ label: 'coll-update' });
});
after(async () => q?.stop());

const params = (size: bigint, distance: number) => ({ config: { case: 'params' as const, value: { size, distance } } });
const collections = () => q.client.api('collections');


test('each kind of update is echoed by Get; metadata is merged by key; quantization can be disabled again', async () => {
  await collections().create({
    collectionName: 'upd', vectorsConfig: params(8n, 1 /* Cosine */), metadata: toPayload({ owner: 'team-a', tier: 1n }),
  });
  await collections().update({
    collectionName: 'upd',
    params: { writeConsistencyFactor: 1, onDiskPayload: false, readFanOutFactor: 2 },
    hnswConfig: { m: 24n, fullScanThreshold: 500n },
    optimizersConfig: { deletedThreshold: 0.35, vacuumMinVectorNumber: 200n, indexingThreshold: 2000n },
    vectorsConfig: { config: { case: 'params', value: { hnswConfig: { efConstruct: 64n }, onDisk: true } } },
    quantizationConfig: { quantization: { case: 'scalar', value: { type: 1 /* Int8 */, quantile: 0.5, alwaysRam: true } } },
    strictModeConfig: { enabled: true, maxQueryLimit: 100 },
    metadata: toPayload({ tier: 2n, region: 'eu' }),
    timeout: 10n,
  });
  const config = (await collections().get({ collectionName: 'upd' })).result!.config!;
  assert.equal(config.params!.onDiskPayload, false);
  assert.equal(config.params!.writeConsistencyFactor, 1);
  assert.equal(config.params!.readFanOutFactor, 2);
  assert.equal(config.params!.replicationFactor, 1, 'untouched');
  assert.equal(config.hnswConfig!.m, 24n);
  assert.equal(config.hnswConfig!.fullScanThreshold, 500n);
  assert.equal(config.hnswConfig!.efConstruct, 100n, 'absent from the diff: kept');
  assert.equal(config.optimizerConfig!.deletedThreshold, 0.35);
  assert.equal(config.optimizerConfig!.vacuumMinVectorNumber, 200n);
  assert.equal(config.optimizerConfig!.indexingThreshold, 2000n);
  assert.equal(config.optimizerConfig!.flushIntervalSec, 5n, 'absent from the diff: kept');
  const vectors = config.params!.vectorsConfig!.config;
  assert.equal(vectors.case, 'params');
  assert.equal(vectors.value!.size, 8n, 'the vector space never changes');
  assert.equal(vectors.value!.hnswConfig?.efConstruct, 64n);
  assert.equal(vectors.value!.onDisk, true);
  assert.equal(config.quantizationConfig?.quantization.case, 'scalar');
  assert.equal(config.quantizationConfig?.quantization.value?.quantile, 0.5);
  assert.equal(config.strictModeConfig?.enabled, true);
  assert.equal(config.strictModeConfig?.maxQueryLimit, 100);
  assert.deepEqual(fromPayload(config.metadata), { owner: 'team-a', tier: 2n, region: 'eu' });

  await collections().update({ collectionName: 'upd', quantizationConfig: { quantization: { case: 'disabled', value: {} } } });
  const again = (await collections().get({ collectionName: 'upd' })).result!.config!;
  assert.equal(again.quantizationConfig, undefined);
  assert.equal(again.hnswConfig!.m, 24n, 'an update of one kind keeps the others');
  assert.deepEqual(fromPayload(again.metadata), { owner: 'team-a', tier: 2n, region: 'eu' });
});

test('an update through an alias updates the collection', async () => {
  await collections().create({ collectionName: 'aliased', vectorsConfig: params(4n, 3) });
  await collections().updateAliases({ actions: [{ action: { case: 'createAlias', value: { collectionName: 'aliased', aliasName: 'nick' } } }] });
  await collections().update({ collectionName: 'nick', hnswConfig: { efConstruct: 12n } });
  assert.equal((await collections().get({ collectionName: 'aliased' })).result!.config!.hnswConfig!.efConstruct, 12n);
});

test('refused updates answer Qdrant\'s status and change nothing', async () => {
  await collections().create({ collectionName: 'strict', vectorsConfig: params(4n, 2), replicationFactor: 1 });
  const before = await collections().get({ collectionName: 'strict' });
  const refused: [Record<string, unknown>, Code, RegExp][] = [
    [{ optimizersConfig: { deletedThreshold: 1.5 } }, Code.InvalidArgument, /deleted_threshold/],
    // A valid part does not slip through next to an invalid one.
    [{ hnswConfig: { m: 48n }, optimizersConfig: { vacuumMinVectorNumber: 10n } }, Code.InvalidArgument, /vacuum_min_vector_number/],
    [{ hnswConfig: { efConstruct: 2n } }, Code.InvalidArgument, /ef_construct/],
    [{ optimizersConfig: { maxSegmentSize: 0n } }, Code.InvalidArgument, /max_segment_size/],
    [{ quantizationConfig: { quantization: { case: 'scalar', value: { type: 1, quantile: 0.2 } } } }, Code.InvalidArgument, /quantile/],
    [{ strictModeConfig: { enabled: true, maxQueryLimit: 0 } }, Code.InvalidArgument, /max_query_limit/],
    [{ timeout: 0n, hnswConfig: { m: 8n } }, Code.InvalidArgument, /timeout/],
    [{ vectorsConfig: { config: { case: 'params', value: { hnswConfig: { efConstruct: 1n } } } } }, Code.InvalidArgument, /ef_construct/],
    [
      { vectorsConfig: { config: { case: 'paramsMap', value: { map: { image: { onDisk: true } } } } } },
      Code.InvalidArgument, /Not existing vector name error: image/,
    ],
    [{ params: { replicationFactor: 3 } }, Code.Unimplemented, /replication_factor from 1 to 3/],
    [{ params: { writeConsistencyFactor: 0 } }, Code.InvalidArgument, /write_consistency_factor/],
    [{ sparseVectorsConfig: { map: { text: {} } } }, Code.Unimplemented, /Sparse vectors/],
  ];
  for (const [diff, code, message] of refused) {
    await rejects(collections().update({ collectionName: 'strict', ...diff }), code, message);
  }
  await rejects(collections().update({ collectionName: 'no_such', hnswConfig: { m: 8n } }), Code.NotFound, /Collection `no_such` doesn't exist!/);
  await rejects(collections().update({ collectionName: 'bad/name', hnswConfig: { m: 8n } }), Code.InvalidArgument, /collection_name/);
  const afterwards = await collections().get({ collectionName: 'strict' });
  assert.deepEqual(afterwards.result!.config, before.result!.config);
});

/** The params.json of the (single) replica whose vector size is `dim`, as its indexer wrote it. */
function replicaParams(dim: number): Record<string, any> | undefined {
  const dir = path.join(q.storage, 'replicas');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const file = path.join(dir, name, 'params.json');
    if (!fs.existsSync(file)) continue;
    const params = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (params.dim === dim) return params;
  }
  return undefined;
}

test('changed tunables reach the running replica without a restart, and its compaction loses nothing', async () => {
  const dim = 5;
  await collections().create({ collectionName: 'live', vectorsConfig: params(BigInt(dim), 2 /* Euclid */) });
  const vectorOf = (id: number, round: number) => Array.from({ length: dim }, (_, k) => Math.sin(id * 1.7 + k + round * 0.3) * 10);
  const write = async (round: number) => {
    const points = Array.from({ length: 150 }, (_, id) => ({ id: pid(BigInt(id)), vectors: denseVectors(vectorOf(id, round)), payload: toPayload({ round: BigInt(round) }) }));
    await q.client.api('points').upsert({ collectionName: 'live', wait: true, points });
  };
  await write(0);
  await write(1); // 150 labels retired: below the default vacuum_min_vector_number (1000)
  assert.deepEqual(replicaParams(dim)?.vacuum, { deletedThreshold: 0.2, minRetired: 1000 });

  await collections().update({
    collectionName: 'live',
    optimizersConfig: { deletedThreshold: 0.1, vacuumMinVectorNumber: 100n },
    hnswConfig: { fullScanThreshold: 10n, efConstruct: 50n },
  });
  // The indexer learns of the change from the catalog event; wait for its write of params.json.
  const deadline = Date.now() + 15_000;
  while (replicaParams(dim)?.vacuum?.minRetired !== 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const live = replicaParams(dim)!;
  assert.deepEqual(live.vacuum, { deletedThreshold: 0.1, minRetired: 100 });
  assert.deepEqual(live.hnsw, { m: 16, efConstruct: 50, fullScanThresholdKb: 10 });

  // Whatever the compaction did, every point reads as last written, and search is still exact here.
  const scrolled = await q.client.api('points').scroll({
    collectionName: 'live', limit: 1000, withVectors: { selectorOptions: { case: 'enable', value: true } },
    withPayload: { selectorOptions: { case: 'enable', value: true } },
  });
  assert.equal(scrolled.result.length, 150);
  for (const point of scrolled.result) {
    const id = Number(idOf(point.id));
    const got = point.vectors?.vectorsOptions.case === 'vector' ? point.vectors.vectorsOptions.value : undefined;
    const data = got?.vector.case === 'dense' ? got.vector.value.data : [];
    assert.deepEqual(data.map((x) => Math.round(x * 1e3)), vectorOf(id, 1).map((x) => Math.round(Math.fround(x) * 1e3)));
    assert.deepEqual(fromPayload(point.payload), { round: 1n });
  }
  const query = vectorOf(3, 7);
  const truth = Array.from({ length: 150 }, (_, id) => ({ id, d: Math.hypot(...vectorOf(id, 1).map((x, k) => x - query[k])) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 5)
    .map((t) => t.id);
  const found = await q.client.api('points').search({ collectionName: 'live', vector: query, limit: 5n, params: { exact: true } });
  assert.deepEqual(found.result.map((p) => Number(idOf(p.id))), truth);
});

test('collection names: 1..255 characters; Create forbids < > : " / \\ | ? * \\0 \\x1F, other RPCs only / and \\0', async () => {
  for (const bad of ['a<b', 'a>b', 'a:b', 'a"b', 'a/b', 'a\\b', 'a|b', 'a?b', 'a*b', 'a\0b', 'a\x1Fb', '', 'x'.repeat(256)]) {
    await rejects(collections().create({ collectionName: bad, vectorsConfig: params(4n, 1) }), Code.InvalidArgument, /collection_name/);
  }
  assert.equal((await collections().list({})).collections.some((c) => /[<>:"/\\|?*\0\x1F]/.test(c.name)), false, 'nothing was created');
  await collections().create({ collectionName: 'y'.repeat(255), vectorsConfig: params(4n, 1) });
  // Lookups allow what Create forbids, except / and \0: a missing collection is NOT_FOUND.
  await rejects(collections().get({ collectionName: 'a:b' }), Code.NotFound, /doesn't exist/);
  assert.equal((await collections().collectionExists({ collectionName: 'a?b' })).result?.exists, false);
  for (const bad of ['a/b', 'a\0b', '', 'y'.repeat(256)]) {
    await rejects(collections().get({ collectionName: bad }), Code.InvalidArgument, /collection_name/);
    await rejects(collections().delete({ collectionName: bad }), Code.InvalidArgument, /collection_name/);
    await rejects(collections().collectionExists({ collectionName: bad }), Code.InvalidArgument, /collection_name/);
    await rejects(q.client.api('points').count({ collectionName: bad }), Code.InvalidArgument, /collection_name/);
  }
  await rejects(
    collections().updateAliases({ actions: [{ action: { case: 'createAlias', value: { collectionName: 'y'.repeat(255), aliasName: 'al/ias' } } }] }),
    Code.InvalidArgument, /alias_name/,
  );
  await rejects(
    collections().updateAliases({ actions: [{ action: { case: 'createAlias', value: { collectionName: 'y'.repeat(255), aliasName: '' } } }] }),
    Code.InvalidArgument, /alias_name/,
  );
  assert.deepEqual((await collections().listAliases({})).aliases.filter((a) => a.collectionName === 'y'.repeat(255)), []);
});

test('payload_schema echoes each index\'s data_type and the field_index_params given with it', async () => {
  await collections().create({ collectionName: 'schema', vectorsConfig: params(4n, 3) });
  const points = q.client.api('points');
  await points.createFieldIndex({
    collectionName: 'schema', fieldName: 'tenant', fieldType: 0 /* FieldTypeKeyword */, wait: true,
    fieldIndexParams: { indexParams: { case: 'keywordIndexParams', value: { isTenant: true, onDisk: false } } },
  });
  // The type may come from the params alone.
  await points.createFieldIndex({
    collectionName: 'schema', fieldName: 'year', wait: true,
    fieldIndexParams: { indexParams: { case: 'integerIndexParams', value: { lookup: false, range: true } } },
  });
  await points.createFieldIndex({ collectionName: 'schema', fieldName: 'plain', fieldType: 5 /* FieldTypeBool */, wait: true });
  const before = (await collections().get({ collectionName: 'schema' })).result!;
  const schema = before.payloadSchema;
  assert.deepEqual(Object.keys(schema).sort(), ['plain', 'tenant', 'year']);
  assert.equal(schema.tenant.dataType, 1 /* Keyword */);
  assert.equal(schema.tenant.params?.indexParams.case, 'keywordIndexParams');
  const keyword = schema.tenant.params?.indexParams.value as { isTenant?: boolean; onDisk?: boolean; enableHnsw?: boolean };
  assert.equal(keyword.isTenant, true);
  assert.equal(keyword.onDisk, false);
  assert.equal(keyword.enableHnsw, undefined, 'not given, not invented');
  assert.equal(schema.year.dataType, 2 /* Integer */);
  assert.equal(schema.year.params?.indexParams.case, 'integerIndexParams');
  assert.equal((schema.year.params?.indexParams.value as { range?: boolean }).range, true);
  assert.equal(schema.plain.dataType, 6 /* Bool */);
  assert.equal(schema.plain.params, undefined);

  // field_type and params that disagree, or neither: refused, nothing declared.
  await rejects(points.createFieldIndex({
    collectionName: 'schema', fieldName: 'mixed', fieldType: 1 /* FieldTypeInteger */,
    fieldIndexParams: { indexParams: { case: 'keywordIndexParams', value: {} } },
  }), Code.InvalidArgument, /do not match/);
  await rejects(points.createFieldIndex({ collectionName: 'schema', fieldName: 'none' }), Code.InvalidArgument, /field_type/);
  await rejects(points.createFieldIndex({ collectionName: 'schema', fieldName: '', fieldType: 0 }), Code.InvalidArgument, /field_name/);
  assert.deepEqual((await collections().get({ collectionName: 'schema' })).result!.payloadSchema, before.payloadSchema);

  await points.deleteFieldIndex({ collectionName: 'schema', fieldName: 'tenant', wait: true });
  assert.deepEqual(Object.keys((await collections().get({ collectionName: 'schema' })).result!.payloadSchema).sort(), ['plain', 'year']);
});

test('Create, Delete and UpdateAliases refuse out-of-bounds settings with Qdrant\'s bounds, and create nothing', async () => {
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ vectorsConfig: params(0n, 1) }, /size/],
    [{ vectorsConfig: params(65537n, 1) }, /size/],
    [{ vectorsConfig: params(4n, 0 /* UnknownDistance */) }, /Malformed distance parameter/],
    [{ vectorsConfig: params(4n, 1), hnswConfig: { efConstruct: 3n } }, /ef_construct/],
    [{ vectorsConfig: params(4n, 1), optimizersConfig: { deletedThreshold: -0.1 } }, /deleted_threshold/],
    [{ vectorsConfig: params(4n, 1), optimizersConfig: { vacuumMinVectorNumber: 99n } }, /vacuum_min_vector_number/],
    [{ vectorsConfig: params(4n, 1), walConfig: { walCapacityMb: 0n } }, /wal_capacity_mb/],
    [{ vectorsConfig: params(4n, 1), shardNumber: 0 }, /shard_number/],
    [{ vectorsConfig: params(4n, 1), replicationFactor: 0 }, /replication_factor/],
    [{ vectorsConfig: params(4n, 1), strictModeConfig: { readRateLimit: 0 } }, /read_rate_limit/],
    [{ vectorsConfig: params(4n, 1), quantizationConfig: { quantization: { case: 'scalar', value: { type: 1, quantile: 1.5 } } } }, /quantile/],
  ];
  for (const [request, message] of refused) {
    await rejects(collections().create({ collectionName: 'never', ...request }), Code.InvalidArgument, message);
  }
  assert.equal((await collections().collectionExists({ collectionName: 'never' })).result?.exists, false);
  // Qdrant bounds full_scan_threshold and m by nothing: 0 is accepted.
  await collections().create({ collectionName: 'unbounded', vectorsConfig: params(4n, 1), hnswConfig: { m: 0n, fullScanThreshold: 0n } });
  await rejects(collections().delete({ collectionName: 'unbounded', timeout: 0n }), Code.InvalidArgument, /timeout/);
  await rejects(
    collections().updateAliases({ timeout: 0n, actions: [{ action: { case: 'createAlias', value: { collectionName: 'unbounded', aliasName: 'a1' } } }] }),
    Code.InvalidArgument, /timeout/,
  );
  assert.equal((await collections().collectionExists({ collectionName: 'unbounded' })).result?.exists, true);
  assert.deepEqual((await collections().listCollectionAliases({ collectionName: 'unbounded' })).aliases, []);
});

test('CollectionClusterInfo answers as a single-node Qdrant; cluster setup changes are refused as standalone Qdrant refuses them', async () => {
  await collections().create({ collectionName: 'sharded', vectorsConfig: params(2n, 2), shardNumber: 3 });
  const points = Array.from({ length: 40 }, (_, i) => ({ id: pid(BigInt(i)), vectors: denseVectors([i, -i]) }));
  await q.client.api('points').upsert({ collectionName: 'sharded', wait: true, points });
  const info = await collections().collectionClusterInfo({ collectionName: 'sharded' });
  assert.equal(info.shardCount, 3n);
  assert.deepEqual(info.localShards.map((s) => s.shardId), [0, 1, 2]);
  assert.ok(info.localShards.every((s) => s.state === 0 /* Active */));
  assert.equal(info.localShards.reduce((sum, s) => sum + s.pointsCount, 0n), 40n, 'every point in exactly one shard');
  assert.deepEqual(info.remoteShards, []);
  assert.deepEqual(info.shardTransfers, []);
  assert.ok(info.peerId > 0n);
  assert.equal((await collections().collectionClusterInfo({ collectionName: 'sharded' })).peerId, info.peerId, 'stable');
  await rejects(collections().collectionClusterInfo({ collectionName: 'no_such' }), Code.NotFound, /doesn't exist/);

  await rejects(
    collections().updateCollectionClusterSetup({
      collectionName: 'sharded',
      operation: { case: 'moveShard', value: { shardId: 0, fromPeerId: info.peerId, toPeerId: info.peerId + 1n } },
    }),
    Code.InvalidArgument, /Bad request: Distributed mode disabled/,
  );
  await rejects(
    collections().updateCollectionClusterSetup({ collectionName: 'a/b', operation: { case: 'dropReplica', value: { shardId: 0, peerId: 1n } } }),
    Code.InvalidArgument, /collection_name/,
  );
  assert.equal((await collections().collectionClusterInfo({ collectionName: 'sharded' })).shardCount, 3n);
});
