// The engine's vocabulary. Nothing here knows about gRPC, protobuf or queues.
import type { Filter } from './filter/model.ts';
import type { Scorer } from './scorers.ts';

/** A point id: an unsigned 64-bit integer (as bigint, never a JS number) or a canonical UUID string. */
export type PointId = bigint | string;

/** JSON payload values; integers are bigint so int64 values keep every digit, other numbers are doubles. */
export type PayloadValue = null | boolean | number | bigint | string | PayloadValue[] | PayloadObject;
export interface PayloadObject {
  [key: string]: PayloadValue;
}
export type Payload = PayloadObject;

/**
 * Qdrant's point id order: every numeric id (numerically) before every UUID (by bytes, which for
 * canonical lower-case UUIDs is string order).
 */
export function compareIds(a: PointId, b: PointId): number {
  if (typeof a === 'bigint') return typeof b === 'bigint' ? (a < b ? -1 : a > b ? 1 : 0) : -1;
  if (typeof b === 'bigint') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export type Distance = 'Cosine' | 'Euclid' | 'Dot' | 'Manhattan';

export interface HnswParams {
  m: number;
  efConstruct: number;
  /** Below this many kilobytes of vectors a shard answers by exact scan (Qdrant's full_scan_threshold). */
  fullScanThresholdKb: number;
}

export interface VectorSpace {
  dim: number;
  distance: Distance;
}

/** When a replica compacts away the labels of overwritten and deleted points (Qdrant's vacuum). */
export interface VacuumParams {
  /** Compact once retired labels are at least this fraction of all labels... */
  deletedThreshold: number;
  /** ...and at least this many. */
  minRetired: number;
}

/** One vector name's space and graph parameters. */
export interface VectorParams extends VectorSpace {
  hnsw: HnswParams;
}

/**
 * What a replica needs to know to store and index its points. Without `named`, the shard has the
 * single unnamed vector "" described by dim/distance/hnsw. With `named`, the shard's vectors are
 * exactly those names and the top-level dim/distance/hnsw describe nothing (see vectorParamsByName).
 */
export interface ShardParams extends VectorParams {
  named?: Record<string, VectorParams>;
  vacuum?: VacuumParams;
}

/** The shard's vector names and their parameters; "" is the unnamed default vector. */
export function vectorParamsByName(params: ShardParams): Map<string, VectorParams> {
  if (params.named) return new Map(Object.entries(params.named));
  return new Map([['', { dim: params.dim, distance: params.distance, hnsw: params.hnsw }]]);
}

/** Vectors of one point by name; a name the point lacks is absent. */
export type NamedVectors = Record<string, Float32Array>;

export interface PointRecord {
  id: PointId;
  payload: Payload | null;
  /** The unnamed default vector "", when selected and present. */
  vector: Float32Array | null;
  /**
   * The selected named (non-default) vectors the point has. Set (maybe empty) only when vectors were
   * selected and the shard has named vectors, so a reader knows to answer NamedVectors.
   */
  named?: NamedVectors;
}

export interface ScoredRecord extends PointRecord {
  score: number;
  version: number;
  /** The payload value an order_by scorer ordered this point by. */
  orderValue?: number | bigint;
}

/** Which payload keys and whether the vector to return with a point. */
export interface PayloadSelector {
  /** 'all' | 'none' | only these top-level keys / paths | all but these. */
  mode: 'all' | 'none' | 'include' | 'exclude';
  keys?: string[];
}

/** Which vectors to return: all (true), none (false), or only these names ("" is the default). */
export type VectorSelector = boolean | string[];

export interface ReadSelectors {
  payload: PayloadSelector;
  vector: VectorSelector;
}

export interface SearchRequest {
  vector: Float32Array; // already prepared for the distance of vectorName
  /** The vector name searched; absent means the default "". */
  vectorName?: string;
  /** How many best points to return (the caller's offset + limit). */
  top: number;
  scoreThreshold?: number;
  hnswEf?: number;
  exact?: boolean;
  /** Only points matching it (see filter/). */
  filter?: Filter;
  selectors: ReadSelectors;
  /** Score by this instead of nearness to `vector` (exact scan, larger is better; see scorers.ts). */
  scorer?: Scorer;
  /** Consider only these points (a prefetch's results being rescored); scanned exactly. */
  candidates?: PointId[];
}
