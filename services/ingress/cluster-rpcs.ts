// qdrant.Collections cluster RPCs, answered as a single-node Qdrant answers them: quiver shows one
// peer to its clients (its indexers are not Qdrant peers), so every shard is a local shard, there
// are no remote shards, transfers or resharding, and cluster setup changes are refused the way a
// standalone Qdrant refuses them ("Bad request: Distributed mode disabled", INVALID_ARGUMENT).
import crypto from 'node:crypto';
import { boundedInt, collectionName } from '../../libs/api/index.ts';
import type { Catalog, CollectionRecord } from '../../libs/cluster/index.ts';
import { badRequest } from '../../libs/errors/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import type { ReplicaRouter } from '../common/replica-router.ts';

/**
 * The peer id shown for a collection: a uint64 (decimal string) derived from the node id of the
 * indexer that owns its first replica, so it is stable across restarts.
 */
function peerIdOf(record: CollectionRecord): string {
  const owner = record.shards[0]?.replicas[0]?.owner ?? record.id;
  return crypto.createHash('sha256').update(owner).digest().readBigUInt64BE(0).toString();
}

export function clusterRpcs({ catalog, router }: { catalog: Catalog; router: ReplicaRouter }): RpcTable {
  return {
    'Collections/CollectionClusterInfo': {
      access: 'read',
      handler: async (req) => {
        const record = await catalog.get(collectionName(req.collection_name));
        // A shard whose replica cannot be reached now is reported Dead rather than failing the call.
        const shards = await Promise.allSettled(
          record.shards.map(async (_, shard) => {
            const routed = await router.route(record, shard);
            return (await routed.reader.stats(routed.replica)).points;
          }),
        );
        return {
          peer_id: peerIdOf(record),
          shard_count: String(record.shards.length),
          local_shards: shards.map((outcome, shard_id) => ({
            shard_id,
            points_count: String(outcome.status === 'fulfilled' ? outcome.value : 0),
            state: outcome.status === 'fulfilled' ? 'Active' : 'Dead',
          })),
          remote_shards: [],
          shard_transfers: [],
          resharding_operations: [],
        };
      },
    },
    'Collections/UpdateCollectionClusterSetup': {
      access: 'write',
      handler: async (req) => {
        collectionName(req.collection_name);
        boundedInt(req.timeout, 'timeout', 1, 1);
        throw badRequest('Distributed mode disabled');
      },
    },
  };
}
