// Executes a QueryNode tree with Qdrant's semantics:
// - prefetches run first (each with its own limit); a fusion query fuses their lists, any other
//   query rescores the union of their points (query-plan.ts refuses prefetches without a query);
// - a query without prefetch searches every shard, merged in score order and de-duplicated;
// - no query at all lists points in id order (score 0);
// - point ids used as examples are resolved to their vectors (lookup_from another collection if
//   asked), a missing one answers NOT_FOUND, and they are excluded from the results when they
//   come from the searched collection;
// - nearest_with_mmr re-ranks the merged nearest candidates by MMR (mmr.ts) before the page is cut;
// - offset is applied after the merge (not for order_by or random sampling), then limit.
// Shards are asked for ids and scores only; payload and vectors of the final page are fetched by
// id afterwards, so prefetch levels never move payloads.
import { queryVectorFromWire } from '../../libs/api/index.ts';
import type { Catalog, CollectionRecord } from '../../libs/cluster/index.ts';
import {
  bestFirst, compareIds, type PointId, type PointRecord, prepareVector, type ReadSelectors, type ScoredRecord, type Scorer,
  type SearchRequest, shardOf, type VectorSpace,
} from '../../libs/engine/index.ts';
import { badInput, notFound } from '../../libs/errors/index.ts';
import type { ReplicaRouter } from '../common/replica-router.ts';
import { dbsf, rrf } from './fusion.ts';
import { mergeOrder, orderByScorer } from './order-by.ts';
import { maximalMarginalRelevance } from './mmr.ts';
import { idKey } from './point-keys.ts';
import type { QueryKind, QueryNode, VectorRef } from './query-plan.ts';
import { vectorSpaceNamed } from './vector-names.ts';

const IDS_ONLY: ReadSelectors = { payload: { mode: 'none' }, vector: false };
/** MMR compares candidates with each other, so their vectors travel with them. */
const WITH_VECTORS: ReadSelectors = { payload: { mode: 'none' }, vector: true };

/** How merged shard results are ordered: by the distance's direction, larger score first, or as an order_by scorer orders. */
type MergeOrder = 'distance' | 'larger' | (Scorer & { kind: 'order_by' });

interface ShardPlan {
  request: SearchRequest;
  excluded: Set<string>;
  order: MergeOrder;
  /** order_by and sampling the whole collection take no offset. */
  skipsOffset: boolean;
  /** Random sampling: scores are merge keys only and are answered as 0. */
  zeroScores: boolean;
  /** nearest_with_mmr: the merged candidates are re-ranked by MMR before the page is cut. */
  mmr?: { query: Float32Array; diversity: number; candidates: number };
}

export class QueryRunner {
  constructor(
    private readonly catalog: Catalog,
    private readonly router: ReplicaRouter,
  ) {}

  /** The node's results, best first, with payload and vectors as selected. */
  async run(record: CollectionRecord, node: QueryNode, selectors: ReadSelectors, signal: AbortSignal): Promise<ScoredRecord[]> {
    return this.hydrate(record, await this.evaluate(record, node, signal), selectors, signal);
  }

  private async evaluate(record: CollectionRecord, node: QueryNode, signal: AbortSignal): Promise<ScoredRecord[]> {
    const space = vectorSpaceNamed(record, node.using);
    const query = node.query;
    const page = (points: ScoredRecord[]) => points.slice(node.offset, node.offset + node.limit);
    if (query?.kind === 'fusion') {
      const lists = await Promise.all(node.prefetch.map((p) => this.evaluate(record, p, signal)));
      const fused = query.method === 'rrf' ? rrf(lists, query.k, query.weights) : dbsf(lists);
      // Qdrant keeps fused scores equal to the threshold (score >= threshold).
      return page(fused.filter((p) => node.scoreThreshold === undefined || p.score >= node.scoreThreshold));
    }
    let candidates: PointId[] | undefined;
    if (node.prefetch.length > 0) {
      const lists = await Promise.all(node.prefetch.map((p) => this.evaluate(record, p, signal)));
      candidates = [...new Map(lists.flat().map((p) => [idKey(p.id), p.id])).values()];
    }
    if (!query) return this.inIdOrder(record, node, signal);
    const plan = await this.shardPlan(record, space, node, query, signal);
    if (candidates) plan.request.candidates = candidates;
    const routed = await this.router.routeAll(record);
    const perShard = await Promise.all(routed.map((r) => r.reader.search(r.replica, plan.request, signal)));
    const compare =
      plan.order === 'distance' ? bestFirst(space.distance)
      : plan.order === 'larger' ? (a: ScoredRecord, b: ScoredRecord) => b.score - a.score
      : mergeOrder(plan.order);
    const seen = new Set<string>();
    const merged = perShard
      .flat()
      .sort(compare)
      .filter((p) => !plan.excluded.has(idKey(p.id)) && !seen.has(idKey(p.id)) && seen.add(idKey(p.id)));
    const offset = plan.skipsOffset ? 0 : node.offset;
    const ranked = plan.mmr
      ? maximalMarginalRelevance(merged.slice(0, plan.mmr.candidates), plan.mmr.query, space.distance, plan.mmr.diversity, offset + node.limit)
      : merged;
    const out = ranked.slice(offset, offset + node.limit);
    return plan.zeroScores ? out.map((p) => ({ ...p, score: 0 })) : out;
  }

