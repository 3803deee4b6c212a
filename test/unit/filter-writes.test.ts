// Writes that select points by filter, at the store: delete / payload / delete_vectors by filter
// and update_filter on upserts (every update_mode) and update_vectors. Expected states come from a
// plain-JS model of the points and a plain-JS predicate per filter, never from the store. The
// operations travel encoded (as they do through the queue and the WAL), and replaying them from
// scratch, directly or from a replica's WAL, gives the same state.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  decodeOperation, encodeOperation, type Filter, type OperationOutcome, type Payload, type PointId, type ShardOperation, type ShardParams,
  ShardReplica, ShardStore, type UpsertMode,
} from '../../libs/engine/index.ts';
import { storeFactory } from '../support/stores.ts';

const hnsw = { m: 16, efConstruct: 64, fullScanThresholdKb: 10000 };
const params: ShardParams = { dim: 0, distance: 'Dot', hnsw, named: { a: { dim: 2, distance: 'Dot', hnsw }, b: { dim: 2, distance: 'Dot', hnsw } } };
const freshStore = storeFactory(params);

// --- The model ------------------------------------------------------------------------------

type Vectors = { a?: number[]; b?: number[] };
type ModelPoint = { payload: Payload; vectors: Vectors };
type Model = Map<string, ModelPoint>;
const key = (id: PointId) => String(id);

/** A filter for the store and the same predicate in plain JS. */
interface Selection {
  filter: Filter;
  holds: (id: PointId, point: ModelPoint) => boolean;
}

const selections: Record<string, Selection> = {
  groupOne: {
    filter: { must: [{ kind: 'field', key: 'g', match: { kind: 'integer', value: 1n } }] },
    holds: (_id, p) => p.payload.g === 1n,
  },
  smallOrThree: {
    filter: { should: [{ kind: 'field', key: 'n', range: { lt: 5 } }, { kind: 'has_id', ids: [3n] }] },
    holds: (id, p) => (typeof p.payload.n === 'bigint' && p.payload.n < 5n) || id === 3n,
  },
  notRed: {
    filter: { mustNot: [{ kind: 'field', key: 'tag', match: { kind: 'keyword', value: 'red' } }] },
    holds: (_id, p) => p.payload.tag !== 'red',
  },
  hasB: {
    filter: { must: [{ kind: 'has_vector', name: 'b' }] },
    holds: (_id, p) => p.vectors.b !== undefined,
  },
  everything: { filter: {}, holds: () => true },
};

function matching(model: Model, ids: PointId[], s: Selection): Set<string> {
  return new Set(ids.filter((id) => model.has(key(id)) && s.holds(id, model.get(key(id))!)).map(key));
}

const modelApply = {
  upsert(m: Model, points: { id: PointId; payload: Payload; vectors: Vectors }[], mode: UpsertMode, s?: Selection): void {
    const ids = points.map((p) => p.id);
    const existed = new Set(ids.filter((id) => m.has(key(id))).map(key));
    const matched = s ? matching(m, ids, s) : existed;
    for (const p of points) {
      const exists = existed.has(key(p.id));
      if (mode === 'insert_only' && exists) continue;
      if (mode === 'update_only' && !exists) continue;
      if (exists && !matched.has(key(p.id))) continue; // update_filter: existing, not matching
      m.set(key(p.id), { payload: { ...p.payload }, vectors: { ...p.vectors } });
    }
  },
  /** Returns the first missing id, as the store reports it. */
  updateB(m: Model, points: { id: PointId; b: number[] }[], s?: Selection): PointId | undefined {
    const ids = points.map((p) => p.id);
    const matched = s ? matching(m, ids, s) : null;
    let missing: PointId | undefined;
    for (const p of points) {
      const point = m.get(key(p.id));
      if (!point) {
        missing ??= p.id;
        continue;
      }
      if (matched && !matched.has(key(p.id))) continue;
      point.vectors = { ...point.vectors, b: p.b };
    }
    return missing;
  },
  selected(m: Model, s: Selection): ModelPoint[] {
    return [...m].filter(([k, p]) => s.holds(idOfKey(k), p)).map(([, p]) => p);
  },
};

const idOfKey = (k: string): PointId => (/^\d+$/.test(k) ? BigInt(k) : k);

// --- Operations -------------------------------------------------------------------------------

