// Dense vectors from the wire, checked against the collection's vector spaces (by name).
// Input rules follow Qdrant: Vector.dense (field 101) wins; otherwise the deprecated `data`
// field is a dense vector. Output fills only the `dense` oneof member.
import { badInput } from '../../errors/index.ts';
import type { VectorSpace } from '../../engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

function checkDense(values: ArrayLike<number>, space: VectorSpace): Float32Array {
  const out = new Float32Array(space.dim);
  checkDenseInto(values, space, out, 0);
  return out;
}

/**
 * Checks dense values against the space (dimension, finite values) while writing them into
 * out[offset .. offset + dim): no intermediate array. On a bad value it throws; what it wrote
 * before is garbage the caller discards with the failed request.
 */
export function checkDenseInto(values: ArrayLike<number>, space: VectorSpace, out: Float32Array, offset: number): void {
  const n = values.length;
  if (n !== space.dim) {
    throw badInput(`Vector dimension error: expected dim: ${space.dim}, got ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw badInput(`Vector contains a non-finite value (${v}) at position ${i}`);
    out[offset + i] = v;
  }
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

/** The vector name's space, or INVALID_ARGUMENT as Qdrant answers an unknown name. */
export function spaceNamed(spaces: Map<string, VectorSpace>, name: string): VectorSpace {
  const space = spaces.get(name);
  if (!space) throw badInput(`Not existing vector name error: ${name}`);
  return space;
}

/**
 * A point's vectors by name ("" for the unnamed vector) from a qdrant.Vectors message, each
 * checked against its space. A collection with the unnamed vector needs it; a collection with
 * named vectors takes any subset of its names (a point may lack some).
 */
export function pointVectorsFromWire(vectors: Message | undefined, spaces: Map<string, VectorSpace>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  forEachPointVector(vectors, spaces, (name, values, space) => out.set(name, checkDense(values, space)));
  return out;
}

/**
 * The same checks as pointVectorsFromWire, without building anything: calls `each` with every
 * given name's raw dense values and its space, in message order, and throws (after the calls for
 * the names before it) at the first structural error. Values are checked by the callee
 * (checkDenseInto); a missing required unnamed vector throws after all calls.
 */
export function forEachPointVector(
  vectors: Message | undefined, spaces: Map<string, VectorSpace>, each: (name: string, values: ArrayLike<number>, space: VectorSpace) => void,
): void {
  if (!vectors || (!vectors.vector && !vectors.vectors)) throw badInput('Expected some vectors');
  if (vectors.vector) {
    each('', denseValuesOf(vectors.vector), spaceNamed(spaces, ''));
    return;
  }
  let unnamedGiven = false;
  for (const [name, vector] of Object.entries(vectors.vectors.vectors ?? {}) as [string, Message][]) {
    each(name, denseValuesOf(vector), spaceNamed(spaces, name));
    if (name === '') unnamedGiven = true;
  }
  if (spaces.has('') && !unnamedGiven) throw badInput('Expected some vectors');
}

/** A query vector given as `repeated float` (SearchPoints.vector). */
export function queryVectorFromWire(values: number[] | undefined, space: VectorSpace): Float32Array {
  return checkDense(values ?? [], space);
}

export function vectorOutput(vector: Float32Array): Message {
  return { vector: { dense: { data: Array.from(vector) } } };
}

/** qdrant.VectorsOutput for a collection with named vectors: the map of the point's selected names. */
export function namedVectorsOutput(named: Record<string, Float32Array>): Message {
  const vectors: Message = {};
  for (const [name, vector] of Object.entries(named)) vectors[name] = { dense: { data: Array.from(vector) } };
  return { vectors: { vectors } };
}
