// Reads of one shard replica, wherever it lives: the indexer in this process answers directly,
// one elsewhere through the internal shard RPC. Both speak these domain types.
import type { Filter, PointId, PointRecord, ReadSelectors, ScoredRecord, SearchRequest } from '../engine/index.ts';

/** What Count asks of a replica: the points matching `filter` (all without one). */
export interface CountQuery {
  filter?: Filter;
  /** The planner's estimate may answer (Count with exact=false). */
  estimate?: boolean;
}

export interface ReplicaStats {
  points: number;
  /** Labels not yet in the HNSW graph (searched exactly meanwhile). */
  unindexed: number;
  /** A compaction is building the replica's new graphs (Qdrant's running optimiser). */
  optimizing?: boolean;
  /** Why the replica's HNSW graph failed (its searches scan exactly), when it did. */
  indexError?: string;
  /** Per payload index (field name): points holding a value of the index's type. */
  indexedPoints?: Record<string, number>;
}

export interface ReplicaReader {
  search(replica: string, request: SearchRequest, signal?: AbortSignal): Promise<ScoredRecord[]>;
  get(replica: string, ids: PointId[], selectors: ReadSelectors, signal?: AbortSignal): Promise<PointRecord[]>;
  count(replica: string, signal?: AbortSignal, query?: CountQuery): Promise<number>;
  /** Up to `limit` points in Qdrant's id order from `from` (inclusive), only those matching `filter` if given. */
  scroll(replica: string, from: PointId | undefined, limit: number, selectors: ReadSelectors, signal?: AbortSignal, filter?: Filter): Promise<PointRecord[]>;
  stats(replica: string, signal?: AbortSignal): Promise<ReplicaStats>;
}