  /** No query: points in Qdrant's id order, score 0. */
  private async inIdOrder(record: CollectionRecord, node: QueryNode, signal: AbortSignal): Promise<ScoredRecord[]> {
    const routed = await this.router.routeAll(record);
    const want = node.offset + node.limit;
    const perShard = await Promise.all(routed.map((r) => r.reader.scroll(r.replica, undefined, want, IDS_ONLY, signal, node.filter)));
    return perShard
      .flat()
      .sort((a, b) => compareIds(a.id, b.id))
      .slice(node.offset, want)
      .map((p) => ({ ...p, score: 0, version: 0 }));
  }

  private async shardPlan(record: CollectionRecord, space: VectorSpace, node: QueryNode, query: QueryKind, signal: AbortSignal): Promise<ShardPlan> {
    const resolve = await this.resolver(record, space, node, query, signal);
    const base = {
      hnswEf: node.hnswEf, exact: node.exact, selectors: IDS_ONLY, ...(node.filter ? { filter: node.filter } : {}),
      ...(node.using ? { vectorName: node.using } : {}),
    };
    const top = (extra: number) => node.offset + node.limit + extra;
    const custom = (scorer: Scorer, threshold: boolean): ShardPlan => ({
      request: { ...base, vector: new Float32Array(0), top: top(resolve.excluded.size), scorer, ...(threshold ? { scoreThreshold: node.scoreThreshold } : {}) },
      excluded: resolve.excluded,
      order: 'larger',
      skipsOffset: false,
      zeroScores: false,
    });
    switch (query.kind) {
      case 'nearest':
        return this.nearest(base, resolve.vector(query.input), top(resolve.excluded.size), node, resolve.excluded);
      case 'nearest_mmr': {
        // Qdrant's default candidates_limit is the node's limit (offset not included).
        const candidates = query.candidatesLimit ?? node.limit;
        const vector = resolve.vector(query.input);
        const plan = this.nearest({ ...base, selectors: WITH_VECTORS }, vector, candidates + resolve.excluded.size, node, resolve.excluded);
        return { ...plan, mmr: { query: vector, diversity: query.diversity, candidates } };
      }
      case 'recommend': {
        const positives = query.positives.map(resolve.vector);
        const negatives = query.negatives.map(resolve.vector);
        if (query.strategy === 'AverageVector') {
          if (positives.length === 0) throw badInput('Positive vectors should not be empty with `average` strategy');
          const avgPositive = average(positives);
          const vector = negatives.length === 0 ? avgPositive : avgPositive.map((p, i) => p + p - average(negatives)[i]);
          return this.nearest(base, prepareVector(space.distance, vector), top(resolve.excluded.size), node, resolve.excluded);
        }
        if (positives.length + negatives.length === 0) throw badInput('At least one positive or negative example is required');
        return custom({ kind: query.strategy === 'BestScore' ? 'best_score' : 'sum_scores', positives, negatives }, true);
      }
      case 'discover':
        return custom({ kind: 'discover', target: resolve.vector(query.target), pairs: query.pairs.map(resolve.pair) }, true);
      case 'context':
        if (query.pairs.length === 0) throw badInput('Context query needs at least one pair of examples');
        return custom({ kind: 'context', pairs: query.pairs.map(resolve.pair) }, true);
      case 'order_by': {
        const scorer = orderByScorer(record, query);
        return { ...custom(scorer, false), request: { ...base, vector: new Float32Array(0), top: node.limit, scorer }, order: scorer, skipsOffset: true };
      }
      case 'sample': {
        // Sampling the whole collection takes no offset; sampling prefetched points does.
        const skipsOffset = node.prefetch.length === 0;
        const request = { ...base, vector: new Float32Array(0), top: skipsOffset ? node.limit : top(0), scorer: { kind: 'random' } as Scorer };
        return { ...custom({ kind: 'random' }, false), request, skipsOffset, zeroScores: true };
      }
      case 'fusion':
        throw new Error('fusion is evaluated over prefetches');
    }
  }

  private nearest(base: Omit<SearchRequest, 'vector' | 'top'>, vector: Float32Array, top: number, node: QueryNode, excluded: Set<string>): ShardPlan {
    return { request: { ...base, vector, top, scoreThreshold: node.scoreThreshold }, excluded, order: 'distance', skipsOffset: false, zeroScores: false };
  }

