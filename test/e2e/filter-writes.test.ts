// Writes that select points by filter, through the official client, on 3-shard collections with
// two named vectors: Delete, SetPayload, OverwritePayload, DeletePayload, ClearPayload and
// DeleteVectors by filter, Upsert and UpdateVectors with update_filter, all of them inside
// UpdateBatch too, and bad filters refused with nothing changed. Every expected state comes from
// a plain-JS model of the points and a plain-JS predicate per filter, and is compared with a full
// Scroll (ids, payloads, vectors) and an exact Count.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import type { Filter, PointsUpdateOperation, RetrievedPoint } from '@qdrant/js-client-grpc';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { enable, fromPayload, type Id, idOf, type Json, pid, toPayload } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

type Obj = { [k: string]: Json };
type Vectors = { a?: number[]; b?: number[] };
type Point = { payload: Obj; vectors: Vectors };
type Model = Map<string, Point>;

let q: TestQuiver;
let collections = 0;

before(async () => {
  q = await startTestQuiver({ label: 'fwrites' });
});
after(async () => q?.stop());

const points = () => q.client.api('points');
const key = (id: Id) => (typeof id === 'bigint' ? `n${id}` : `u${id}`);
const UUID = '7e57f117-0000-4000-8000-000000000001';
const MAX = 18446744073709551615n;
const seedIds: Id[] = [...Array.from({ length: 12 }, (_, i) => BigInt(i + 1)), MAX, UUID];

// --- Filters: the wire form and the same predicate in plain JS ---------------------------------

type Cond = NonNullable<Filter['must']>[number];
const field = (k: string, rest: object): Cond => ({ conditionOneOf: { case: 'field', value: { key: k, ...rest } } }) as Cond;
const intMatch = (k: string, value: bigint) => field(k, { match: { matchValue: { case: 'integer', value } } });
const keyword = (k: string, value: string) => field(k, { match: { matchValue: { case: 'keyword', value } } });
const hasId = (ids: Id[]) => ({ conditionOneOf: { case: 'hasId', value: { hasId: ids.map(pid) } } }) as Cond;
const hasVector = (name: string) => ({ conditionOneOf: { case: 'hasVector', value: { hasVector: name } } }) as Cond;

interface Selection {
  name: string;
  filter: Filter;
  holds: (id: Id, p: Point) => boolean;
}

const selections: Selection[] = [
  { name: 'g = 1', filter: { must: [intMatch('g', 1n)] } as Filter, holds: (_id, p) => p.payload.g === 1n },
  {
    name: 'n < 4 or has_id [max, uuid]',
    filter: { should: [field('n', { range: { lt: 4 } }), hasId([MAX, UUID])] } as Filter,
    holds: (id, p) => (typeof p.payload.n === 'bigint' && p.payload.n < 4n) || id === MAX || id === UUID,
  },
  { name: 'tag is not red', filter: { mustNot: [keyword('tag', 'red')] } as Filter, holds: (_id, p) => p.payload.tag !== 'red' },
  { name: 'has vector b and g = 0', filter: { must: [hasVector('b'), intMatch('g', 0n)] } as Filter, holds: (_id, p) => p.vectors.b !== undefined && p.payload.g === 0n },
  { name: 'matches nothing', filter: { must: [intMatch('g', 99n)] } as Filter, holds: () => false },
];
const everything: Selection = { name: 'empty filter', filter: {} as Filter, holds: () => true };

const byFilter = (s: Selection) => ({ pointsSelectorOneOf: { case: 'filter' as const, value: s.filter } });
const byIds = (ids: Id[]) => ({ pointsSelectorOneOf: { case: 'points' as const, value: { ids: ids.map(pid) } } });

const idOfKey = (k: string): Id => (k.startsWith('n') ? BigInt(k.slice(1)) : k.slice(1));
const selected = (m: Model, s: Selection): Point[] => [...m].filter(([k, p]) => s.holds(idOfKey(k), p)).map(([, p]) => p);

// --- Collections, wire shapes and state -------------------------------------------------------

function namedVectors(vectors: Vectors) {
  const map = Object.fromEntries(Object.entries(vectors).map(([name, data]) => [name, { vector: { case: 'dense' as const, value: { data } } }]));
  return { vectorsOptions: { case: 'vectors' as const, value: { vectors: map } } };
}

