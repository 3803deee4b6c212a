// Points' vectors from the wire -> the packed per-name blocks that operations carry (see
// VectorBlock in libs/engine/operations.ts). Everything is checked and prepared for each name's
// distance here, at the ingress, before anything is queued.
import { pointVectorsFromWire } from '../../libs/api/index.ts';
import { prepareVector, type VectorBlock, type VectorSpace } from '../../libs/engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** A point's vectors by name, checked against the spaces and prepared for their distances. */
export function preparedPointVectors(vectors: Message | undefined, spaces: Map<string, VectorSpace>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, vector] of pointVectorsFromWire(vectors, spaces)) out.set(name, prepareVector(spaces.get(name)!.distance, vector));
  return out;
}

/** Collects the vectors of an operation's points (added in point order) and packs them per name. */
export class VectorBlocksBuilder {
  private readonly byName = new Map<string, { points: number[]; vectors: Float32Array[] }>();
  private count = 0;

  constructor(private readonly spaces: Map<string, VectorSpace>) {}

  /** Adds the next point (index = points added before) with the vectors it carries. */
  add(vectors: Map<string, Float32Array>): void {
    const point = this.count++;
    for (const [name, vector] of vectors) {
      let rows = this.byName.get(name);
      if (!rows) this.byName.set(name, (rows = { points: [], vectors: [] }));
      rows.points.push(point);
      rows.vectors.push(vector);
    }
  }

  /** One block per name given; `points` is left out when every point carries the name. */
  blocks(): VectorBlock[] {
    return [...this.byName].map(([name, rows]) => {
      const dim = this.spaces.get(name)!.dim;
      const packed = new Float32Array(rows.vectors.length * dim);
      rows.vectors.forEach((v, i) => packed.set(v, i * dim));
      return { name, dim, vectors: packed, ...(rows.points.length === this.count ? {} : { points: rows.points }) };
    });
  }
}
