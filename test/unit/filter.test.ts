// Filter evaluation against expectations written by hand: every condition kind, arrays, nested
// paths, missing fields, nulls, datetimes and geo. Payload integers are bigint, as in the engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compileFilter, type Condition, decodeFilter, encodeFilter, type Filter, type Payload, type PointId,
} from '../../libs/engine/index.ts';

const env = (textIndexed: string[] = [], vectors: string[] = ['']) => ({
  hasVector: (_label: number, name: string) => vectors.includes(name),
  textIndexed: (path: string) => textIndexed.includes(path),
});

function holds(filter: Filter, payload: Payload | null, options: { id?: PointId; textIndexed?: string[]; vectors?: string[] } = {}): boolean {
  return compileFilter(filter, env(options.textIndexed, options.vectors))({ label: 0, id: options.id ?? 1n, payload });
}

const must = (...conditions: Condition[]): Filter => ({ must: conditions });
const field = (key: string, rest: object): Condition => ({ kind: 'field', key, ...rest }) as Condition;

test('match keyword, integer and bool compare type and value exactly', () => {
  assert.equal(holds(must(field('c', { match: { kind: 'keyword', value: 'red' } })), { c: 'red' }), true);
  assert.equal(holds(must(field('c', { match: { kind: 'keyword', value: 'red' } })), { c: 'Red' }), false);
  assert.equal(holds(must(field('n', { match: { kind: 'integer', value: 1n } })), { n: 1n }), true);
  assert.equal(holds(must(field('n', { match: { kind: 'integer', value: 1n } })), { n: 1 }), false, 'a stored double 1.0 is not the integer 1');
  assert.equal(holds(must(field('n', { match: { kind: 'integer', value: 9007199254740993n } })), { n: 9007199254740993n }), true);
  assert.equal(holds(must(field('n', { match: { kind: 'integer', value: 9007199254740993n } })), { n: 9007199254740992n }), false);
  assert.equal(holds(must(field('b', { match: { kind: 'bool', value: true } })), { b: true }), true);
  assert.equal(holds(must(field('b', { match: { kind: 'bool', value: true } })), { b: 'true' }), false);
});

test('arrays match when one element does; a missing field fails positive conditions', () => {
  const red = must(field('c', { match: { kind: 'keyword', value: 'red' } }));
  assert.equal(holds(red, { c: ['blue', 'red'] }), true);
  assert.equal(holds(red, { c: ['blue'] }), false);
  assert.equal(holds(red, { c: [] }), false);
  assert.equal(holds(red, { other: 'red' }), false);
  assert.equal(holds(red, null), false);
  assert.equal(holds(red, { c: [['red']] }), false, 'arrays inside arrays are not flattened');
});

test('any and except lists; except holds for other types, not for a missing field', () => {
  const any = must(field('c', { match: { kind: 'keywords', values: ['a', 'b'] } }));
  assert.equal(holds(any, { c: 'b' }), true);
  assert.equal(holds(any, { c: 'z' }), false);
  const anyInt = must(field('n', { match: { kind: 'integers', values: [3n, 4n] } }));
  assert.equal(holds(anyInt, { n: [1n, 4n] }), true);
  assert.equal(holds(anyInt, { n: 3 }), false);
  const except = must(field('c', { match: { kind: 'except_keywords', values: ['a', 'b'] } }));
  assert.equal(holds(except, { c: 'a' }), false);
  assert.equal(holds(except, { c: 'z' }), true);
  assert.equal(holds(except, { c: ['a', 'z'] }), true, 'one element outside the list is enough');
  assert.equal(holds(except, { c: ['a', 'b'] }), false);
  assert.equal(holds(except, { c: 5n }), true);
  assert.equal(holds(except, {}), false, 'a missing field fails, as every value test');
  assert.equal(holds(except, { c: null }), true, 'null is not a listed keyword');
  const exceptInt = must(field('n', { match: { kind: 'except_integers', values: [1n] } }));
  assert.equal(holds(exceptInt, { n: 1n }), false);
  assert.equal(holds(exceptInt, { n: 2n }), true);
  assert.equal(holds(exceptInt, { n: 1 }), true, 'a double is not an integer in the list');
});

