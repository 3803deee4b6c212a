// Payload writes, upsert modes and UpdateBatch through the official client, on 3-shard
// collections. Expected states come from a plain-JS model of Qdrant's documented rules applied
// in the test (or are written out by hand for key paths), and are compared with everything a
// full scroll returns: payloads, vectors and the set of ids.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import type { PointsUpdateOperation, RetrievedPoint } from '@qdrant/js-client-grpc';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, enable, fromPayload, type Id, idOf, type Json, pid, toPayload } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

type Obj = { [k: string]: Json };
type Model = Map<string, { payload: Obj; vector: number[] }>;

let q: TestQuiver;
let collections = 0;

before(async () => {
  q = await startTestQuiver({ label: 'payload' });
});
after(async () => q?.stop());

const points = () => q.client.api('points');
const byIds = (ids: Id[]) => ({ pointsSelectorOneOf: { case: 'points' as const, value: { ids: ids.map(pid) } } });
const key = (id: Id) => (typeof id === 'bigint' ? `n${id}` : `u${id}`);
const allIds: Id[] = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 18446744073709551615n, '6f1c2a9e-0000-4000-8000-00000000000a', '6f1c2a9e-0000-4000-8000-00000000000b'];

/** A fresh 3-shard collection holding `ids`, each with payload { n, tag, meta: { rank } }; returns it and its model. */
async function seeded(ids: Id[] = allIds): Promise<{ name: string; model: Model }> {
  const name = `payload_${++collections}`;
  await q.client.api('collections').create({ collectionName: name, vectorsConfig: { config: { case: 'params', value: { size: 2n, distance: 3 /* Dot */ } } }, shardNumber: 3 });
  const model: Model = new Map();
  const list = ids.map((id, i) => {
    const payload: Obj = { n: BigInt(i), tag: `t${i % 3}`, meta: { rank: i } };
    model.set(key(id), { payload, vector: [i, 1] });
    return { id: pid(id), vectors: denseVectors([i, 1]), payload: toPayload(payload) };
  });
  await points().upsert({ collectionName: name, wait: true, points: list });
  return { name, model };
}

function denseOf(p: RetrievedPoint): number[] {
  const v = p.vectors?.vectorsOptions;
  if (v?.case !== 'vector') throw new Error('no dense vector');
  return v.value.vector.case === 'dense' ? v.value.vector.value.data : v.value.data;
}

/** Everything the collection holds, read with one scroll. */
async function stateOf(name: string): Promise<Model> {
  const res = await points().scroll({ collectionName: name, limit: 1000, withPayload: enable(true), withVectors: { selectorOptions: { case: 'enable', value: true } } });
  return new Map(res.result.map((p) => [key(idOf(p.id)), { payload: fromPayload(p.payload), vector: denseOf(p) }]));
}

async function assertState(name: string, model: Model): Promise<void> {
  const actual = await stateOf(name);
  assert.deepEqual(new Map([...actual].sort()), new Map([...model].sort()));
}


// The model: Qdrant's documented payload rules, top-level keys only (key paths are checked with
// literal expectations below).
const model = {
  set(m: Model, ids: Id[], patch: Obj): void {
    for (const id of ids) {
      const point = m.get(key(id));
      if (!point) continue;
      const next = { ...point.payload };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      point.payload = next;
    }
  },
  overwrite(m: Model, ids: Id[], payload: Obj): void {
    for (const id of ids) if (m.has(key(id))) m.get(key(id))!.payload = { ...payload };
  },
  deleteKeys(m: Model, ids: Id[], keys: string[]): void {
    for (const id of ids) {
      const point = m.get(key(id));
      if (!point) continue;
      const next = structuredClone(point.payload);
      for (const path of keys) {
        const parts = path.split('.');
        let at: Json | undefined = next;
        for (const part of parts.slice(0, -1)) at = at && typeof at === 'object' && !Array.isArray(at) ? (at as Obj)[part] : undefined;
        if (at && typeof at === 'object' && !Array.isArray(at)) delete (at as Obj)[parts.at(-1)!];
      }
      point.payload = next;
    }
  },
  upsert(m: Model, list: { id: Id; vector: number[]; payload: Obj }[], mode: 'upsert' | 'insert' | 'update' = 'upsert'): void {
    const existed = new Set(list.filter((p) => m.has(key(p.id))).map((p) => key(p.id)));
    for (const p of list) {
      if (mode === 'insert' && existed.has(key(p.id))) continue;
      if (mode === 'update' && !existed.has(key(p.id))) continue;
      m.set(key(p.id), { payload: { ...p.payload }, vector: p.vector });
    }
  },
  remove(m: Model, ids: Id[]): void {
    for (const id of ids) m.delete(key(id));
  },
};

