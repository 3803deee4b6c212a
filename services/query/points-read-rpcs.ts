// qdrant.Points read RPCs: fan out to one replica per shard, merge, and answer in Qdrant's terms
// (score order per distance, offset after the merge, strict score_threshold, missing ids omitted).
import {
  boundedInt, collectionName, filterFromWire, finiteNumber, namedVectorsOutput, pointIdFromWire, pointIdToWire, queryVectorFromWire,
  readSelectorsFromWire, rejectShardKeySelector, spaceNamed, vectorOutput,
} from '../../libs/api/index.ts';
import { type Catalog, type CollectionRecord, vectorSpacesOf } from '../../libs/cluster/index.ts';
import {
  bestFirst, compareIds, type PointId, type PointRecord, payloadToMessage, prepareVector, type ScoredRecord, shardOf,
} from '../../libs/engine/index.ts';
import { badInput } from '../../libs/errors/index.ts';
import type { RpcTable } from '../common/public-server.ts';
import type { ReplicaRouter } from '../common/replica-router.ts';
import { orderedScroll } from './ordered-scroll.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

function idKey(id: PointId): string {
  return typeof id === 'bigint' ? `n${id}` : `u${id}`;
}

function retrievedPoint(p: PointRecord): Message {
  const out: Message = { id: pointIdToWire(p.id), payload: payloadToMessage(p.payload) };
  if (p.named) out.vectors = namedVectorsOutput(p.named); // a collection with named vectors
  else if (p.vector) out.vectors = vectorOutput(p.vector);
  return out;
}

function scoredPoint(p: ScoredRecord): Message {
  return { ...retrievedPoint(p), score: p.score, version: String(p.version) };
}

export function pointsReadRpcs(catalog: Catalog, router: ReplicaRouter): RpcTable {
  const collection = (req: Message) => catalog.get(collectionName(req.collection_name));

  async function search(record: CollectionRecord, req: Message, signal: AbortSignal): Promise<Message[]> {
    const vectorName: string = req.vector_name ?? '';
    const space = spaceNamed(vectorSpacesOf(record), vectorName);
    if (req.sparse_indices) throw badInput('Sparse vector must be named');
    rejectShardKeySelector(req);
    const filter = filterFromWire(req.filter);
    const limit = boundedInt(req.limit ?? 0, 'limit', 0, 1); // required; proto3 sends 0 as absent
    const offset = boundedInt(req.offset, 'offset', 0, 0);
    const vector = prepareVector(space.distance, queryVectorFromWire(req.vector, space));
    const request = {
      vector,
      vectorName,
      top: offset + limit,
      scoreThreshold: finiteNumber(req.score_threshold, 'score_threshold'),
      hnswEf: req.params?.hnsw_ef === undefined ? undefined : boundedInt(req.params.hnsw_ef, 'params.hnsw_ef', 0, 1),
      exact: req.params?.exact === true,
      filter,
      selectors: readSelectorsFromWire(req, false),
    };
    const routed = await router.routeAll(record);
    const perShard = await Promise.all(routed.map((r) => r.reader.search(r.replica, request, signal)));
    const seen = new Set<string>();
    return perShard
      .flat()
      .sort(bestFirst(space.distance))
      .filter((p) => !seen.has(idKey(p.id)) && seen.add(idKey(p.id)))
      .slice(offset, offset + limit)
      .map(scoredPoint);
  }

  return {
    'Points/Get': {
      access: 'read',
      handler: async (req, ctx) => {
        const record = await collection(req);
        const ids: PointId[] = (req.ids ?? []).map(pointIdFromWire);
        const selectors = readSelectorsFromWire(req, false);
        const byShard = new Map<number, PointId[]>();
        for (const id of ids) {
          const shard = shardOf(id, record.shards.length);
          byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
        }
        const found = new Map<string, PointRecord>();
        await Promise.all(
          [...byShard].map(async ([shard, shardIds]) => {
            const { reader, replica } = await router.route(record, shard);
            for (const p of await reader.get(replica, shardIds, selectors, ctx.signal)) found.set(idKey(p.id), p);
          }),
        );
        const result: Message[] = [];
        for (const id of ids) {
          const p = found.get(idKey(id));
          if (p) {
            result.push(retrievedPoint(p));
            found.delete(idKey(id)); // duplicates in the request are answered once
          }
        }
        return { result };
      },
    },
    'Points/Search': {
      access: 'read',
      handler: async (req, ctx) => ({ result: await search(await collection(req), req, ctx.signal) }),
    },
    'Points/SearchBatch': {
      access: 'read',
      handler: async (req, ctx) => {
        const record = await collection(req);
        // Qdrant validates the inner collection_name but searches the outer collection.
        for (const inner of req.search_points ?? []) collectionName(inner.collection_name);
        const results = await Promise.all((req.search_points ?? []).map((inner: Message) => search(record, inner, ctx.signal)));
        return { result: results.map((result) => ({ result })) };
      },
    },
    'Points/Scroll': {
      access: 'read',
      // Qdrant's pagination: ids in order (numbers, then UUIDs), `offset` inclusive; each page asks
      // every shard for limit+1 points, and the extra one, if any, is the next page's offset.
      handler: async (req, ctx) => {
        const record = await collection(req);
        const filter = filterFromWire(req.filter);
        rejectShardKeySelector(req);
        const limit = boundedInt(req.limit, 'limit', 10, 1, 0xffffffff);
        const selectors = readSelectorsFromWire(req, true);
        if (req.order_by) return orderedScroll(record, router, { orderBy: req.order_by, offset: req.offset, filter, limit, selectors }, ctx.signal);
        const from = req.offset ? pointIdFromWire(req.offset) : undefined;
        const routed = await router.routeAll(record);
        const perShard = await Promise.all(routed.map((r) => r.reader.scroll(r.replica, from, limit + 1, selectors, ctx.signal, filter)));
        const page = perShard.flat().sort((a, b) => compareIds(a.id, b.id)).slice(0, limit + 1);
        const next = page.length > limit ? page.pop() : undefined;
        return { result: page.map(retrievedPoint), ...(next ? { next_page_offset: pointIdToWire(next.id) } : {}) };
      },
    },
    'Points/Count': {
      access: 'read',
      handler: async (req, ctx) => {
        const record = await collection(req);
        // Qdrant counts exactly unless asked not to; an estimate may answer exact=false.
        const query = { filter: filterFromWire(req.filter), estimate: req.exact === false };
        const routed = await router.routeAll(record);
        const counts = await Promise.all(routed.map((r) => r.reader.count(r.replica, ctx.signal, query)));
        return { result: { count: String(counts.reduce((a, b) => a + b, 0)) } };
      },
    },
  };
}
