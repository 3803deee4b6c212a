// Public payload write requests (SetPayload, OverwritePayload, DeletePayload, ClearPayload, and
// their UpdateBatch forms) turned into one operation per shard holding a targeted point. Every
// check happens here, before anything is queued. Filter selectors are refused for now: they need
// the replicas' filter evaluation, which is being built.
import type { CollectionRecord } from '../../libs/cluster/index.ts';
import { type PayloadOperation, parseJsonPath, payloadFromMessage, type PointId, type ShardOperation, shardOf } from '../../libs/engine/index.ts';
import { notSupportedYet, QuiverError } from '../../libs/errors/index.ts';
import { pointIdFromWire, rejectShardKeySelector } from '../../libs/api/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** Qdrant's request-conversion errors are plain INVALID_ARGUMENT texts, without "Wrong input:". */
const conversionError = (message: string) => new QuiverError('bad_input', message);

/** The listed ids grouped by shard, each group in request order. */
export function idsByShard(record: CollectionRecord, selector: Message | undefined, missing: string): Map<number, PointId[]> {
  if (!selector) throw conversionError(missing);
  if (selector.filter) throw notSupportedYet('Selecting points by filter');
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

function perShard(groups: Map<number, PointId[]>, make: (ids: PointId[]) => PayloadOperation): Map<number, ShardOperation> {
  return new Map([...groups].map(([shard, ids]) => [shard, make(ids)]));
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
  const groups = idsByShard(record, req.points_selector, 'points_selector is expected');
  return perShard(groups, (ids) =>
    kind === 'set_payload'
      ? { kind, target: { ids }, payload, ...(key === undefined ? {} : { key }) }
      : { kind, target: { ids }, payload },
  );
}

export function deletePayloadOperations(record: CollectionRecord, req: Message): Map<number, ShardOperation> {
  rejectShardKeySelector(req);
  const keys = ((req.keys ?? []) as unknown[]).map(checkedPath);
  const groups = idsByShard(record, req.points_selector, 'points_selector is expected');
  return perShard(groups, (ids) => ({ kind: 'delete_payload', target: { ids }, keys }));
}

/** ClearPayload; `selector` is the request's PointsSelector. */
export function clearPayloadOperations(record: CollectionRecord, selector: Message | undefined): Map<number, ShardOperation> {
  const groups = idsByShard(record, selector, 'PointSelector is missing');
  return perShard(groups, (ids) => ({ kind: 'clear_payload', target: { ids } }));
}