test('SetPayload merges top-level keys into the listed points on every shard; null removes a key; the rest is untouched', async () => {
  const { name, model: m } = await seeded();
  const ids = [2n, 9n, 18446744073709551615n, '6f1c2a9e-0000-4000-8000-00000000000b'];
  const patch: Obj = { tag: 'changed', extra: { deep: [1n, 'two', 3.5] }, meta: null };
  const res = await points().setPayload({ collectionName: name, wait: true, payload: toPayload(patch), pointsSelector: byIds(ids) });
  assert.equal(res.result?.status, 2 /* Completed */);
  model.set(m, ids, patch);
  await assertState(name, m);
});

test('SetPayload with a key merges at that nested path, creating objects and replacing non-objects in the way', async () => {
  const { name } = await seeded([1n, 2n, 3n]);
  await points().overwritePayload({ collectionName: name, wait: true, payload: toPayload({ a: { b: { keep: 1n } }, s: 'scalar', list: [{ x: 1n }, { x: 2n }] }), pointsSelector: byIds([1n, 2n, 3n]) });
  const setAt = (id: bigint, path: string, patch: Obj) =>
    points().setPayload({ collectionName: name, wait: true, payload: toPayload(patch), key: path, pointsSelector: byIds([id]) });
  await setAt(1n, 'a.b', { added: true });
  await setAt(1n, 'new.deeper', { created: 'yes' });
  await setAt(2n, 's.inner', { v: 1n });
  await setAt(3n, 'list[1]', { y: 9n });
  await setAt(3n, 'list[].z', { w: 0n });
  const state = await stateOf(name);
  assert.deepEqual(state.get('n1')!.payload, { a: { b: { keep: 1n, added: true } }, s: 'scalar', list: [{ x: 1n }, { x: 2n }], new: { deeper: { created: 'yes' } } });
  assert.deepEqual(state.get('n2')!.payload, { a: { b: { keep: 1n } }, s: { inner: { v: 1n } }, list: [{ x: 1n }, { x: 2n }] });
  assert.deepEqual(state.get('n3')!.payload, { a: { b: { keep: 1n } }, s: 'scalar', list: [{ x: 1n, z: { w: 0n } }, { x: 2n, y: 9n, z: { w: 0n } }] });
});

test('OverwritePayload replaces the whole payload, DeletePayload removes keys and nested keys, ClearPayload empties it', async () => {
  const { name, model: m } = await seeded();
  const over: Obj = { only: 'this', nested: { a: 1n, b: 2n } };
  await points().overwritePayload({ collectionName: name, wait: true, payload: toPayload(over), pointsSelector: byIds([1n, 4n, 7n]) });
  model.overwrite(m, [1n, 4n, 7n], over);
  await points().deletePayload({ collectionName: name, wait: true, keys: ['nested.a', 'tag', 'meta.rank'], pointsSelector: byIds([1n, 2n, 3n]) });
  model.deleteKeys(m, [1n, 2n, 3n], ['nested.a', 'tag', 'meta.rank']);
  await points().clearPayload({ collectionName: name, wait: true, points: byIds([5n, '6f1c2a9e-0000-4000-8000-00000000000a']) });
  model.overwrite(m, [5n, '6f1c2a9e-0000-4000-8000-00000000000a'], {});
  await assertState(name, m);
});

test('a missing id with wait=true is NOT_FOUND "No point with id N found" after the existing ids were changed; wait=false is Acknowledged', async () => {
  const { name, model: m } = await seeded();
  await rejects(
    points().setPayload({ collectionName: name, wait: true, payload: toPayload({ hit: true }), pointsSelector: byIds([3n, 404n, 8n]) }),
    Code.NotFound,
    /^Not found: No point with id 404 found$/,
  );
  model.set(m, [3n, 8n], { hit: true });
  await assertState(name, m);
  for (const call of [
    () => points().overwritePayload({ collectionName: name, wait: true, payload: toPayload({}), pointsSelector: byIds([405n]) }),
    () => points().deletePayload({ collectionName: name, wait: true, keys: ['tag'], pointsSelector: byIds([406n]) }),
    () => points().clearPayload({ collectionName: name, wait: true, points: byIds(['6f1c2a9e-0000-4000-8000-0000000000ff']) }),
  ]) {
    await rejects(call(), Code.NotFound, /No point with id (40[56]|6f1c2a9e-0000-4000-8000-0000000000ff) found/);
  }
  const acknowledged = await points().setPayload({ collectionName: name, wait: false, payload: toPayload({ later: 1n }), pointsSelector: byIds([500n, 1n]) });
  assert.equal(acknowledged.result?.status, 1 /* Acknowledged */);
  model.set(m, [1n], { later: 1n });
  // A wait=true write to every shard is applied after the acknowledged one (per-replica order).
  await points().setPayload({ collectionName: name, wait: true, payload: toPayload({}), pointsSelector: byIds(allIds) });
  await assertState(name, m);
});