/** A fresh 3-shard collection with names a and b (Dot, so vectors are stored as sent) and its model. */
async function seeded(): Promise<{ name: string; model: Model }> {
  const name = `fwrites_${++collections}`;
  await q.client.api('collections').create({
    collectionName: name,
    shardNumber: 3,
    vectorsConfig: { config: { case: 'paramsMap', value: { map: { a: { size: 2n, distance: 3 /* Dot */ }, b: { size: 2n, distance: 3 } } } } },
  });
  const model: Model = new Map();
  const list = seedIds.map((id, i) => {
    const payload: Obj = { g: BigInt(i % 3), n: BigInt(i), tag: i % 2 === 0 ? 'red' : 'blue' };
    const vectors: Vectors = { a: [i, 1], ...(i % 4 === 1 ? {} : { b: [1, i] }) };
    model.set(key(id), { payload, vectors });
    return { id: pid(id), vectors: namedVectors(vectors), payload: toPayload(payload) };
  });
  await points().upsert({ collectionName: name, wait: true, points: list });
  return { name, model };
}

function vectorsOf(p: RetrievedPoint): Vectors {
  const v = p.vectors?.vectorsOptions;
  if (v?.case !== 'vectors') return {};
  return Object.fromEntries(Object.entries(v.value.vectors).map(([n, out]) => [n, (out.vector.value as { data: number[] }).data]));
}

/** The model equals what a full Scroll returns, and an exact Count agrees. */
async function assertState(name: string, model: Model, what = ''): Promise<void> {
  const res = await points().scroll({ collectionName: name, limit: 1000, withPayload: enable(true), withVectors: { selectorOptions: { case: 'enable', value: true } } });
  const actual = new Map(res.result.map((p) => [key(idOf(p.id)), { payload: fromPayload(p.payload), vectors: vectorsOf(p) }]));
  const sorted = (m: Model) => new Map([...m].sort(([x], [y]) => (x < y ? -1 : 1)));
  assert.deepEqual(sorted(actual), sorted(model), what);
  const count = await points().count({ collectionName: name, exact: true });
  assert.equal(count.result?.count, BigInt(model.size), `${what}: count`);
}


// --- Tests ------------------------------------------------------------------------------------

// Each test below applies its selections one after another to one collection: every step selects
// on the state the steps before it left, and the model follows.

test('Delete by filter removes exactly the matching points on every shard; an empty filter removes all', async () => {
  const { name, model } = await seeded();
  for (const s of [...selections, everything]) {
    const res = await points().delete({ collectionName: name, wait: true, points: byFilter(s) });
    assert.equal(res.result?.status, 2 /* Completed */, s.name);
    for (const [k, p] of [...model]) if (s.holds(idOfKey(k), p)) model.delete(k);
    await assertState(name, model, s.name);
  }
  assert.equal(model.size, 0, 'the empty filter came last');
});

test('SetPayload, OverwritePayload, DeletePayload and ClearPayload by filter change exactly the matching points; no match is Completed', async () => {
  const { name, model } = await seeded();
  for (const s of selections) {
    const steps: [string, () => Promise<{ result?: { status: number } }>, () => void][] = [
      ['set', () => points().setPayload({ collectionName: name, wait: true, payload: toPayload({ hit: true, g: 7n }), pointsSelector: byFilter(s) }),
        () => selected(model, s).forEach((p) => { p.payload = { ...p.payload, hit: true, g: 7n }; })],
      // The set above moved the g = 1 points to g = 7: this selection now sees the new state.
      ['delete keys', () => points().deletePayload({ collectionName: name, wait: true, keys: ['tag'], pointsSelector: byFilter(s) }),
        () => selected(model, s).forEach((p) => { const { tag: _tag, ...rest } = p.payload; p.payload = rest; })],
      ['overwrite', () => points().overwritePayload({ collectionName: name, wait: true, payload: toPayload({ g: 1n, n: 0n }), pointsSelector: byFilter(s) }),
        () => selected(model, s).forEach((p) => { p.payload = { g: 1n, n: 0n }; })],
      ['set again', () => points().setPayload({ collectionName: name, wait: true, payload: toPayload({ g: 0n, tag: 'red' }), pointsSelector: byFilter(s) }),
        () => selected(model, s).forEach((p) => { p.payload = { ...p.payload, g: 0n, tag: 'red' }; })],
      ['clear', () => points().clearPayload({ collectionName: name, wait: true, points: byFilter(s) }),
        () => selected(model, s).forEach((p) => { p.payload = {}; })],
    ];
    for (const [step, call, expect] of steps) {
      const res = await call();
      assert.equal(res.result?.status, 2 /* Completed */, `${s.name}: ${step}`);
      expect();
      await assertState(name, model, `${s.name}: ${step}`);
    }
  }
});

