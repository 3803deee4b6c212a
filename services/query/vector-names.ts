// The one place a read names a vector (`using`, `vector_name`, lookup_from.vector_name): the
// collection's unnamed vector "" or one of its named vectors; any other name is refused the way
// Qdrant refuses a name the collection does not have.
import { spaceNamed } from '../../libs/api/index.ts';
import { type CollectionRecord, vectorSpacesOf } from '../../libs/cluster/index.ts';
import type { VectorSpace } from '../../libs/engine/index.ts';

export function vectorSpaceNamed(record: CollectionRecord, name: string | undefined): VectorSpace {
  return spaceNamed(vectorSpacesOf(record), name ?? '');
}