test('text, text_any and phrase: substrings without a text index, tokens with one', () => {
  const doc = { t: 'The quick brown fox' };
  const text = (value: string) => must(field('t', { match: { kind: 'text', value } }));
  const textAny = (value: string) => must(field('t', { match: { kind: 'text_any', value } }));
  const phrase = (value: string) => must(field('t', { match: { kind: 'phrase', value } }));
  assert.equal(holds(text('quick br'), doc), true);
  assert.equal(holds(text('brown quick'), doc), false);
  assert.equal(holds(text('brown quick'), doc, { textIndexed: ['t'] }), true, 'all tokens, any order');
  assert.equal(holds(text('Quick'), doc), false, 'substring tests are case-sensitive');
  assert.equal(holds(text('Quick'), doc, { textIndexed: ['t'] }), true, 'tokens are lower-cased');
  assert.equal(holds(text('quick cat'), doc, { textIndexed: ['t'] }), false);
  assert.equal(holds(textAny('cat fox'), doc), true);
  assert.equal(holds(textAny('cat dog'), doc), false);
  assert.equal(holds(textAny('cat FOX'), doc, { textIndexed: ['t'] }), true);
  assert.equal(holds(phrase('quick brown'), doc, { textIndexed: ['t'] }), true);
  assert.equal(holds(phrase('brown quick'), doc, { textIndexed: ['t'] }), false);
  assert.equal(holds(phrase('k bro'), doc), true, 'without an index a phrase is a substring');
});

test('range applies to integers and doubles as f64; values_count counts with missing = 0', () => {
  const r = (range: object) => must(field('x', { range }));
  assert.equal(holds(r({ gte: 1, lt: 2 }), { x: 1n }), true);
  assert.equal(holds(r({ gte: 1, lt: 2 }), { x: 1.5 }), true);
  assert.equal(holds(r({ gte: 1, lt: 2 }), { x: 2 }), false);
  assert.equal(holds(r({ gt: 1 }), { x: 1 }), false);
  assert.equal(holds(r({ lte: 1 }), { x: [5, 0.5] }), true);
  assert.equal(holds(r({ gte: 0 }), { x: '5' }), false, 'strings are not numbers');
  const count = (range: object) => must(field('x', { valuesCount: range }));
  assert.equal(holds(count({ gte: 2 }), { x: [1n, 2n] }), true);
  assert.equal(holds(count({ gte: 2 }), { x: 1n }), false);
  assert.equal(holds(count({ lt: 1 }), {}), true, 'missing counts as 0');
  assert.equal(holds(count({ lt: 1 }), { x: null }), true, 'null counts as 0');
  assert.equal(holds(count({ gt: 0 }), { x: 'a' }), true, 'a scalar counts as 1');
});

test('datetime ranges read RFC 3339 strings, with offsets, fractions and bare dates', () => {
  const micros = (iso: string) => Date.parse(iso) * 1000;
  const after = must(field('d', { datetimeRange: { gte: micros('2024-01-01T00:00:00Z') } }));
  assert.equal(holds(after, { d: '2024-01-01T00:00:00Z' }), true);
  assert.equal(holds(after, { d: '2023-12-31T23:59:59.999999Z' }), false);
  assert.equal(holds(after, { d: '2024-01-01T01:00:00+02:00' }), false, '01:00+02:00 is 23:00 UTC the day before');
  assert.equal(holds(after, { d: '2024-01-01T00:30:00-00:30' }), true);
  assert.equal(holds(after, { d: '2024-06-01' }), true);
  assert.equal(holds(after, { d: '2024-06-01 10:00:00' }), true);
  assert.equal(holds(after, { d: 'not a date' }), false);
  assert.equal(holds(after, { d: 1_800_000_000n }), false, 'numbers are not datetimes');
  const before = must(field('d', { datetimeRange: { lt: micros('2024-01-01T00:00:00Z') + 1 } }));
  assert.equal(holds(before, { d: '2024-01-01T00:00:00Z' }), true, 'microsecond precision');
  assert.equal(holds(before, { d: '2024-01-01T00:00:00.000001Z' }), false);
});

