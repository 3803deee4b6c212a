// Shortcuts between an ingress and an indexer that run in one process (the all-in-one). Neither
// replaces Redis: the queue stays the durable record and the source of truth for order, and the
// completion is still published. They only save the round trips of the slow way round.
// - offer: the ingress hands an operation it has just enqueued (it has its seq) to the replica's
//   consumer, which may apply it before BullMQ delivers the job (see OfferedOperations).
// - completed: the indexer reports an operation applied and in the replica's fsynced WAL to the
//   waiters of this process, before its completion goes through Redis.
// Both are fire-and-forget: a dropped offer or report only means the slow way is taken.
import type { OperationOutcome } from '../engine/index.ts';

export interface OfferedOperation {
  seq: number;
  encoded: Uint8Array;
  /** The key of its out-of-line bytes, if any (see OperationQueues.enqueue). */
  ref?: string;
}

type Consumer = (op: OfferedOperation) => void;
type CompletionListener = (replica: string, seq: number, outcome: OperationOutcome) => void;

export class LocalHandoff {
  private readonly consumers = new Map<string, Consumer>();
  private readonly listeners: CompletionListener[] = [];

  /** Registers the consumer of a replica hosted here; returns its unregistration. */
  consume(replica: string, consumer: Consumer): () => void {
    this.consumers.set(replica, consumer);
    return () => {
      if (this.consumers.get(replica) === consumer) this.consumers.delete(replica);
    };
  }

  offer(replica: string, op: OfferedOperation): void {
    this.consumers.get(replica)?.(op);
  }

  onCompleted(listener: CompletionListener): void {
    this.listeners.push(listener);
  }

  completed(replica: string, seq: number, outcome: OperationOutcome): void {
    for (const listener of this.listeners) listener(replica, seq, outcome);
  }
}
