// Filters inside a shard store: payload indexes give the same matches as evaluating every point
// (also after overwrites and deletes, and after a restart rebuilds them), a text index switches
// Match.text to tokens, and the planner walks the graph only for filters past the full-scan
// threshold. Expected matches come from plain-JS predicates in this file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  type Condition, encodeOperation, type Filter, type Payload, type ShardOperation, ShardReplica, type ShardParams, ShardStore,
} from '../../libs/engine/index.ts';
import { bruteForce, randomVectors, rng } from '../support/data.ts';

const DIM = 4;
const none = { payload: { mode: 'none' as const }, vector: false };
const field = (key: string, rest: object): Condition => ({ kind: 'field', key, ...rest }) as Condition;
const paramsWith = (fullScanThresholdKb: number): ShardParams => ({ dim: DIM, distance: 'Euclid', hnsw: { m: 16, efConstruct: 64, fullScanThresholdKb } });

function payloadOf(i: number, seed = 0): Payload {
  const next = rng(i * 31 + seed);
  const colors = ['red', 'green', 'blue'];
  return {
    color: next() < 0.2 ? [colors[i % 3], colors[(i + 1) % 3]] : colors[Math.floor(next() * 3)],
    n: BigInt(Math.floor(next() * 50)),
    price: next() * 100,
    flag: next() < 0.5,
    when: new Date(Date.UTC(2024, 0, 1) + Math.floor(next() * 100) * 86_400_000).toISOString(),
    loc: { lon: next() * 10, lat: next() * 10 },
    uid: `0000000${i % 10}-0000-4000-8000-000000000000`,
    text: ['big red fox', 'small red hen', 'big blue whale'][i % 3],
    nested: { k: BigInt(i % 4) },
  };
}

const upsertOp = (ids: number[], seed = 0): ShardOperation => ({
  kind: 'upsert', ids: ids.map(BigInt), dim: DIM,
  vectors: new Float32Array(randomVectors(ids.length, DIM, ids[0] + seed).flat()),
  payloads: ids.map((i) => payloadOf(i, seed)),
});

const INDEXES: [string, string][] = [
  ['color', 'FieldTypeKeyword'], ['n', 'FieldTypeInteger'], ['price', 'FieldTypeFloat'], ['flag', 'FieldTypeBool'],
  ['when', 'FieldTypeDatetime'], ['loc', 'FieldTypeGeo'], ['uid', 'FieldTypeUuid'], ['nested.k', 'FieldTypeInteger'],
];

type Case = [string, Filter, (p: Payload) => boolean];
const has = (v: unknown, want: unknown) => (Array.isArray(v) ? v.includes(want) : v === want);
const CASES: Case[] = [
  ['keyword', { must: [field('color', { match: { kind: 'keyword', value: 'red' } })] }, (p) => has(p.color, 'red')],
  ['integers any', { must: [field('n', { match: { kind: 'integers', values: [1n, 7n, 49n] } })] }, (p) => [1n, 7n, 49n].includes(p.n as bigint)],
  ['integer range', { must: [field('n', { range: { gte: 10, lt: 20 } })] }, (p) => (p.n as bigint) >= 10n && (p.n as bigint) < 20n],
  ['float range', { must: [field('price', { range: { gt: 25.5, lte: 60 } })] }, (p) => (p.price as number) > 25.5 && (p.price as number) <= 60],
  ['bool', { must: [field('flag', { match: { kind: 'bool', value: false } })] }, (p) => p.flag === false],
  ['datetime', { must: [field('when', { datetimeRange: { gte: Date.UTC(2024, 1, 1) * 1000 } })] }, (p) => Date.parse(p.when as string) >= Date.UTC(2024, 1, 1)],
  ['geo box', { must: [field('loc', { geoBoundingBox: { topLeft: { lon: 2, lat: 8 }, bottomRight: { lon: 6, lat: 3 } } })] },
    (p) => { const l = p.loc as { lon: number; lat: number }; return l.lon >= 2 && l.lon <= 6 && l.lat >= 3 && l.lat <= 8; }],
  ['uuid', { must: [field('uid', { match: { kind: 'keyword', value: '00000003-0000-4000-8000-000000000000' } })] }, (p) => p.uid === '00000003-0000-4000-8000-000000000000'],
  ['nested path', { must: [field('nested.k', { match: { kind: 'integer', value: 2n } })] }, (p) => (p.nested as Payload).k === 2n],
  ['should over two indexes', { should: [field('flag', { match: { kind: 'bool', value: true } }), field('n', { match: { kind: 'integer', value: 3n } })] },
    (p) => p.flag === true || p.n === 3n],
  ['must with an unindexed part', { must: [field('color', { match: { kind: 'keyword', value: 'blue' } }), field('text', { match: { kind: 'text', value: 'whale' } })] },
    (p) => has(p.color, 'blue') && (p.text as string).includes('whale')],
];

function expectedIds(points: Map<bigint, Payload>, predicate: (p: Payload) => boolean): bigint[] {
  return [...points].filter(([, p]) => predicate(p)).map(([id]) => id).sort((a, b) => (a < b ? -1 : 1));
}

const sorted = (ids: unknown[]) => (ids as bigint[]).slice().sort((a, b) => (a < b ? -1 : 1));

