// Operations a shard replica applies, and what applying one yields. Applying is deterministic:
// the same operation applied to the same state gives the same state and outcome, which is what
// makes WAL replay and queue redelivery safe.
import type { Payload, PointId } from './types.ts';

export interface UpsertOperation {
  kind: 'upsert';
  ids: PointId[];
  dim: number;
  /** ids.length * dim values, prepared for the distance. */
  vectors: Float32Array;
  payloads: (Payload | null)[];
}

export interface DeletePointsOperation {
  kind: 'delete_points';
  ids: PointId[];
}

export interface FieldIndexOperation {
  kind: 'create_field_index' | 'delete_field_index';
  fieldName: string;
  fieldType: string;
}

export type ShardOperation = (UpsertOperation | DeletePointsOperation | FieldIndexOperation) & {
  traceContext?: Record<string, string>;
};

/** The result of applying one operation; errors are results (reported to `wait=true` callers), not exceptions. */
export type OperationOutcome = { ok: true } | { ok: false; kind: 'not_found' | 'bad_input'; message: string };

export const OK: OperationOutcome = { ok: true };
