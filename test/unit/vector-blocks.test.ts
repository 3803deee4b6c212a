// The ingress packs wire vectors (proto-loader number arrays) straight into one block per name:
// rows in point order, `points` only for names some points lack, cosine vectors normalised, and
// the same refusals as the per-point conversion. Expected values are computed here in plain JS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VectorSpace } from '../../libs/engine/index.ts';
import { VectorBlocksBuilder } from '../../services/ingress/vector-blocks.ts';

const spaces = new Map<string, VectorSpace>([
  ['a', { dim: 3, distance: 'Cosine' }],
  ['b', { dim: 2, distance: 'Dot' }],
]);
/** A proto-loader qdrant.Vectors message with named dense vectors. */
const named = (vectors: Record<string, number[]>) => ({ vectors: { vectors: Object.fromEntries(Object.entries(vectors).map(([n, data]) => [n, { dense: { data } }])) } });
const normalised = (v: number[]) => {
  const f = v.map(Math.fround);
  const norm = Math.sqrt(f.reduce((s, x) => s + x * x, 0));
  return f.map((x) => Math.fround(x / norm));
};

test('wire vectors are packed per name in point order, normalised for Cosine, with points only for names some lack', () => {
  const builder = new VectorBlocksBuilder(spaces);
  const expectedA: number[] = [];
  const expectedB: number[] = [];
  const pointsA: number[] = [];
  const count = 150; // past the builder's first growth
  for (let i = 0; i < count; i++) {
    const a = [i + 1, -2 * i, 0.5];
    const b = [i, 3];
    const vectors: Record<string, number[]> = { b };
    if (i % 3 !== 1) {
      vectors.a = a;
      pointsA.push(i);
      expectedA.push(...normalised(a));
    }
    expectedB.push(...b.map(Math.fround));
    builder.addFromWire(named(vectors));
  }
  const blocks = new Map(builder.blocks().map((block) => [block.name, block]));
  const a = blocks.get('a')!;
  const b = blocks.get('b')!;
  assert.deepEqual(a.points, pointsA);
  assert.equal(a.dim, 3);
  assert.equal(a.vectors.length, expectedA.length);
  a.vectors.forEach((x, i) => assert.ok(Math.abs(x - expectedA[i]) <= 1e-7, `a[${i}] = ${x}, expected ${expectedA[i]}`));
  assert.equal(b.points, undefined, 'every point carries b');
  assert.deepEqual([...b.vectors], expectedB);
});

test('bad wire vectors are refused with the per-point messages', () => {
  const refuse = (vectors: unknown, message: RegExp) => assert.throws(() => new VectorBlocksBuilder(spaces).addFromWire(vectors as never), message);
  refuse(named({ a: [1, 2] }), /Vector dimension error: expected dim: 3, got 2/);
  refuse(named({ b: [1, Number.POSITIVE_INFINITY] }), /non-finite value \(Infinity\) at position 1/);
  refuse(named({ c: [1] }), /Not existing vector name error: c/);
  refuse(undefined, /Expected some vectors/);
  const unnamed = new Map<string, VectorSpace>([['', { dim: 2, distance: 'Euclid' }]]);
  assert.throws(() => new VectorBlocksBuilder(unnamed).addFromWire(named({})), /Expected some vectors/);
  const builder = new VectorBlocksBuilder(unnamed);
  builder.addFromWire({ vector: { data: [1, 2] } }); // the deprecated `data` field
  builder.addFromWire({ vector: { dense: { data: [3, 4] } } });
  assert.deepEqual([...builder.blocks()[0].vectors], [1, 2, 3, 4]);
});
