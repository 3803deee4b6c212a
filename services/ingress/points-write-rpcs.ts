// qdrant.Points write RPCs. Everything is validated before anything is queued, so a bad request
// changes nothing; then the request becomes one operation per shard (see write-path.ts).
import {
  boundedInt, type CallContext, collectionName, fieldIndexFromRequest, isFieldType, pointIdFromWire, rejectShardKeySelector,
} from '../../libs/api/index.ts';
import { type Catalog, type CollectionRecord, declareFieldIndex, vectorSpacesOf } from '../../libs/cluster/index.ts';
import {
  type Filter, type Payload, type PointId, payloadFromMessage, type ShardOperation, shardOf, type UpsertMode,
} from '../../libs/engine/index.ts';
import { badInput, validationError } from '../../libs/errors/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import { onEveryShard, selectorFilter, updateFilterOf } from './filter-selection.ts';
import { VectorBlocksBuilder } from './vector-blocks.ts';
import type { WriteOptions, WritePath } from './write-path.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export function writeOptions(req: Message): WriteOptions {
  const timeout = req.timeout === undefined ? undefined : boundedInt(req.timeout, 'timeout', 0, 1);
  return { wait: req.wait === true, timeoutSeconds: timeout };
}

/** The same operation for every shard of the collection (collection-wide changes). */
function everyShard(record: CollectionRecord, op: ShardOperation): Map<number, ShardOperation> {
  return new Map(record.shards.map((_, shard) => [shard, op]));
}

const UPDATE_MODES: Record<string, UpsertMode> = { Upsert: 'upsert', InsertOnly: 'insert_only', UpdateOnly: 'update_only' };

/** Qdrant's UpdateMode (absent: Upsert). The replica decides per point when it applies the upsert. */
export function upsertMode(mode: unknown): UpsertMode {
  if (mode === undefined || mode === null) return 'upsert';
  const known = UPDATE_MODES[String(mode)];
  if (!known) throw badInput(`unknown update_mode ${String(mode)}`);
  return known;
}

/** `updateFilter`: Qdrant's update_filter (see UpsertOperation), judged by each replica when it applies. */
export function upsertOperations(
  record: CollectionRecord, points: Message[], mode: UpsertMode = 'upsert', updateFilter?: Filter,
): Map<number, ShardOperation> {
  const spaces = vectorSpacesOf(record);
  if (spaces.size === 0) throw badInput('Not existing vector name error: ');
  const groups = new Map<number, { ids: PointId[]; vectors: VectorBlocksBuilder; payloads: (Payload | null)[] }>();
  for (const point of points) {
    const id = pointIdFromWire(point.id);
    const shard = shardOf(id, record.shards.length);
    let group = groups.get(shard);
    if (!group) groups.set(shard, (group = { ids: [], vectors: new VectorBlocksBuilder(spaces), payloads: [] }));
    group.vectors.addFromWire(point.vectors); // checked before the payload, as before
    group.ids.push(id);
    group.payloads.push(point.payload && Object.keys(point.payload).length ? payloadFromMessage(point.payload) : null);
  }
  const ops = new Map<number, ShardOperation>();
  for (const [shard, group] of groups) {
    const blocks = group.vectors.blocks();
    // The unnamed vector (every point has it) travels in dim/vectors; named ones as blocks.
    const unnamed = blocks.find((b) => b.name === '');
    const named = blocks.filter((b) => b.name !== '');
    ops.set(shard, {
      kind: 'upsert', ids: group.ids, dim: unnamed?.dim ?? 0, vectors: unnamed?.vectors ?? new Float32Array(), payloads: group.payloads,
      ...(named.length ? { named } : {}), ...(mode === 'upsert' ? {} : { mode }), ...(updateFilter ? { updateFilter } : {}),
    });
  }
  return ops;
}

export function deleteOperations(record: CollectionRecord, selector: Message | undefined): Map<number, ShardOperation> {
  if (!selector) throw badInput('PointSelector is missing');
  const filter = selectorFilter(selector);
  if (filter) return onEveryShard(record, { kind: 'delete_points', ids: [], filter });
  const groups = new Map<number, PointId[]>();
  for (const raw of selector.points?.ids ?? []) {
    const id = pointIdFromWire(raw);
    const shard = shardOf(id, record.shards.length);
    groups.set(shard, [...(groups.get(shard) ?? []), id]);
  }
  return new Map([...groups].map(([shard, ids]) => [shard, { kind: 'delete_points', ids }]));
}

export function pointsWriteRpcs(catalog: Catalog, writes: WritePath): RpcTable {
  const collection = (req: Message) => catalog.get(collectionName(req.collection_name));
  const submit = (record: CollectionRecord, ops: Map<number, ShardOperation>, req: Message, ctx: CallContext) =>
    writes.submit(record, ops, writeOptions(req), ctx).then((result) => ({ result }));

  return {
    'Points/Upsert': {
      access: 'write',
      handler: async (req, ctx) => {
        const record = await collection(req);
        rejectShardKeySelector(req);
        return submit(record, upsertOperations(record, req.points ?? [], upsertMode(req.update_mode), updateFilterOf(req)), req, ctx);
      },
    },
    'Points/Delete': {
      access: 'write',
      handler: async (req, ctx) => {
        const record = await collection(req);
        rejectShardKeySelector(req);
        return submit(record, deleteOperations(record, req.points), req, ctx);
      },
    },
    'Points/CreateFieldIndex': {
      access: 'write',
      handler: async (req, ctx) => {
        const record = await collection(req);
        const { fieldName, fieldType, params } = fieldIndexFromRequest(req, isFieldType);
        const updated = await catalog.update(record.name, (current) => declareFieldIndex(current, fieldName, fieldType, params));
        return submit(updated, everyShard(updated, { kind: 'create_field_index', fieldName, fieldType }), req, ctx);
      },
    },
    'Points/DeleteFieldIndex': {
      access: 'write',
      handler: async (req, ctx) => {
        const record = await collection(req);
        if (typeof req.field_name !== 'string' || req.field_name.length === 0) throw validationError('field_name', 'length must be at least 1');
        const updated = await catalog.update(record.name, (current) => {
          if (!(req.field_name in current.payloadIndexes)) return null;
          delete current.payloadIndexes[req.field_name];
          delete current.payloadIndexParams?.[req.field_name];
          return current;
        });
        return submit(updated, everyShard(updated, { kind: 'delete_field_index', fieldName: req.field_name ?? '', fieldType: '' }), req, ctx);
      },
    },
  };
}
