// CreateCollection -> the stored qdrant.CollectionConfig (Qdrant's defaults filled in), and the
// stored record -> qdrant.CollectionInfo. Options quiver does not implement yet are refused with
// UNIMPLEMENTED rather than accepted and silently ignored.
import { badInput, notSupportedYet, validationError } from '../../errors/index.ts';
import { payloadFromMessage, payloadToMessage } from '../../engine/index.ts';
import type { CollectionRecord } from '../../cluster/collection-record.ts';
import { boundedInt } from '../validate.ts';
import { checkHnswDiff, checkQuantization, clean, mergeHnsw, mergeOptimizers, mergeStrictMode, mergeWal } from './config-diffs.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

const DISTANCES = new Set(['Cosine', 'Euclid', 'Dot', 'Manhattan']);

const HNSW_DEFAULTS = { m: '16', ef_construct: '100', full_scan_threshold: '10000', max_indexing_threads: '0', on_disk: false };
const OPTIMIZER_DEFAULTS = {
  deleted_threshold: 0.2,
  vacuum_min_vector_number: '1000',
  default_segment_number: '0',
  indexing_threshold: '10000',
  flush_interval_sec: '5',
  max_optimization_threads: { setting: 'Auto' },
};
const WAL_DEFAULTS = { wal_capacity_mb: '32', wal_segments_ahead: '0' };

function vectorParams(params: Message, field = 'vectors_config.params'): Message {
  const size = boundedInt(params.size ?? 0, `${field}.size`, 0, 1, 65536);
  if (!DISTANCES.has(params.distance)) throw badInput(`Malformed distance parameter: ${params.distance ?? 'UnknownDistance'}`);
  if (params.multivector_config) throw notSupportedYet('Multi-vectors (multivector_config)');
  if (params.datatype && params.datatype !== 'Float32' && params.datatype !== 'Default') throw notSupportedYet(`Datatype ${params.datatype}`);
  const out = clean(params);
  out.size = String(size);
  checkHnswDiff(params.hnsw_config, `${field}.hnsw_config`);
  checkQuantization(params.quantization_config, `${field}.quantization_config`);
  if (params.hnsw_config) out.hnsw_config = clean(params.hnsw_config);
  return out;
}

/** Named vectors: each name checked as `params` is; stored as the params_map message. */
function namedVectorParams(map: Record<string, Message> | undefined): Message {
  const stored: Record<string, Message> = {};
  for (const [name, params] of Object.entries(map ?? {})) {
    if (name.length === 0) throw validationError('vectors_config.params_map', 'vector name must not be empty');
    stored[name] = vectorParams(params, `vectors_config.params_map.${name}`);
  }
  return { map: stored };
}

export function configFromCreate(request: Message): Message {
  const vectors = request.vectors_config;
  let vectorsConfig: Message | undefined;
  if (vectors?.params) vectorsConfig = { params: vectorParams(vectors.params) };
  else if (vectors?.params_map) vectorsConfig = { params_map: namedVectorParams(vectors.params_map.map) };
  if (request.sparse_vectors_config && Object.keys(request.sparse_vectors_config.map ?? {}).length) {
    throw notSupportedYet('Sparse vectors');
  }
  if (request.sharding_method === 'Custom') throw notSupportedYet('Custom sharding');
  const shardNumber = boundedInt(request.shard_number, 'shard_number', 1, 1, 1024);
  const replicationFactor = boundedInt(request.replication_factor, 'replication_factor', 1, 1, 64);
  const writeConsistency = boundedInt(request.write_consistency_factor, 'write_consistency_factor', 1, 1, 64);
  const metadata = payloadToMessage(payloadFromMessage(request.metadata));
  const config: Message = {
    params: {
      shard_number: shardNumber,
      on_disk_payload: request.on_disk_payload ?? true,
      ...(vectorsConfig ? { vectors_config: vectorsConfig } : {}),
      replication_factor: replicationFactor,
      write_consistency_factor: writeConsistency,
      sharding_method: 'Auto',
    },
    hnsw_config: mergeHnsw(HNSW_DEFAULTS, request.hnsw_config, 'hnsw_config'),
    optimizer_config: mergeOptimizers(OPTIMIZER_DEFAULTS, request.optimizers_config),
    wal_config: mergeWal(WAL_DEFAULTS, request.wal_config),
    metadata,
  };
  checkQuantization(request.quantization_config, 'quantization_config');
  if (request.quantization_config) config.quantization_config = request.quantization_config;
  if (request.strict_mode_config) config.strict_mode_config = mergeStrictMode(undefined, request.strict_mode_config);
  return config;
}

const SCHEMA_TYPE_BY_FIELD_TYPE: Record<string, string> = {
  FieldTypeKeyword: 'Keyword',
  FieldTypeInteger: 'Integer',
  FieldTypeFloat: 'Float',
  FieldTypeGeo: 'Geo',
  FieldTypeText: 'Text',
  FieldTypeBool: 'Bool',
  FieldTypeDatetime: 'Datetime',
  FieldTypeUuid: 'Uuid',
};

export function isFieldType(name: unknown): name is string {
  return typeof name === 'string' && name in SCHEMA_TYPE_BY_FIELD_TYPE;
}

export interface CollectionFigures {
  pointsCount: number;
  /** Points the HNSW graphs hold (the rest are searched exactly until they do). */
  indexedCount: number;
  /** Operations queued for the collection's replicas and not applied yet. */
  queued: number;
  /** Some replica is compacting (building new graphs in the background). */
  optimizing?: boolean;
  /** Replicas whose HNSW graph failed (they answer by exact scan): Qdrant's failed optimizer. */
  indexErrors?: string[];
  /** Per payload index: points holding a value it indexes, over all shards. */
  indexedPoints?: Record<string, number>;
}

export function collectionInfo(record: CollectionRecord, figures: CollectionFigures): Message {
  const payloadSchema: Message = {};
  for (const [field, type] of Object.entries(record.payloadIndexes)) {
    const params = record.payloadIndexParams?.[field];
    payloadSchema[field] = {
      data_type: SCHEMA_TYPE_BY_FIELD_TYPE[type] ?? 'UnknownType',
      ...(params ? { params } : {}),
      ...(figures.indexedPoints ? { points: String(figures.indexedPoints[field] ?? 0) } : {}),
    };
  }
  const indexError = figures.indexErrors?.[0];
  const optimizing = figures.queued > 0 || figures.indexedCount < figures.pointsCount || Boolean(figures.optimizing);
  return {
    // Red with a failed graph (Qdrant: an optimizer error); Yellow while writes wait in queues or
    // points wait for the graph or a compaction builds new graphs, as Qdrant is while optimising;
    // Green otherwise.
    status: indexError ? 'Red' : optimizing ? 'Yellow' : 'Green',
    optimizer_status: indexError ? { ok: false, error: indexError } : { ok: true },
    segments_count: String(record.shards.length),
    config: record.config,
    payload_schema: payloadSchema,
    points_count: String(figures.pointsCount),
    indexed_vectors_count: String(figures.indexedCount),
    update_queue: { length: String(figures.queued) },
  };
}
