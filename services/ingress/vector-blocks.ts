// Points' vectors from the wire -> the packed per-name blocks that operations carry (see
// VectorBlock in libs/engine/operations.ts). Everything is checked and prepared for each name's
// distance here, at the ingress, before anything is queued.
import { checkDenseInto, forEachPointVector, pointVectorsFromWire } from '../../libs/api/index.ts';
import { prepareVector, prepareVectorInPlace, type VectorBlock, type VectorSpace } from '../../libs/engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** A point's vectors by name, checked against the spaces and prepared for their distances. */
export function preparedPointVectors(vectors: Message | undefined, spaces: Map<string, VectorSpace>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, vector] of pointVectorsFromWire(vectors, spaces)) out.set(name, prepareVector(spaces.get(name)!.distance, vector));
  return out;
}

/** One name's rows: the points (indexes) that carry it and their values, packed as they arrive. */
interface Rows {
  points: number[];
  data: Float32Array;
  count: number;
}

/** Collects the vectors of an operation's points (added in point order) and packs them per name. */
export class VectorBlocksBuilder {
  private readonly byName = new Map<string, Rows>();
  private count = 0;

  constructor(private readonly spaces: Map<string, VectorSpace>) {}

  private rowsOf(name: string, dim: number): Rows {
    let rows = this.byName.get(name);
    if (!rows) this.byName.set(name, (rows = { points: [], data: new Float32Array(64 * dim), count: 0 }));
    if ((rows.count + 1) * dim > rows.data.length) {
      const grown = new Float32Array(rows.data.length * 2);
      grown.set(rows.data);
      rows.data = grown;
    }
    return rows;
  }

  /** Adds the next point (index = points added before) with the vectors it carries, already prepared. */
  add(vectors: Map<string, Float32Array>): void {
    const point = this.count++;
    for (const [name, vector] of vectors) {
      const rows = this.rowsOf(name, vector.length);
      rows.points.push(point);
      rows.data.set(vector, rows.count++ * vector.length);
    }
  }

  /**
   * Adds the next point from its wire Vectors message: checked as pointVectorsFromWire checks it,
   * written straight into the name's packed rows and prepared there (no per-point arrays). Throws
   * on bad input; the builder is then to be discarded with the request.
   */
  addFromWire(vectors: Message | undefined): void {
    const point = this.count++;
    forEachPointVector(vectors, this.spaces, (name, values, space) => {
      const rows = this.rowsOf(name, space.dim);
      const offset = rows.count * space.dim;
      checkDenseInto(values, space, rows.data, offset);
      prepareVectorInPlace(space.distance, rows.data, offset, space.dim);
      rows.points.push(point);
      rows.count++;
    });
  }

  /** One block per name given; `points` is left out when every point carries the name. */
  blocks(): VectorBlock[] {
    return [...this.byName].map(([name, rows]) => {
      const dim = this.spaces.get(name)!.dim;
      const packed = rows.data.subarray(0, rows.count * dim);
      return { name, dim, vectors: packed, ...(rows.points.length === this.count ? {} : { points: rows.points }) };
    });
  }
}
