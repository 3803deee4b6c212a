// Bounded everything (invariant 6), on the write side: a replica's backlog has a limit past which
// writes are refused at once with RESOURCE_EXHAUSTED and a retry-after, queuing nothing; applied
// operations leave nothing behind in Redis but a trimmed event stream.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ConnectError } from '@connectrpc/connect';
import { Redis } from 'ioredis';
import { INLINE_OPERATION_BYTES } from '../../libs/queue/index.ts';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, pid } from '../support/wire.ts';

const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function started(options: Parameters<typeof startTestQuiver>[0]): Promise<TestQuiver> {
  const q = await startTestQuiver(options);
  stops.push(q.stop);
  return q;
}

/** The official client reports RESOURCE_EXHAUSTED with retry-after as its own error class (on .cause). */
function resourceExhausted(err: unknown): { retryAfter?: number; message: string } | null {
  if (!(err instanceof ConnectError)) return null;
  const cause = err.cause as { code?: number; retry_after?: number } | undefined;
  if (err.code === 8) return { message: err.rawMessage };
  if (cause?.code === 8) return { retryAfter: cause.retry_after, message: err.rawMessage };
  return null;
}

test('a full replica queue refuses writes with RESOURCE_EXHAUSTED and retry-after, queuing nothing, until it drains', async () => {
  // Ingress and query only: nothing applies the queue until an indexer joins.
  const front = await started({ label: 'backlog', roles: ['ingress', 'query'], env: { QUIVER__WRITE__MAX_BACKLOG: '5' } });
  await front.client.api('collections').create({ collectionName: 'b', vectorsConfig: { config: { case: 'params', value: { size: 2n, distance: 3 } } } });
  const write = (i: number) => front.client.api('points').upsert({ collectionName: 'b', points: [{ id: pid(BigInt(i)), vectors: denseVectors([i, 1]) }] });
  for (let i = 1; i <= 5; i++) assert.equal((await write(i)).result?.status, 1 /* Acknowledged */);
  const refused = await write(6).then(() => null, (err: unknown) => resourceExhausted(err));
  assert.ok(refused, 'the sixth write is refused with RESOURCE_EXHAUSTED');
  assert.ok((refused.retryAfter ?? 0) >= 1, `retry-after is sent (${refused.retryAfter})`);
  assert.match(refused.message, /5 operations waiting/);

  // An indexer joins (same Redis and prefix): it claims the replica and applies the backlog.
  const indexer = await startTestQuiver({ label: 'backlog-indexer', roles: ['indexer'], env: { QUIVER__REDIS__PREFIX: front.prefix } });
  stops.push(async () => {
    await indexer.stop();
  });
  const deadline = Date.now() + 15_000;
  let count = 0n;
  while (Date.now() < deadline && count !== 5n) {
    count = await front.client.api('points').count({ collectionName: 'b' }).then((r) => r.result?.count ?? 0n, () => 0n);
    if (count !== 5n) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(count, 5n, 'exactly the five acknowledged writes were queued and applied; the refused one was not');
  assert.equal((await write(7)).result?.status, 1, 'accepted again once the queue drained');
});

test('applied operations are removed from Redis, large ones with their bytes, and the event streams stay trimmed', async () => {
  const q = await started({ label: 'trim' });
  await q.client.api('collections').create({ collectionName: 't', vectorsConfig: { config: { case: 'params', value: { size: 2n, distance: 3 } } } });
  for (let i = 0; i < 300; i++) {
    await q.client.api('points').upsert({ collectionName: 't', wait: i % 50 === 49, points: [{ id: pid(BigInt(i)), vectors: denseVectors([i, 1]) }] });
  }
  // Operations above INLINE_OPERATION_BYTES keep their bytes under a key of their own.
  await q.client.api('collections').create({ collectionName: 'large', vectorsConfig: { config: { case: 'params', value: { size: 64n, distance: 3 } } } });
  for (let i = 0; i < 10; i++) {
    const points = Array.from({ length: 100 }, (_, k) => ({ id: pid(BigInt(i * 100 + k)), vectors: denseVectors(Array.from({ length: 64 }, (_, d) => i + k + d)) }));
    assert.ok(points.length * 64 * 4 > INLINE_OPERATION_BYTES);
    await q.client.api('points').upsert({ collectionName: 'large', wait: i % 2 === 1, points });
  }
  assert.equal((await q.client.api('points').count({ collectionName: 'large', exact: true })).result?.count, 1000n);
  const redis = new Redis(q.redisUrl);
  try {
    const scanAll = async () => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${q.prefix}:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      return keys;
    };
    const leftovers = (keys: string[]) => keys.filter((k) => /:ops:\d+$/.test(k) || k.includes(':opbytes:'));
    // A job is removed (and its bytes deleted) just after its completion is reported.
    let keys = await scanAll();
    for (let tries = 0; leftovers(keys).length > 0 && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      keys = await scanAll();
    }
    assert.deepEqual(leftovers(keys), [], 'no applied job or operation bytes are kept');
    const events = keys.filter((k) => k.endsWith(':ops:events'));
    assert.ok(events.length > 0);
    for (const key of events) {
      const length = await redis.xlen(key);
      assert.ok(length <= 200, `${key} holds ${length} events`);
    }
  } finally {
    redis.disconnect();
  }
});
