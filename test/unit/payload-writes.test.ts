// Payload write operations at the store level: Qdrant's key-path rules, missing ids, versions,
// upsert modes, batches, the codec, and replay determinism. Expected payloads are written out by
// hand from Qdrant's documented rules, never read back from the code under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeOperation, encodeOperation, type Filter, type OperationOutcome, type Payload, type PointId, type ShardOperation, type ShardParams, ShardStore,
} from '../../libs/engine/index.ts';
import { parseJsonPath } from '../../libs/engine/json-path.ts';
import { storeFactory } from '../support/stores.ts';

const params: ShardParams = { dim: 2, distance: 'Dot', hnsw: { m: 16, efConstruct: 100, fullScanThresholdKb: 10000 } };
const all = { payload: { mode: 'all' as const }, vector: false };
const freshStore = storeFactory(params);

function upsert(ids: PointId[], payloads: (Payload | null)[], mode?: 'insert_only' | 'update_only', base = 1): ShardOperation {
  const vectors = new Float32Array(ids.length * 2).map((_, i) => base + i);
  return { kind: 'upsert', ids, dim: 2, vectors, payloads, ...(mode ? { mode } : {}) };
}

const payloadOf = (store: ShardStore, id: PointId) => store.get([id], all)[0]?.payload ?? null;

/** One store per case: point 1 holds `before`, then a set_payload at `key` with `patch`. */
function setAt(before: Payload, key: string | undefined, patch: Payload): Payload | null {
  const store = freshStore();
  store.apply(upsert([1n], [before]), 1);
  const outcome = store.apply({ kind: 'set_payload', target: { ids: [1n] }, payload: patch, ...(key ? { key } : {}) }, 2);
  assert.deepEqual(outcome, { ok: true });
  return payloadOf(store, 1n);
}

function deleteKeys(before: Payload, keys: string[]): Payload | null {
  const store = freshStore();
  store.apply(upsert([1n], [before]), 1);
  store.apply({ kind: 'delete_payload', target: { ids: [1n] }, keys }, 2);
  return payloadOf(store, 1n);
}

test('key paths parse as Qdrant reads them and malformed ones are refused', () => {
  assert.deepEqual(parseJsonPath('a.b-c[2][]."x.y"'), { first: 'a', rest: [{ key: 'b-c' }, { index: 2 }, { every: true }, { key: 'x.y' }] });
  for (const bad of ['', '.a', 'a.', 'a[', 'a[x]', 'a..b', 'a b', '[0]', 'a[-1]']) assert.equal(parseJsonPath(bad), null, bad);
});

test('set_payload merges top-level keys; null removes a key; nested values are replaced whole', () => {
  assert.deepEqual(setAt({ a: 1n, b: { x: 1n }, c: 'keep' }, undefined, { a: 2n, b: { y: 2n }, c: null, d: [1n] }), { a: 2n, b: { y: 2n }, d: [1n] });
});

test('set_payload with a key merges at the path, creating objects and replacing non-objects in the way', () => {
  assert.deepEqual(setAt({ a: { b: { x: 1n }, keep: true } }, 'a.b', { y: 2n }), { a: { b: { x: 1n, y: 2n }, keep: true } });
  assert.deepEqual(setAt({ other: 1n }, 'a.b.c', { y: 2n }), { other: 1n, a: { b: { c: { y: 2n } } } });
  assert.deepEqual(setAt({ a: 5n }, 'a.b', { y: 2n }), { a: { b: { y: 2n } } });
  assert.deepEqual(setAt({ a: { b: 'text' } }, 'a.b', { y: 2n }), { a: { b: { y: 2n } } });
  assert.deepEqual(setAt({ a: { b: { y: 1n, z: 1n } } }, 'a.b', { y: null }), { a: { b: { z: 1n } } });
});

test('set_payload through arrays: [n] only into an existing element, [] into each, a non-array becomes []', () => {
  assert.deepEqual(setAt({ a: [{ b: {} }, { b: { k: 1n } }] }, 'a[1].b', { y: 2n }), { a: [{ b: {} }, { b: { k: 1n, y: 2n } }] });
  assert.deepEqual(setAt({ a: [{ b: {} }] }, 'a[5].b', { y: 2n }), { a: [{ b: {} }] });
  assert.deepEqual(setAt({ a: [{ b: 1n }, 'str'] }, 'a[].b', { y: 2n }), { a: [{ b: { y: 2n } }, { b: { y: 2n } }] });
  assert.deepEqual(setAt({ a: { b: 1n } }, 'a[].b', { y: 2n }), { a: [] });
  assert.deepEqual(setAt({}, 'a[0].b', { y: 2n }), { a: [] });
});