test('requests refused at validation answer Qdrant\'s status and change nothing', async () => {
  const { name, model: m } = await seeded();
  const badFilter = { pointsSelectorOneOf: { case: 'filter' as const, value: { must: [{ conditionOneOf: { case: 'field', value: { key: 'n' } } }] } } } as never;
  await rejects(points().setPayload({ collectionName: name, wait: true, payload: toPayload({ x: 1n }), key: 'a..b', pointsSelector: byIds([1n]) }), Code.InvalidArgument, /Invalid json path: 'a\.\.b'/);
  await rejects(points().deletePayload({ collectionName: name, wait: true, keys: ['ok', 'bad['], pointsSelector: byIds([1n]) }), Code.InvalidArgument, /Invalid json path: 'bad\['/);
  await rejects(points().setPayload({ collectionName: name, wait: true, payload: toPayload({ x: 1n }) }), Code.InvalidArgument, /points_selector is expected/);
  await rejects(points().setPayload({ collectionName: name, wait: true, payload: toPayload({ x: Number.NaN }), pointsSelector: byIds([1n]) }), Code.InvalidArgument, /cannot convert to json number/);
  await rejects(points().setPayload({ collectionName: name, wait: true, payload: toPayload({ x: 1n }), pointsSelector: badFilter }), Code.InvalidArgument, /At least one field condition/);
  await rejects(points().clearPayload({ collectionName: name, wait: true, points: badFilter }), Code.InvalidArgument, /At least one field condition/);
  await rejects(points().upsert({ collectionName: name, wait: true, points: [], updateMode: 7 as never }), Code.InvalidArgument, /update_mode/);
  const batchEndingBadly: PointsUpdateOperation[] = [
    { operation: { case: 'setPayload', value: { payload: toPayload({ first: true }), pointsSelector: byIds([1n, 2n]) } } } as never,
    { operation: { case: 'deletePoints', value: { points: byIds([3n]) } } } as never,
    { operation: { case: 'deleteVectors', value: { pointsSelector: byIds([4n]), vectors: { names: ['nope'] } } } } as never,
  ];
  await rejects(points().updateBatch({ collectionName: name, wait: true, operations: batchEndingBadly }), Code.InvalidArgument, /Not existing vector name error: nope/);
  await rejects(points().updateBatch({ collectionName: name, wait: true, operations: [] }), Code.InvalidArgument, /operations/);
  await assertState(name, m);
});

test('update_mode InsertOnly writes only new ids and UpdateOnly only existing ones', async () => {
  const { name, model: m } = await seeded([1n, 2n, 3n]);
  const list = (ids: bigint[], tag: string, base: number) => ids.map((id, i) => ({ id, vector: [base + i, -1], payload: { by: tag } as Obj }));
  const wire = (l: ReturnType<typeof list>) => l.map((p) => ({ id: pid(p.id), vectors: denseVectors(p.vector), payload: toPayload(p.payload) }));
  const inserts = list([2n, 3n, 4n, 5n], 'insert', 10);
  await points().upsert({ collectionName: name, wait: true, points: wire(inserts), updateMode: 1 /* InsertOnly */ });
  model.upsert(m, inserts, 'insert');
  await assertState(name, m);
  const updates = list([1n, 5n, 6n], 'update', 20);
  await points().upsert({ collectionName: name, wait: true, points: wire(updates), updateMode: 2 /* UpdateOnly */ });
  model.upsert(m, updates, 'update');
  await assertState(name, m);
  assert.equal(m.size, 5, 'the model itself says 6 was never inserted');
});

