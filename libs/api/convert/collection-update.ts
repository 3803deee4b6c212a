// UpdateCollection -> the next stored qdrant.CollectionConfig. Pure: it validates the whole request
// and returns a new config, or throws before anything is stored (a refused update changes nothing).
// Each diff is merged over what is stored; absent fields keep their value. Metadata keys are merged
// (Qdrant: "will be merged with already stored metadata"): a key in the request replaces the
// stored key of that name, other stored keys stay.
import { badInput, notSupportedYet } from '../../errors/index.ts';
import { payloadFromMessage, payloadToMessage } from '../../engine/index.ts';
import { boundedInt } from '../validate.ts';
import { checkHnswDiff, checkQuantization, clean, mergeHnsw, mergeOptimizers, mergeStrictMode } from './config-diffs.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export interface UpdateContext {
  /** Replicas each shard has now: a replication factor that needs more or fewer is refused. */
  replicasPerShard: number;
}

/**
 * The stored VectorParams that a VectorParamsDiff for `name` patches ('' is the unnamed default
 * vector). The one place that resolves a vector name in an update: named vectors extend it.
 */
export function vectorParamsToUpdate(config: Message, name: string): Message {
  const vectors = config.params?.vectors_config;
  if (name === '' && vectors?.params) return vectors.params;
  if (vectors?.params_map?.map?.[name]) return vectors.params_map.map[name];
  throw badInput(`Not existing vector name error: ${name}`);
}

function applyVectorParamsDiff(target: Message, diff: Message, field: string): void {
  checkHnswDiff(diff.hnsw_config, `${field}.hnsw_config`);
  if (diff.hnsw_config) target.hnsw_config = { ...(target.hnsw_config ?? {}), ...clean(diff.hnsw_config) };
  if (diff.on_disk !== undefined && diff.on_disk !== null) target.on_disk = diff.on_disk;
  if (diff.quantization_config) {
    const q = quantizationAfter(diff.quantization_config, `${field}.quantization_config`);
    if (q) target.quantization_config = q;
    else delete target.quantization_config;
  }
}

/** A QuantizationConfigDiff as the QuantizationConfig to store; null for `disabled`. */
function quantizationAfter(diff: Message, field: string): Message | null {
  if (diff.disabled) return null;
  const kind = ['scalar', 'product', 'binary', 'turboquant'].find((k) => diff[k]);
  if (!kind) throw badInput('Quantization config diff is empty');
  checkQuantization(diff, field);
  return { [kind]: diff[kind] };
}

function paramsAfter(params: Message, diff: Message | undefined, context: UpdateContext): Message {
  if (!diff) return params;
  const next = { ...params };
  if (diff.replication_factor !== undefined && diff.replication_factor !== null) {
    const factor = boundedInt(diff.replication_factor, 'params.replication_factor', 1, 1, 64);
    // Qdrant leaves new replicas to the cluster API; quiver has no replica transfer yet, so a
    // factor the placement does not already have would be a config that lies about the data.
    if (factor !== context.replicasPerShard) {
      throw notSupportedYet(
        `Changing replication_factor from ${context.replicasPerShard} to ${factor} (it needs replicas to be created or dropped and their data copied)`,
      );
    }
    next.replication_factor = factor;
  }
  if (diff.write_consistency_factor !== undefined && diff.write_consistency_factor !== null) {
    next.write_consistency_factor = boundedInt(diff.write_consistency_factor, 'params.write_consistency_factor', 1, 1, 64);
  }
  if (diff.on_disk_payload !== undefined && diff.on_disk_payload !== null) next.on_disk_payload = diff.on_disk_payload;
  if (diff.read_fan_out_factor !== undefined && diff.read_fan_out_factor !== null) {
    next.read_fan_out_factor = boundedInt(diff.read_fan_out_factor, 'params.read_fan_out_factor', 0, 0, 64);
  }
  if (diff.read_fan_out_delay_ms !== undefined && diff.read_fan_out_delay_ms !== null) {
    next.read_fan_out_delay_ms = String(boundedInt(diff.read_fan_out_delay_ms, 'params.read_fan_out_delay_ms', 0, 0));
  }
  return next;
}

function vectorsAfter(config: Message, diff: Message | undefined): void {
  if (!diff) return;
  if (diff.params) {
    applyVectorParamsDiff(vectorParamsToUpdate(config, ''), diff.params, 'vectors_config.params');
  } else if (diff.params_map) {
    for (const [name, vectorDiff] of Object.entries(diff.params_map.map ?? {})) {
      applyVectorParamsDiff(vectorParamsToUpdate(config, name), vectorDiff as Message, `vectors_config.${name}`);
    }
  }
}

export function configAfterUpdate(stored: Message, request: Message, context: UpdateContext): Message {
  if (request.sparse_vectors_config && Object.keys(request.sparse_vectors_config.map ?? {}).length) {
    throw notSupportedYet('Sparse vectors');
  }
  boundedInt(request.timeout, 'timeout', 1, 1);
  const next: Message = structuredClone(stored);
  next.params = paramsAfter(next.params, request.params, context);
  if (request.hnsw_config) next.hnsw_config = mergeHnsw(next.hnsw_config, request.hnsw_config, 'hnsw_config');
  if (request.optimizers_config) next.optimizer_config = mergeOptimizers(next.optimizer_config, request.optimizers_config);
  vectorsAfter(next, request.vectors_config);
  if (request.quantization_config) {
    const q = quantizationAfter(request.quantization_config, 'quantization_config');
    if (q) next.quantization_config = q;
    else delete next.quantization_config;
  }
  if (request.strict_mode_config) next.strict_mode_config = mergeStrictMode(next.strict_mode_config, request.strict_mode_config);
  const metadata = request.metadata ? payloadToMessage(payloadFromMessage(request.metadata)) : {};
  if (Object.keys(metadata).length) next.metadata = { ...(next.metadata ?? {}), ...metadata };
  return next;
}
