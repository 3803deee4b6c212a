// How a `wait=true` write learns that its replicas applied it.
// The indexer, after an operation is applied and in the replica's fsynced WAL, records the
// replica's applied sequence number (and, for an operation that failed, its outcome in a short
// list) and publishes a completion. Waiters match on (replica, seq). Pub/sub may drop messages
// across a reconnect, so waiters that have waited a while also poll those records.
// Every completion also feeds the backlog gauge: how far each replica lags behind its queue.
import type { Redis } from 'ioredis';
import type { EventBus } from '../cluster/events.ts';
import type { Keys } from '../cluster/keys.ts';
import type { OperationOutcome } from '../engine/index.ts';
import type { BacklogGauge } from './backlog.ts';

interface Completion {
  r: string; // replica key
  s: number; // sequence number
  o: OperationOutcome;
}

interface Waiter {
  replica: string;
  seq: number;
  since: number;
  resolve: (outcome: OperationOutcome) => void;
}

const POLL_AFTER_MS = 1_000;
/** Completions remembered for waiters that register after their completion arrived. */
const RECENT_LIMIT = 4096;
/** How many failed outcomes each replica keeps for waiters that missed their completion. */
const FAILURES_KEPT = 1000;

/**
 * One completion, atomically and in one round trip: raise the applied seq (a redelivery that is
 * completed again never lowers it), drop the operation's out-of-line bytes, keep a failed outcome
 * in the short list, publish. One script call instead of four commands, each a socket write of
 * its own (an ioredis pipeline would copy every script defined on the connection, BullMQ's
 * dozens, each time it is created). Every key is in the replica's hash-tag slot.
 * KEYS: applied, failures[, operation bytes]. ARGV: seq, message, failed (1/0), kept, channel.
 */
const COMPLETE_SCRIPT = `
if tonumber(ARGV[1]) > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], ARGV[1]) end
if #KEYS == 3 then redis.call('DEL', KEYS[3]) end
if ARGV[3] == '1' then
  redis.call('LPUSH', KEYS[2], ARGV[2])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
end
return redis.call('PUBLISH', ARGV[5], ARGV[2])
`;

type CompletingRedis = Redis & { quiverComplete(...args: (string | number)[]): Promise<unknown> };

export class CompletionPublisher {
  private readonly redis: CompletingRedis;

  constructor(
    redis: Redis,
    private readonly keys: Keys,
  ) {
    if (!('quiverComplete' in redis)) redis.defineCommand('quiverComplete', { lua: COMPLETE_SCRIPT }); // numkeys is the first argument
    this.redis = redis as CompletingRedis;
  }

  /** `ref`: the operation's out-of-line bytes, disposable now that the replica applied it. */
  async publish(replica: string, seq: number, outcome: OperationOutcome, ref?: string): Promise<void> {
    const message = JSON.stringify({ r: replica, s: seq, o: outcome } satisfies Completion);
    const keys = [this.keys.applied(replica), this.keys.failures(replica), ...(ref ? [this.keys.operationBytes(replica, ref)] : [])];
    await this.redis.quiverComplete(keys.length, ...keys, seq, message, outcome.ok ? 0 : 1, FAILURES_KEPT, this.keys.completionChannel);
  }
}

export class CompletionWaiters {
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly recent = new Map<string, OperationOutcome>();
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly backlog?: BacklogGauge,
  ) {}

  async attach(events: EventBus): Promise<void> {
    await events.subscribe(this.keys.completionChannel, (message) => {
      const c = JSON.parse(message) as Completion;
      this.completed(c.r, c.s, c.o);
    });
    events.onResync(() => void this.poll(0));
    this.poller = setInterval(() => void this.poll(POLL_AFTER_MS), POLL_AFTER_MS);
    this.poller.unref();
  }

  /** Resolves with the outcome once `replica` has applied `seq`; rejects when `signal` aborts. */
  wait(replica: string, seq: number, signal: AbortSignal): Promise<OperationOutcome> {
    return new Promise((resolve, reject) => {
      const key = `${replica}#${seq}`;
      const done = this.recent.get(key);
      if (done) return resolve(done);
      const waiter: Waiter = { replica, seq, since: Date.now(), resolve: () => {} };
      const onAbort = () => {
        this.remove(key, waiter);
        reject(signal.reason);
      };
      waiter.resolve = (outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const list = this.waiters.get(key);
      if (list) list.push(waiter);
      else this.waiters.set(key, [waiter]);
    });
  }

  /**
   * A completion: from the channel, or straight from an indexer in this process (which calls it
   * once the operation is applied and in the replica's fsynced WAL, before publishing it).
   * Settling twice is harmless.
   */
  completed(replica: string, seq: number, outcome: OperationOutcome): void {
    this.backlog?.applied(replica, seq);
    this.settle(replica, seq, outcome);
  }

  private settle(replica: string, seq: number, outcome: OperationOutcome): void {
    const key = `${replica}#${seq}`;
    const list = this.waiters.get(key);
    if (!list) {
      this.recent.set(key, outcome);
      if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
      return;
    }
    this.waiters.delete(key);
    for (const waiter of list) waiter.resolve(outcome);
  }

  private remove(key: string, waiter: Waiter): void {
    const list = this.waiters.get(key)?.filter((w) => w !== waiter);
    if (list?.length) this.waiters.set(key, list);
    else this.waiters.delete(key);
  }

  /** Settles waiters older than `olderThanMs` whose replica has applied them already. */
  private async poll(olderThanMs: number): Promise<void> {
    const now = Date.now();
    const due = [...this.waiters.values()].flat().filter((w) => now - w.since >= olderThanMs);
    for (const waiter of due) {
      try {
        const applied = Number((await this.redis.get(this.keys.applied(waiter.replica))) ?? 0);
        this.backlog?.applied(waiter.replica, applied);
        if (applied < waiter.seq) continue;
        const failures = await this.redis.lrange(this.keys.failures(waiter.replica), 0, -1);
        const failed = failures.map((f) => JSON.parse(f) as Completion).find((c) => c.s === waiter.seq);
        this.settle(waiter.replica, waiter.seq, failed?.o ?? { ok: true });
      } catch {
        // Redis unreachable: the next poll tries again; the waiter's own deadline still applies.
      }
    }
  }

  close(): void {
    clearInterval(this.poller);
  }
}