test('indexed and unindexed stores give the plain-JS matches, through overwrites and deletes', async () => {
  const plain = new ShardStore(paramsWith(1e9));
  const indexed = new ShardStore(paramsWith(1e9));
  const points = new Map<bigint, Payload>();
  const apply = (op: ShardOperation, seq: number) => {
    plain.apply(op, seq);
    indexed.apply(op, seq);
    if (op.kind === 'upsert') op.ids.forEach((id, i) => points.set(id as bigint, op.payloads[i]!));
    if (op.kind === 'delete_points') op.ids.forEach((id) => points.delete(id as bigint));
  };
  apply(upsertOp(Array.from({ length: 400 }, (_, i) => i)), 1);
  INDEXES.forEach(([fieldName, fieldType], k) => indexed.apply({ kind: 'create_field_index', fieldName, fieldType }, 2 + k));
  apply(upsertOp(Array.from({ length: 100 }, (_, i) => i * 3), 7), 20); // overwrites, new payloads
  apply({ kind: 'delete_points', ids: Array.from({ length: 60 }, (_, i) => BigInt(i * 5 + 1)) }, 21);
  apply(upsertOp([1000, 1001, 1002]), 22);
  for (const [name, filter, predicate] of CASES) {
    const expected = expectedIds(points, predicate);
    assert.deepEqual(sorted(plain.matchingIds(filter)), expected, `${name} without indexes`);
    assert.deepEqual(sorted(indexed.matchingIds(filter)), expected, `${name} with indexes`);
    assert.equal(indexed.count(filter), expected.length, name);
    const estimate = indexed.count(filter, false);
    assert.ok(estimate >= expected.length || !['keyword', 'bool', 'integers any'].includes(name), `${name}: an indexed estimate bounds the count`);
    assert.deepEqual(indexed.scroll(undefined, 1000, none, filter).map((p) => p.id), expected, `${name}: scroll in id order`);
  }
  const counts = indexed.indexedPointCounts();
  assert.equal(counts.get('color'), points.size);
  assert.equal(counts.get('nested.k'), points.size);
  await plain.close();
  await indexed.close();
});

test('a text index makes Match.text a token test; indexes are rebuilt when a replica reopens', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-filter-'));
  const params = paramsWith(1e9);
  const replica = ShardReplica.open(dir, params);
  await replica.applyLogged(1, encodeOperation(upsertOp([0, 1, 2, 3, 4, 5])));
  const redFox: Filter = { must: [field('text', { match: { kind: 'text', value: 'fox red' } })] };
  assert.deepEqual(replica.store.matchingIds(redFox), [], 'a substring test without an index');
  await replica.applyLogged(2, encodeOperation({ kind: 'create_field_index', fieldName: 'text', fieldType: 'FieldTypeText' }));
  assert.deepEqual(replica.store.matchingIds(redFox), [0n, 3n], 'all tokens, any order, with the index');
  await replica.snapshot();
  await replica.applyLogged(3, encodeOperation({ kind: 'create_field_index', fieldName: 'n', fieldType: 'FieldTypeInteger' }));
  await replica.applyLogged(4, encodeOperation({ kind: 'delete_points', ids: [3n] }));
  await replica.close();
  const reopened = ShardReplica.open(dir, params);
  assert.deepEqual(reopened.store.matchingIds(redFox), [0n], 'the text index is back after the snapshot load');
  assert.equal(reopened.store.indexedPointCounts().get('n'), 5, 'the index declared after the snapshot is rebuilt by WAL replay');
  assert.equal(reopened.store.indexedPointCounts().get('text'), 5);
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the planner walks the graph only past the full-scan threshold, and the walk keeps recall', async () => {
  const N = 2000;
  // 1 KB = 64 points of 4 floats: a filter matching half the points is past it, one matching 1% is not.
  const store = new ShardStore(paramsWith(1));
  const vectors = randomVectors(N, DIM, 42);
  store.apply({ kind: 'upsert', ids: vectors.map((_, i) => BigInt(i)), dim: DIM, vectors: new Float32Array(vectors.flat()), payloads: vectors.map((_, i) => ({ half: i % 2 === 0, rare: i % 100 === 0 })) }, 1);
  while (store.graph!.indexedUpTo < N) await new Promise((r) => setTimeout(r, 10));
  const walks: (Uint8Array | undefined)[] = [];
  const search = store.graph!.search.bind(store.graph!);
  store.graph!.search = (query, k, ef, allowed) => {
    walks.push(allowed);
    return search(query, k, ef, allowed);
  };
  const queries = randomVectors(20, DIM, 7);
  const half: Filter = { must: [field('half', { match: { kind: 'bool', value: true } })] };
  const rare: Filter = { must: [field('rare', { match: { kind: 'bool', value: true } })] };
  let found = 0;
  for (const query of queries) {
    const res = await store.search({ vector: new Float32Array(query), top: 10, filter: half, selectors: none });
    const matching = vectors.map((v, i) => [v, i] as const).filter(([, i]) => i % 2 === 0);
    const truth = new Set(bruteForce('Euclid', query, matching.map(([v]) => v), 10).map(([j]) => BigInt(matching[j][1])));
    for (const p of res) assert.equal((p.id as bigint) % 2n, 0n, 'every answer matches the filter');
    found += res.filter((p) => truth.has(p.id as bigint)).length;
  }
  assert.equal(walks.length, queries.length, 'every 50% search walked the graph');
  assert.ok(walks.every((a) => a !== undefined && a.buffer instanceof SharedArrayBuffer), 'with a shared allowed-label bitmap');
  assert.ok(found / (10 * queries.length) >= 0.95, `recall ${found / (10 * queries.length)}`);
  for (const query of queries) {
    const res = await store.search({ vector: new Float32Array(query), top: 10, filter: rare, selectors: none });
    const matching = vectors.map((v, i) => [v, i] as const).filter(([, i]) => i % 100 === 0);
    assert.deepEqual(res.map((p) => p.id), bruteForce('Euclid', query, matching.map(([v]) => v), 10).map(([j]) => BigInt(matching[j][1])), 'exact for 1%');
  }
  assert.equal(walks.length, queries.length, 'no graph walk for the 1% filter');
  await store.close();
});
