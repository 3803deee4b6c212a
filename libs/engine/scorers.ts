// Scorers other than "nearest to one vector", carried by a shard SearchRequest: Qdrant's
// recommend (best score, sum of scores), discovery and context objectives, order_by a payload
// field, and random sampling. Every vector scorer compares a candidate with its examples by the
// distance's raw similarity (larger is more similar: dot product for Cosine/Dot on prepared
// vectors, the negated squared L2 distance for Euclid, the negated L1 distance for Manhattan), and
// its score is always "larger is better", whatever the distance.
// Shards evaluate scorers by exact scan over their live points (correct first; the HNSW graph is
// not walked with them).
import { parseDatetime } from './filter/datetime.ts';
import { parsePath, valuesAt } from './filter/json-path.ts';
import { compareIds, type Distance, type PayloadValue, type PointId } from './types.ts';

export interface ExamplePair {
  positive: Float32Array;
  negative: Float32Array;
}

export type Scorer =
  | { kind: 'best_score'; positives: Float32Array[]; negatives: Float32Array[] }
  | { kind: 'sum_scores'; positives: Float32Array[]; negatives: Float32Array[] }
  | { kind: 'discover'; target: Float32Array; pairs: ExamplePair[] }
  | { kind: 'context'; pairs: ExamplePair[] }
  /**
   * By a payload value of the key's range index type (see orderValueOf); points without one (at or
   * past startFrom) are left out. startFrom is a number, or a bigint for an integer / datetime bound.
   */
  | { kind: 'order_by'; key: string; descending: boolean; valueType: OrderValueType; startFrom?: number | bigint }
  /** Uniformly random points; the score is a random key, used to merge shards and then dropped. */
  | { kind: 'random' };

/**
 * What an order_by key is read as, after its payload index: integers (Qdrant's OrderValue int),
 * floats (integers count as floats; OrderValue float), datetimes (OrderValue int, microseconds since
 * the epoch, UTC).
 */
export type OrderValueType = 'integer' | 'float' | 'datetime';

/** What one candidate gets: `rank` orders candidates (larger first), `score` is what the caller sees. */
export interface ScorerResult {
  rank: number;
  score: number;
  orderValue?: number | bigint;
}

/** Qdrant's raw similarity of two vectors (vectors already prepared for the distance). */
export function rawSimilarity(distance: Distance, a: Float32Array, data: Float32Array, offset: number): number {
  let acc = 0;
  const dim = a.length;
  switch (distance) {
    case 'Cosine':
    case 'Dot':
      for (let i = 0; i < dim; i++) acc += a[i] * data[offset + i];
      return acc;
    case 'Euclid':
      for (let i = 0; i < dim; i++) acc += (a[i] - data[offset + i]) ** 2;
      return -acc;
    case 'Manhattan':
      for (let i = 0; i < dim; i++) acc += Math.abs(a[i] - data[offset + i]);
      return -acc;
  }
}

/** x / (1 + |x|): a sigmoid without an exponent, in (-1, 1). */
export function fastSigmoid(x: number): number {
  return x / (1 + Math.abs(x));
}

/** fastSigmoid scaled into (0, 1). */
export function scaledFastSigmoid(x: number): number {
  return 0.5 * (fastSigmoid(x) + 1);
}

/** The smallest float32 step above 1, Qdrant's margin in the context loss. */
const F32_EPSILON = 2 ** -23;

