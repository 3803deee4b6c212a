// Which shard a point lives in: a stable hash of its id, the same in every process and release.
import type { PointId } from './types.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

export function shardOf(id: PointId, shardCount: number): number {
  if (shardCount === 1) return 0;
  return fnv1a(typeof id === 'bigint' ? `n${id}` : `u${id}`) % shardCount;
}
