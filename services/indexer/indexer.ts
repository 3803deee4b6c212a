// An indexer process's replicas: it claims unowned replicas, opens the ones it owns (replaying
// their WALs), consumes each one's queue in order, and answers reads of them.
// Reconciliation with the catalog is the only way replicas are opened or dropped, and it runs one
// at a time, after catalog events, on start and on demand (a read of a replica not opened yet).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type Catalog, type CollectionRecord, HEARTBEAT_INTERVAL_MS, type Keys, type Registry, replicaKey, shardParamsOf,
} from '../../libs/cluster/index.ts';
import { type Filter, type OperationOutcome, type PointId, type ReadSelectors, type SearchRequest, ShardReplica } from '../../libs/engine/index.ts';
import { QuiverError } from '../../libs/errors/index.ts';
import {
  CompletionPublisher, type LocalHandoff, type OfferedOperation, OfferedOperations, type OperationQueues, type QueuedOperation, startReplicaWorker,
} from '../../libs/queue/index.ts';
import type { CountQuery, ReplicaReader } from '../../libs/shard-rpc/index.ts';
import type { Logger } from '../common/logger.ts';

interface HostedReplica {
  replica: ShardReplica;
  /** Resolves once operations left by a dead predecessor are applied and the worker consumes. */
  worker: Promise<Worker>;
  /** The ShardParams (as JSON) the replica runs with: a catalog change to them is passed on live. */
  params: string;
  /** Operations a local ingress offered ahead of the queue. */
  offered: OfferedOperations;
  /** Completions this process reported, by seq: in flight or done (failed ones are forgotten). */
  reported: Map<number, Promise<void>>;
  stopOffers: () => void;
}

/** How many reported completions each replica remembers, to complete queue duplicates quietly. */
const REPORTED_REMEMBERED = 4096;

export interface IndexerDeps {
  storagePath: string;
  redis: Redis;
  consumer: Redis;
  keys: Keys;
  catalog: Catalog;
  registry: Registry;
  queues: OperationQueues;
  /** Set when an ingress runs in this process: offers and completions take the short way. */
  handoff?: LocalHandoff;
  log: Logger;
}

/** The node id of this storage directory, created on first use, so a restarted indexer owns what it owned. */
function nodeIdOf(storagePath: string): string {
  const file = path.join(storagePath, 'node-id');
  fs.mkdirSync(storagePath, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomUUID());
  return fs.readFileSync(file, 'utf8').trim();
}

export class Indexer implements ReplicaReader {
  readonly id: string;
  private readonly hosted = new Map<string, HostedReplica>();
  private readonly publisher: CompletionPublisher;
  private reconciling: Promise<void> = Promise.resolve();
  private heartbeat: NodeJS.Timeout | undefined;
  private address = '';
  private stopped = false;
  private readonly reportedStray = new Set<string>();

  constructor(private readonly deps: IndexerDeps) {
    this.id = nodeIdOf(deps.storagePath);
    this.publisher = new CompletionPublisher(deps.redis, deps.keys);
  }

  private get replicasDir(): string {
    return path.join(this.deps.storagePath, 'replicas');
  }

  /** Registers in the registry (reachable at `address`) and opens the replicas it owns. */
  async start(address: string): Promise<void> {
    this.address = address;
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch(() => {}), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
    this.deps.catalog.onChange(() => void this.reconcile().catch((err) => this.deps.log.error({ err }, 'reconcile failed')));
    await this.reconcile();
  }

  private async beat(): Promise<void> {
    await this.deps.registry.heartbeat({ id: this.id, address: this.address, startedAt: Date.now() });
  }

  /** Brings hosted replicas in line with the catalog. Calls are serialised. */
  reconcile(): Promise<void> {
    const run = this.reconciling.then(() => this.reconcileNow());
    this.reconciling = run.catch(() => {});
    return run;
  }

