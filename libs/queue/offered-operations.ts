// The consumer side of LocalHandoff.offer: operations a local ingress enqueued, applied ahead of
// BullMQ's delivery but never out of order. An offered operation is applied only when its seq is
// the replica's next one (applied + 1, which the replica checks atomically with the apply), so
// nothing queued before it can be passed over: sequence numbers are consecutive per queue (BullMQ
// assigns them by INCR in its add script), and the replica's queue consumer applies every job in
// queue order as before. Its job stays in the queue and is completed by that consumer as a
// duplicate. An offer that arrives ahead of a gap (an operation another process enqueued, or one
// still being applied from the queue) waits here until `kick` finds it next; when too many wait,
// further offers are dropped and simply delivered by the queue.
import type { OfferedOperation } from './local-handoff.ts';

export class OfferedOperations {
  private readonly waiting = new Map<number, OfferedOperation>();
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly appliedSeq: () => number,
    /** Applies `op` only if its seq is the replica's next one; may throw (the queue then retries it). */
    private readonly applyIfNext: (op: OfferedOperation) => Promise<unknown>,
    private readonly limit = 64,
  ) {}

  offer(op: OfferedOperation): void {
    if (this.closed || op.seq <= this.appliedSeq() || this.waiting.size >= this.limit) return;
    this.waiting.set(op.seq, op);
    this.kick();
  }

  /** Applies the waiting operations that are next, in order; call after the queue's consumer applied one. */
  kick(): void {
    if (this.draining || this.waiting.size === 0) return;
    this.draining = true;
    this.drained = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const applied = this.appliedSeq();
        for (const seq of this.waiting.keys()) if (seq <= applied) this.waiting.delete(seq);
        const next = this.waiting.get(applied + 1);
        if (!next) return;
        this.waiting.delete(next.seq);
        try {
          await this.applyIfNext(next);
        } catch {
          // Left to the queue's consumer, which retries it in order.
        }
      }
    } finally {
      this.draining = false; // synchronously with the last check, so no offer is missed
    }
  }

  /** Takes no more offers; resolves once the one being applied (if any) is done. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    await this.drained;
  }
}
