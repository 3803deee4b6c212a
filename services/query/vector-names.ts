// The one place a read names a vector (`using`, `vector_name`, lookup_from.vector_name): today a
// collection has only the default unnamed vector "", so any other name is refused the way Qdrant
// refuses a name the collection does not have. Named vectors extend this function.
import { type CollectionRecord, vectorSpaceOf } from '../../libs/cluster/index.ts';
import type { VectorSpace } from '../../libs/engine/index.ts';
import { badInput } from '../../libs/errors/index.ts';

export function vectorSpaceNamed(record: CollectionRecord, name: string | undefined): VectorSpace {
  const space = vectorSpaceOf(record);
  if ((name ?? '') !== '' || !space) throw badInput(`Not existing vector name error: ${name ?? ''}`);
  return space;
}
