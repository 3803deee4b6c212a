// Fusion of prefetch result lists, as Qdrant defines it. Each list is best first. The fused list is
// ordered by fused score, larger first; a point in several lists appears once, summed.
// - RRF: a point at 0-based position p of a list earns 1 / (p + k), k = 2 by default; weighted, see rrf.
// - DBSF: each list's scores are mapped to [mean - 3σ, mean + 3σ] -> [0, 1] (σ from the sample
//   variance); a list of one point, or one whose scores are all equal, gives 0.5.
import type { ScoredRecord } from '../../libs/engine/index.ts';
import { idKey } from './point-keys.ts';

export const RRF_K = 2;

function sumById(lists: ScoredRecord[][], scoreOf: (list: ScoredRecord[], position: number) => number): ScoredRecord[] {
  const fused = new Map<string, ScoredRecord>();
  for (const list of lists) {
    list.forEach((point, position) => {
      const score = scoreOf(list, position);
      const key = idKey(point.id);
      const seen = fused.get(key);
      // float32 like Qdrant's scores, so a threshold (a float on the wire) compares as it does there.
      if (seen) seen.score = Math.fround(seen.score + score);
      else fused.set(key, { ...point, score: Math.fround(score) });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/**
 * Weighted RRF (Qdrant's definition): the point at 0-based position p of list i earns
 * 1 / ((p + 1) / w_i + k - 1), in float32; a weight <= 0 earns 0 (the point is kept, unscored).
 * Without weights every w_i is 1, which gives 1 / (p + k). `weights`, when given, has one weight
 * per list (query-plan.ts checks it).
 */
export function rrf(lists: ScoredRecord[][], k = RRF_K, weights?: number[]): ScoredRecord[] {
  const f = Math.fround;
  const weightOf = new Map(lists.map((list, i) => [list, f(weights?.[i] ?? 1)]));
  return sumById(lists, (list, position) => {
    const w = weightOf.get(list)!;
    return w <= 0 ? 0 : f(1 / f(f(f(position + 1) / w) + f(k) - 1));
  });
}

export function dbsf(lists: ScoredRecord[][]): ScoredRecord[] {
  const normalised = lists.map((list) => {
    if (list.length < 2) return list.map((p) => ({ ...p, score: 0.5 }));
    const mean = list.reduce((s, p) => s + p.score, 0) / list.length;
    const variance = list.reduce((s, p) => s + (p.score - mean) ** 2, 0) / (list.length - 1);
    const low = mean - 3 * Math.sqrt(variance);
    const high = mean + 3 * Math.sqrt(variance);
    return list.map((p) => ({ ...p, score: high === low ? 0.5 : (p.score - low) / (high - low) }));
  });
  return sumById(normalised, (list, position) => list[position].score);
}
