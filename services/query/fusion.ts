// Fusion of prefetch result lists, as Qdrant defines it. Each list is best first. The fused list is
// ordered by fused score, larger first; a point in several lists appears once, summed.
// - RRF: a point at 0-based position p of a list earns 1 / (p + k), k = 2 (Qdrant's default).
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

export function rrf(lists: ScoredRecord[][]): ScoredRecord[] {
  return sumById(lists, (_list, position) => 1 / (position + RRF_K));
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