  private async reconcileNow(): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map<string, CollectionRecord>();
    for (let record of await this.deps.catalog.list()) {
      if (record.shards.some((s) => s.replicas.some((r) => r.owner === null))) record = await this.claim(record);
      record.shards.forEach((shard, s) => {
        for (const r of shard.replicas) if (r.owner === this.id) wanted.set(replicaKey(record.id, s, r.id), record);
      });
    }
    for (const [key, record] of wanted) if (!this.hosted.has(key)) this.open(key, record);
    for (const [key, record] of wanted) await this.retune(key, record);
    for (const key of [...this.hosted.keys()]) if (!wanted.has(key)) await this.drop(key);
    this.reportStrayDirectories(wanted);
  }

  /** Takes every unowned replica of a collection (compare-and-set: another indexer may be faster). */
  private claim(record: CollectionRecord): Promise<CollectionRecord> {
    return this.deps.catalog.update(record.name, (current) => {
      if (current.id !== record.id) return null;
      let changed = false;
      for (const shard of current.shards) {
        for (const replica of shard.replicas) {
          if (replica.owner === null) {
            replica.owner = this.id;
            changed = true;
          }
        }
      }
      return changed ? current : null;
    });
  }

  /** Passes changed collection settings (UpdateCollection) to a running replica. */
  private async retune(key: string, record: CollectionRecord): Promise<void> {
    const hosted = this.hosted.get(key);
    const params = shardParamsOf(record);
    if (!hosted || hosted.params === JSON.stringify(params)) return;
    await hosted.replica.retune(params);
    hosted.params = JSON.stringify(params);
    this.deps.log.info({ replica: key, hnsw: params.hnsw, vacuum: params.vacuum }, 'replica retuned');
  }

  private open(key: string, record: CollectionRecord): void {
    const replica = ShardReplica.open(path.join(this.replicasDir, key), shardParamsOf(record), {
      onSnapshotError: (err) => this.deps.log.error({ err, replica: key }, 'snapshot failed; the WAL still holds every operation'),
      onCompactionError: (err) => this.deps.log.error({ err, replica: key }, 'compaction failed; the replica keeps its uncompacted store'),
    });
    const hosted: HostedReplica = {
      replica,
      worker: startReplicaWorker(this.deps.consumer, this.deps.keys, key, (op) => this.applyQueued(key, hosted, op), {
        onError: (err) => this.deps.log.warn({ err, replica: key }, 'replica worker error'),
      }),
      params: JSON.stringify(shardParamsOf(record)),
      offered: new OfferedOperations(() => replica.appliedSeq, (op) => this.applyOffered(key, hosted, op)),
      reported: new Map(),
      stopOffers: () => {},
    };
    hosted.worker.catch((err) => this.deps.log.error({ err, replica: key }, 'replica worker did not start'));
    hosted.stopOffers = this.deps.handoff?.consume(key, (op) => hosted.offered.offer(op)) ?? (() => {});
    this.hosted.set(key, hosted);
    this.deps.log.info({ replica: key, collection: record.name, points: replica.store.pointCount, applied: replica.appliedSeq }, 'replica opened');
  }

  /** The queue's job for `op.seq`: applied unless it already was (then completed again if need be). */
  private async applyQueued(key: string, hosted: HostedReplica, op: QueuedOperation): Promise<OperationOutcome> {
    try {
      if (op.seq > hosted.replica.appliedSeq) {
        const result = await hosted.replica.applyLogged(op.seq, await op.load());
        if (!result.duplicate) {
          await this.complete(key, hosted, op.seq, result.outcome, op.ref);
          return result.outcome;
        }
      }
      // A duplicate. One applied from an offer is completed once that completion is out (the job
      // is removed after it); any other redelivery is completed again, as its first completion
      // may have been lost with a crash.
      const reported = await hosted.reported.get(op.seq)?.then(() => true, () => false);
      if (!reported) await this.complete(key, hosted, op.seq, { ok: true }, op.ref);
      return { ok: true };
    } finally {
      hosted.offered.kick();
    }
  }

  /** An operation offered by the ingress of this process, applied only if it is the replica's next. */
  private async applyOffered(key: string, hosted: HostedReplica, op: OfferedOperation): Promise<void> {
    const result = await hosted.replica.applyIfNext(op.seq, op.encoded);
    if (result && !result.duplicate) await this.complete(key, hosted, op.seq, result.outcome, op.ref);
  }

  /**
   * Reports an operation applied (and in the fsynced WAL): to the waiters of this process at once,
   * then through Redis, after the current turn of the event loop so that their answers go out
   * first. Throws when Redis does; the queue's consumer then completes it again.
   */
  private complete(key: string, hosted: HostedReplica, seq: number, outcome: OperationOutcome, ref?: string): Promise<void> {
    this.deps.handoff?.completed(key, seq, outcome);
    const published = nextTurn().then(() => this.publisher.publish(key, seq, outcome, ref));
    hosted.reported.set(seq, published);
    published.catch(() => hosted.reported.get(seq) === published && hosted.reported.delete(seq));
    if (hosted.reported.size > REPORTED_REMEMBERED) hosted.reported.delete(hosted.reported.keys().next().value as number);
    return published;
  }

  private async drop(key: string): Promise<void> {
    const hosted = this.hosted.get(key);
    if (!hosted) return;
    this.hosted.delete(key);
    hosted.stopOffers();
    await hosted.offered.close();
    await (await hosted.worker).close();
    await hosted.replica.destroy();
    await this.deps.queues.destroy(key).catch(() => {});
    await this.deps.redis.del(this.deps.keys.applied(key)).catch(() => {});
    this.deps.log.info({ replica: key }, 'replica dropped (collection deleted)');
  }

  /**
   * Replica directories the catalog does not know. They are reported, never deleted: an empty or
   * wrong Redis must not be able to wipe local data. (Deletions seen live are removed in drop.)
   */
  private reportStrayDirectories(wanted: Map<string, CollectionRecord>): void {
    if (!fs.existsSync(this.replicasDir)) return;
    for (const name of fs.readdirSync(this.replicasDir)) {
      if (!wanted.has(name) && !this.hosted.has(name) && !this.reportedStray.has(name)) {
        this.reportedStray.add(name);
        this.deps.log.warn({ replica: name, dir: path.join(this.replicasDir, name) }, 'replica directory of a collection the catalog does not know; left in place');
      }
    }
  }

  private async replica(key: string): Promise<ShardReplica> {
    let hosted = this.hosted.get(key);
    if (!hosted) {
      await this.reconcile(); // created a moment ago: the catalog event may not have arrived yet
      hosted = this.hosted.get(key);
    }
    if (!hosted) throw new QuiverError('unavailable', `Service unavailable: replica ${key} is not hosted by indexer ${this.id}`);
    return hosted.replica;
  }

  async search(key: string, request: SearchRequest) {
    return await (await this.replica(key)).store.search(request);
  }

  async get(key: string, ids: PointId[], selectors: ReadSelectors) {
    return (await this.replica(key)).store.get(ids, selectors);
  }

  async count(key: string, _signal?: AbortSignal, query: CountQuery = {}) {
    return (await this.replica(key)).store.count(query.filter, !query.estimate);
  }

  async scroll(key: string, from: PointId | undefined, limit: number, selectors: ReadSelectors, _signal?: AbortSignal, filter?: Filter) {
    return (await this.replica(key)).store.scroll(from, limit, selectors, filter);
  }

  async stats(key: string) {
    const replica = await this.replica(key);
    const { store } = replica;
    const failed = store.graph?.failed;
    return {
      points: store.pointCount,
      unindexed: store.unindexedCount,
      optimizing: replica.compacting,
      ...(failed ? { indexError: failed.message } : {}),
      indexedPoints: Object.fromEntries(store.indexedPointCounts()),
    };
  }

  /**
   * Stops consuming (finishing the operation in hand), snapshots and closes the replicas (so the
   * next start replays no WAL), and leaves the registry.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    await this.reconciling;
    for (const h of this.hosted.values()) h.stopOffers();
    await Promise.all([...this.hosted.values()].map((h) => h.offered.close()));
    await Promise.all([...this.hosted.values()].map(async (h) => (await h.worker.catch(() => null))?.close()));
    await Promise.all([...this.hosted.values()].map((h) => h.replica.close({ snapshot: true })));
    this.hosted.clear();
    await this.deps.registry.leave(this.id).catch(() => {});
  }
}
