// Live indexer processes and where to reach them. An indexer heartbeats every few seconds; one
// whose heartbeat is older than the TTL is not live. Placement of new replicas uses this list.
import type { Redis } from 'ioredis';
import type { ShardPlacement } from './collection-record.ts';
import type { Keys } from './keys.ts';

export const HEARTBEAT_INTERVAL_MS = 2_000;
export const HEARTBEAT_TTL_MS = 10_000;

export interface IndexerInfo {
  id: string;
  /** host:port of its internal shard RPC. */
  address: string;
  startedAt: number;
}

export class Registry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async heartbeat(info: IndexerInfo): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.indexers, info.id, JSON.stringify(info))
      .zadd(this.keys.heartbeats, Date.now(), info.id)
      .exec();
  }

  async leave(id: string): Promise<void> {
    await this.redis.zrem(this.keys.heartbeats, id);
  }

  async live(): Promise<IndexerInfo[]> {
    const ids = await this.redis.zrangebyscore(this.keys.heartbeats, Date.now() - HEARTBEAT_TTL_MS, '+inf');
    if (ids.length === 0) return [];
    const infos = await this.redis.hmget(this.keys.indexers, ...ids);
    return infos.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as IndexerInfo);
  }

  async info(id: string): Promise<IndexerInfo | null> {
    const raw = await this.redis.hget(this.keys.indexers, id);
    return raw ? (JSON.parse(raw) as IndexerInfo) : null;
  }
}

/**
 * Replicas for a new collection. Like Qdrant, a replication factor above the number of live
 * indexers creates only as many replicas as there are indexers (at least one). Owners are assigned
 * round-robin; with no live indexer the replicas wait unowned for the first one to claim them.
 */
export function planPlacement(shardNumber: number, replicationFactor: number, live: IndexerInfo[]): ShardPlacement[] {
  const perShard = Math.max(1, Math.min(replicationFactor, live.length));
  const owners = [...live].sort((a, b) => (a.id < b.id ? -1 : 1));
  let next = 0;
  return Array.from({ length: shardNumber }, () => ({
    replicas: Array.from({ length: perShard }, (_, id) => ({
      id,
      owner: owners.length ? owners[next++ % owners.length].id : null,
    })),
  }));
}