test('DeleteVectors by filter removes the names from the matching points only', async () => {
  const { name, model } = await seeded();
  for (const [s, names] of [[selections[0], ['b']], [selections[2], ['a', 'b']], [selections[4], ['a']], [selections[1], ['a']], [selections[3], ['b']]] as const) {
    const res = await points().deleteVectors({ collectionName: name, wait: true, pointsSelector: byFilter(s), vectors: { names: [...names] } });
    assert.equal(res.result?.status, 2, s.name);
    for (const p of selected(model, s)) p.vectors = Object.fromEntries(Object.entries(p.vectors).filter(([n]) => !(names as readonly string[]).includes(n)));
    await assertState(name, model, s.name);
  }
});

type Tally = { replaced: number; keptByFilter: number; inserted: number };

/** Qdrant's conditional upsert, per update_mode, judged on the state before the request. */
function modelUpsert(m: Model, list: { id: Id; point: Point }[], mode: 'upsert' | 'insert' | 'update', s: Selection, tally?: Tally): void {
  const existed = new Set(list.filter((e) => m.has(key(e.id))).map((e) => key(e.id)));
  const matched = new Set(list.filter((e) => m.has(key(e.id)) && s.holds(e.id, m.get(key(e.id))!)).map((e) => key(e.id)));
  for (const e of list) {
    const exists = existed.has(key(e.id));
    if (mode === 'insert' && exists) continue;
    if (mode === 'update' && !exists) continue;
    if (exists && !matched.has(key(e.id))) {
      if (tally) tally.keptByFilter++;
      continue;
    }
    if (tally) tally[exists ? 'replaced' : 'inserted']++;
    m.set(key(e.id), structuredClone(e.point));
  }
}

test('Upsert with update_filter: existing matching points are replaced, existing non-matching kept, missing ones inserted (as the update_mode says)', async () => {
  const modes = [[undefined, 'upsert'], [1, 'insert'], [2, 'update']] as const;
  for (const [updateMode, mode] of modes) {
    const { name, model } = await seeded();
    const tally: Tally = { replaced: 0, keptByFilter: 0, inserted: 0 };
    for (const [step, s] of [...selections, everything].entries()) {
      // Existing ids of every group, the uint64 and uuid ids, and ids missing (at first).
      const ids: Id[] = [1n, 2n, 3n, 4n, 5n, 6n, MAX, UUID, BigInt(500 + step), '7e57f117-0000-4000-8000-0000000000ff'];
      const payload = (i: number): Obj => ({ written: `${mode} ${step}`, g: BigInt((i + step) % 3), n: BigInt(i), ...(i % 2 ? { tag: 'red' } : {}) });
      const list = ids.map((id, i) => ({ id, point: { payload: payload(i), vectors: { a: [100 + i, -(step + 1)], ...(i % 3 ? { b: [step, i] } : {}) } as Vectors } }));
      const wire = list.map((e) => ({ id: pid(e.id), vectors: namedVectors(e.point.vectors), payload: toPayload(e.point.payload) }));
      const res = await points().upsert({ collectionName: name, wait: true, points: wire, updateFilter: s.filter, ...(updateMode ? { updateMode } : {}) });
      assert.equal(res.result?.status, 2, `${s.name} / ${mode}`);
      modelUpsert(model, list, mode, s, tally);
      await assertState(name, model, `${s.name} / ${mode}`);
    }
    // The cases the model saw: InsertOnly never replaces, UpdateOnly never inserts.
    assert.deepEqual(
      { replaced: tally.replaced > 0, keptByFilter: tally.keptByFilter > 0, inserted: tally.inserted > 0 },
      { replaced: mode !== 'insert', keptByFilter: mode !== 'insert', inserted: mode !== 'update' }, mode,
    );
  }
});

