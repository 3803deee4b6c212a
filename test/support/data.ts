// Seeded test data and an independent brute-force reference, written from the definitions
// (not from quiver's code): cosine = a.b / (|a||b|), dot = a.b, Euclid = L2 distance,
// Manhattan = L1 distance; similarities rank larger first, distances smaller first.
import { Distance } from '@qdrant/js-client-grpc';

export type DistanceName = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';

export const DISTANCE_ENUM: Record<DistanceName, Distance> = {
  Cosine: Distance.Cosine,
  Dot: Distance.Dot,
  Euclid: Distance.Euclid,
  Manhattan: Distance.Manhattan,
};

/** mulberry32: a small seeded PRNG, so every run sees the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomVectors(count: number, dim: number, seed: number): number[][] {
  const next = rng(seed);
  // Rounded through float32, as the wire carries them.
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => Math.fround(next() * 2 - 1)));
}

export function score(distance: DistanceName, a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0, l2 = 0, l1 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
    l2 += (a[i] - b[i]) ** 2;
    l1 += Math.abs(a[i] - b[i]);
  }
  switch (distance) {
    case 'Cosine': return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    case 'Dot': return dot;
    case 'Euclid': return Math.sqrt(l2);
    case 'Manhattan': return l1;
  }
}

export function largerIsBetter(distance: DistanceName): boolean {
  return distance === 'Cosine' || distance === 'Dot';
}

/** Exact top-k as [index, score], best first. */
export function bruteForce(distance: DistanceName, query: number[], vectors: number[][], k: number): [number, number][] {
  const scored = vectors.map((v, i) => [i, score(distance, query, v)] as [number, number]);
  scored.sort(largerIsBetter(distance) ? (x, y) => y[1] - x[1] : (x, y) => x[1] - y[1]);
  return scored.slice(0, k);
}

export function normalise(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return n === 0 ? v : v.map((x) => x / n);
}

/** Whether two scores agree within float32 computation error. */
export function closeScore(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-4 * Math.max(1, Math.abs(expected));
}

/**
 * A seeded Gaussian mixture (points scattered around `centres` random centres), the kind of data
 * embeddings are and the benchmarks' floors were measured on; uniform noise is far harder for
 * every approximate index and says little about real use.
 */
export function clusteredVectors(count: number, dim: number, seed: number, centres = 1000, spread = 0.1): number[][] {
  const next = rng(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const middles = randomVectors(centres, dim, seed + 1);
  return Array.from({ length: count }, () => {
    const centre = middles[Math.floor(next() * centres)];
    return centre.map((c) => Math.fround(c + spread * gaussian()));
  });
}
