// qdrant.Points UpdateVectors and DeleteVectors. Validated whole before anything is queued (unknown
// names, dimensions, non-finite values); then one operation per shard, as every write.
// Points that do not exist are not an input error: the replicas skip them and report NOT_FOUND
// ("No point with id N found") to wait=true callers, after changing the points they found, as
// Qdrant does; wait=false callers get Acknowledged. DeleteVectors by filter and UpdateVectors'
// update_filter select on the replicas when applied (see filter-selection.ts).
import { type CallContext, collectionName, pointIdFromWire, rejectShardKeySelector, spaceNamed } from '../../libs/api/index.ts';
import { type Catalog, type CollectionRecord, vectorSpacesOf } from '../../libs/cluster/index.ts';
import { type Filter, type PointId, type ShardOperation, shardOf } from '../../libs/engine/index.ts';
import { badInput, validationError } from '../../libs/errors/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import { onEveryShard, selectorFilter, updateFilterOf } from './filter-selection.ts';
import { writeOptions } from './points-write-rpcs.ts';
import { preparedPointVectors, VectorBlocksBuilder } from './vector-blocks.ts';
import type { WritePath } from './write-path.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** `updateFilter`: existing points not matching it are left alone (Qdrant's update_filter). */
export function updateVectorsOperations(record: CollectionRecord, points: Message[], updateFilter?: Filter): Map<number, ShardOperation> {
  const spaces = vectorSpacesOf(record);
  const groups = new Map<number, { ids: PointId[]; vectors: VectorBlocksBuilder }>();
  for (const point of points) {
    const id = pointIdFromWire(point.id);
    const vectors = preparedPointVectors(point.vectors, spaces);
    if (vectors.size === 0) throw badInput('Expected some vectors');
    const shard = shardOf(id, record.shards.length);
    let group = groups.get(shard);
    if (!group) groups.set(shard, (group = { ids: [], vectors: new VectorBlocksBuilder(spaces) }));
    group.ids.push(id);
    group.vectors.add(vectors);
  }
  return new Map([...groups].map(([shard, g]) => [
    shard, { kind: 'update_vectors', ids: g.ids, vectors: g.vectors.blocks(), ...(updateFilter ? { updateFilter } : {}) },
  ]));
}

export function deleteVectorsOperations(record: CollectionRecord, selector: Message | undefined, names: unknown): Map<number, ShardOperation> {
  if (!selector) throw badInput('PointSelector is missing');
  if (!Array.isArray(names) || names.length === 0) throw validationError('vectors.names', 'must not be empty');
  const spaces = vectorSpacesOf(record);
  for (const name of names) spaceNamed(spaces, name);
  const filter = selectorFilter(selector);
  if (filter) return onEveryShard(record, { kind: 'delete_vectors', ids: [], names: [...new Set(names as string[])], filter });
  const groups = new Map<number, PointId[]>();
  for (const raw of selector.points?.ids ?? []) {
    const id = pointIdFromWire(raw);
    const shard = shardOf(id, record.shards.length);
    groups.set(shard, [...(groups.get(shard) ?? []), id]);
  }
  return new Map([...groups].map(([shard, ids]) => [shard, { kind: 'delete_vectors', ids, names: [...new Set(names as string[])] }]));
}

export function vectorWriteRpcs(catalog: Catalog, writes: WritePath): RpcTable {
  const collection = (req: Message) => catalog.get(collectionName(req.collection_name));
  const submit = (record: CollectionRecord, ops: Map<number, ShardOperation>, req: Message, ctx: CallContext) =>
    writes.submit(record, ops, writeOptions(req), ctx).then((result) => ({ result }));

  return {
    'Points/UpdateVectors': {
      access: 'write',
      handler: async (req, ctx) => {
        const record = await collection(req);
        rejectShardKeySelector(req);
        return submit(record, updateVectorsOperations(record, req.points ?? [], updateFilterOf(req)), req, ctx);
      },
    },
    'Points/DeleteVectors': {
      access: 'write',
      handler: async (req, ctx) => {
        const record = await collection(req);
        rejectShardKeySelector(req);
        return submit(record, deleteVectorsOperations(record, req.points_selector, req.vectors?.names), req, ctx);
      },
    },
  };
}
