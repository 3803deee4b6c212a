// The universal query as a tree of plain values, read from the wire and validated before anything
// is asked of a shard. Query, the older Recommend / Discover APIs and the *Groups RPCs all become
// a QueryNode; query-runner.ts executes it.
import { boundedInt, collectionName, filterFromWire, finiteNumber, pointIdFromWire } from '../../libs/api/index.ts';
import { type Filter, type PointId, parseDatetime } from '../../libs/engine/index.ts';
import { badInput, badRequest, notSupportedYet, validationError } from '../../libs/errors/index.ts';
import { DEFAULT_MMR_DIVERSITY } from './mmr.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** An example or query vector: raw values (checked against the space later) or a stored point's vector. */
export type VectorRef = { values: number[] } | { id: PointId };

export interface RefPair {
  positive: VectorRef;
  negative: VectorRef;
}

export type RecommendStrategy = 'AverageVector' | 'BestScore' | 'SumScores';

export type QueryKind =
  | { kind: 'nearest'; input: VectorRef }
  /** The nearest `candidatesLimit` (default: the node's limit), re-ranked by MMR (see mmr.ts). */
  | { kind: 'nearest_mmr'; input: VectorRef; diversity: number; candidatesLimit?: number }
  | { kind: 'recommend'; positives: VectorRef[]; negatives: VectorRef[]; strategy: RecommendStrategy }
  | { kind: 'discover'; target: VectorRef; pairs: RefPair[] }
  | { kind: 'context'; pairs: RefPair[] }
  | { kind: 'order_by'; key: string; descending: boolean; startFrom?: number | bigint }
  /** rrf: k (>= 1, default 2) and one weight per prefetch, both optional (see fusion.ts). */
  | { kind: 'fusion'; method: 'rrf' | 'dbsf'; k?: number; weights?: number[] }
  | { kind: 'sample' };

export interface LookupFrom {
  collection: string;
  vectorName: string;
}

export interface QueryNode {
  prefetch: QueryNode[];
  query?: QueryKind;
  /** Vector name ('' = the default vector). */
  using: string;
  /** Only points matching it; a node's filter includes its ancestors' (see withParentFilter). */
  filter?: Filter;
  scoreThreshold?: number;
  limit: number;
  offset: number;
  hnswEf?: number;
  exact: boolean;
  lookupFrom?: LookupFrom;
}

export const DEFAULT_QUERY_LIMIT = 10;

/** Both filters (either may be absent). */
function bothFilters(a: Filter | undefined, b: Filter | undefined): Filter | undefined {
  if (!a || !b) return a ?? b;
  return { must: [{ kind: 'filter', filter: a }, { kind: 'filter', filter: b }] };
}

/** A query's filter applies to its prefetches too, as in Qdrant: each node gets its ancestors' filters. */
function withParentFilter(node: QueryNode, parent: Filter | undefined): QueryNode {
  const filter = bothFilters(parent, node.filter);
  return { ...node, filter, prefetch: node.prefetch.map((p) => withParentFilter(p, filter)) };
}

export function vectorRefFromInput(input: Message | undefined, field: string): VectorRef {
  if (!input) throw badInput(`${field}: a vector input is required`);
  if (input.id) return { id: pointIdFromWire(input.id) };
  if (input.dense) return { values: input.dense.data ?? [] };
  if (input.sparse) throw badInput('Sparse vector must be named');
  if (input.multi_dense) throw badInput('Multi-vectors are not supported by this collection');
  if (input.document || input.image || input.object) throw badInput('Inference (document, image, object inputs) is not available in quiver');
  throw badInput(`${field}: empty vector input`);
}

/** A qdrant.Vector (the older APIs' raw examples). */
export function vectorRefFromVector(vector: Message): VectorRef {
  if (vector.dense) return { values: vector.dense.data ?? [] };
  if (vector.sparse || vector.indices) throw badInput('Sparse vector must be named');
  if (vector.multi_dense || vector.vectors_count !== undefined) throw badInput('Multi-vectors are not supported by this collection');
  return { values: vector.data ?? [] };
}

/** A qdrant.VectorExample (DiscoverPoints). */
export function vectorRefFromExample(example: Message | undefined, field: string): VectorRef {
  if (example?.id) return { id: pointIdFromWire(example.id) };
  if (example?.vector) return vectorRefFromVector(example.vector);
  throw badInput(`${field}: an example (id or vector) is required`);
}

export function strategyFromWire(strategy: unknown): RecommendStrategy {
  if (strategy === undefined || strategy === null) return 'AverageVector';
  if (strategy === 'AverageVector' || strategy === 'BestScore' || strategy === 'SumScores') return strategy;
  throw badInput(`Unknown recommend strategy ${String(strategy)}`);
}

function pairsFromWire(pairs: Message[] | undefined, field: string): RefPair[] {
  return (pairs ?? []).map((p, i) => ({
    positive: vectorRefFromInput(p.positive, `${field}[${i}].positive`),
    negative: vectorRefFromInput(p.negative, `${field}[${i}].negative`),
  }));
}

