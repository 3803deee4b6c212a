// Dense vectors of one shard in one growable Float32Array, addressed by label (row).
export class VectorColumn {
  private data: Float32Array;

  constructor(readonly dim: number, initialRows = 1024) {
    this.data = new Float32Array(dim * initialRows);
  }

  get capacity(): number {
    return this.data.length / this.dim;
  }

  /** The backing array; row r starts at r * dim. Valid until the next write that grows it. */
  get raw(): Float32Array {
    return this.data;
  }

  /** Replaces the whole column with a copy of `rows` rows of `data` (one copy, for restores). */
  load(data: Float32Array, rows: number): void {
    const copy = new Float32Array(Math.max(rows, 1024) * this.dim);
    copy.set(data.subarray(0, rows * this.dim));
    this.data = copy;
  }

  set(row: number, vector: Float32Array): void {
    this.reserve(row + 1);
    this.data.set(vector, row * this.dim);
  }

  /** Writes consecutive rows from `firstRow` on (`rows`: a whole number of rows), with one copy. */
  setRows(firstRow: number, rows: Float32Array): void {
    this.reserve(firstRow + rows.length / this.dim);
    this.data.set(rows, firstRow * this.dim);
  }

  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const grown = new Float32Array(Math.max(rows * this.dim, this.data.length * 2));
    grown.set(this.data);
    this.data = grown;
  }

  /** A copy of one row. */
  get(row: number): Float32Array {
    return this.data.slice(row * this.dim, (row + 1) * this.dim);
  }
}
