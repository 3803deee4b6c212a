// The producer side of the replicas' queues: one BullMQ queue per shard replica.
// Contract of enqueue: when it resolves, the operation is stored in Redis (durable with AOF) and
// has its sequence number, which is the BullMQ job id. BullMQ assigns it by INCR inside the same
// atomic script that appends the job, so sequence order is queue order: the replica applies its
// operations in the order they were accepted.
// Large operations do not travel inside the job: BullMQ stores job data as JSON, and a 500 KB
// operation would cost base64 plus JSON.stringify at the ingress and the reverse at the indexer.
// Their bytes go under a key of their own in the queue's hash-tag slot, written in the same
// MULTI/EXEC transaction as the job (so a job never exists without its bytes), and the job carries
// the key's reference. The indexer deletes that key once the replica applied the operation (see
// CompletionPublisher), the moment the job itself becomes disposable.
import crypto from 'node:crypto';
import { Job, Queue } from 'bullmq';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Keys } from '../cluster/keys.ts';
import type { OperationOutcome } from '../engine/index.ts';

export const QUEUE_NAME = 'ops';

/**
 * Redis memory stays bounded: a job (which carries the whole encoded operation) is removed as
 * soon as its replica applied it (it is in the replica's WAL by then), and each queue's event
 * stream is trimmed to about this many entries.
 */
export const EVENTS_MAX_LEN = 100;

/** Operations up to this size ride inline in the job (one fetch fewer for the consumer). */
export const INLINE_OPERATION_BYTES = 8 * 1024;

/** Exactly one of the two fields is set. */
export interface OperationJobData {
  /** A small encoded ShardOperation, base64. */
  op?: string;
  /** A larger one: its bytes are at keys.operationBytes(replica, ref). */
  ref?: string;
}

const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: { count: 100 } };

export interface Enqueued {
  seq: number;
  /** Set when the bytes are stored out of line: the consumer deletes them once applied. */
  ref?: string;
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
  async enqueue(replica: string, encoded: Uint8Array): Promise<Enqueued> {
    const bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const queue = this.queue(replica);
    if (bytes.byteLength <= INLINE_OPERATION_BYTES) {
      const job = await queue.add('op', { op: bytes.toString('base64') }, JOB_OPTIONS);
      return { seq: Number(job.id) };
    }
    const ref = crypto.randomUUID();
    const job = new Job<OperationJobData>(queue, 'op', { ref }, JOB_OPTIONS);
    const multi = (await queue.getBackend().client).multi();
    // BullMQ's transaction type names only the commands BullMQ uses; underneath it is ioredis's MULTI.
    (multi as unknown as ChainableCommander).set(this.keys.operationBytes(replica, ref), bytes);
    // Queues BullMQ's own add script on the transaction (as its addBulk does); the id is its result.
    const added = job.addJob(multi).then(() => null, (err: unknown) => err);
    const results = await multi.exec();
    const failed = (await added) ?? (!results ? new Error('the transaction was discarded') : results.find(([err]) => err)?.[0]);
    if (failed) throw failed;
    return { seq: Number(results![1][1]), ref };
  }

  /** The out-of-line bytes of a queued operation (null once its replica applied it). */
  operationBytes(replica: string, ref: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys.operationBytes(replica, ref));
  }

  /** Operations waiting or in progress for a replica. */
  async backlog(replica: string): Promise<number> {
    return this.queue(replica).getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized');
  }

  /** Removes a replica's queue and everything in it (its collection was deleted). */
  async destroy(replica: string): Promise<void> {
    const queue = this.queue(replica);
    await queue.obliterate({ force: true });
    await this.deleteOperationBytes(replica);
    await queue.close();
    this.queues.delete(replica);
  }

  private async deleteOperationBytes(replica: string): Promise<void> {
    const pattern = this.keys.operationBytes(replica, '*');
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (found.length) await this.redis.del(...found);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
