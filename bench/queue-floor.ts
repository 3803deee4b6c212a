// The queue floor: one small BullMQ job's round trip on the same Redis, without quiver: the
// producer adds it, a worker takes and completes it, the producer learns of the completion
// (QueueEvents). What a design that waited for its queue's consumer would pay per write before
// doing any work; quiver's all-in-one applies an operation it has queued without that hop.
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deletePrefix, uniquePrefix } from '../test/support/redis.ts';
import { timeEach } from './stats.ts';

/** Round-trip times (ms) of `count` jobs carrying `payload`, one at a time. */
export async function queueRoundTrips(redisUrl: string, count: number, payload: string): Promise<number[]> {
  const prefix = uniquePrefix('queue-floor');
  const connect = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
  const connections = [connect(), connect(), connect()];
  const queue = new Queue('floor', { connection: connections[0], prefix });
  // Jobs are kept until the prefix is deleted: waitUntilFinished needs the completed job to exist.
  const worker = new Worker('floor', async () => 'done', { connection: connections[1], prefix, concurrency: 1 });
  const events = new QueueEvents('floor', { connection: connections[2], prefix });
  try {
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
    return await timeEach(count, async () => {
      const job = await queue.add('op', { op: payload });
      await job.waitUntilFinished(events);
    });
  } finally {
    await Promise.all([worker.close(), events.close(), queue.close()]);
    for (const connection of connections) connection.disconnect();
    await deletePrefix(redisUrl, prefix);
  }
}
