// The completion record a replica leaves in Redis (CompletionPublisher's one script): what waiters
// in other processes rely on when they missed the published message.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { EventBus, keysFor } from '../../libs/cluster/index.ts';
import { CompletionPublisher } from '../../libs/queue/index.ts';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis.ts';

const url = await testRedisUrl();
const prefix = uniquePrefix('completions');
const keys = keysFor(prefix);
const redis = new Redis(url);
const events = new EventBus(new Redis(url));
after(async () => {
  await events.close();
  redis.disconnect();
  await deletePrefix(url, prefix);
});

test('a completion raises applied (never lowers it), drops the operation bytes, keeps failures and is published', async () => {
  const replica = 'c1.0.0';
  const published: { s: number; o: unknown }[] = [];
  await events.subscribe(keys.completionChannel, (message) => published.push(JSON.parse(message)));
  const publisher = new CompletionPublisher(redis, keys);
  await redis.set(keys.operationBytes(replica, 'ref-5'), 'bytes of operation 5');

  await publisher.publish(replica, 5, { ok: true }, 'ref-5');
  assert.equal(await redis.get(keys.applied(replica)), '5');
  assert.equal(await redis.exists(keys.operationBytes(replica, 'ref-5')), 0, 'the out-of-line bytes are gone');

  await publisher.publish(replica, 3, { ok: true }); // a redelivery completed again
  assert.equal(await redis.get(keys.applied(replica)), '5', 'applied never goes backwards');

  const failed = { ok: false, kind: 'not_found', message: 'No point with id 9 found' } as const;
  await publisher.publish(replica, 6, failed);
  assert.equal(await redis.get(keys.applied(replica)), '6');
  const failures = (await redis.lrange(keys.failures(replica), 0, -1)).map((f) => JSON.parse(f));
  assert.deepEqual(failures, [{ r: replica, s: 6, o: failed }], 'only the failed outcome is kept');

  const deadline = Date.now() + 5_000;
  while (published.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(published.map((c) => [c.s, c.o]), [[5, { ok: true }], [3, { ok: true }], [6, failed]]);
});
