// Which hnswlib space serves a distance.
import type { Distance } from '../types.ts';

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