test('UpdateVectors with update_filter changes existing matching points only; a missing id is NOT_FOUND after the others changed', async () => {
  const { name, model } = await seeded();
  for (const [step, s] of [...selections, everything].entries()) {
    const ids: Id[] = [1n, 2n, 3n, 4n, 5n, MAX, UUID];
    const matched = ids.filter((id) => s.holds(id, model.get(key(id))!));
    const wire = ids.map((id, i) => ({ id: pid(id), vectors: namedVectors({ b: [-(step + 1), i] }) }));
    const res = await points().updateVectors({ collectionName: name, wait: true, points: wire, updateFilter: s.filter });
    assert.equal(res.result?.status, 2, s.name);
    ids.forEach((id, i) => {
      if (matched.includes(id)) model.get(key(id))!.vectors.b = [-(step + 1), i];
    });
    await assertState(name, model, s.name);
    await rejects(
      points().updateVectors({ collectionName: name, wait: true, points: [{ id: pid(404n), vectors: namedVectors({ a: [0, 0] }) }], updateFilter: s.filter }),
      Code.NotFound, /No point with id 404 found/,
    );
    await assertState(name, model, `${s.name}: after the missing id`);
  }
});

test('UpdateBatch applies filter-selected operations in order, each selecting on the state the ones before it left', async () => {
  const { name, model } = await seeded();
  const [g1, notRed, hasBg0] = selections;
  const operations = [
    { operation: { case: 'setPayload', value: { payload: toPayload({ g: 1n }), pointsSelector: byIds([3n, 6n]) } } },
    { operation: { case: 'setPayload', value: { payload: toPayload({ batch: 1n }), pointsSelector: byFilter(g1) } } },
    { operation: { case: 'deleteVectors', value: { pointsSelector: byFilter(hasBg0), vectors: { names: ['b'] } } } },
    { operation: { case: 'upsert', value: {
      points: [2n, 7n, 900n].map((id) => ({ id: pid(id), vectors: namedVectors({ a: [9, 9] }), payload: toPayload({ up: true }) })),
      updateFilter: notRed.filter,
    } } },
    { operation: { case: 'updateVectors', value: { points: [4n, 5n].map((id) => ({ id: pid(id), vectors: namedVectors({ a: [0, 4] }) })), updateFilter: notRed.filter } } },
    { operation: { case: 'overwritePayload', value: { payload: toPayload({ over: true }), pointsSelector: byFilter(notRed) } } },
    { operation: { case: 'deletePayload', value: { keys: ['batch'], pointsSelector: byFilter(g1) } } },
    { operation: { case: 'clearPayload', value: { points: byFilter(selections[1]) } } },
    { operation: { case: 'deletePoints', value: { points: byFilter(g1) } } },
  ] as never as PointsUpdateOperation[];
  const res = await points().updateBatch({ collectionName: name, wait: true, operations });
  assert.equal(res.result.length, operations.length);
  for (const r of res.result) assert.equal(r.status, 2);

  for (const id of [3n, 6n]) model.get(key(id))!.payload.g = 1n;
  for (const p of selected(model, g1)) p.payload = { ...p.payload, batch: 1n };
  for (const p of selected(model, hasBg0)) p.vectors = { a: p.vectors.a };
  modelUpsert(model, [2n, 7n, 900n].map((id) => ({ id, point: { payload: { up: true }, vectors: { a: [9, 9] } } })), 'upsert', notRed);
  for (const id of [4n, 5n]) if (notRed.holds(id, model.get(key(id))!)) model.get(key(id))!.vectors.a = [0, 4];
  for (const p of selected(model, notRed)) p.payload = { over: true };
  for (const p of selected(model, g1)) {
    const { batch: _b, ...rest } = p.payload;
    p.payload = rest;
  }
  for (const p of selected(model, selections[1])) p.payload = {};
  for (const [k, p] of [...model]) if (g1.holds(idOfKey(k), p)) model.delete(k);
  assert.ok(model.has(key(900n)) && !model.has(key(5n)) && !model.has(key(11n)), 'the model itself saw the insert and the deletes');
  await assertState(name, model);
});

