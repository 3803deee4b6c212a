// Independent reference for the Query / Recommend / Discover tests, written from Qdrant's
// documented formulas (not from quiver's code), for Cosine collections:
// - similarity = cosine of the two vectors;
// - recommend average: query = 2·avg(positives) − avg(negatives) (avg(positives) without negatives);
// - best score: best positive p vs best negative n: p > n ? sig(p) : −sig(n), sig(x) = (x/(1+|x|)+1)/2;
// - sum scores: Σ positives − Σ negatives;
// - discovery: Σ over pairs (+1 closer to positive, else −1) + sig(similarity to target);
// - context: Σ over pairs x/(1+|x|) with x = min(pos − neg − 2^-23, 0);
// - RRF: Σ 1/(position + 2); DBSF: each list mapped [mean−3σ, mean+3σ] → [0,1], summed.
import assert from 'node:assert/strict';
import type { ScoredPoint } from '@qdrant/js-client-grpc';
import { closeScore, score } from './data.ts';
import { idOf } from './wire.ts';

export const cos = (a: number[], b: number[]) => score('Cosine', a, b);
const sig = (x: number) => 0.5 * (x / (1 + Math.abs(x)) + 1);

export function averageQuery(positives: number[][], negatives: number[][]): number[] {
  const avg = (vs: number[][]) => vs[0].map((_, i) => vs.reduce((s, v) => s + v[i], 0) / vs.length);
  const unit = (v: number[]) => {
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / n);
  };
  const p = avg(positives.map(unit));
  if (negatives.length === 0) return p;
  const n = avg(negatives.map(unit));
  return p.map((x, i) => 2 * x - n[i]);
}

export function bestScore(c: number[], positives: number[][], negatives: number[][]): number {
  const p = Math.max(...positives.map((v) => cos(v, c)));
  const n = Math.max(...negatives.map((v) => cos(v, c)));
  return p > n ? sig(p) : -sig(n);
}

export function sumScores(c: number[], positives: number[][], negatives: number[][]): number {
  return positives.reduce((s, v) => s + cos(v, c), 0) - negatives.reduce((s, v) => s + cos(v, c), 0);
}

export function discovery(c: number[], target: number[], pairs: [number[], number[]][]): number {
  return pairs.reduce((s, [p, n]) => s + (cos(p, c) > cos(n, c) ? 1 : -1), 0) + sig(cos(target, c));
}

export function context(c: number[], pairs: [number[], number[]][]): number {
  return pairs.reduce((s, [p, n]) => {
    const x = Math.min(cos(p, c) - cos(n, c) - 2 ** -23, 0);
    return s + x / (1 + Math.abs(x));
  }, 0);
}

/** Expected scores by id key, larger better. */
export type Expected = Map<bigint, number>;

export function rrfFuse(lists: bigint[][]): Expected {
  const out: Expected = new Map();
  for (const list of lists) list.forEach((id, pos) => out.set(id, (out.get(id) ?? 0) + 1 / (pos + 2)));
  return out;
}

export function dbsfFuse(lists: [bigint, number][][]): Expected {
  const out: Expected = new Map();
  for (const list of lists) {
    const mean = list.reduce((s, [, x]) => s + x, 0) / list.length;
    const sd = Math.sqrt(list.reduce((s, [, x]) => s + (x - mean) ** 2, 0) / (list.length - 1));
    for (const [id, x] of list) out.set(id, (out.get(id) ?? 0) + (x - (mean - 3 * sd)) / (6 * sd));
  }
  return out;
}

/** The top k of `expected` (larger first) as [id, score]. */
export function topOf(expected: Expected, k: number, offset = 0): [bigint, number][] {
  return [...expected].sort((a, b) => b[1] - a[1]).slice(offset, offset + k);
}

/**
 * The answer is a best-first top-k of `expected`: each returned score equals the expected score of
 * its id, scores never increase, and no id left out scores better than the last one returned.
 * Ties may come in any order, as in Qdrant.
 */
export function assertTopK(result: ScoredPoint[], expected: Expected, k: number, tolerance = 1e-4): void {
  assert.equal(result.length, Math.min(k, expected.size), 'result length');
  const returned = new Set<bigint>();
  result.forEach((p, i) => {
    const id = idOf(p.id) as bigint;
    assert.ok(expected.has(id), `id ${id} is a candidate`);
    assert.ok(closeScore(p.score, expected.get(id)!), `score of ${id}: ${p.score} vs ${expected.get(id)}`);
    if (i > 0) assert.ok(p.score <= result[i - 1].score + tolerance, 'best first');
    returned.add(id);
  });
  const last = result.at(-1)?.score ?? Number.POSITIVE_INFINITY;
  for (const [id, s] of expected) if (!returned.has(id)) assert.ok(s <= last + tolerance, `id ${id} (${s}) should have been returned before ${last}`);
}

/** Expected scores of every point (by index as id, except `excluded`) under a scoring function of its vector. */
export function scoreEvery(vectors: number[][], f: (v: number[]) => number, excluded: number[] = []): Expected {
  const out: Expected = new Map();
  vectors.forEach((v, i) => {
    if (!excluded.includes(i)) out.set(BigInt(i), f(v));
  });
  return out;
}
