// Dense vectors from the wire, checked against the collection's vector space.
// Input rules follow Qdrant: Vector.dense (field 101) wins; otherwise the deprecated `data`
// field is a dense vector. Output fills only the `dense` oneof member.
import { badInput } from '../../errors/index.ts';
import type { VectorSpace } from '../../engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

function checkDense(values: ArrayLike<number>, space: VectorSpace): Float32Array {
  if (values.length !== space.dim) {
    throw badInput(`Vector dimension error: expected dim: ${space.dim}, got ${values.length}`);
  }
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw badInput(`Vector contains a non-finite value (${v}) at position ${i}`);
    out[i] = v;
  }
  return out;
}

/** The dense values of a qdrant.Vector message (input), before any distance preparation. */
function denseValuesOf(vector: Message): number[] {
  if (vector.dense) return vector.dense.data ?? [];
  if (vector.sparse || vector.indices) throw badInput('Sparse vector must be named');
  if (vector.multi_dense || vector.vectors_count !== undefined) throw badInput('Multi-vectors are not supported by this collection');
  if (vector.document || vector.image || vector.object) {
    throw badInput('Inference (document, image, object inputs) is not available in quiver');
  }
  return vector.data ?? [];
}

/**
 * The point's vector for the collection's single unnamed vector, from a qdrant.Vectors message.
 * Named vectors are accepted only under the default name "".
 */
export function pointVectorFromWire(vectors: Message | undefined, space: VectorSpace): Float32Array {
  if (!vectors) throw badInput('Expected some vectors');
  if (vectors.vector) return checkDense(denseValuesOf(vectors.vector), space);
  if (vectors.vectors) {
    const named: Record<string, Message> = vectors.vectors.vectors ?? {};
    const names = Object.keys(named);
    const unknown = names.find((n) => n !== '');
    if (unknown !== undefined) throw badInput(`Not existing vector name error: ${unknown}`);
    if (named[''] === undefined) throw badInput('Expected some vectors');
    return checkDense(denseValuesOf(named['']), space);
  }
  throw badInput('Expected some vectors');
}

/** A query vector given as `repeated float` (SearchPoints.vector). */
export function queryVectorFromWire(values: number[] | undefined, space: VectorSpace): Float32Array {
  return checkDense(values ?? [], space);
}

export function vectorOutput(vector: Float32Array): Message {
  return { vector: { dense: { data: Array.from(vector) } } };
}
