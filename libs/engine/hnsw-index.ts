// A thin owner of one hnswlib-node graph: growth, label updates and deletes, and the conversions
// hnswlib-node needs (it takes plain number arrays, not Float32Array).
// Calls are synchronous and CPU-bound: callers decide on which thread they run.
import hnswlib from 'hnswlib-node';
import type { Distance, HnswParams } from './types.ts';

const { HierarchicalNSW } = hnswlib;

/** hnswlib space for a distance; Manhattan has none (answered by exact scan). */
export function hnswSpaceFor(distance: Distance): 'l2' | 'ip' | null {
  switch (distance) {
    case 'Cosine': // vectors arrive normalised, so inner product equals cosine similarity
    case 'Dot':
      return 'ip';
    case 'Euclid':
      return 'l2';
    case 'Manhattan':
      return null;
  }
}

function toArray(vector: Float32Array): number[] {
  const out = new Array<number>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]; // 10x faster than Array.from
  return out;
}

export class HnswIndex {
  private readonly index: InstanceType<typeof HierarchicalNSW>;
  private capacity: number;
  private present = 0;

  constructor(space: 'l2' | 'ip', dim: number, params: HnswParams, initialCapacity = 1024) {
    this.index = new HierarchicalNSW(space, dim);
    this.capacity = initialCapacity;
    this.index.initIndex({ maxElements: initialCapacity, m: params.m, efConstruction: params.efConstruct, randomSeed: 100 });
  }

  /** Inserts a label that is not in the graph yet. */
  insert(label: number, vector: Float32Array): void {
    if (label >= this.capacity) {
      this.capacity = Math.max(label + 1, this.capacity * 2);
      this.index.resizeIndex(this.capacity);
    }
    this.index.addPoint(toArray(vector), label);
    this.present++;
  }

  remove(label: number): void {
    this.index.markDelete(label);
    this.present--;
  }

  /** Labels of up to k approximate nearest neighbours, best first. */
  search(query: Float32Array, k: number, ef: number): number[] {
    const n = Math.min(k, this.present);
    if (n <= 0) return [];
    this.index.setEf(Math.max(ef, n));
    return this.index.searchKnn(toArray(query), n).neighbors;
  }
}
