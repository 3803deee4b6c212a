// Public payload write requests (SetPayload, OverwritePayload, DeletePayload, ClearPayload, and
// their UpdateBatch forms) turned into one operation per shard holding a targeted point, or, for
// a filter selector, one operation on every shard (see filter-selection.ts). Every check happens
// here, before anything is queued.
import type { CollectionRecord } from '../../libs/cluster/index.ts';
import {
  type PayloadOperation, parseJsonPath, payloadFromMessage, type PointId, type PointTarget, type ShardOperation, shardOf,
} from '../../libs/engine/index.ts';
import { QuiverError } from '../../libs/errors/index.ts';
import { pointIdFromWire, rejectShardKeySelector } from '../../libs/api/index.ts';
import { onEveryShard, selectorFilter } from './filter-selection.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** Qdrant's request-conversion errors are plain INVALID_ARGUMENT texts, without "Wrong input:". */
const conversionError = (message: string) => new QuiverError('bad_input', message);

/** The listed ids grouped by shard, each group in request order. */
function idsByShard(record: CollectionRecord, selector: Message): Map<number, PointId[]> {
  const groups = new Map<number, PointId[]>();
  for (const raw of selector.points?.ids ?? []) {
    const id = pointIdFromWire(raw);
    const shard = shardOf(id, record.shards.length);
    const group = groups.get(shard);
    if (group) group.push(id);
    else groups.set(shard, [id]);
  }
  return groups;
}

/** The operation `make` builds for the selected points: per shard for listed ids, on every shard for a filter. */
function perShard(
  record: CollectionRecord, selector: Message | undefined, missing: string, make: (target: PointTarget) => PayloadOperation,
): Map<number, ShardOperation> {
  if (!selector) throw conversionError(missing);
  const filter = selectorFilter(selector);
  if (filter) return onEveryShard(record, make({ filter }));
  return new Map([...idsByShard(record, selector)].map(([shard, ids]) => [shard, make({ ids })]));
}

/** Qdrant answers an unparsable key path with this exact INVALID_ARGUMENT text. */
function checkedPath(key: unknown): string {
  if (typeof key !== 'string' || !parseJsonPath(key)) throw conversionError(`Invalid json path: '${String(key)}'`);
  return key;
}

/** SetPayload / OverwritePayload (the same request message); OverwritePayload ignores `key`, as Qdrant does. */
export function setPayloadOperations(record: CollectionRecord, kind: 'set_payload' | 'overwrite_payload', req: Message): Map<number, ShardOperation> {
  rejectShardKeySelector(req);
  const payload = payloadFromMessage(req.payload);
  const key = kind === 'set_payload' && req.key !== undefined && req.key !== null ? checkedPath(req.key) : undefined;
  return perShard(record, req.points_selector, 'points_selector is expected', (target) =>
    kind === 'set_payload'
      ? { kind, target, payload, ...(key === undefined ? {} : { key }) }
      : { kind, target, payload },
  );
}

export function deletePayloadOperations(record: CollectionRecord, req: Message): Map<number, ShardOperation> {
  rejectShardKeySelector(req);
  const keys = ((req.keys ?? []) as unknown[]).map(checkedPath);
  return perShard(record, req.points_selector, 'points_selector is expected', (target) => ({ kind: 'delete_payload', target, keys }));
}

/** ClearPayload; `selector` is the request's PointsSelector. */
export function clearPayloadOperations(record: CollectionRecord, selector: Message | undefined): Map<number, ShardOperation> {
  return perShard(record, selector, 'PointSelector is missing', (target) => ({ kind: 'clear_payload', target }));
}
