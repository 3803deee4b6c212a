// Bounded queues (invariant 6): how many operations each replica still has to apply, estimated
// without a Redis round trip from the newest sequence number this process has seen enqueued and
// the newest one it has seen applied (every completion is broadcast). A write to a replica whose
// backlog is at the limit is refused with RESOURCE_EXHAUSTED before anything is queued, with a
// retry-after from the replica's recent apply rate.
import { overloaded } from '../errors/index.ts';

interface ReplicaLag {
  enqueued: number;
  applied: number;
  /** Recent apply rate, operations per second (exponentially smoothed). */
  rate: number;
  lastAppliedAt: number;
}

export class BacklogGauge {
  private readonly lags = new Map<string, ReplicaLag>();

  constructor(private readonly maxOperations: number) {}

  private lag(replica: string): ReplicaLag {
    let lag = this.lags.get(replica);
    if (!lag) this.lags.set(replica, (lag = { enqueued: 0, applied: 0, rate: 0, lastAppliedAt: Date.now() }));
    return lag;
  }

  enqueued(replica: string, seq: number): void {
    const lag = this.lag(replica);
    lag.enqueued = Math.max(lag.enqueued, seq);
  }

  applied(replica: string, seq: number): void {
    const lag = this.lag(replica);
    if (seq <= lag.applied) return;
    const now = Date.now();
    const seconds = Math.max(0.001, (now - lag.lastAppliedAt) / 1000);
    const rate = (seq - lag.applied) / seconds;
    lag.rate = lag.rate === 0 ? rate : 0.8 * lag.rate + 0.2 * rate;
    lag.applied = seq;
    lag.lastAppliedAt = now;
    lag.enqueued = Math.max(lag.enqueued, seq);
  }

  /** Operations waiting for a replica, as far as this process knows. */
  backlog(replica: string): number {
    const lag = this.lags.get(replica);
    return lag ? lag.enqueued - lag.applied : 0;
  }

  /** Throws RESOURCE_EXHAUSTED when any of the replicas has a full queue. */
  admit(replicas: string[], describe: (replica: string) => string): void {
    for (const replica of replicas) {
      const waiting = this.backlog(replica);
      if (waiting < this.maxOperations) continue;
      const rate = this.lags.get(replica)?.rate ?? 0;
      const seconds = rate > 0 ? Math.min(30, Math.max(1, (waiting - this.maxOperations / 2) / rate)) : 5;
      throw overloaded(`${describe(replica)} has ${waiting} operations waiting to be applied (limit ${this.maxOperations}); retry later`, seconds);
    }
  }
}