export function queryKindFromWire(query: Message | undefined): QueryKind | undefined {
  if (!query) return undefined;
  if (query.nearest) return { kind: 'nearest', input: vectorRefFromInput(query.nearest, 'nearest') };
  if (query.recommend) {
    const r = query.recommend;
    return {
      kind: 'recommend',
      positives: (r.positive ?? []).map((v: Message) => vectorRefFromInput(v, 'recommend.positive')),
      negatives: (r.negative ?? []).map((v: Message) => vectorRefFromInput(v, 'recommend.negative')),
      strategy: strategyFromWire(r.strategy),
    };
  }
  if (query.discover) {
    return { kind: 'discover', target: vectorRefFromInput(query.discover.target, 'discover.target'), pairs: pairsFromWire(query.discover.context?.pairs, 'discover.context') };
  }
  if (query.context) return { kind: 'context', pairs: pairsFromWire(query.context.pairs, 'context') };
  if (query.order_by) return orderByFromWire(query.order_by);
  if (query.fusion !== undefined) {
    if (query.fusion === 'RRF') return { kind: 'fusion', method: 'rrf' };
    if (query.fusion === 'DBSF') return { kind: 'fusion', method: 'dbsf' };
    throw badInput(`Unknown fusion ${String(query.fusion)}`);
  }
  if (query.sample !== undefined) return { kind: 'sample' };
  if (query.rrf) return rrfFromWire(query.rrf);
  if (query.formula) throw notSupportedYet('Query formula');
  if (query.nearest_with_mmr) return mmrFromWire(query.nearest_with_mmr);
  if (query.relevance_feedback) throw notSupportedYet('Query relevance_feedback');
  throw badInput('Query variant is not set');
}

/** Qdrant's cap on MMR candidates (the similarity matrix grows with its square). */
const MAX_MMR_CANDIDATES = 16_384;

/** A qdrant.NearestInputWithMmr: diversity in [0, 1] (default 0.5), candidates_limit at most 16384. */
function mmrFromWire(m: Message): QueryKind {
  if (!m.nearest) throw badInput('nearest vector is missing');
  if (!m.mmr) throw badInput('mmr is missing');
  const diversity = finiteNumber(m.mmr.diversity, 'diversity') ?? DEFAULT_MMR_DIVERSITY;
  if (diversity < 0 || diversity > 1) throw validationError('diversity', `value ${diversity} invalid, must be in the range 0 to 1`);
  const candidatesLimit = m.mmr.candidates_limit === undefined || m.mmr.candidates_limit === null
    ? undefined
    : boundedInt(m.mmr.candidates_limit, 'candidates_limit', 0, 0, MAX_MMR_CANDIDATES);
  return {
    kind: 'nearest_mmr', input: vectorRefFromInput(m.nearest, 'nearest_with_mmr.nearest'), diversity,
    ...(candidatesLimit === undefined ? {} : { candidatesLimit }),
  };
}

/** A qdrant.Rrf: k absent means Qdrant's default; no weights (proto3 cannot send an empty list) means 1 each. */
function rrfFromWire(rrf: Message): QueryKind {
  const k = rrf.k === undefined || rrf.k === null ? undefined : boundedInt(rrf.k, 'rrf.k', 0, 1);
  const weights: number[] = (rrf.weights ?? []).map((w: unknown, i: number) => finiteNumber(w, `rrf.weights[${i}]`)!);
  return { kind: 'fusion', method: 'rrf', ...(k === undefined ? {} : { k }), ...(weights.length === 0 ? {} : { weights }) };
}

/** A qdrant.OrderBy (Query's order_by, Scroll's order_by). */
export function orderByFromWire(orderBy: Message): QueryKind & { kind: 'order_by' } {
  const key = orderBy.key;
  if (typeof key !== 'string' || key.length === 0) throw badInput('order_by key must not be empty');
  const startFrom = startFromWire(orderBy.start_from);
  return { kind: 'order_by', key, descending: orderBy.direction === 'Desc', ...(startFrom === undefined ? {} : { startFrom }) };
}

/**
 * A StartFrom bound, as Qdrant reads it: a float stays a float; an integer, a Timestamp and an
 * RFC 3339 datetime become integers (datetimes as microseconds since the epoch, UTC, like the
 * values of a datetime index), kept as bigint.
 */
function startFromWire(start: Message | undefined): number | bigint | undefined {
  if (start?.float !== undefined) return finiteNumber(Number(start.float), 'order_by.start_from')!;
  if (start?.integer !== undefined) return BigInt(start.integer);
  if (start?.timestamp) return BigInt(start.timestamp.seconds ?? '0') * 1_000_000n + BigInt(Math.floor((start.timestamp.nanos ?? 0) / 1000));
  if (start?.datetime !== undefined) {
    const micros = parseDatetime(String(start.datetime));
    if (micros === null) throw badInput(`Unable to parse datetime \`${start.datetime}\` in order_by.start_from`);
    return BigInt(micros);
  }
  return undefined;
}