test('geo radius (haversine metres), bounding box and polygon with a hole', () => {
  const berlin = { lon: 13.405, lat: 52.52 };
  const potsdam = { lon: 13.0645, lat: 52.3906 }; // 27.19 km from Berlin (haversine, R = 6371 km)
  const radius = (m: number) => must(field('loc', { geoRadius: { center: berlin, radius: m } }));
  assert.equal(holds(radius(27_300), { loc: potsdam }), true);
  assert.equal(holds(radius(27_100), { loc: potsdam }), false);
  assert.equal(holds(radius(1), { loc: [potsdam, berlin] }), true, 'one point of an array suffices');
  assert.equal(holds(radius(1e7), { loc: { lon: 'x', lat: 1 } }), false);
  const box = must(field('loc', { geoBoundingBox: { topLeft: { lon: 13, lat: 53 }, bottomRight: { lon: 14, lat: 52 } } }));
  assert.equal(holds(box, { loc: berlin }), true);
  assert.equal(holds(box, { loc: { lon: 12.9, lat: 52.5 } }), false);
  const square = (a: number, b: number) => [{ lon: a, lat: a }, { lon: b, lat: a }, { lon: b, lat: b }, { lon: a, lat: b }, { lon: a, lat: a }];
  const polygon = must(field('loc', { geoPolygon: { exterior: square(0, 10), interiors: [square(4, 6)] } }));
  assert.equal(holds(polygon, { loc: { lon: 2, lat: 2 } }), true);
  assert.equal(holds(polygon, { loc: { lon: 5, lat: 5 } }), false, 'inside the hole');
  assert.equal(holds(polygon, { loc: { lon: 11, lat: 5 } }), false);
});

test('is_empty and is_null, as conditions and as FieldCondition flags', () => {
  const isEmpty: Filter = must({ kind: 'is_empty', key: 'a' });
  assert.deepEqual(([{}, { a: null }, { a: [] }, { a: [null] }, { a: 0n }, { a: '' }] as Payload[]).map((p) => holds(isEmpty, p)), [true, true, true, false, false, false]);
  const isNull: Filter = must({ kind: 'is_null', key: 'a' });
  assert.deepEqual(([{}, { a: null }, { a: [] }, { a: [1n, null] }, { a: 0n }] as Payload[]).map((p) => holds(isNull, p)), [false, true, false, true, false]);
  assert.equal(holds(must(field('a', { isEmpty: false })), { a: [1n] }), true);
  assert.equal(holds(must(field('a', { isEmpty: false })), {}), false);
  assert.equal(holds(must(field('a', { isNull: true })), { a: null }), true);
});

test('several sub-conditions in one FieldCondition are an OR', () => {
  const either = must(field('x', { match: { kind: 'keyword', value: 'a' }, range: { gt: 10 } }));
  assert.equal(holds(either, { x: 'a' }), true);
  assert.equal(holds(either, { x: 11 }), true);
  assert.equal(holds(either, { x: 5 }), false);
});