test('delete_payload removes nested keys; [] empties an array; [n] at the end removes nothing', () => {
  assert.deepEqual(deleteKeys({ a: { b: 1n, c: 2n }, d: 3n }, ['a.b', 'd', 'missing.path']), { a: { c: 2n } });
  assert.deepEqual(deleteKeys({ a: [{ b: 1n, c: 1n }, { b: 2n }] }, ['a[].b']), { a: [{ c: 1n }, {}] });
  assert.deepEqual(deleteKeys({ a: [1n, 2n], e: [1n] }, ['a[]', 'e[0]']), { a: [], e: [1n] });
  assert.deepEqual(deleteKeys({ a: 'scalar' }, ['a.b']), { a: 'scalar' });
});

test('payload changes keep the label, bump the version and leave shared payload objects untouched', () => {
  const store = freshStore();
  const original: Payload = { a: { b: 1n } };
  store.apply(upsert([1n, 2n], [original, null]), 10);
  const before = store.capture();
  store.apply({ kind: 'set_payload', target: { ids: [1n] }, payload: { z: true }, key: 'a' }, 11);
  assert.deepEqual(original, { a: { b: 1n } }, 'the stored object was replaced, not mutated');
  assert.deepEqual(before.payloads[0], { a: { b: 1n } }, 'a captured state keeps its payload');
  store.apply({ kind: 'overwrite_payload', target: { ids: [2n] }, payload: { only: 'this' } }, 12);
  const after = store.capture();
  assert.equal(after.ids.length, 2, 'no new label');
  assert.deepEqual(after.versions, [11, 12]);
  assert.deepEqual(payloadOf(store, 1n), { a: { b: 1n, z: true } });
  assert.deepEqual(payloadOf(store, 2n), { only: 'this' });
  store.apply({ kind: 'clear_payload', target: { ids: [1n] } }, 13);
  assert.deepEqual(payloadOf(store, 1n), {});
  assert.deepEqual(store.capture().versions, [13, 12]);
});

test('a missing id changes the existing ones and reports the first missing id, as Qdrant does', () => {
  const store = freshStore();
  store.apply(upsert([1n, 3n], [{ v: 0n }, { v: 0n }]), 1);
  const outcome = store.apply({ kind: 'set_payload', target: { ids: [1n, 7n, 3n, 'c0ffee00-0000-4000-8000-000000000000'] }, payload: { v: 1n } }, 2);
  assert.deepEqual(outcome, { ok: false, kind: 'not_found', message: 'No point with id 7 found' });
  assert.deepEqual(payloadOf(store, 1n), { v: 1n });
  assert.deepEqual(payloadOf(store, 3n), { v: 1n });
  assert.equal(store.pointCount, 2);
  const uuidMissing = store.apply({ kind: 'clear_payload', target: { ids: ['c0ffee00-0000-4000-8000-000000000000'] } }, 3);
  assert.deepEqual(uuidMissing, { ok: false, kind: 'not_found', message: 'No point with id c0ffee00-0000-4000-8000-000000000000 found' });
});

test('insert_only writes only new ids and update_only only existing ones, judged when applied', () => {
  const store = freshStore();
  store.apply(upsert([1n], [{ v: 'old' }]), 1);
  store.apply(upsert([1n, 2n], [{ v: 'insert' }, { v: 'insert' }], 'insert_only'), 2);
  assert.deepEqual([payloadOf(store, 1n), payloadOf(store, 2n)], [{ v: 'old' }, { v: 'insert' }]);
  store.apply(upsert([2n, 3n], [{ v: 'update' }, { v: 'update' }], 'update_only'), 3);
  assert.deepEqual([payloadOf(store, 2n), payloadOf(store, 3n)], [{ v: 'update' }, null]);
  assert.equal(store.pointCount, 2);
  assert.deepEqual(store.capture().versions.filter((_, label) => store.capture().ids[label] !== undefined), [1, 3]);
});

