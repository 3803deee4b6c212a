// What the catalog stores for a collection. `config` is kept in the wire shape of
// qdrant.CollectionConfig (JSON-safe: uint64 as decimal strings), so Get echoes exactly what was
// configured, Qdrant's defaults filled in. Domain views are derived from it here.
import type { Distance, ShardParams, VectorSpace } from '../engine/index.ts';

export interface ReplicaPlacement {
  /** Replica number within its shard. */
  id: number;
  /** Node id of the indexer that owns the replica, or null until an indexer claims it. */
  owner: string | null;
}

export interface ShardPlacement {
  replicas: ReplicaPlacement[];
}

export interface CollectionRecord {
  /** Unique per creation: names the replicas' queues and directories, so a re-created collection starts clean. */
  id: string;
  name: string;
  createdAt: number;
  // biome-ignore lint: wire shape of qdrant.CollectionConfig
  config: Record<string, any>;
  /** Declared payload indexes: field name -> qdrant.FieldType name. */
  payloadIndexes: Record<string, string>;
  /** PayloadIndexParams given with a declaration (wire shape), echoed in payload_schema. Absent in older records. */
  payloadIndexParams?: Record<string, Record<string, unknown>>;
  shards: ShardPlacement[];
}

/** The collection's single unnamed vector space, or null when it was created without vectors. */
export function vectorSpaceOf(record: CollectionRecord): VectorSpace | null {
  const params = record.config.params?.vectors_config?.params;
  if (!params) return null;
  return { dim: Number(params.size), distance: params.distance as Distance };
}

export function shardParamsOf(record: CollectionRecord): ShardParams {
  const space = vectorSpaceOf(record) ?? { dim: 0, distance: 'Cosine' as Distance };
  const hnsw = { ...record.config.hnsw_config, ...(record.config.params?.vectors_config?.params?.hnsw_config ?? {}) };
  const optimizer = record.config.optimizer_config ?? {};
  return {
    ...space,
    vacuum: {
      deletedThreshold: Number(optimizer.deleted_threshold ?? 0.2),
      minRetired: Number(optimizer.vacuum_min_vector_number ?? 1000),
    },
    hnsw: {
      m: Number(hnsw.m),
      efConstruct: Number(hnsw.ef_construct),
      fullScanThresholdKb: Number(hnsw.full_scan_threshold),
    },
  };
}

/** Replica key used for queue names, directories and RPC routing: `<collection id>.<shard>.<replica>`. */
export function replicaKey(collectionId: string, shard: number, replica: number): string {
  return `${collectionId}.${shard}.${replica}`;
}
