// The consumer side: one BullMQ worker per owned replica, concurrency 1, so operations are handed
// to the replica strictly in queue order. Delivery is at-least-once (a crash or a stalled lock
// redelivers); the handler must skip sequence numbers it already applied.
// The handler never throws for a bad operation (that is an outcome); if it throws, something
// underneath failed (disk full), and the job is retried before any later one is taken.
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../cluster/keys.ts';
import type { OperationOutcome } from '../engine/index.ts';
import { type OperationJobData, QUEUE_NAME } from './operation-queues.ts';

export type OperationHandler = (seq: number, encoded: Uint8Array) => Promise<OperationOutcome>;

export interface ReplicaWorkerOptions {
  /** How long a job's lock lasts without renewal (renewed every half of it). */
  lockDurationMs?: number;
  onError?: (err: Error) => void;
}

export function startReplicaWorker(
  connection: Redis,
  keys: Keys,
  replica: string,
  handler: OperationHandler,
  options: ReplicaWorkerOptions = {},
): Worker<OperationJobData, OperationOutcome> {
  const worker = new Worker<OperationJobData, OperationOutcome>(
    QUEUE_NAME,
    async (job) => {
      const encoded = Buffer.from(job.data.op, 'base64');
      for (let attempt = 0; ; attempt++) {
        try {
          return await handler(Number(job.id), encoded);
        } catch (err) {
          // Hold the queue rather than let a later operation overtake this one.
          options.onError?.(err as Error);
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
        }
      }
    },
    {
      connection,
      prefix: keys.queuePrefix(replica),
      concurrency: 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      // A job that stalls (its process died) goes back to the head of the queue; it must never be
      // failed for stalling, or a later operation would be applied before it.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      removeOnComplete: { count: 0 }, // applied operations live on in the replica's WAL, not in Redis
    },
  );
  worker.on('error', (err) => options.onError?.(err));
  return worker;
}
