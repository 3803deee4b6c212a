// qdrant.Points SetPayload, OverwritePayload, DeletePayload and ClearPayload. Validated whole
// before anything is queued (see payload-operations.ts); then one operation per shard that holds
// a listed point. A listed id that does not exist is reported, as in Qdrant, only to wait=true
// callers (NOT_FOUND "No point with id N found"), after the existing points were changed.
import { type CallContext, collectionName, rejectShardKeySelector } from '../../libs/api/index.ts';
import type { Catalog, CollectionRecord } from '../../libs/cluster/index.ts';
import type { ShardOperation } from '../../libs/engine/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import { clearPayloadOperations, deletePayloadOperations, setPayloadOperations } from './payload-operations.ts';
import { writeOptions } from './points-write-rpcs.ts';
import type { WritePath } from './write-path.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export function payloadWriteRpcs(catalog: Catalog, writes: WritePath): RpcTable {
  const rpc = (operations: (record: CollectionRecord, req: Message) => Map<number, ShardOperation>) => ({
    access: 'write' as const,
    handler: async (req: Message, ctx: CallContext) => {
      const record = await catalog.get(collectionName(req.collection_name));
      const options = writeOptions(req);
      const perShard = operations(record, req);
      return { result: await writes.submit(record, perShard, options, ctx) };
    },
  });
  return {
    'Points/SetPayload': rpc((record, req) => setPayloadOperations(record, 'set_payload', req)),
    'Points/OverwritePayload': rpc((record, req) => setPayloadOperations(record, 'overwrite_payload', req)),
    'Points/DeletePayload': rpc((record, req) => deletePayloadOperations(record, req)),
    'Points/ClearPayload': rpc((record, req) => {
      rejectShardKeySelector(req);
      return clearPayloadOperations(record, req.points);
    }),
  };
}
