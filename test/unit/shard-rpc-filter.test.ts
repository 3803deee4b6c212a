// The internal shard RPC carries filters for Search, Scroll and Count intact (bigints included),
// and Count's estimate flag, from a RemoteReplicaReader to the replica's reader.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Filter, PointId, ReadSelectors, SearchRequest } from '../../libs/engine/index.ts';
import { addShardRpc, type CountQuery, type ReplicaReader, RemoteReplicaReader } from '../../libs/shard-rpc/index.ts';

test('filters reach the replica unchanged through the internal RPC', async () => {
  const seen: Record<string, unknown> = {};
  const reader: ReplicaReader = {
    search: async (_r: string, request: SearchRequest) => ((seen.search = request.filter), []),
    get: async () => [],
    count: async (_r: string, _s?: AbortSignal, query?: CountQuery) => ((seen.count = query), 7),
    scroll: async (_r: string, _f: PointId | undefined, _l: number, _sel: ReadSelectors, _s?: AbortSignal, filter?: Filter) => ((seen.scroll = filter), []),
    stats: async () => ({ points: 0, unindexed: 0, indexedPoints: { color: 12 } }),
  };
  const server = new grpc.Server();
  addShardRpc(server, reader);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const remote = new RemoteReplicaReader(`127.0.0.1:${port}`);
  try {
    const filter: Filter = {
      must: [{ kind: 'field', key: 'n', match: { kind: 'integers', values: [18446744073709551615n, -3n] } }],
      mustNot: [{ kind: 'has_id', ids: [9007199254740993n, 'a0000000-0000-4000-8000-000000000000'] }],
      minShould: { conditions: [{ kind: 'nested', key: 'diet', filter: { must: [{ kind: 'field', key: 'food', match: { kind: 'keyword', value: 'meat' } }] } }], minCount: 1 },
    };
    const selectors: ReadSelectors = { payload: { mode: 'none' }, vector: false };
    await remote.search('r', { vector: new Float32Array([1, 2]), top: 3, filter, selectors });
    await remote.scroll('r', undefined, 5, selectors, undefined, filter);
    assert.equal(await remote.count('r', undefined, { filter, estimate: true }), 7);
    assert.deepEqual(seen.search, filter);
    assert.deepEqual(seen.scroll, filter);
    assert.deepEqual(seen.count, { filter, estimate: true });
    await remote.search('r', { vector: new Float32Array([1, 2]), top: 3, selectors });
    await remote.count('r');
    assert.equal(seen.search, undefined, 'no filter stays no filter');
    assert.deepEqual(seen.count, { filter: undefined, estimate: false });
    assert.deepEqual((await remote.stats('r')).indexedPoints, { color: 12 });
  } finally {
    remote.close();
    server.forceShutdown();
  }
});