test('a filter selects, on each replica, the points as they are when its turn comes: after an acknowledged write queued before it', async () => {
  const { name, model } = await seeded();
  const g1 = selections[0];
  const ack = await points().setPayload({ collectionName: name, wait: false, payload: toPayload({ g: 1n }), pointsSelector: byIds([MAX, UUID]) });
  assert.equal(ack.result?.status, 1 /* Acknowledged */);
  await points().delete({ collectionName: name, wait: true, points: byFilter(g1) });
  for (const id of [MAX, UUID]) model.get(key(id))!.payload.g = 1n;
  for (const [k, p] of [...model]) if (g1.holds(idOfKey(k), p)) model.delete(k);
  assert.ok(!model.has(key(MAX)) && !model.has(key(UUID)));
  await assertState(name, model);
});

test('bad filters are refused with INVALID_ARGUMENT before anything is queued, in every write and inside UpdateBatch', async () => {
  const { name, model } = await seeded();
  const bad: [string, Filter, RegExp][] = [
    ['empty field condition', { must: [field('g', {})] } as Filter, /At least one field condition must be specified/],
    ['match without value', { should: [field('g', { match: {} })] } as Filter, /Malformed Match condition/],
    ['bad key path', { mustNot: [keyword('a..b', 'x')] } as Filter, /Invalid json path/],
    ['min_count 0', { minShould: { conditions: [intMatch('g', 1n)], minCount: 0n } } as Filter, /min_count/],
  ];
  for (const [what, filter, message] of bad) {
    const sel = { pointsSelectorOneOf: { case: 'filter' as const, value: filter } };
    const upsertPoint = { id: pid(1n), vectors: namedVectors({ a: [5, 5] }), payload: toPayload({ changed: true }) };
    const calls: [string, () => Promise<unknown>][] = [
      ['delete', () => points().delete({ collectionName: name, wait: true, points: sel })],
      ['set', () => points().setPayload({ collectionName: name, wait: true, payload: toPayload({ x: 1n }), pointsSelector: sel })],
      ['overwrite', () => points().overwritePayload({ collectionName: name, wait: true, payload: toPayload({ x: 1n }), pointsSelector: sel })],
      ['delete payload', () => points().deletePayload({ collectionName: name, wait: true, keys: ['g'], pointsSelector: sel })],
      ['clear', () => points().clearPayload({ collectionName: name, wait: true, points: sel })],
      ['delete vectors', () => points().deleteVectors({ collectionName: name, wait: true, pointsSelector: sel, vectors: { names: ['b'] } })],
      ['upsert', () => points().upsert({ collectionName: name, wait: true, points: [upsertPoint], updateFilter: filter })],
      ['update vectors', () => points().updateVectors({ collectionName: name, wait: true, points: [{ id: pid(1n), vectors: namedVectors({ a: [5, 5] }) }], updateFilter: filter })],
      ['batch', () => points().updateBatch({
        collectionName: name, wait: true, operations: [
          { operation: { case: 'deletePoints', value: { points: byIds([1n, 2n]) } } },
          { operation: { case: 'setPayload', value: { payload: toPayload({ x: 1n }), pointsSelector: byFilter(everything) } } },
          { operation: { case: 'upsert', value: { points: [upsertPoint], updateFilter: filter } } },
        ] as never as PointsUpdateOperation[],
      })],
      ['batch, filter selector', () => points().updateBatch({
        collectionName: name, wait: false, operations: [
          { operation: { case: 'clearPayload', value: { points: byFilter(everything) } } },
          { operation: { case: 'deleteVectors', value: { pointsSelector: sel, vectors: { names: ['a'] } } } },
        ] as never as PointsUpdateOperation[],
      })],
    ];
    for (const [rpc, call] of calls) await rejects(call(), Code.InvalidArgument, message).catch((err) => assert.fail(`${what} / ${rpc}: ${err.message}`));
  }
  await assertState(name, model);
});
