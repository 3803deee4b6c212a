// Maximal Marginal Relevance, as Qdrant defines it for `nearest_with_mmr`: among the candidates
// (the nearest points to the query, with their vectors), the first pick is the most relevant one;
// each next pick maximises
//     lambda * relevance(c) - (1 - lambda) * max over picked p of similarity(c, p)
// with lambda = 1 - diversity. Relevance and similarity are the distance's raw similarity (larger
// is more similar: a dot product for Cosine / Dot on prepared vectors, the negated squared L2
// distance for Euclid, the negated L1 distance for Manhattan), in float32. Picked points keep their
// original search score, in the order picked. Fewer than two candidates are returned as they are.
import { type Distance, rawSimilarity, type ScoredRecord } from '../../libs/engine/index.ts';

export const DEFAULT_MMR_DIVERSITY = 0.5;

export function maximalMarginalRelevance(
  candidates: ScoredRecord[],
  query: Float32Array,
  distance: Distance,
  diversity: number,
  limit: number,
): ScoredRecord[] {
  const withVectors = candidates.filter((c): c is ScoredRecord & { vector: Float32Array } => c.vector !== null);
  if (withVectors.length < 2) return withVectors.slice(0, limit);
  const f = Math.fround;
  const lambda = f(1 - f(diversity));
  const similarity = (a: Float32Array, b: Float32Array) => f(rawSimilarity(distance, a, b, 0));
  const relevance = withVectors.map((c) => similarity(query, c.vector));
  // The closest picked point's similarity to each remaining candidate, updated after each pick.
  const closestPicked = new Array<number>(withVectors.length).fill(Number.NEGATIVE_INFINITY);
  const remaining = new Set(withVectors.keys());
  const picked: number[] = [];
  while (picked.length < limit && remaining.size > 0) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const i of remaining) {
      const score = picked.length === 0 ? relevance[i] : f(f(lambda * relevance[i]) - f(f(1 - lambda) * closestPicked[i]));
      if (best === -1 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    picked.push(best);
    remaining.delete(best);
    for (const i of remaining) closestPicked[i] = Math.max(closestPicked[i], similarity(withVectors[i].vector, withVectors[best].vector));
  }
  return picked.map((i) => withVectors[i]);
}