test('a batch applies in order under one version; stopAtFirstFailure decides whether the rest still applies', () => {
  const ops = (stop: boolean): ShardOperation => ({
    kind: 'batch',
    stopAtFirstFailure: stop,
    operations: [
      upsert([1n], [{ a: 1n }]),
      { kind: 'set_payload', target: { ids: [9n] }, payload: { never: true } },
      { kind: 'set_payload', target: { ids: [1n] }, payload: { b: 2n } },
    ],
  });
  const stopping = freshStore();
  const outcome: OperationOutcome = stopping.apply(ops(true), 5);
  assert.deepEqual(outcome, { ok: false, kind: 'not_found', message: 'No point with id 9 found' });
  assert.deepEqual(payloadOf(stopping, 1n), { a: 1n });
  const going = freshStore();
  assert.equal(going.apply(ops(false), 5).ok, false);
  assert.deepEqual(payloadOf(going, 1n), { a: 1n, b: 2n });
  assert.deepEqual(going.capture().versions, [5]);
});

test('payload operations, modes and batches survive encoding', () => {
  const filter: Filter = { must: [{ kind: 'field', key: 'city', match: { kind: 'keyword', value: 'Oslo' } }] };
  const list: ShardOperation[] = [
    { kind: 'set_payload', target: { ids: [18446744073709551615n, 'c0ffee00-0000-4000-8000-000000000000'] }, payload: { n: 9007199254740993n, d: 1, s: 'x' }, key: 'a[].b' },
    { kind: 'overwrite_payload', target: { ids: [1n] }, payload: {} },
    { kind: 'delete_payload', target: { ids: [2n] }, keys: ['a.b', '"x.y"'] },
    { kind: 'clear_payload', target: { ids: [3n] } },
    upsert([4n], [null], 'update_only'),
    { kind: 'batch', stopAtFirstFailure: true, operations: [upsert([5n], [{ k: true }], 'insert_only'), { kind: 'clear_payload', target: { ids: [5n] } }] },
  ];
  const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Float32Array ? [...v] : v)));
  for (const op of list) assert.deepEqual(strip(decodeOperation(encodeOperation(op))), strip(op), op.kind);
  const byFilter = decodeOperation(encodeOperation({ kind: 'clear_payload', target: { filter } }));
  assert.ok(byFilter.kind === 'clear_payload' && 'filter' in byFilter.target);
  assert.deepEqual((byFilter.target as { filter: Filter }).filter, filter);
});

test('replay determinism: the same encoded operations applied twice from scratch give the same state', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const ids = [1n, 2n, 3n, 4n, 5n, 'c0ffee00-0000-4000-8000-000000000000'];
  const log: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    const some = ids.filter(() => random() < 0.4);
    const choice = pick(['upsert', 'insert', 'update', 'set', 'set_key', 'overwrite', 'delete_payload', 'clear', 'delete', 'batch']);
    const single = (kind: string): ShardOperation => {
      switch (kind) {
        case 'upsert': return upsert(some, some.map(() => ({ n: BigInt(i), t: { x: [1n, { y: i }] } })), undefined, i);
        case 'insert': return upsert(some, some.map(() => ({ ins: i })), 'insert_only', i);
        case 'update': return upsert(some, some.map(() => null), 'update_only', i);
        case 'set': return { kind: 'set_payload', target: { ids: some }, payload: { s: BigInt(i), n: random() < 0.3 ? null : 'v' } };
        case 'set_key': return { kind: 'set_payload', target: { ids: some }, payload: { deep: i }, key: pick(['t.x[1]', 't.x[]', 'a.b', 't']) };
        case 'overwrite': return { kind: 'overwrite_payload', target: { ids: some }, payload: { o: i } };
        case 'delete_payload': return { kind: 'delete_payload', target: { ids: some }, keys: [pick(['t.x[]', 't.x[1].y', 's', 'a.b'])] };
        case 'clear': return { kind: 'clear_payload', target: { ids: some } };
        default: return { kind: 'delete_points', ids: some };
      }
    };
    const op: ShardOperation = choice === 'batch'
      ? { kind: 'batch', stopAtFirstFailure: random() < 0.5, operations: [single('upsert'), single('set_key'), single('delete_payload')] }
      : single(choice);
    log.push(encodeOperation(op));
  }
  const replay = () => {
    const store = freshStore();
    const outcomes = log.map((bytes, seq) => store.apply(decodeOperation(bytes), seq + 1));
    return { state: store.capture(), outcomes };
  };
  const first = replay();
  const second = replay();
  assert.deepEqual(second, first);
  assert.ok(first.outcomes.some((o) => !o.ok), 'the sequence exercised missing ids');
  assert.ok(first.state.payloads.some((p) => p !== null), 'the sequence left payloads to compare');
});