function upsertOp(points: { id: PointId; payload: Payload; vectors: Vectors }[], mode: UpsertMode, updateFilter?: Filter): ShardOperation {
  // As the ingress packs them: a block without `points` when every point has the name.
  const blocks = (['a', 'b'] as const).flatMap((name) => {
    const having = points.map((p, at) => [p, at] as const).filter(([p]) => p.vectors[name]);
    if (having.length === 0) return [];
    const vectors = new Float32Array(having.flatMap(([p]) => p.vectors[name]!));
    return [{ name, dim: 2, vectors, ...(having.length === points.length ? {} : { points: having.map(([, at]) => at) }) }];
  });
  return {
    kind: 'upsert', ids: points.map((p) => p.id), dim: 0, vectors: new Float32Array(), payloads: points.map((p) => p.payload),
    named: blocks, ...(mode === 'upsert' ? {} : { mode }), ...(updateFilter ? { updateFilter } : {}),
  };
}

function updateBOp(points: { id: PointId; b: number[] }[], updateFilter?: Filter): ShardOperation {
  return {
    kind: 'update_vectors', ids: points.map((p) => p.id), vectors: [{ name: 'b', dim: 2, vectors: new Float32Array(points.flatMap((p) => p.b)) }],
    ...(updateFilter ? { updateFilter } : {}),
  };
}

/** Applied as the replica applies it: decoded from the bytes the ingress would queue. */
const applyEncoded = (store: ShardStore, op: ShardOperation, seq: number): OperationOutcome => store.apply(decodeOperation(encodeOperation(op)), seq);

function stateOf(store: ShardStore): Model {
  const out: Model = new Map();
  for (const r of store.scroll(undefined, 10_000, { payload: { mode: 'all' }, vector: true })) {
    const vectors: Vectors = {};
    for (const [name, v] of Object.entries(r.named ?? {})) vectors[name as 'a' | 'b'] = Array.from(v);
    out.set(key(r.id), { payload: r.payload ?? {}, vectors });
  }
  return out;
}

const sorted = (m: Model) => new Map([...m].sort(([x], [y]) => (x < y ? -1 : 1)));

/** Ten points: payload { g: i % 3, n: i, tag: red for even i }, a = [i, 1], b = [1, i] for i % 4 != 1. */
function seed(store: ShardStore, model: Model): void {
  const points = Array.from({ length: 10 }, (_, i) => ({
    id: BigInt(i) as PointId,
    payload: { g: BigInt(i % 3), n: BigInt(i), ...(i % 2 === 0 ? { tag: 'red' } : {}) } as Payload,
    vectors: { a: [i, 1], ...(i % 4 === 1 ? {} : { b: [1, i] }) } as Vectors,
  }));
  assert.deepEqual(applyEncoded(store, upsertOp(points, 'upsert'), 1), { ok: true });
  modelApply.upsert(model, points, 'upsert');
}

// --- Tests ------------------------------------------------------------------------------------

test('update_filter in every update_mode: existing matching points are written, existing non-matching ones kept, missing ones as the mode says', () => {
  for (const mode of ['upsert', 'insert_only', 'update_only'] as UpsertMode[]) {
    for (const [name, s] of Object.entries(selections)) {
      const store = freshStore();
      const model: Model = new Map();
      seed(store, model);
      // Existing ids 0..9 (some match, some do not) and missing 20, 21.
      const points = [0n, 1n, 2n, 3n, 4n, 7n, 20n, 21n].map((id) => ({ id, payload: { written: mode } as Payload, vectors: { a: [9, 9] } as Vectors }));
      const before = sorted(model);
      assert.deepEqual(applyEncoded(store, upsertOp(points, mode, s.filter), 2), { ok: true });
      modelApply.upsert(model, points, mode, s);
      assert.deepEqual(sorted(stateOf(store)), sorted(model), `${mode} / ${name}`);
      if (mode !== 'insert_only' && name === 'groupOne') {
        assert.notDeepEqual(sorted(model), before, 'the case changes something');
        assert.equal(model.get('2')!.payload.written, undefined, 'point 2 (g=2) is kept');
        assert.equal(model.get('1')!.payload.written, mode, 'point 1 (g=1) is written');
      }
      assert.equal(model.has('20'), mode !== 'update_only', `${mode}: a missing point is inserted unless update_only`);
    }
  }
});

test('update_vectors with update_filter skips existing non-matching points and still reports a missing one', () => {
  for (const [name, s] of Object.entries(selections)) {
    const store = freshStore();
    const model: Model = new Map();
    seed(store, model);
    const points = [1n, 2n, 3n, 44n, 6n].map((id) => ({ id, b: [7, Number(id)] }));
    const outcome = applyEncoded(store, updateBOp(points, s.filter), 2);
    const missing = modelApply.updateB(model, points, s);
    assert.deepEqual(outcome, { ok: false, kind: 'not_found', message: `No point with id ${missing} found` }, name);
    assert.deepEqual(sorted(stateOf(store)), sorted(model), name);
  }
});