/** A function scoring the vector at data[offset..] (and its payload) by the scorer; null leaves the point out. */
export function candidateScorer(
  scorer: Scorer,
  distance: Distance,
): (data: Float32Array, offset: number, payload: PayloadValue | null, id: PointId) => ScorerResult | null {
  const sim = (example: Float32Array, data: Float32Array, offset: number) => Math.fround(rawSimilarity(distance, example, data, offset));
  const plain = (score: number): ScorerResult => {
    const s = Math.fround(score);
    return { rank: s, score: s };
  };
  switch (scorer.kind) {
    case 'best_score':
      return (data, offset) => {
        let bestPositive = Number.NEGATIVE_INFINITY;
        let bestNegative = Number.NEGATIVE_INFINITY;
        for (const p of scorer.positives) bestPositive = Math.max(bestPositive, sim(p, data, offset));
        for (const n of scorer.negatives) bestNegative = Math.max(bestNegative, sim(n, data, offset));
        return plain(bestPositive > bestNegative ? scaledFastSigmoid(bestPositive) : -scaledFastSigmoid(bestNegative));
      };
    case 'sum_scores':
      return (data, offset) => {
        let sum = 0;
        for (const p of scorer.positives) sum += sim(p, data, offset);
        for (const n of scorer.negatives) sum -= sim(n, data, offset);
        return plain(sum);
      };
    case 'discover':
      return (data, offset) => {
        let rank = 0;
        for (const pair of scorer.pairs) rank += sim(pair.positive, data, offset) > sim(pair.negative, data, offset) ? 1 : -1;
        return plain(rank + scaledFastSigmoid(sim(scorer.target, data, offset)));
      };
    case 'context':
      return (data, offset) => {
        let loss = 0;
        for (const pair of scorer.pairs) {
          const difference = sim(pair.positive, data, offset) - sim(pair.negative, data, offset) - F32_EPSILON;
          loss += fastSigmoid(Math.min(difference, 0));
        }
        return plain(loss);
      };
    case 'order_by': {
      const steps = parsePath(scorer.key);
      return (_data, _offset, payload) => {
        const value = steps ? orderValueOf(valuesAt(payload, steps), scorer) : undefined;
        if (value === undefined) return null;
        const n = Number(value);
        return { rank: scorer.descending ? n : -n, score: n, orderValue: value };
      };
    }
    case 'random':
      return () => {
        const key = Math.random();
        return { rank: key, score: key };
      };
  }
}

/**
 * The one value a point is ordered by, as Qdrant picks it (its fix of qdrant/qdrant#9192): of the
 * values the key holds (array elements included) that the index type takes, those at or past
 * startFrom, the first in the direction asked (the smallest ascending, the largest descending).
 * A point therefore appears once, however many values it has.
 */
function orderValueOf(found: PayloadValue[], scorer: { descending: boolean; valueType: OrderValueType; startFrom?: number | bigint }): number | bigint | undefined {
  let best: number | bigint | undefined;
  for (const raw of found.flatMap((v) => (Array.isArray(v) ? v : [v]))) {
    const value = typedOrderValue(raw, scorer.valueType);
    if (value === undefined) continue;
    const { startFrom, descending } = scorer;
    if (startFrom !== undefined && (descending ? value > startFrom : value < startFrom)) continue;
    if (best === undefined || (descending ? value > best : value < best)) best = value;
  }
  return best;
}

function typedOrderValue(raw: PayloadValue, type: OrderValueType): number | bigint | undefined {
  switch (type) {
    case 'integer':
      return typeof raw === 'bigint' ? raw : undefined;
    case 'float':
      return typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : undefined;
    case 'datetime': {
      const micros = typeof raw === 'string' ? parseDatetime(raw) : null;
      return micros === null ? undefined : BigInt(micros);
    }
  }
}

/** Exact comparison of two order values (integers and floats compare by value, never rounded). */
function compareOrderValues(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Ranked {
  id: PointId;
  rank: number;
  orderValue?: number | bigint;
}

/**
 * Best first for a scorer's results, used by shards and by the merge after them alike: larger rank
 * first; for order_by, as Qdrant merges, by (order value, id) ascending, or that order reversed
 * when descending.
 */
export function scorerOrder(scorer: Scorer): (a: Ranked, b: Ranked) => number {
  if (scorer.kind !== 'order_by') return (a, b) => b.rank - a.rank;
  const sign = scorer.descending ? -1 : 1;
  return (a, b) => sign * (compareOrderValues(a.orderValue ?? 0, b.orderValue ?? 0) || compareIds(a.id, b.id));
}
