// Scorers other than "nearest to one vector", carried by a shard SearchRequest: Qdrant's
// recommend (best score, sum of scores), discovery and context objectives, order_by a payload
// field, and random sampling. Every vector scorer compares a candidate with its examples by the
// distance's raw similarity (larger is more similar: dot product for Cosine/Dot on prepared
// vectors, the negated squared L2 distance for Euclid, the negated L1 distance for Manhattan), and
// its score is always "larger is better", whatever the distance.
// Shards evaluate scorers by exact scan over their live points (correct first; the HNSW graph is
// not walked with them).
import type { Distance, PayloadValue, PointId } from './types.ts';

export interface ExamplePair {
  positive: Float32Array;
  negative: Float32Array;
}

export type Scorer =
  | { kind: 'best_score'; positives: Float32Array[]; negatives: Float32Array[] }
  | { kind: 'sum_scores'; positives: Float32Array[]; negatives: Float32Array[] }
  | { kind: 'discover'; target: Float32Array; pairs: ExamplePair[] }
  | { kind: 'context'; pairs: ExamplePair[] }
  /** By a numeric payload value; points without one are left out. */
  | { kind: 'order_by'; key: string; descending: boolean; startFrom?: number }
  /** Uniformly random points; the score is a random key, used to merge shards and then dropped. */
  | { kind: 'random' };

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
      const path = scorer.key.split('.');
      return (_data, _offset, payload) => {
        const value = orderValueAt(payload, path, scorer.descending);
        if (value === undefined) return null;
        const n = Number(value);
        if (scorer.startFrom !== undefined && (scorer.descending ? n > scorer.startFrom : n < scorer.startFrom)) return null;
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
 * The numeric value a point is ordered by: the value at the dotted path, and for an array the one
 * that comes first in the direction asked (the smallest ascending, the largest descending).
 */
function orderValueAt(payload: PayloadValue | null, path: string[], descending: boolean): number | bigint | undefined {
  let value: PayloadValue | undefined = payload ?? undefined;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = value[part];
  }
  const candidates = (Array.isArray(value) ? value : [value]).filter((v): v is number | bigint => typeof v === 'number' || typeof v === 'bigint');
  if (candidates.length === 0) return undefined;
  return candidates.reduce((best, v) => ((descending ? v > best : v < best) ? v : best));
}
