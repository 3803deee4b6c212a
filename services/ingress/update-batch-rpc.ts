// qdrant.Points/UpdateBatch: a list of write operations applied in order. All of them are
// validated before anything is queued. Each shard then gets ONE batch operation holding its share
// of the list in request order, under one sequence number: per shard the list applies in order
// and atomically with respect to other writes. The answer is one UpdateResult per operation, as
// in Qdrant; they all carry the batch's operation_id and status.
// With wait=true a failure inside the list (a missing id for a payload change) stops that shard's
// share at the failed operation and is returned as that error, like Qdrant, which stops at the
// first failing operation. With wait=false every operation is applied regardless.
import { type CallContext, collectionName, rejectShardKeySelector } from '../../libs/api/index.ts';
import type { Catalog, CollectionRecord } from '../../libs/cluster/index.ts';
import type { ShardOperation } from '../../libs/engine/index.ts';
import { QuiverError, validationError } from '../../libs/errors/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import { updateFilterOf } from './filter-selection.ts';
import { clearPayloadOperations, deletePayloadOperations, setPayloadOperations } from './payload-operations.ts';
import { deleteOperations, upsertMode, upsertOperations, writeOptions } from './points-write-rpcs.ts';
import { deleteVectorsOperations, updateVectorsOperations } from './vector-rpcs.ts';
import type { WritePath } from './write-path.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** One PointsUpdateOperation as operations per shard (throws on anything invalid). */
function shardOperationsOf(record: CollectionRecord, op: Message): Map<number, ShardOperation> {
  const kind: string | undefined = op.operation;
  const m = kind ? op[kind] : undefined;
  switch (kind) {
    case 'upsert':
      rejectShardKeySelector(m);
      return upsertOperations(record, m.points ?? [], upsertMode(m.update_mode), updateFilterOf(m));
    case 'delete_deprecated':
      return deleteOperations(record, m);
    case 'delete_points':
      rejectShardKeySelector(m);
      return deleteOperations(record, m.points);
    case 'set_payload':
    case 'overwrite_payload':
      return setPayloadOperations(record, kind, m);
    case 'delete_payload':
      return deletePayloadOperations(record, m);
    case 'clear_payload_deprecated':
      return clearPayloadOperations(record, m);
    case 'clear_payload':
      rejectShardKeySelector(m);
      return clearPayloadOperations(record, m.points);
    case 'update_vectors':
      rejectShardKeySelector(m);
      return updateVectorsOperations(record, m.points ?? [], updateFilterOf(m));
    case 'delete_vectors':
      rejectShardKeySelector(m);
      return deleteVectorsOperations(record, m.points_selector, m.vectors?.names);
    default:
      throw new QuiverError('bad_input', 'Operation is missing'); // Qdrant's text, without "Wrong input:"
  }
}

export function updateBatchRpc(catalog: Catalog, writes: WritePath): RpcTable {
  return {
    'Points/UpdateBatch': {
      access: 'write',
      handler: async (req: Message, ctx: CallContext) => {
        const record = await catalog.get(collectionName(req.collection_name));
        const operations: Message[] = req.operations ?? [];
        if (operations.length === 0) throw validationError('operations', 'length must be at least 1');
        const options = writeOptions(req);
        const shares = new Map<number, ShardOperation[]>();
        for (const op of operations) {
          for (const [shard, shardOp] of shardOperationsOf(record, op)) {
            const share = shares.get(shard);
            if (share) share.push(shardOp);
            else shares.set(shard, [shardOp]);
          }
        }
        const perShard = new Map<number, ShardOperation>(
          [...shares].map(([shard, share]) => [shard, { kind: 'batch', operations: share, stopAtFirstFailure: options.wait }]),
        );
        const result = await writes.submit(record, perShard, options, ctx);
        return { result: operations.map(() => result) };
      },
    },
  };
}
