// Qdrant's score semantics per distance: how vectors are prepared, how a score is computed, and
// which direction is better. Cosine vectors are L2-normalised on insert and on query (zero vectors
// stay zero), so the cosine score is a plain dot product. Euclid and Manhattan return the distance
// itself, smallest first.
import type { Distance } from './types.ts';

/** prepareVector in place on vector[offset .. offset + dim): the same float32 values, no new array. */
export function prepareVectorInPlace(distance: Distance, vector: Float32Array, offset: number, dim: number): void {
  if (distance !== 'Cosine') return;
  let norm = 0;
  for (let i = offset; i < offset + dim; i++) norm += vector[i] * vector[i];
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let i = offset; i < offset + dim; i++) vector[i] = vector[i] * scale;
}

export function prepareVector(distance: Distance, vector: Float32Array): Float32Array {
  if (distance !== 'Cosine') return vector;
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] * scale;
  return out;
}

/**
 * Score of stored vector `data[offset .. offset+dim)` against a prepared query, rounded to float32:
 * scores are float32 on the wire, and thresholds compare what the caller will see.
 */
export function scoreAt(distance: Distance, query: Float32Array, data: Float32Array, offset: number): number {
  return Math.fround(rawScoreAt(distance, query, data, offset));
}

function rawScoreAt(distance: Distance, query: Float32Array, data: Float32Array, offset: number): number {
  const dim = query.length;
  let acc = 0;
  switch (distance) {
    case 'Cosine':
    case 'Dot': {
      // Four accumulators let the loop run without waiting on one sum.
      let a1 = 0, a2 = 0, a3 = 0;
      let i = 0;
      for (; i + 3 < dim; i += 4) {
        acc += query[i] * data[offset + i];
        a1 += query[i + 1] * data[offset + i + 1];
        a2 += query[i + 2] * data[offset + i + 2];
        a3 += query[i + 3] * data[offset + i + 3];
      }
      for (; i < dim; i++) acc += query[i] * data[offset + i];
      return acc + a1 + a2 + a3;
    }
    case 'Euclid': {
      let a1 = 0, a2 = 0, a3 = 0;
      let i = 0;
      for (; i + 3 < dim; i += 4) {
        const d0 = query[i] - data[offset + i];
        const d1 = query[i + 1] - data[offset + i + 1];
        const d2 = query[i + 2] - data[offset + i + 2];
        const d3 = query[i + 3] - data[offset + i + 3];
        acc += d0 * d0;
        a1 += d1 * d1;
        a2 += d2 * d2;
        a3 += d3 * d3;
      }
      for (; i < dim; i++) {
        const d = query[i] - data[offset + i];
        acc += d * d;
      }
      return Math.sqrt(acc + a1 + a2 + a3);
    }
    case 'Manhattan':
      for (let i = 0; i < dim; i++) acc += Math.abs(query[i] - data[offset + i]);
      return acc;
  }
}

/** True when a larger score is better (similarities); false for distances. */
export function largerIsBetter(distance: Distance): boolean {
  return distance === 'Cosine' || distance === 'Dot';
}

/** Comparator that sorts the best score first. */
export function bestFirst(distance: Distance): (a: { score: number }, b: { score: number }) => number {
  return largerIsBetter(distance) ? (a, b) => b.score - a.score : (a, b) => a.score - b.score;
}

/** Qdrant's strict threshold: similarities must exceed it, distances must stay below it. */
export function passesThreshold(distance: Distance, score: number, threshold: number | undefined): boolean {
  if (threshold === undefined) return true;
  return largerIsBetter(distance) ? score > threshold : score < threshold;
}
