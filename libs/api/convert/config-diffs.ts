// Merging a configuration *diff* message (HnswConfigDiff, OptimizersConfigDiff, ...) into the stored
// wire-shaped configuration, with Qdrant's validation bounds. Shared by CreateCollection (a diff
// over Qdrant's defaults) and UpdateCollection (a diff over what is stored). Every function is
// pure: it returns a new object and throws (INVALID_ARGUMENT) before anything is stored.
import { validationError } from '../../errors/index.ts';
import { boundedInt } from '../validate.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** Drops proto-loader's oneof discriminators and absent values, so stored JSON stays the message. */
export function clean(message: Message | undefined): Message {
  const out: Message = {};
  if (!message) return out;
  for (const [key, value] of Object.entries(message)) {
    if (value === undefined || value === null) continue;
    if (key.startsWith('_')) continue; // synthetic oneofs of proto3 optional fields
    out[key] = value;
  }
  return out;
}

// The bounds are Qdrant's request validation (its gRPC `validate` rules); fields it does not bound
// are still required to be integers where the wire type is one.

/** Qdrant's bounds on HnswConfigDiff fields (`prefix` names the field in messages). */
export function checkHnswDiff(diff: Message | undefined, prefix: string): void {
  if (!diff) return;
  boundedInt(diff.m, `${prefix}.m`, 0, 0);
  boundedInt(diff.ef_construct, `${prefix}.ef_construct`, 4, 4);
  boundedInt(diff.full_scan_threshold, `${prefix}.full_scan_threshold`, 0, 0);
  boundedInt(diff.max_indexing_threads, `${prefix}.max_indexing_threads`, 0, 0);
  boundedInt(diff.payload_m, `${prefix}.payload_m`, 0, 0);
}

export function mergeHnsw(base: Message, diff: Message | undefined, prefix: string): Message {
  checkHnswDiff(diff, prefix);
  return { ...base, ...clean(diff) };
}

/** Qdrant's bounds on OptimizersConfigDiff fields. */
export function mergeOptimizers(base: Message, diff: Message | undefined, prefix = 'optimizers_config'): Message {
  if (!diff) return { ...base };
  if (diff.deleted_threshold !== undefined && diff.deleted_threshold !== null) {
    const t = Number(diff.deleted_threshold);
    if (!(t >= 0 && t <= 1)) throw validationError(`${prefix}.deleted_threshold`, 'must be from 0 to 1');
  }
  boundedInt(diff.vacuum_min_vector_number, `${prefix}.vacuum_min_vector_number`, 100, 100);
  boundedInt(diff.default_segment_number, `${prefix}.default_segment_number`, 0, 0);
  boundedInt(diff.max_segment_size, `${prefix}.max_segment_size`, 1, 1);
  boundedInt(diff.memmap_threshold, `${prefix}.memmap_threshold`, 0, 0);
  boundedInt(diff.indexing_threshold, `${prefix}.indexing_threshold`, 0, 0);
  boundedInt(diff.flush_interval_sec, `${prefix}.flush_interval_sec`, 0, 0);
  return { ...base, ...clean(diff) };
}

export function mergeWal(base: Message, diff: Message | undefined): Message {
  if (!diff) return { ...base };
  boundedInt(diff.wal_capacity_mb, 'wal_config.wal_capacity_mb', 1, 1);
  boundedInt(diff.wal_segments_ahead, 'wal_config.wal_segments_ahead', 0, 0);
  boundedInt(diff.wal_retain_closed, 'wal_config.wal_retain_closed', 1, 1);
  return { ...base, ...clean(diff) };
}

/** A QuantizationConfig (or the non-disabled variant of a QuantizationConfigDiff), checked. */
export function checkQuantization(config: Message | undefined, prefix: string): void {
  const quantile = config?.scalar?.quantile;
  if (quantile !== undefined && quantile !== null && !(Number(quantile) >= 0.5 && Number(quantile) <= 1)) {
    throw validationError(`${prefix}.scalar.quantile`, 'must be from 0.5 to 1');
  }
}

const STRICT_MODE_AT_LEAST_ONE = ['max_query_limit', 'max_timeout', 'max_points_count', 'read_rate_limit', 'write_rate_limit'];

export function mergeStrictMode(base: Message | undefined, diff: Message | undefined): Message | undefined {
  if (!diff) return base;
  for (const field of STRICT_MODE_AT_LEAST_ONE) boundedInt(diff[field], `strict_mode_config.${field}`, 1, 1);
  return { ...(base ?? {}), ...clean(diff) };
}
