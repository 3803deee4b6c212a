// The consumer side: one BullMQ worker per owned replica, concurrency 1, so operations are handed
// to the replica strictly in queue order. Delivery is at-least-once (a crash or a stalled lock
// redelivers); the handler must skip sequence numbers it already applied.
// Order across a crash: an operation that was active when its consumer died stays "active" until
// BullMQ's stall check returns it (a lock period or two later), and meanwhile the worker would take
// the operations after it. So before a worker starts, the jobs left active (each replica has one
// consumer: they are its dead predecessor's) are handed to the handler first, in order.
// The handler never throws for a bad operation (that is an outcome); if it throws, something
// underneath failed (disk full), and the job is retried before any later one is taken.
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../cluster/keys.ts';
import type { OperationOutcome } from '../engine/index.ts';
import { type OperationJobData, QUEUE_NAME } from './operation-queues.ts';

/** One job of a replica's queue, as handed to the handler. */
export interface QueuedOperation {
  seq: number;
  /** The key of its out-of-line bytes, if any, to delete once applied (CompletionPublisher). */
  ref?: string;
  /** The encoded operation; a handler that finds `seq` already applied need not load it. */
  load(): Promise<Uint8Array>;
}

export type OperationHandler = (op: QueuedOperation) => Promise<OperationOutcome>;

function queuedOperation(connection: Redis, keys: Keys, replica: string, seq: number, data: OperationJobData): QueuedOperation {
  const { op, ref } = data;
  return {
    seq,
    ref,
    async load() {
      if (op !== undefined) return Buffer.from(op, 'base64');
      const bytes = await connection.getBuffer(keys.operationBytes(replica, ref ?? ''));
      if (!bytes) throw new Error(`the bytes of operation ${seq} (${ref}) are missing from Redis`);
      return bytes;
    },
  };
}

export interface ReplicaWorkerOptions {
  /** How long a job's lock lasts without renewal (renewed every half of it). */
  lockDurationMs?: number;
  onError?: (err: Error) => void;
}

/**
 * Hands the operations left active by a dead consumer to the handler, in sequence order, then
 * removes their jobs: the dead consumer's locks would otherwise keep them "active" (and counted
 * as backlog) until BullMQ's stall check, a lock period or two later.
 */
async function recoverActive(connection: Redis, keys: Keys, replica: string, queue: Queue<OperationJobData>, handler: OperationHandler): Promise<void> {
  const active = (await queue.getActive()).sort((a, b) => Number(a.id) - Number(b.id));
  for (const job of active) {
    await handler(queuedOperation(connection, keys, replica, Number(job.id), job.data));
    await connection.del(`${queue.toKey(job.id!)}:lock`); // the predecessor's lock: it is dead
    await job.remove().catch(() => {}); // a stall check may have moved it meanwhile: then it is a duplicate
  }
}

export async function startReplicaWorker(
  connection: Redis,
  keys: Keys,
  replica: string,
  handler: OperationHandler,
  options: ReplicaWorkerOptions = {},
): Promise<Worker<OperationJobData, OperationOutcome>> {
  const queue = new Queue<OperationJobData>(QUEUE_NAME, { connection, prefix: keys.queuePrefix(replica) });
  try {
    await recoverActive(connection, keys, replica, queue, handler);
  } finally {
    await queue.close();
  }
  const worker = new Worker<OperationJobData, OperationOutcome>(
    QUEUE_NAME,
    async (job) => {
      const op = queuedOperation(connection, keys, replica, Number(job.id), job.data);
      for (let attempt = 0; ; attempt++) {
        try {
          return await handler(op);
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
      // Applying an operation is quick (graph work runs in another thread), so locks can be short:
      // a job whose consumer lost Redis for a while is back in the queue within about
      // lockDuration + 2 * stalledInterval, instead of BullMQ's default of a minute or more.
      lockDuration: options.lockDurationMs ?? 15_000,
      stalledInterval: 5_000,
      // A job that stalls (its process died) goes back to the head of the queue; it must never be
      // failed for stalling, or a later operation would be applied before it.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      removeOnComplete: { count: 0 }, // applied operations live on in the replica's WAL, not in Redis
    },
  );
  worker.on('error', (err) => options.onError?.(err));
  return worker;
}
