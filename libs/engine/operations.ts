// Operations a shard replica applies, and what applying one yields. Applying is deterministic:
// the same operation applied to the same state gives the same state and outcome, which is what
// makes WAL replay and queue redelivery safe.
import type { Filter } from './filter/index.ts';
import type { Payload, PointId } from './types.ts';

/**
 * Which points an operation targets: listed ids, or the live points matching a filter when the
 * operation is applied (the replica's state then decides, so WAL replay selects the same points).
 * An empty filter ({}) selects every point.
 */
export type PointTarget = { ids: PointId[] } | { filter: Filter };

/**
 * Qdrant's UpdateMode, decided per point by the store's state when the upsert is applied:
 * 'upsert' writes every point, 'insert_only' only ids that do not exist yet, 'update_only' only
 * ids that exist.
 */
export type UpsertMode = 'upsert' | 'insert_only' | 'update_only';

/**
 * The vectors of one name for some of an operation's points, packed: `points` lists the indexes
 * (into the operation's ids, ascending) of the points that carry this name; absent, every point does.
 */
export interface VectorBlock {
  name: string;
  dim: number;
  points?: number[];
  /** (points?.length ?? ids.length) * dim values, prepared for the name's distance. */
  vectors: Float32Array;
}

/**
 * Replaces whole points. `dim`/`vectors` carry the default vector "" of every point (dim 0 and no
 * values when the collection has none).
 */
export interface UpsertOperation {
  kind: 'upsert';
  ids: PointId[];
  dim: number;
  /** ids.length * dim values, prepared for the distance. */
  vectors: Float32Array;
  payloads: (Payload | null)[];
  /** Absent means 'upsert'. */
  mode?: UpsertMode;
  /**
   * Qdrant's update_filter, judged on the state before the operation: an existing point that does
   * not match it is left as it is; ids that do not exist are written as `mode` says.
   */
  updateFilter?: Filter;
  /** The named vectors (collections with params_map); a point may lack some. */
  named?: VectorBlock[];
}

/**
 * Replaces the given vectors of existing points, keeping their other vectors and payload (the
 * point gets a new label and version). Missing points are skipped and reported as not_found.
 */
export interface UpdateVectorsOperation {
  kind: 'update_vectors';
  ids: PointId[];
  vectors: VectorBlock[];
  /** As UpsertOperation's: existing points not matching it (before the operation) are skipped, not reported. */
  updateFilter?: Filter;
}

/** Removes the listed vector names from existing points; missing points are reported as not_found. */
export interface DeleteVectorsOperation {
  kind: 'delete_vectors';
  ids: PointId[];
  names: string[];
  /** Also the points matching this filter when applied (none matching is no error). */
  filter?: Filter;
}

export interface DeletePointsOperation {
  kind: 'delete_points';
  ids: PointId[];
  /** Also delete the points matching this filter when applied. */
  filter?: Filter;
}

/** SetPayload: merge `payload` into each point's payload, at `key` when given (see json-path.ts). */
export interface SetPayloadOperation {
  kind: 'set_payload';
  target: PointTarget;
  payload: Payload;
  key?: string;
}

/** OverwritePayload: the payload becomes exactly `payload`. */
export interface OverwritePayloadOperation {
  kind: 'overwrite_payload';
  target: PointTarget;
  payload: Payload;
}

/** DeletePayload: remove these key paths. */
export interface DeletePayloadOperation {
  kind: 'delete_payload';
  target: PointTarget;
  keys: string[];
}

export interface ClearPayloadOperation {
  kind: 'clear_payload';
  target: PointTarget;
}

export type PayloadOperation = SetPayloadOperation | OverwritePayloadOperation | DeletePayloadOperation | ClearPayloadOperation;

/**
 * Several operations applied one after another as one operation (one sequence number, so
 * atomically with respect to other writes of the replica): UpdateBatch's share of one shard.
 * The outcome is the first failure, or OK. With stopAtFirstFailure (UpdateBatch with wait=true,
 * where Qdrant stops at the first error) the operations after a failed one are not applied;
 * without it (wait=false, where Qdrant applies each queued operation regardless) they all are.
 */
export interface BatchOperation {
  kind: 'batch';
  operations: ShardOperation[];
  stopAtFirstFailure: boolean;
}

export interface FieldIndexOperation {
  kind: 'create_field_index' | 'delete_field_index';
  fieldName: string;
  fieldType: string;
}

export type ShardOperation = (
  | UpsertOperation
  | UpdateVectorsOperation
  | DeleteVectorsOperation
  | DeletePointsOperation
  | FieldIndexOperation
  | PayloadOperation
  | BatchOperation
) & {
  traceContext?: Record<string, string>;
};

/** The result of applying one operation; errors are results (reported to `wait=true` callers), not exceptions. */
export type OperationOutcome = { ok: true } | { ok: false; kind: 'not_found' | 'bad_input'; message: string };

export const OK: OperationOutcome = { ok: true };

/** Qdrant's answer (with wait=true) to an id-targeted change of a point that does not exist. */
export const pointNotFound = (id: PointId): OperationOutcome => ({ ok: false, kind: 'not_found', message: `No point with id ${id} found` });
