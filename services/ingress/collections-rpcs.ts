// qdrant.Collections: create, inspect, list and delete collections, and aliases.
import crypto from 'node:crypto';
import { boundedInt, collectionInfo, collectionName, configAfterUpdate, configFromCreate } from '../../libs/api/index.ts';
import {
  type AliasAction, type Catalog, type CollectionRecord, planPlacement, type Registry, replicaKey,
} from '../../libs/cluster/index.ts';
import { badInput, collectionNotFound } from '../../libs/errors/index.ts';
import type { OperationQueues } from '../../libs/queue/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import type { ReplicaRouter } from '../common/replica-router.ts';

export interface CollectionsDeps {
  catalog: Catalog;
  registry: Registry;
  router: ReplicaRouter;
  queues: OperationQueues;
}

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

function aliasActions(actions: Message[] | undefined): AliasAction[] {
  return (actions ?? []).map((action) => {
    if (action.create_alias) {
      const { collection_name, alias_name } = action.create_alias;
      return { op: 'create', alias: collectionName(alias_name, 'alias_name'), collection: collectionName(collection_name) };
    }
    if (action.rename_alias) {
      const { old_alias_name, new_alias_name } = action.rename_alias;
      return { op: 'rename', alias: collectionName(old_alias_name, 'old_alias_name'), to: collectionName(new_alias_name, 'new_alias_name') };
    }
    if (action.delete_alias) return { op: 'delete', alias: collectionName(action.delete_alias.alias_name, 'alias_name') };
    throw badInput('Alias operation is empty');
  });
}

/** Per-field sums of the shards' per-index point counts. */
function sumByField(perShard: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const shard of perShard) for (const [field, n] of Object.entries(shard)) out[field] = (out[field] ?? 0) + n;
  return out;
}

export function collectionsRpcs({ catalog, registry, router, queues }: CollectionsDeps): RpcTable {
  const figures = async (record: CollectionRecord) => {
    const routed = await router.routeAll(record);
    const stats = await Promise.all(routed.map((r) => r.reader.stats(r.replica)));
    const backlogs = await Promise.all(
      record.shards.flatMap((shard, s) => shard.replicas.map((r) => queues.backlog(replicaKey(record.id, s, r.id)))),
    );
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const points = sum(stats.map((s) => s.points));
    return {
      pointsCount: points,
      indexedCount: Math.max(0, points - sum(stats.map((s) => s.unindexed))),
      queued: sum(backlogs),
      optimizing: stats.some((s) => s.optimizing),
      indexErrors: stats.flatMap((s) => (s.indexError ? [s.indexError] : [])),
      indexedPoints: sumByField(stats.map((s) => s.indexedPoints ?? {})),
    };
  };

  return {
    'Collections/Create': {
      access: 'write',
      handler: async (req) => {
        const name = collectionName(req.collection_name, 'collection_name', true);
        const config = configFromCreate(req);
        const live = await registry.live();
        const record: CollectionRecord = {
          id: crypto.randomUUID().replaceAll('-', ''),
          name,
          createdAt: Date.now(),
          config,
          payloadIndexes: {},
          shards: planPlacement(config.params.shard_number, config.params.replication_factor, live),
        };
        await catalog.create(record);
        return { result: true };
      },
    },
    'Collections/Update': {
      access: 'write',
      // One compare-and-set of the record: the request is validated against the stored config
      // inside it, so a refused update stores nothing. Indexers pick the new ShardParams up from
      // the catalog event (services/indexer/indexer.ts) without a restart.
      handler: async (req) => {
        const record = await catalog.get(collectionName(req.collection_name));
        await catalog.update(record.name, (current) => {
          if (current.id !== record.id) throw collectionNotFound(record.name); // deleted and re-created meanwhile
          const replicasPerShard = current.shards[0]?.replicas.length ?? 1;
          return { ...current, config: configAfterUpdate(current.config, req, { replicasPerShard }) };
        });
        return { result: true };
      },
    },
    'Collections/Get': {
      access: 'read',
      handler: async (req) => {
        const record = await catalog.get(collectionName(req.collection_name));
        return { result: collectionInfo(record, await figures(record)) };
      },
    },
    'Collections/List': {
      access: 'read',
      handler: async () => ({ collections: (await catalog.list()).map((c) => ({ name: c.name })) }),
    },
    'Collections/Delete': {
      access: 'write',
      handler: async (req) => {
        const name = collectionName(req.collection_name);
        boundedInt(req.timeout, 'timeout', 1, 1);
        return { result: (await catalog.delete(name)) !== null };
      },
    },
    'Collections/CollectionExists': {
      access: 'read',
      handler: async (req) => ({ result: { exists: (await catalog.find(collectionName(req.collection_name))) !== null } }),
    },
    'Collections/UpdateAliases': {
      access: 'write',
      handler: async (req) => {
        const actions = aliasActions(req.actions);
        boundedInt(req.timeout, 'timeout', 1, 1);
        await catalog.changeAliases(actions);
        return { result: true };
      },
    },
    'Collections/ListAliases': {
      access: 'read',
      handler: async () => ({
        aliases: (await catalog.aliases()).map(([alias_name, collection_name]) => ({ alias_name, collection_name })),
      }),
    },
    'Collections/ListCollectionAliases': {
      access: 'read',
      handler: async (req) => {
        const record = await catalog.get(collectionName(req.collection_name));
        return {
          aliases: (await catalog.aliases())
            .filter(([, collection]) => collection === record.name)
            .map(([alias_name, collection_name]) => ({ alias_name, collection_name })),
        };
      },
    },
  };
}
