// quiver as users run it: the all-in-one process (what `npm start` runs), killed and restarted
// without losing acknowledged writes, and the three roles as separate processes on loopback.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { UpdateStatus } from '@qdrant/js-client-grpc';
import { redisAnswers } from '../../libs/cluster/index.ts';
import { randomVectors } from '../support/data.ts';
import { type ChildQuiver, clientFor, spawnRole, untilServing } from '../support/quiver.ts';
import { deletePrefix, freePort, testRedisUrl, uniquePrefix } from '../support/redis.ts';
import { denseVectors, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function environment(label: string) {
  const redisUrl = await testRedisUrl();
  const prefix = uniquePrefix(label);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), `quiver-${label}-`));
  cleanups.push(() => deletePrefix(redisUrl, prefix), () => fs.rmSync(storage, { recursive: true, force: true }));
  return { REDIS_URL: redisUrl, QUIVER__REDIS__PREFIX: prefix, QDRANT__STORAGE__STORAGE_PATH: storage, QUIVER__REDIS__AUTOSTART: 'false' };
}

function track(q: ChildQuiver): ChildQuiver {
  cleanups.push(() => void q.child.kill('SIGKILL'));
  return q;
}

test('the all-in-one process keeps every acknowledged write across kill -9 and a restart', async () => {
  const env = { ...(await environment('aio')), QDRANT__SERVICE__GRPC_PORT: String(await freePort()), QUIVER__INDEXER__PORT: '0' };
  const port = Number(env.QDRANT__SERVICE__GRPC_PORT);
  const first = track(spawnRole('all-in-one', env));
  await untilServing(first);
  const client = clientFor(port);
  await client.api('collections').create({ collectionName: 'durable', vectorsConfig: { config: { case: 'params', value: { size: 8n, distance: 2 } } } });
  const vectors = randomVectors(600, 8, 3);
  const point = (i: number) => ({ id: pid(BigInt(i)), vectors: denseVectors(vectors[i]), payload: toPayload({ i: BigInt(i) }) });
  for (let from = 0; from < 600; from += 100) {
    const wait = from < 300;
    const res = await client.api('points').upsert({ collectionName: 'durable', wait, points: vectors.slice(from, from + 100).map((_, k) => point(from + k)) });
    assert.equal(res.result?.status, wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged);
  }
  first.child.kill('SIGKILL');
  await first.exited;

  const second = track(spawnRole('all-in-one', env));
  await untilServing(second);
  const deadline = Date.now() + 20_000;
  let count = 0n;
  while (Date.now() < deadline && count !== 600n) {
    count = (await client.api('points').count({ collectionName: 'durable' })).result?.count ?? 0n;
    if (count !== 600n) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(count, 600n, 'wait=true writes come back from the WAL, wait=false ones from the queue');
  const got = await client.api('points').get({ collectionName: 'durable', ids: [pid(0n), pid(599n)], withPayload: { selectorOptions: { case: 'enable', value: true } } });
  assert.deepEqual(got.result.map((p) => fromPayload(p.payload)), [{ i: 0n }, { i: 599n }]);
  const nearest = await client.api('points').search({ collectionName: 'durable', vector: vectors[123], limit: 1n });
  assert.equal(idOf(nearest.result[0].id), 123n);

  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, 'SIGTERM stops gracefully');
});

