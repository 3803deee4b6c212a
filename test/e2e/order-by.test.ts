// order_by through the official client, over a 3-shard collection: Scroll and Query ordered by an
// integer, a float and a datetime payload index, both directions, start_from of every kind, with a
// filter; order_value as Qdrant gives it (int for integer and datetime, microseconds; float for
// float). Expected pages are computed here in plain JS: each point is ordered by one value of the
// key (the first in the direction at or past start_from; arrays count element by element), ties
// by id, reversed when descending; points without such a value are left out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { Direction, FieldType } from '@qdrant/js-client-grpc';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, idOf, type Json, pid, toPayload } from '../support/wire.ts';
import { rejects } from '../support/status.ts';

const C = 'order_by';
const N = 60;
const BASE_MS = Date.UTC(2024, 0, 1);
let q: TestQuiver;

/** Integer `rank`: ties every 5th point, arrays on every 7th, absent on every 11th, a double on every 13th. */
function rank(i: number): Json | undefined {
  if (i % 11 === 0) return undefined;
  if (i % 13 === 0) return 2.5;
  if (i % 7 === 0) return [BigInt((i * 17) % 50), BigInt((i * 29) % 50)];
  return BigInt(i % 5 === 0 ? 20 : (i * 31) % 50);
}
/** Float `price`, some integers (floats for a float index), ties between i and i + 30. */
const price = (i: number): Json => (i % 4 === 0 ? BigInt(i % 30) : (i % 30) + 0.25);
/** Datetime `at`: microsecond precision, some with an offset, some arrays, some unparsable. */
function atText(i: number): Json | undefined {
  if (i % 9 === 0) return 'yesterday';
  const ms = BASE_MS + ((i * 7919) % N) * 3_600_000;
  const micros = String(i % 1000).padStart(3, '0');
  const utc = `${new Date(ms).toISOString().slice(0, 23)}${micros}Z`;
  if (i % 8 === 0) return [utc, `${new Date(ms + 86_400_000).toISOString().slice(0, 19)}+02:00`];
  return utc;
}
const color = (i: number) => (i % 3 === 0 ? 'red' : 'blue');

type OrderValue = number | bigint;
/** A payload datetime as microseconds since the epoch (only the two forms the data uses). */
function micros(text: string): bigint | undefined {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{6}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  return BigInt(Date.parse(`${m[1]}${m[3]}`)) * 1000n + BigInt(m[2] ?? '0');
}
const valuesOf: Record<string, (i: number) => OrderValue[]> = {
  rank: (i) => [rank(i)].flat().filter((v): v is bigint => typeof v === 'bigint'),
  price: (i) => [price(i)].flat().map((v) => Number(v)),
  at: (i) => [atText(i) ?? []].flat().map((v) => micros(String(v))).filter((v): v is bigint => v !== undefined),
};

/** The expected [id, order value] list of an order_by. */
function expected(key: string, desc: boolean, limit: number, startFrom?: OrderValue, where: (i: number) => boolean = () => true): [bigint, OrderValue][] {
  const rows: [bigint, OrderValue][] = [];
  for (let i = 0; i < N; i++) {
    if (!where(i)) continue;
    const eligible = valuesOf[key](i).filter((v) => startFrom === undefined || (desc ? v <= startFrom : v >= startFrom));
    if (eligible.length === 0) continue;
    rows.push([BigInt(i), eligible.reduce((a, b) => ((desc ? b > a : b < a) ? b : a))]);
  }
  const cmp = (a: OrderValue, b: OrderValue) => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort((a, b) => cmp(a[1], b[1]) || cmp(a[0], b[0]));
  if (desc) rows.reverse();
  return rows.slice(0, limit);
}

before(async () => {
  q = await startTestQuiver({ label: 'order-by' });
  await q.client.api('collections').create({ collectionName: C, vectorsConfig: { config: { case: 'params', value: { size: 2n, distance: 3 } } }, shardNumber: 3 });
  await q.client.api('points').upsert({
    collectionName: C,
    wait: true,
    points: Array.from({ length: N }, (_, i) => {
      const payload: { [k: string]: Json } = { price: price(i), color: color(i) };
      const r = rank(i);
      const at = atText(i);
      if (r !== undefined) payload.rank = r;
      if (at !== undefined) payload.at = at;
      return { id: pid(BigInt(i)), vectors: denseVectors([i, 1]), payload: toPayload(payload) };
    }),
  });
  const index = (fieldName: string, fieldType: FieldType) => q.client.api('points').createFieldIndex({ collectionName: C, fieldName, fieldType, wait: true });
  await index('rank', FieldType.FieldTypeInteger);
  await index('price', FieldType.FieldTypeFloat);
  await index('at', FieldType.FieldTypeDatetime);
  await index('color', FieldType.FieldTypeKeyword);
});
after(async () => q?.stop());

