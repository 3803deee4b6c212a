// What the catalog stores for a collection. `config` is kept in the wire shape of
// qdrant.CollectionConfig (JSON-safe: uint64 as decimal strings), so Get echoes exactly what was
// configured, Qdrant's defaults filled in. Domain views are derived from it here.
import type { Distance, ShardParams, VectorParams, VectorSpace } from '../engine/index.ts';

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

/** The collection's single unnamed vector space, or null when it has none (no vectors, or named ones). */
export function vectorSpaceOf(record: CollectionRecord): VectorSpace | null {
  return vectorSpacesOf(record).get('') ?? null;
}

// biome-ignore lint: wire shape of qdrant.VectorParams
type StoredVectorParams = Record<string, any>;

function storedVectorParams(record: CollectionRecord): Map<string, StoredVectorParams> {
  const vectors = record.config.params?.vectors_config;
  if (vectors?.params) return new Map([['', vectors.params]]);
  return new Map(Object.entries(vectors?.params_map?.map ?? {}));
}

/** The collection's vector spaces by name: "" alone for the unnamed vector, else the named ones. */
export function vectorSpacesOf(record: CollectionRecord): Map<string, VectorSpace> {
  const out = new Map<string, VectorSpace>();
  for (const [name, params] of storedVectorParams(record)) out.set(name, { dim: Number(params.size), distance: params.distance as Distance });
  return out;
}

/** Whether the collection was created with named vectors (params_map): reads answer NamedVectors. */
export function hasNamedVectors(record: CollectionRecord): boolean {
  return Boolean(record.config.params?.vectors_config?.params_map);
}

/** A vector's HNSW parameters: its own hnsw_config over the collection's. */
function vectorParamsOf(record: CollectionRecord, params: StoredVectorParams): VectorParams {
  const hnsw = { ...record.config.hnsw_config, ...(params.hnsw_config ?? {}) };
  return {
    dim: Number(params.size),
    distance: params.distance as Distance,
    hnsw: { m: Number(hnsw.m), efConstruct: Number(hnsw.ef_construct), fullScanThresholdKb: Number(hnsw.full_scan_threshold) },
  };
}

export function shardParamsOf(record: CollectionRecord): ShardParams {
  const stored = storedVectorParams(record);
  const optimizer = record.config.optimizer_config ?? {};
  const vacuum = {
    deletedThreshold: Number(optimizer.deleted_threshold ?? 0.2),
    minRetired: Number(optimizer.vacuum_min_vector_number ?? 1000),
  };
  if (hasNamedVectors(record)) {
    const named = Object.fromEntries([...stored].map(([name, params]) => [name, vectorParamsOf(record, params)]));
    return { ...vectorParamsOf(record, { size: 0, distance: 'Cosine' }), named, vacuum };
  }
  return { ...vectorParamsOf(record, stored.get('') ?? { size: 0, distance: 'Cosine' }), vacuum };
}

/** Replica key used for queue names, directories and RPC routing: `<collection id>.<shard>.<replica>`. */
export function replicaKey(collectionId: string, shard: number, replica: number): string {
  return `${collectionId}.${shard}.${replica}`;
}