test('ingress, indexer and query run as separate processes against one Redis', async () => {
  const env = await environment('split');
  const ingressPort = await freePort();
  const queryPort = await freePort();
  const indexerPort = await freePort();
  const indexer = track(spawnRole('indexer', { ...env, QUIVER__INDEXER__PORT: String(indexerPort) }));
  const ingress = track(spawnRole('ingress', { ...env, QDRANT__SERVICE__GRPC_PORT: String(ingressPort) }));
  const query = track(spawnRole('query', { ...env, QDRANT__SERVICE__GRPC_PORT: String(queryPort) }));
  await Promise.all([untilServing(indexer), untilServing(ingress), untilServing(query)]);
  const writes = clientFor(ingressPort);
  const reads = clientFor(queryPort);

  await writes.api('collections').create({ collectionName: 'split', vectorsConfig: { config: { case: 'params', value: { size: 4n, distance: 3 } } } });
  const res = await writes.api('points').upsert({
    collectionName: 'split',
    wait: true,
    points: [
      { id: pid(1n), vectors: denseVectors([1, 0, 0, 0]) },
      { id: pid(2n), vectors: denseVectors([0, 1, 0, 0]), payload: toPayload({ big: 9007199254740993n }) },
    ],
  });
  assert.equal(res.result?.status, UpdateStatus.Completed);
  const found = await reads.api('points').search({ collectionName: 'split', vector: [0.9, 0.1, 0, 0], limit: 2n });
  assert.deepEqual(found.result.map((p) => idOf(p.id)), [1n, 2n], 'the query process reads the indexer over the internal RPC');
  // A custom scorer crosses the internal RPC: context pair (+[1,0,0,0], -[0,1,0,0]) under Dot gives
  // point 1 the loss 0 (closer to the positive) and point 2 fastSigmoid(0 - 1) = -0.5.
  const dense = (data: number[]) => ({ variant: { case: 'dense' as const, value: { data } } });
  const context = await reads.api('points').query({
    collectionName: 'split',
    query: { variant: { case: 'context', value: { pairs: [{ positive: dense([1, 0, 0, 0]), negative: dense([0, 1, 0, 0]) }] } } },
  });
  assert.deepEqual(context.result.map((p) => [idOf(p.id), p.score]), [[1n, 0], [2n, -0.5]]);
  // A filter crosses the internal RPC too, its int64 intact (2^53 + 1 is not 2^53).
  const big = (value: bigint) => ({ must: [{ conditionOneOf: { case: 'field' as const, value: { key: 'big', match: { matchValue: { case: 'integer' as const, value } } } } }] });
  const filtered = await reads.api('points').search({ collectionName: 'split', vector: [0.9, 0.1, 0, 0], limit: 2n, filter: big(9007199254740993n) });
  assert.deepEqual(filtered.result.map((p) => idOf(p.id)), [2n]);
  assert.equal((await reads.api('points').count({ collectionName: 'split', filter: big(9007199254740992n) })).result?.count, 0n);
  assert.deepEqual((await reads.api('points').scroll({ collectionName: 'split', filter: big(9007199254740993n) })).result.map((p) => idOf(p.id)), [2n]);
  assert.equal((await writes.api('collections').get({ collectionName: 'split' })).result?.pointsCount, 2n);
  await assert.rejects(writes.api('points').search({ collectionName: 'split', vector: [1, 0, 0, 0], limit: 1n }), (err: unknown) => {
    assert.ok(err instanceof ConnectError && err.code === Code.Unimplemented);
    assert.match(err.rawMessage, /served by quiver's query role/);
    return true;
  });
  assert.equal((await reads.api('service').healthCheck({})).title, 'qdrant - vector search engine');
});

test('with no Redis at REDIS_URL, quiver starts a private redis-server (AOF on) under its storage', async () => {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-autostart-'));
  cleanups.push(() => fs.rmSync(storage, { recursive: true, force: true }));
  const redisPort = await freePort();
  const grpcPort = await freePort();
  const q = track(spawnRole('all-in-one', {
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    QDRANT__STORAGE__STORAGE_PATH: storage,
    QDRANT__SERVICE__GRPC_PORT: String(grpcPort),
    QUIVER__INDEXER__PORT: '0',
  }));
  await untilServing(q);
  assert.match(q.output(), /started a private redis-server/);
  await clientFor(grpcPort).api('collections').create({ collectionName: 'c', vectorsConfig: { config: { case: 'params', value: { size: 2n, distance: 1 } } } });
  q.child.kill('SIGTERM');
  assert.equal(await q.exited, 0);
  assert.ok(fs.existsSync(path.join(storage, 'redis')), 'its data lives under the storage directory');
  const aof = fs.readdirSync(path.join(storage, 'redis'), { recursive: true }).map(String);
  assert.ok(aof.some((f) => f.includes('appendonly')), `AOF files present: ${aof.join(', ')}`);
});

test('a start that fails after auto-starting Redis stops that redis-server again', async () => {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-autostart-'));
  cleanups.push(() => fs.rmSync(storage, { recursive: true, force: true }));
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => void taken.close());
  const redisUrl = `redis://127.0.0.1:${await freePort()}`;
  const q = track(spawnRole('all-in-one', {
    REDIS_URL: redisUrl,
    QDRANT__STORAGE__STORAGE_PATH: storage,
    QDRANT__SERVICE__GRPC_PORT: String((taken.address() as net.AddressInfo).port), // cannot bind
    QUIVER__INDEXER__PORT: '0',
  }));
  assert.equal(await q.exited, 1);
  assert.match(q.output(), /started a private redis-server/);
  assert.equal(await redisAnswers(redisUrl, 500), false, 'the private redis-server is gone with the process');
});

test('with no Redis and auto-start off, quiver exits with a message that names the fix', async () => {
  const q = track(spawnRole('all-in-one', {
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    QUIVER__REDIS__AUTOSTART: 'false',
    QDRANT__STORAGE__STORAGE_PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-noredis-')),
  }));
  assert.notEqual(await q.exited, 0);
  assert.match(q.output(), /no Redis answers at redis:\/\/127\.0\.0\.1:\d+.*apt-get install -y redis-server.*REDIS_URL/s);
});
