// One string per point id, for maps and sets (bigint and UUID ids never collide).
import type { PointId } from '../../libs/engine/index.ts';

export function idKey(id: PointId): string {
  return typeof id === 'bigint' ? `n${id}` : `u${id}`;
}
