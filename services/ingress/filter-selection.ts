// Writes that select points by filter (a PointsSelector's `filter`) and conditional writes
// (`update_filter`), at the ingress. The wire filter is converted and validated here with
// filterFromWire, so a bad filter is refused (INVALID_ARGUMENT) before anything is queued; the
// operation carries the engine's Filter, and each replica selects the points it matches when it
// applies the operation, on its own state (libs/engine/shard-store.ts). Which shard holds a
// matching point is unknown here, so an operation selecting by filter goes to every shard.
import { filterFromWire } from '../../libs/api/index.ts';
import type { CollectionRecord } from '../../libs/cluster/index.ts';
import type { Filter, ShardOperation } from '../../libs/engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/**
 * The filter of a PointsSelector that selects by filter, validated; null when it lists ids. A
 * filter without conditions is {}, which selects every point (as in Qdrant).
 */
export function selectorFilter(selector: Message): Filter | null {
  if (!selector.filter) return null;
  return filterFromWire(selector.filter) ?? {};
}

/**
 * Qdrant's `update_filter`, validated; undefined when absent or without conditions (then every
 * existing point qualifies, as with no filter at all).
 */
export function updateFilterOf(request: Message): Filter | undefined {
  return filterFromWire(request.update_filter, 'update_filter');
}

/** The same operation for every shard of the collection. */
export function onEveryShard(record: CollectionRecord, op: ShardOperation): Map<number, ShardOperation> {
  return new Map(record.shards.map((_, shard) => [shard, op]));
}