test('delete, payload writes and delete_vectors by filter change exactly the matching points; no match is OK', () => {
  for (const [name, s] of Object.entries(selections)) {
    const cases: [string, ShardOperation, (m: Model) => void][] = [
      ['delete_points', { kind: 'delete_points', ids: [], filter: s.filter }, (m) => {
        for (const [k, p] of [...m]) if (s.holds(idOfKey(k), p)) m.delete(k);
      }],
      ['set_payload', { kind: 'set_payload', target: { filter: s.filter }, payload: { hit: true, tag: 'blue' } }, (m) => {
        for (const p of modelApply.selected(m, s)) p.payload = { ...p.payload, hit: true, tag: 'blue' };
      }],
      ['overwrite_payload', { kind: 'overwrite_payload', target: { filter: s.filter }, payload: { only: 1n } }, (m) => {
        for (const p of modelApply.selected(m, s)) p.payload = { only: 1n };
      }],
      ['delete_payload', { kind: 'delete_payload', target: { filter: s.filter }, keys: ['tag', 'n'] }, (m) => {
        for (const p of modelApply.selected(m, s)) {
          const { tag: _t, n: _n, ...rest } = p.payload;
          p.payload = rest;
        }
      }],
      ['clear_payload', { kind: 'clear_payload', target: { filter: s.filter } }, (m) => {
        for (const p of modelApply.selected(m, s)) p.payload = {};
      }],
      ['delete_vectors', { kind: 'delete_vectors', ids: [], names: ['b'], filter: s.filter }, (m) => {
        for (const p of modelApply.selected(m, s)) p.vectors = { a: p.vectors.a };
      }],
    ];
    for (const [kind, op, expected] of cases) {
      const store = freshStore();
      const model: Model = new Map();
      seed(store, model);
      assert.deepEqual(applyEncoded(store, op, 2), { ok: true }, `${kind} / ${name}`);
      expected(model);
      assert.deepEqual(sorted(stateOf(store)), sorted(model), `${kind} / ${name}`);
    }
  }
  const store = freshStore();
  seed(store, new Map());
  const nothing: Filter = { must: [{ kind: 'field', key: 'g', match: { kind: 'integer', value: 99n } }] };
  const before = stateOf(store);
  assert.deepEqual(applyEncoded(store, { kind: 'clear_payload', target: { filter: nothing } }, 2), { ok: true });
  assert.deepEqual(applyEncoded(store, { kind: 'delete_points', ids: [], filter: nothing }, 3), { ok: true });
  assert.deepEqual(stateOf(store), before);
});

test('a filter selects on the state when the operation is applied, after the operations before it in a batch', () => {
  const store = freshStore();
  const model: Model = new Map();
  seed(store, model);
  const s = selections.groupOne;
  const batch: ShardOperation = {
    kind: 'batch', stopAtFirstFailure: true, operations: [
      { kind: 'set_payload', target: { ids: [0n, 2n] }, payload: { g: 1n } }, // 0 and 2 join group 1
      { kind: 'delete_points', ids: [], filter: s.filter },
    ],
  };
  assert.deepEqual(applyEncoded(store, batch, 2), { ok: true });
  for (const id of ['0', '2']) model.get(id)!.payload = { ...model.get(id)!.payload, g: 1n };
  for (const [k, p] of [...model]) if (s.holds(idOfKey(k), p)) model.delete(k);
  assert.ok(!model.has('0') && !model.has('2') && model.has('3'));
  assert.deepEqual(sorted(stateOf(store)), sorted(model));
});

test('filter-selected operations survive encoding with bigint values and uint64 ids intact', () => {
  const filter: Filter = {
    must: [{ kind: 'has_id', ids: [18446744073709551615n, 'c0ffee00-0000-4000-8000-000000000000'] }],
    should: [{ kind: 'field', key: 'big', match: { kind: 'integers', values: [9007199254740993n] } }],
    mustNot: [{ kind: 'nested', key: 'list', filter: { must: [{ kind: 'is_empty', key: 'x' }] } }],
  };
  const ops: ShardOperation[] = [
    { kind: 'delete_points', ids: [], filter },
    { kind: 'delete_vectors', ids: [], names: ['a', 'b'], filter },
    { kind: 'set_payload', target: { filter }, payload: { x: 1n }, key: 'k' },
    { kind: 'clear_payload', target: { filter: {} } },
    { ...updateBOp([{ id: 1n, b: [1, 2] }], filter) },
    { ...upsertOp([{ id: 5n, payload: { x: 1n }, vectors: { a: [1, 2] } }], 'update_only', filter) },
    { kind: 'batch', stopAtFirstFailure: false, operations: [{ kind: 'delete_points', ids: [7n], filter }] },
  ];
  for (const op of ops) {
    const decoded = decodeOperation(encodeOperation(op));
    assert.deepEqual(decoded, { ...op, traceContext: undefined, ...(op.kind === 'batch' ? { operations: [{ ...op.operations[0], traceContext: undefined }] } : {}) }, op.kind);
  }
});