  /**
   * Turns the query's examples into prepared vectors: raw values checked against the searched
   * space, ids looked up (in lookup_from's collection when given). Every id is fetched up front so a
   * missing one fails the request before any search.
   */
  private async resolver(record: CollectionRecord, space: VectorSpace, node: QueryNode, query: QueryKind, signal: AbortSignal) {
    const refs = refsOf(query);
    const ids = refs.flatMap((r) => ('id' in r ? [r.id] : []));
    const lookupRecord = node.lookupFrom ? await this.catalog.get(node.lookupFrom.collection) : record;
    const lookupSpace = node.lookupFrom ? vectorSpaceNamed(lookupRecord, node.lookupFrom.vectorName) : space;
    if (lookupSpace.dim !== space.dim) throw badInput(`Vector dimension error: expected dim: ${space.dim}, got ${lookupSpace.dim}`);
    const lookupName = node.lookupFrom ? node.lookupFrom.vectorName : node.using;
    const stored = ids.length > 0 ? await this.vectorsOf(lookupRecord, ids, lookupName, signal) : new Map<string, Float32Array>();
    const vector = (ref: VectorRef): Float32Array => ('id' in ref ? stored.get(idKey(ref.id))! : prepareVector(space.distance, queryVectorFromWire(ref.values, space)));
    const sameCollection = lookupRecord.id === record.id;
    return {
      vector,
      pair: (p: { positive: VectorRef; negative: VectorRef }) => ({ positive: vector(p.positive), negative: vector(p.negative) }),
      excluded: new Set(sameCollection ? ids.map(idKey) : []),
    };
  }

  /** The stored vector `name` ("" is the unnamed one) of each id; NOT_FOUND for an id without one. */
  private async vectorsOf(record: CollectionRecord, ids: PointId[], name: string, signal: AbortSignal): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    await Promise.all(
      [...groupByShard(ids, record.shards.length)].map(async ([shard, shardIds]) => {
        const { reader, replica } = await this.router.route(record, shard);
        for (const p of await reader.get(replica, shardIds, { payload: { mode: 'none' }, vector: [name] }, signal)) {
          const vector = name === '' ? p.vector : p.named?.[name];
          if (vector) found.set(idKey(p.id), vector);
        }
      }),
    );
    for (const id of ids) if (!found.has(idKey(id))) throw notFound(`No point with id ${id} found`);
    return found;
  }

  /** Points of a collection by id (missing ones omitted), e.g. a group's with_lookup. */
  async retrieve(collection: string, ids: PointId[], selectors: ReadSelectors, signal: AbortSignal): Promise<PointRecord[]> {
    const record = await this.catalog.get(collection);
    const perShard = await Promise.all(
      [...groupByShard(ids, record.shards.length)].map(async ([shard, shardIds]) => {
        const { reader, replica } = await this.router.route(record, shard);
        return reader.get(replica, shardIds, selectors, signal);
      }),
    );
    return perShard.flat();
  }

  /** Fills payload and vectors of final results as selected (points deleted meanwhile keep none). */
  async hydrate(record: CollectionRecord, points: ScoredRecord[], selectors: ReadSelectors, signal: AbortSignal): Promise<ScoredRecord[]> {
    if (selectors.payload.mode === 'none' && !selectors.vector) return points.map((p) => ({ ...p, payload: null, vector: null }));
    const found = new Map<string, { payload: ScoredRecord['payload']; vector: ScoredRecord['vector']; named?: ScoredRecord['named'] }>();
    await Promise.all(
      [...groupByShard(points.map((p) => p.id), record.shards.length)].map(async ([shard, shardIds]) => {
        const { reader, replica } = await this.router.route(record, shard);
        for (const p of await reader.get(replica, shardIds, selectors, signal)) found.set(idKey(p.id), p);
      }),
    );
    return points.map((p) => {
      const hit = found.get(idKey(p.id));
      const named = hit?.named ? { named: hit.named } : {}; // a collection with named vectors
      return { ...p, payload: hit?.payload ?? (selectors.payload.mode === 'none' ? null : {}), vector: hit?.vector ?? null, ...named };
    });
  }
}

function refsOf(query: QueryKind): VectorRef[] {
  switch (query.kind) {
    case 'nearest':
    case 'nearest_mmr':
      return [query.input];
    case 'recommend':
      return [...query.positives, ...query.negatives];
    case 'discover':
      return [query.target, ...query.pairs.flatMap((p) => [p.positive, p.negative])];
    case 'context':
      return query.pairs.flatMap((p) => [p.positive, p.negative]);
    default:
      return [];
  }
}

function average(vectors: Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) out[i] += v[i];
  for (let i = 0; i < out.length; i++) out[i] /= vectors.length;
  return out;
}

export function groupByShard(ids: PointId[], shards: number): Map<number, PointId[]> {
  const byShard = new Map<number, PointId[]>();
  for (const id of ids) {
    const shard = shardOf(id, shards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
  }
  return byShard;
}