const points = () => q.client.api('points');
type StartFrom = { case: 'float'; value: number } | { case: 'integer'; value: bigint } | { case: 'datetime'; value: string } | { case: 'timestamp'; value: { seconds: bigint; nanos: number } };
const orderBy = (key: string, desc = false, startFrom?: StartFrom) => ({ key, ...(desc ? { direction: Direction.Desc } : {}), ...(startFrom ? { startFrom: { value: startFrom } } : {}) });
const red = { must: [{ conditionOneOf: { case: 'field' as const, value: { key: 'color', match: { matchValue: { case: 'keyword' as const, value: 'red' } } } } }] };
const rows = (res: { result: { id?: unknown; orderValue?: { variant: { value?: unknown } } }[] }) =>
  res.result.map((p) => [idOf(p.id as never), p.orderValue?.variant.value]);


test('Scroll order_by an integer index: both directions, one row per point, ties by id, int order_value, no next_page_offset', async () => {
  for (const desc of [false, true]) {
    const res = await points().scroll({ collectionName: C, limit: 25, orderBy: orderBy('rank', desc) });
    assert.deepEqual(rows(res), expected('rank', desc, 25));
    assert.equal(res.nextPageOffset, undefined);
    assert.equal(res.result[0].orderValue?.variant.case, 'int');
  }
  const all = await points().scroll({ collectionName: C, limit: 1000, orderBy: orderBy('rank') });
  const seen = rows(all).map(([id]) => id);
  assert.equal(new Set(seen).size, seen.length, 'a point with several values appears once');
  assert.equal(seen.length, expected('rank', false, 1000).length);
});

test('Scroll order_by with start_from (integer, float) and a filter; payload returned by default', async () => {
  const isRed = (i: number) => color(i) === 'red';
  const asc = await points().scroll({ collectionName: C, limit: 8, filter: red, orderBy: orderBy('rank', false, { case: 'integer', value: 30n }) });
  assert.deepEqual(rows(asc), expected('rank', false, 8, 30n, isRed));
  for (const p of asc.result) assert.equal(p.payload.color?.kind.value, 'red');
  const desc = await points().scroll({ collectionName: C, limit: 8, filter: red, orderBy: orderBy('rank', true, { case: 'float', value: 30.5 }) });
  assert.deepEqual(rows(desc), expected('rank', true, 8, 30.5, isRed));
  const prices = await points().scroll({ collectionName: C, limit: 12, orderBy: orderBy('price', true, { case: 'float', value: 20 }) });
  assert.deepEqual(rows(prices), expected('price', true, 12, 20));
  assert.equal(prices.result[0].orderValue?.variant.case, 'float', 'a float index gives float order values, integers included');
});

test('order_by a datetime index in Scroll and Query: microsecond int order_value, start_from as datetime and timestamp', async () => {
  for (const desc of [false, true]) {
    const scroll = await points().scroll({ collectionName: C, limit: 20, orderBy: orderBy('at', desc) });
    assert.deepEqual(rows(scroll), expected('at', desc, 20));
    const query = await points().query({ collectionName: C, limit: 20n, query: { variant: { case: 'orderBy', value: orderBy('at', desc) } } });
    assert.deepEqual(rows(query), expected('at', desc, 20));
  }
  const fromMs = BASE_MS + 20 * 3_600_000;
  const fromMicros = BigInt(fromMs) * 1000n + 500n;
  const byText = await points().scroll({ collectionName: C, limit: 10, orderBy: orderBy('at', false, { case: 'datetime', value: '2024-01-01T22:00:00.000500+02:00' }) });
  assert.deepEqual(rows(byText), expected('at', false, 10, fromMicros), '22:00+02:00 is 20:00 UTC');
  const byTimestamp = await points().query({
    collectionName: C, limit: 10n,
    query: { variant: { case: 'orderBy', value: orderBy('at', true, { case: 'timestamp', value: { seconds: BigInt(fromMs / 1000), nanos: 500_000 } }) } },
  });
  assert.deepEqual(rows(byTimestamp), expected('at', true, 10, fromMicros));
});

test('Query order_by an integer index with start_from: one value per point, ties by id', async () => {
  const res = await points().query({ collectionName: C, limit: 15n, query: { variant: { case: 'orderBy', value: orderBy('rank', true, { case: 'integer', value: 25n }) } } });
  assert.deepEqual(rows(res), expected('rank', true, 15, 25n));
});

test('Scroll order_by refusals: an id offset, a key without a range index, an unparsable datetime', async () => {
  await rejects(points().scroll({ collectionName: C, offset: pid(3n), orderBy: orderBy('rank') }), Code.InvalidArgument, /Cannot use an `offset` when using `order_by`/);
  await rejects(points().scroll({ collectionName: C, orderBy: orderBy('color') }), Code.InvalidArgument, /No range index for `order_by` key: `color`/);
  await rejects(points().scroll({ collectionName: C, orderBy: orderBy('nothing') }), Code.InvalidArgument, /No range index for `order_by` key: `nothing`/);
  await rejects(points().scroll({ collectionName: C, orderBy: orderBy('at', false, { case: 'datetime', value: 'soon' }) }), Code.InvalidArgument, /Unable to parse datetime/);
});
