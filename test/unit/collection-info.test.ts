// CollectionInfo from a record and its replicas' figures, and the pure UpdateCollection merge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectionInfo, configAfterUpdate, configFromCreate } from '../../libs/api/index.ts';
import type { CollectionRecord } from '../../libs/cluster/index.ts';

const record = (): CollectionRecord => ({
  id: 'c1', name: 'c', createdAt: 0,
  config: configFromCreate({ collection_name: 'c', vectors_config: { params: { size: '4', distance: 'Dot' } } }),
  payloadIndexes: { city: 'FieldTypeKeyword', n: 'FieldTypeInteger' },
  payloadIndexParams: { city: { keyword_index_params: { is_tenant: true } } },
  shards: [{ replicas: [{ id: 0, owner: 'a' }] }, { replicas: [{ id: 0, owner: 'a' }] }],
});

test('status: Green when settled, Yellow while queued, indexing or compacting, Red with the error when a graph failed', () => {
  const settled = collectionInfo(record(), { pointsCount: 10, indexedCount: 10, queued: 0 });
  assert.equal(settled.status, 'Green');
  assert.deepEqual(settled.optimizer_status, { ok: true });
  assert.equal(settled.segments_count, '2');
  assert.equal(collectionInfo(record(), { pointsCount: 10, indexedCount: 10, queued: 1 }).status, 'Yellow');
  assert.equal(collectionInfo(record(), { pointsCount: 10, indexedCount: 4, queued: 0 }).status, 'Yellow');
  assert.equal(collectionInfo(record(), { pointsCount: 10, indexedCount: 10, queued: 0, optimizing: true }).status, 'Yellow');
  const failed = collectionInfo(record(), { pointsCount: 10, indexedCount: 4, queued: 3, indexErrors: ['out of memory'] });
  assert.equal(failed.status, 'Red');
  assert.deepEqual(failed.optimizer_status, { ok: false, error: 'out of memory' });
});

test('payload_schema: the data type per declared field, with the params it was declared with', () => {
  const { payload_schema } = collectionInfo(record(), { pointsCount: 0, indexedCount: 0, queued: 0 });
  assert.deepEqual(payload_schema, {
    city: { data_type: 'Keyword', params: { keyword_index_params: { is_tenant: true } } },
    n: { data_type: 'Integer' },
  });
});

test('an update never mutates the stored config, refused or not', () => {
  const stored = record().config;
  const copy = structuredClone(stored);
  const next = configAfterUpdate(stored, { hnsw_config: { m: '8' }, metadata: { k: { string_value: 'v' } } }, { replicasPerShard: 1 });
  assert.equal(next.hnsw_config.m, '8');
  assert.throws(() => configAfterUpdate(stored, { hnsw_config: { m: '8' }, optimizers_config: { deleted_threshold: 2 } }, { replicasPerShard: 1 }), /deleted_threshold/);
  assert.deepEqual(stored, copy);
});
