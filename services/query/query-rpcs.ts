// qdrant.Points Query family: Query, QueryBatch, QueryGroups, the older Recommend / Discover APIs
// and SearchGroups / RecommendGroups, all expressed as QueryNode trees run by one QueryRunner.
// Every request is read and validated in full before any shard is asked. Batch RPCs validate the
// inner collection_name but query the outer collection (as Qdrant does).
import {
  boundedInt, collectionName, payloadSelectorFromWire, queryVectorFromWire, readSelectorsFromWire, rejectShardKeySelector,
  vectorSelectorFromWire,
} from '../../libs/api/index.ts';
import type { Catalog, CollectionRecord } from '../../libs/cluster/index.ts';
import { validationError } from '../../libs/errors/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import type { ReplicaRouter } from '../common/replica-router.ts';
import { type GroupSpec, groupResults } from './groups.ts';
import { scoredPointMessage } from './point-output.ts';
import { discoverNodeFromWire, type QueryNode, queryNodeFromWire, recommendNodeFromWire } from './query-plan.ts';
import { QueryRunner } from './query-runner.ts';
import { vectorSpaceNamed } from './vector-names.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** QueryGroups' defaults (Qdrant's code, not its proto comments). */
const DEFAULT_GROUPS_LIMIT = 10;
const DEFAULT_GROUP_SIZE = 3;

function groupSpecFromWire(req: Message, limit: number, groupSize: number): GroupSpec {
  if (typeof req.group_by !== 'string' || req.group_by.length === 0) throw validationError('group_by', 'length must be at least 1');
  return {
    groupBy: req.group_by,
    limit,
    groupSize,
    ...(req.with_lookup
      ? {
          withLookup: {
            collection: collectionName(req.with_lookup.collection, 'with_lookup.collection'),
            selectors: { payload: payloadSelectorFromWire(req.with_lookup.with_payload, true), vector: vectorSelectorFromWire(req.with_lookup.with_vectors) },
          },
        }
      : {}),
  };
}

export function queryRpcs(catalog: Catalog, router: ReplicaRouter): RpcTable {
  const runner = new QueryRunner(catalog, router);
  const collection = (req: Message) => catalog.get(collectionName(req.collection_name));

  /** Reads one request into a node (validation only), and returns how to run it. */
  function prepared(req: Message, toNode: (req: Message) => QueryNode) {
    rejectShardKeySelector(req);
    const node = toNode(req);
    const selectors = readSelectorsFromWire(req, false);
    return (record: CollectionRecord, signal: AbortSignal) =>
      runner.run(record, node, selectors, signal).then((points) => points.map(scoredPointMessage));
  }

  function batch(field: string, toNode: (req: Message) => QueryNode) {
    return async (req: Message, ctx: { signal: AbortSignal }) => {
      const record = await collection(req);
      const runs = (req[field] ?? []).map((inner: Message) => {
        collectionName(inner.collection_name);
        return prepared(inner, toNode);
      });
      const results = await Promise.all(runs.map((run: ReturnType<typeof prepared>) => run(record, ctx.signal)));
      return { result: results.map((result) => ({ result })) };
    };
  }

  function single(toNode: (req: Message) => QueryNode) {
    return async (req: Message, ctx: { signal: AbortSignal }) => {
      const record = await collection(req);
      return { result: await prepared(req, toNode)(record, ctx.signal) };
    };
  }

  function grouped(toNode: (req: Message) => QueryNode, spec: (req: Message) => GroupSpec) {
    return async (req: Message, ctx: { signal: AbortSignal }) => {
      const record = await collection(req);
      rejectShardKeySelector(req);
      const node = toNode(req);
      const groups = spec(req);
      const selectors = readSelectorsFromWire(req, false);
      return { result: await groupResults(runner, record, node, groups, selectors, ctx.signal) };
    };
  }

  const recommendNode = (req: Message) => recommendNodeFromWire(req, boundedInt(req.limit ?? 0, 'limit', 0, 1));

  return {
    'Points/Query': { access: 'read', handler: single(queryNodeFromWire) },
    'Points/QueryBatch': { access: 'read', handler: batch('query_points', queryNodeFromWire) },
    'Points/QueryGroups': {
      access: 'read',
      handler: grouped(queryNodeFromWire, (req) =>
        groupSpecFromWire(req, boundedInt(req.limit, 'limit', DEFAULT_GROUPS_LIMIT, 1), boundedInt(req.group_size, 'group_size', DEFAULT_GROUP_SIZE, 1))),
    },
    'Points/Recommend': { access: 'read', handler: single(recommendNode) },
    'Points/RecommendBatch': { access: 'read', handler: batch('recommend_points', recommendNode) },
    'Points/RecommendGroups': {
      access: 'read',
      handler: grouped(
        (req) => recommendNodeFromWire(req, 1),
        (req) => groupSpecFromWire(req, boundedInt(req.limit ?? 0, 'limit', 0, 1), boundedInt(req.group_size ?? 0, 'group_size', 0, 1)),
      ),
    },
    'Points/Discover': { access: 'read', handler: single(discoverNodeFromWire) },
    'Points/DiscoverBatch': { access: 'read', handler: batch('discover_points', discoverNodeFromWire) },
    'Points/SearchGroups': {
      access: 'read',
      handler: async (req, ctx) => {
        const record = await collection(req);
        const space = vectorSpaceNamed(record, req.vector_name);
        if (req.sparse_indices) throw validationError('sparse_indices', 'sparse vectors are not supported by this collection');
        const values = Array.from(queryVectorFromWire(req.vector, space));
        const node = queryNodeFromWire({
          query: { nearest: { dense: { data: values } } },
          using: req.vector_name,
          filter: req.filter,
          score_threshold: req.score_threshold,
          params: req.params,
        });
        return grouped(() => node, () => groupSpecFromWire(req, boundedInt(req.limit ?? 0, 'limit', 0, 1), boundedInt(req.group_size ?? 0, 'group_size', 0, 1)))(req, ctx);
      },
    },
  };
}