test('UpdateBatch applies a mixed list in order and answers one UpdateResult per operation', async () => {
  const { name, model: m } = await seeded();
  const sel = byIds;
  const operations = [
    { operation: { case: 'upsert', value: { points: [{ id: pid(100n), vectors: denseVectors([5, 5]), payload: toPayload({ fresh: 1n }) }, { id: pid(2n), vectors: denseVectors([7, 7]), payload: toPayload({ replaced: true }) }] } } },
    { operation: { case: 'setPayload', value: { payload: toPayload({ fresh: 2n, tag: 'batch' }), pointsSelector: sel([100n, 2n, 3n]) } } },
    { operation: { case: 'deletePayload', value: { keys: ['tag'], pointsSelector: sel([3n]) } } },
    { operation: { case: 'overwritePayload', value: { payload: toPayload({ over: 'x' }), pointsSelector: sel([4n, 18446744073709551615n]) } } },
    { operation: { case: 'clearPayload', value: { points: sel(['6f1c2a9e-0000-4000-8000-00000000000a']) } } },
    { operation: { case: 'deletePoints', value: { points: sel([5n, 6n]) } } },
    { operation: { case: 'upsert', value: { points: [{ id: pid(6n), vectors: denseVectors([6, 6]), payload: toPayload({ back: true }) }, { id: pid(7n), vectors: denseVectors([0, 0]) }], updateMode: 1 /* InsertOnly */ } } },
    { operation: { case: 'clearPayloadDeprecated', value: sel([8n]) } },
    { operation: { case: 'deleteDeprecated', value: sel([9n]) } },
    { operation: { case: 'setPayload', value: { payload: toPayload({ last: true }), pointsSelector: sel([100n, 6n]) } } },
  ] as never as PointsUpdateOperation[];
  const res = await points().updateBatch({ collectionName: name, wait: true, operations });
  assert.equal(res.result.length, operations.length);
  for (const r of res.result) assert.equal(r.status, 2 /* Completed */);

  model.upsert(m, [{ id: 100n, vector: [5, 5], payload: { fresh: 1n } }, { id: 2n, vector: [7, 7], payload: { replaced: true } }]);
  model.set(m, [100n, 2n, 3n], { fresh: 2n, tag: 'batch' });
  model.deleteKeys(m, [3n], ['tag']);
  model.overwrite(m, [4n, 18446744073709551615n], { over: 'x' });
  model.overwrite(m, ['6f1c2a9e-0000-4000-8000-00000000000a'], {});
  model.remove(m, [5n, 6n]);
  model.upsert(m, [{ id: 6n, vector: [6, 6], payload: { back: true } }, { id: 7n, vector: [0, 0], payload: {} }], 'insert');
  model.overwrite(m, [8n], {});
  model.remove(m, [9n]);
  model.set(m, [100n, 6n], { last: true });
  await assertState(name, m);
});

test('payload changes bump the point\'s version and leave other points\' versions alone', async () => {
  const { name } = await seeded([1n, 2n, 3n, 4n]);
  const versions = async () => {
    const res = await points().search({ collectionName: name, vector: [1, 1], limit: 10n });
    return new Map(res.result.map((p) => [key(idOf(p.id)), p.version]));
  };
  const v0 = await versions();
  await points().setPayload({ collectionName: name, wait: true, payload: toPayload({ x: 1n }), pointsSelector: byIds([2n]) });
  const v1 = await versions();
  assert.ok(v1.get('n2')! > v0.get('n2')!, `set_payload bumps: ${v0.get('n2')} -> ${v1.get('n2')}`);
  for (const other of ['n1', 'n3', 'n4']) assert.equal(v1.get(other), v0.get(other), other);
  await points().clearPayload({ collectionName: name, wait: true, points: byIds([2n]) });
  const v2 = await versions();
  assert.ok(v2.get('n2')! > v1.get('n2')!, 'clear_payload bumps');
  await points().deletePayload({ collectionName: name, wait: true, keys: ['n'], pointsSelector: byIds([3n]) });
  await points().overwritePayload({ collectionName: name, wait: true, payload: toPayload({}), pointsSelector: byIds([4n]) });
  const v3 = await versions();
  assert.ok(v3.get('n3')! > v2.get('n3')! && v3.get('n4')! > v2.get('n4')!, 'delete_payload and overwrite_payload bump');
  assert.equal(v3.get('n1'), v0.get('n1'));
});

test('UpdateBatch with wait=true stops at the first failing operation, as Qdrant does, and answers its error', async () => {
  const name = `payload_${++collections}`;
  await q.client.api('collections').create({ collectionName: name, vectorsConfig: { config: { case: 'params', value: { size: 2n, distance: 3 } } }, shardNumber: 1 });
  await points().upsert({ collectionName: name, wait: true, points: [1n, 2n].map((id) => ({ id: pid(id), vectors: denseVectors([1, 1]) })) });
  const m: Model = new Map([[key(1n), { payload: {}, vector: [1, 1] }], [key(2n), { payload: {}, vector: [1, 1] }]]);
  const operations = [
    { operation: { case: 'setPayload', value: { payload: toPayload({ first: true }), pointsSelector: byIds([1n]) } } },
    { operation: { case: 'setPayload', value: { payload: toPayload({ second: true }), pointsSelector: byIds([2n, 77n]) } } },
    { operation: { case: 'setPayload', value: { payload: toPayload({ third: true }), pointsSelector: byIds([1n]) } } },
  ] as never as PointsUpdateOperation[];
  await rejects(points().updateBatch({ collectionName: name, wait: true, operations }), Code.NotFound, /No point with id 77 found/);
  model.set(m, [1n], { first: true });
  model.set(m, [2n], { second: true }); // the failing operation still changed the id that exists
  await assertState(name, m);
});
