// The producer side of the replicas' queues: one BullMQ queue per shard replica.
// Contract of enqueue: when it resolves, the operation is stored in Redis (durable with AOF) and
// has its sequence number, which is the BullMQ job id. BullMQ assigns it by INCR inside the same
// atomic script that appends the job, so sequence order is queue order: the replica applies its
// operations in the order they were accepted.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../cluster/keys.ts';
import type { OperationOutcome } from '../engine/index.ts';

export const QUEUE_NAME = 'ops';

/**
 * Redis memory stays bounded: a job (which carries the whole encoded operation) is removed as
 * soon as its replica applied it (it is in the replica's WAL by then), and each queue's event
 * stream is trimmed to about this many entries.
 */
export const EVENTS_MAX_LEN = 100;

export interface OperationJobData {
  /** The encoded ShardOperation, base64. */
  op: string;
}

export class OperationQueues {
  private readonly queues = new Map<string, Queue<OperationJobData>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  queue(replica: string): Queue<OperationJobData> {
    let queue = this.queues.get(replica);
    if (!queue) {
      queue = new Queue<OperationJobData>(QUEUE_NAME, {
        connection: this.redis,
        prefix: this.keys.queuePrefix(replica),
        streams: { events: { maxLen: EVENTS_MAX_LEN } },
      });
      queue.on('error', () => {}); // failures surface on the enqueue call itself
      this.queues.set(replica, queue);
    }
    return queue;
  }

  /** Appends an encoded operation to a replica's queue; resolves with its sequence number. */
  async enqueue(replica: string, encoded: Uint8Array): Promise<number> {
    const job = await this.queue(replica).add(
      'op',
      { op: Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString('base64') },
      { removeOnComplete: true, removeOnFail: { count: 100 } },
    );
    return Number(job.id);
  }

  /** Operations waiting or in progress for a replica. */
  async backlog(replica: string): Promise<number> {
    return this.queue(replica).getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized');
  }

  /** Removes a replica's queue and everything in it (its collection was deleted). */
  async destroy(replica: string): Promise<void> {
    const queue = this.queue(replica);
    await queue.obliterate({ force: true });
    await queue.close();
    this.queues.delete(replica);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