export function lookupFromWire(lookup: Message | undefined): LookupFrom | undefined {
  if (!lookup) return undefined;
  if (lookup.shard_key_selector) throw badInput('Shard key selector is only allowed for collections with custom sharding');
  return { collection: collectionName(lookup.collection_name, 'lookup_from.collection_name'), vectorName: lookup.vector_name ?? '' };
}

function paramsFromWire(params: Message | undefined): { hnswEf?: number; exact: boolean } {
  return {
    ...(params?.hnsw_ef === undefined ? {} : { hnswEf: boundedInt(params.hnsw_ef, 'params.hnsw_ef', 0, 1) }),
    exact: params?.exact === true,
  };
}

/** Qdrant's rules for what a query node may combine. */
function checked(node: QueryNode): QueryNode {
  if (!node.query && node.prefetch.length > 0) {
    throw badRequest("A query is needed to merge the prefetches. Can't have prefetches without defining a query.");
  }
  if (!node.query && node.scoreThreshold !== undefined) {
    throw badRequest("A query is needed to use the score_threshold. Can't have score_threshold without defining a query.");
  }
  if (node.query?.kind === 'fusion' && node.prefetch.length === 0) throw badRequest('Fusion queries need at least one prefetch.');
  const weights = node.query?.kind === 'fusion' ? node.query.weights : undefined;
  if (weights && weights.length !== node.prefetch.length) {
    throw badInput(`Number of weights in RRF should match number of pre-fetches: got ${weights.length}, expected ${node.prefetch.length}`);
  }
  if (node.query?.kind === 'order_by' && node.scoreThreshold !== undefined) throw badRequest("Can't use score_threshold with an order_by query.");
  return node;
}

/** The fields a PrefetchQuery and a QueryPoints share (limit 10 by default), with the given offset. */
function nodeFromWire(m: Message, offset: number): QueryNode {
  return checked({
    prefetch: (m.prefetch ?? []).map(prefetchFromWire),
    query: queryKindFromWire(m.query),
    using: m.using ?? '',
    filter: filterFromWire(m.filter),
    scoreThreshold: finiteNumber(m.score_threshold, 'score_threshold'),
    limit: boundedInt(m.limit, 'limit', DEFAULT_QUERY_LIMIT, 1),
    offset,
    ...paramsFromWire(m.params),
    lookupFrom: lookupFromWire(m.lookup_from),
  });
}

/** A PrefetchQuery (it has no offset). */
export function prefetchFromWire(m: Message): QueryNode {
  return nodeFromWire(m, 0);
}

/** QueryPoints or QueryPointGroups: the root of a query tree. */
export function queryNodeFromWire(m: Message): QueryNode {
  const node = nodeFromWire(m, boundedInt(m.offset, 'offset', 0, 0));
  return withParentFilter(node, undefined);
}

/** RecommendPoints / RecommendPointGroups as a query. `limit` is the caller's (required) limit. */
export function recommendNodeFromWire(m: Message, limit: number): QueryNode {
  const positives: VectorRef[] = [...(m.positive ?? []).map((id: Message) => ({ id: pointIdFromWire(id) })), ...(m.positive_vectors ?? []).map(vectorRefFromVector)];
  const negatives: VectorRef[] = [...(m.negative ?? []).map((id: Message) => ({ id: pointIdFromWire(id) })), ...(m.negative_vectors ?? []).map(vectorRefFromVector)];
  return {
    prefetch: [],
    query: { kind: 'recommend', positives, negatives, strategy: strategyFromWire(m.strategy) },
    using: m.using ?? '',
    filter: filterFromWire(m.filter),
    scoreThreshold: finiteNumber(m.score_threshold, 'score_threshold'),
    limit,
    offset: boundedInt(m.offset, 'offset', 0, 0),
    ...paramsFromWire(m.params),
    lookupFrom: lookupFromWire(m.lookup_from),
  };
}

/** DiscoverPoints as a query: with a target it is discovery, without one a context search. */
export function discoverNodeFromWire(m: Message): QueryNode {
  const pairs: RefPair[] = (m.context ?? []).map((p: Message, i: number) => ({
    positive: vectorRefFromExample(p.positive, `context[${i}].positive`),
    negative: vectorRefFromExample(p.negative, `context[${i}].negative`),
  }));
  const target = m.target?.single ? vectorRefFromExample(m.target.single, 'target') : undefined;
  return {
    prefetch: [],
    query: target ? { kind: 'discover', target, pairs } : { kind: 'context', pairs },
    using: m.using ?? '',
    filter: filterFromWire(m.filter),
    limit: boundedInt(m.limit ?? 0, 'limit', 0, 1),
    offset: boundedInt(m.offset, 'offset', 0, 0),
    ...paramsFromWire(m.params),
    lookupFrom: lookupFromWire(m.lookup_from),
  };
}