test('nested key paths: a.b, a[].b, a.b[].c and indexes', () => {
  const eq = (key: string, value: string) => must(field(key, { match: { kind: 'keyword', value } }));
  const p: Payload = { a: { b: 'x', list: [{ c: 'p' }, { c: 'q' }] }, arr: [{ b: 'y' }, { b: 'z' }] };
  assert.equal(holds(eq('a.b', 'x'), p), true);
  assert.equal(holds(eq('arr[].b', 'z'), p), true);
  assert.equal(holds(eq('arr.b', 'z'), p), false, 'arrays are expanded only where the path says []');
  assert.equal(holds(eq('a.list[].c', 'q'), p), true);
  assert.equal(holds(eq('a.list[0].c', 'q'), p), false);
  assert.equal(holds(eq('a.list[1].c', 'q'), p), true);
  assert.equal(holds(eq('a.missing.c', 'q'), p), false);
});

test('nested conditions hold for one and the same array element', () => {
  const p: Payload = { diet: [{ food: 'meat', likes: false }, { food: 'veg', likes: true }] };
  const flat = must(field('diet[].food', { match: { kind: 'keyword', value: 'meat' } }), field('diet[].likes', { match: { kind: 'bool', value: true } }));
  assert.equal(holds(flat, p), true, 'across elements');
  const nested = (filter: Filter): Filter => must({ kind: 'nested', key: 'diet', filter });
  assert.equal(holds(nested(must(field('food', { match: { kind: 'keyword', value: 'meat' } }), field('likes', { match: { kind: 'bool', value: true } }))), p), false);
  assert.equal(holds(nested(must(field('food', { match: { kind: 'keyword', value: 'veg' } }), field('likes', { match: { kind: 'bool', value: true } }))), p), true);
  assert.equal(holds(nested({ mustNot: [field('likes', { match: { kind: 'bool', value: true } })] }), p), true, 'an element that does not like');
  assert.equal(holds(nested(must(field('food', { match: { kind: 'keyword', value: 'veg' } }))), { diet: { food: 'veg' } }), false, 'not an array');
});

test('must, should, must_not, min_should, has_id, has_vector and nested groups', () => {
  const a = field('a', { match: { kind: 'bool', value: true } });
  const b = field('b', { match: { kind: 'bool', value: true } });
  const c = field('c', { match: { kind: 'bool', value: true } });
  const p = { a: true, b: false, c: true };
  assert.equal(holds({ should: [a, b] }, p), true);
  assert.equal(holds({ should: [b] }, p), false);
  assert.equal(holds({ mustNot: [b] }, p), true);
  assert.equal(holds({ mustNot: [a, b] }, p), false);
  assert.equal(holds({ minShould: { conditions: [a, b, c], minCount: 2 } }, p), true);
  assert.equal(holds({ minShould: { conditions: [a, b, c], minCount: 3 } }, p), false);
  assert.equal(holds({ must: [a], should: [b] }, p), false, 'should still needs one when must holds');
  assert.equal(holds(must({ kind: 'filter', filter: { should: [b, c] } }), p), true);
  assert.equal(holds({}, p), true, 'an empty filter holds for every point');
  assert.equal(holds(must({ kind: 'has_id', ids: [5n, 'a0000000-0000-4000-8000-000000000000'] }), p, { id: 5n }), true);
  assert.equal(holds(must({ kind: 'has_id', ids: [5n] }), p, { id: 6n }), false);
  assert.equal(holds(must({ kind: 'has_id', ids: ['a0000000-0000-4000-8000-000000000000'] }), p, { id: 'a0000000-0000-4000-8000-000000000000' }), true);
  assert.equal(holds(must({ kind: 'has_vector', name: '' }), p), true);
  assert.equal(holds(must({ kind: 'has_vector', name: 'image' }), p), false);
});

test('a filter survives encoding with every bigint intact', () => {
  const filter: Filter = {
    must: [field('n', { match: { kind: 'integers', values: [18446744073709551615n, -5n] } }), { kind: 'has_id', ids: [9007199254740993n, 'a0000000-0000-4000-8000-000000000000'] }],
    minShould: { conditions: [field('x', { range: { gte: 1.5 } })], minCount: 1 },
  };
  assert.deepEqual(decodeFilter(encodeFilter(filter)), filter);
});