test('replaying the same filter-selected operations from scratch, directly or from a replica\'s WAL, gives the same state', async () => {
  let seedValue = 7;
  const random = () => ((seedValue = (seedValue * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const ids: PointId[] = [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 'c0ffee00-0000-4000-8000-000000000000'];
  const names = Object.keys(selections);
  const model: Model = new Map();
  const ops: ShardOperation[] = [];
  const modelSteps: ((m: Model) => void)[] = [];
  for (let i = 0; i < 150; i++) {
    const s = selections[pick(names)];
    const some = ids.filter(() => random() < 0.5);
    const points = some.map((id) => ({
      id, payload: { g: BigInt(i % 3), n: BigInt(i % 11), ...(random() < 0.5 ? { tag: 'red' } : {}) } as Payload,
      vectors: { a: [i, 1], ...(random() < 0.7 ? { b: [1, i] } : {}) } as Vectors,
    }));
    switch (pick(['upsert', 'upsert', 'upsert', 'update_vectors', 'delete', 'set', 'clear', 'delete_vectors'])) {
      case 'upsert': {
        const mode = pick<UpsertMode>(['upsert', 'insert_only', 'update_only']);
        const withFilter = random() < 0.7;
        ops.push(upsertOp(points, mode, withFilter ? s.filter : undefined));
        modelSteps.push((m) => modelApply.upsert(m, points, mode, withFilter ? s : undefined));
        break;
      }
      case 'update_vectors': {
        const list = some.map((id) => ({ id, b: [i, -1] }));
        ops.push(updateBOp(list, s.filter));
        modelSteps.push((m) => modelApply.updateB(m, list, s));
        break;
      }
      case 'delete': {
        const narrow = s === selections.everything ? selections.groupOne : s; // keep points to compare at the end
        ops.push({ kind: 'delete_points', ids: [], filter: narrow.filter });
        modelSteps.push((m) => {
          for (const [k, p] of [...m]) if (narrow.holds(idOfKey(k), p)) m.delete(k);
        });
        break;
      }
      case 'set':
        ops.push({ kind: 'set_payload', target: { filter: s.filter }, payload: { n: BigInt(i) } });
        modelSteps.push((m) => {
          for (const p of modelApply.selected(m, s)) p.payload = { ...p.payload, n: BigInt(i) };
        });
        break;
      case 'clear':
        ops.push({ kind: 'clear_payload', target: { filter: s.filter } });
        modelSteps.push((m) => {
          for (const p of modelApply.selected(m, s)) p.payload = {};
        });
        break;
      default:
        ops.push({ kind: 'delete_vectors', ids: [], names: ['b'], filter: s.filter });
        modelSteps.push((m) => {
          for (const p of modelApply.selected(m, s)) p.vectors = { a: p.vectors.a };
        });
    }
  }
  const log = ops.map(encodeOperation);

  const replayDirect = (check?: (at: number, store: ShardStore) => void) => {
    const store = freshStore();
    log.forEach((bytes, at) => {
      store.apply(decodeOperation(bytes), at + 1);
      check?.(at, store);
    });
    return store;
  };
  // The first replay is checked against the model after every operation.
  const first = replayDirect((at, store) => {
    modelSteps[at](model);
    assert.deepEqual(sorted(stateOf(store)), sorted(model), `after operation ${at + 1} (${ops[at].kind})`);
  });
  const second = replayDirect();
  assert.deepEqual(second.capture(), first.capture(), 'two replays give the same labels, versions and payloads');
  assert.ok(first.pointCount > 0, 'the sequence leaves points to compare');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-filter-writes-'));
  const replica = ShardReplica.open(dir, params);
  for (const [at, bytes] of log.entries()) await replica.applyLogged(at + 1, bytes);
  await replica.close();
  const reopened = ShardReplica.open(dir, params);
  assert.equal(reopened.appliedSeq, log.length);
  assert.deepEqual(sorted(stateOf(reopened.store)), sorted(model), 'the WAL replay selects the same points');
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
