// The write path: one operation per shard, appended to the queue of each of the shard's replicas.
// What `wait` means here:
// - wait=false: answered `Acknowledged` once every operation is stored in its replica queue in
//   Redis (durable with Redis AOF); replicas apply it later, in order.
// - wait=true: answered `Completed` once every replica applied it and has it in its fsynced WAL,
//   so every read that follows sees it. An error found while applying (Qdrant reports those only
//   with wait=true) is returned as that error.
// With a request `timeout` (seconds) that passes first, the answer is `WaitTimeout` (a success, as
// in Qdrant); without one, waiting stops after the server's limit with DEADLINE_EXCEEDED.
import { type CollectionRecord, replicaKey } from '../../libs/cluster/index.ts';
import { encodeOperation, type OperationOutcome, type ShardOperation } from '../../libs/engine/index.ts';
import { QuiverError, timeoutError, unavailable } from '../../libs/errors/index.ts';
import type { CallContext } from '../../libs/api/index.ts';
import type { BacklogGauge, CompletionWaiters, LocalHandoff, OperationQueues } from '../../libs/queue/index.ts';

export interface UpdateResult {
  operation_id: string;
  status: 'Acknowledged' | 'Completed' | 'WaitTimeout';
}

export interface WriteOptions {
  wait: boolean;
  /** The request's own `timeout` field, in seconds. */
  timeoutSeconds?: number;
}

export class WritePath {
  constructor(
    private readonly queues: OperationQueues,
    private readonly waiters: CompletionWaiters,
    private readonly backlog: BacklogGauge,
    private readonly defaultWaitMs: number,
    /** Set when the replicas' indexer runs in this process (see LocalHandoff). */
    private readonly handoff?: LocalHandoff,
  ) {}

  async submit(record: CollectionRecord, perShard: Map<number, ShardOperation>, options: WriteOptions, ctx: CallContext): Promise<UpdateResult> {
    const targets = [...perShard].flatMap(([shard, op]) =>
      record.shards[shard].replicas.map((placement) => ({ shard, op, replica: replicaKey(record.id, shard, placement.id) })),
    );
    // Refused before anything is queued, so an overloaded write changes nothing.
    this.backlog.admit(targets.map((t) => t.replica), (replica) => `shard ${targets.find((t) => t.replica === replica)?.shard} of collection \`${record.name}\``);
    const enqueued: { replica: string; seq: number }[] = [];
    try {
      const encoded = new Map<ShardOperation, Uint8Array>();
      for (const { op, replica } of targets) {
        let bytes = encoded.get(op);
        if (!bytes) encoded.set(op, (bytes = encodeOperation(op)));
        const { seq, ref } = await this.queues.enqueue(replica, bytes);
        this.handoff?.offer(replica, { seq, encoded: bytes, ref });
        this.backlog.enqueued(replica, seq);
        enqueued.push({ replica, seq });
      }
    } catch (err) {
      if (err instanceof QuiverError) throw err;
      throw unavailable(`could not queue the operation: ${(err as Error).message}`);
    }
    const operationId = String(Math.max(0, ...enqueued.map((e) => e.seq)));
    if (!options.wait) return { operation_id: operationId, status: 'Acknowledged' };
    const outcome = await this.waitAll(enqueued, options, ctx);
    if (outcome === 'timeout') return { operation_id: operationId, status: 'WaitTimeout' };
    if (!outcome.ok) throw new QuiverError(outcome.kind, outcome.kind === 'not_found' ? `Not found: ${outcome.message}` : `Wrong input: ${outcome.message}`);
    return { operation_id: operationId, status: 'Completed' };
  }

  private async waitAll(enqueued: { replica: string; seq: number }[], options: WriteOptions, ctx: CallContext): Promise<OperationOutcome | 'timeout'> {
    const requestTimeoutMs = options.timeoutSeconds !== undefined ? options.timeoutSeconds * 1000 : undefined;
    const limitMs = requestTimeoutMs ?? this.defaultWaitMs;
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort(new Error('wait limit')), limitMs);
    const signal = AbortSignal.any([limit.signal, ctx.signal]);
    try {
      const outcomes = await Promise.all(enqueued.map((e) => this.waiters.wait(e.replica, e.seq, signal)));
      return outcomes.find((o) => !o.ok) ?? { ok: true };
    } catch (err) {
      if (!limit.signal.aborted) throw err; // the client went away; nothing to answer
      if (requestTimeoutMs !== undefined) return 'timeout';
      throw timeoutError(`Operation was queued but not applied within ${limitMs / 1000} s`);
    } finally {
      clearTimeout(timer);
    }
  }
}
